"""Local backend: N worker processes (spawn), each building one ``Masker`` — so the OCR engine
loads once per process — and taking one job at a time over its own pipe.

The driver always knows which job each worker holds, so a worker that dies (a crash in native
code, the kernel's OOM killer) or overruns the per-file timeout costs exactly that one file,
which becomes an error row (``WORKER_CRASHED`` / ``TIMEOUT``), and a fresh worker takes its
place. Workers ignore SIGINT: Ctrl-C reaches the driver, which stops them and keeps what is
already in ``results.jsonl``.
"""
from __future__ import annotations

import importlib
import logging
import multiprocessing as mp
import os
import signal
import time
from multiprocessing.connection import wait
from typing import Iterator

from ..errors import MaskerError
from .job import error_row, process_job
from .manifest import Job

log = logging.getLogger("masker.batch")


def build_masker(engine: str | None, factory: str | None):
    """The worker's ``Masker``: ``factory`` ("module:callable", e.g. for a custom policy) or the default."""
    factory = factory or os.environ.get("MASKER_BATCH_FACTORY") or None
    if factory:
        mod, _, attr = factory.partition(":")
        return getattr(importlib.import_module(mod), attr)(engine)
    from ..masker import Masker

    return Masker(engine=engine)


def _warm(masker) -> None:
    try:  # load the OCR engine now, not inside the first file's seconds
        warm = getattr(masker, "warm_up", None)  # a factory's object may be no Masker
        warm() if warm is not None else masker.engine  # noqa: B018
    except Exception:  # noqa: BLE001 - the first job will report it as its error
        pass


def worker_main(conn, threads: int, engine: str | None, factory: str | None, thumbs: bool,
                log_level: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if threads > 0:
        os.environ["MASKER_OCR_THREADS"] = str(threads)
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
    logging.basicConfig(level=log_level, format="%(levelname)s %(name)s: %(message)s")
    try:
        import cv2

        cv2.setNumThreads(max(1, threads))
    except Exception:  # noqa: BLE001
        pass
    masker = build_masker(engine, factory)
    _warm(masker)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):  # the driver is gone
            return
        if msg is None:
            return
        job = Job.from_dict(msg)
        conn.send(("done", process_job(masker, job, thumbs=thumbs)))


class _Slot:
    def __init__(self, ctx, threads, engine, factory, thumbs, log_level):
        self.conn, child = ctx.Pipe(duplex=True)
        self.proc = ctx.Process(target=worker_main, args=(child, threads, engine, factory, thumbs, log_level),
                                daemon=True, name="masker-batch-worker")
        self.proc.start()
        child.close()
        self.job: Job | None = None
        self.started = 0.0
        self.ready = False

    def stop(self, hard: bool = False) -> None:
        if self.proc.is_alive():
            if hard:
                self.proc.kill()
            else:
                try:
                    self.conn.send(None)
                except (OSError, ValueError):
                    pass
        self.proc.join(timeout=5 if not hard else 2)
        if self.proc.is_alive():
            self.proc.kill()
            self.proc.join(timeout=2)
        self.conn.close()


def run_local(jobs: list[Job], workers: int, threads: int, engine: str | None = None,
              factory: str | None = None, timeout: float | None = None, thumbs: bool = True,
              start_method: str | None = None, log_level: int = logging.ERROR) -> Iterator[dict]:
    """Yield one row per job, in completion order. Closing the generator stops the workers."""
    if not jobs:
        return
    # spawn: every worker is a fresh interpreter with the driver's current environment (a
    # forkserver would keep the environment of the moment it started, across batches)
    ctx = mp.get_context(start_method or "spawn")
    factory = factory or os.environ.get("MASKER_BATCH_FACTORY") or None
    pending = list(reversed(jobs))
    n = max(1, min(workers, len(jobs)))
    slots = [_Slot(ctx, threads, engine, factory, thumbs, log_level) for _ in range(n)]
    try:
        while pending or any(s.job is not None for s in slots):
            # hand a job to every ready, idle worker
            for s in slots:
                if s.ready and s.job is None and pending:
                    s.job = pending.pop()
                    s.started = time.monotonic()
                    s.conn.send(s.job.to_dict())
            busy_or_starting = [s for s in slots if s.job is not None or not s.ready]
            if not busy_or_starting:
                break
            objs = {}
            for s in busy_or_starting:
                objs[s.conn] = s
                objs[s.proc.sentinel] = s
            ready = wait(list(objs), timeout=1.0)
            replace: list[_Slot] = []
            for r in ready:
                s = objs[r]
                if s in replace:
                    continue
                if r is s.conn:
                    try:
                        kind, payload = s.conn.recv()
                    except (EOFError, OSError):
                        replace.append(s)
                        continue
                    if kind == "ready":
                        s.ready = True
                    else:
                        s.job = None
                        yield payload
                elif not s.proc.is_alive() or r is s.proc.sentinel:
                    # drain a result that arrived just before the exit
                    while s.conn.poll():
                        try:
                            kind, payload = s.conn.recv()
                        except (EOFError, OSError):
                            break
                        if kind == "done":
                            s.job = None
                            yield payload
                    replace.append(s)
            if timeout:
                now = time.monotonic()
                for s in slots:
                    if s.job is not None and s not in replace and now - s.started > timeout:
                        log.warning("row %d: over the %ss per-file limit; worker restarted", s.job.row, timeout)
                        s.proc.kill()
                        job, s.job = s.job, None
                        yield error_row(job, "TIMEOUT", f"处理超时（超过 {timeout:g} 秒）/ the file took longer "
                                        f"than {timeout:g} s", 3, now - s.started)
                        replace.append(s)
            for s in replace:
                if s.job is not None:
                    job, s.job = s.job, None
                    code = s.proc.exitcode
                    log.warning("row %d: worker died (exit code %s); restarting it", job.row, code)
                    yield error_row(job, "WORKER_CRASHED", f"处理进程意外退出（可能内存不足）/ the worker process died "
                                    f"(exit code {code}; out of memory?)", 3, time.monotonic() - s.started)
                elif not s.ready:
                    s.proc.join(timeout=2)
                    raise MaskerError(f"处理进程无法启动 / a batch worker failed to start (exit code "
                                      f"{s.proc.exitcode}; run with -v for its log)", code="WORKER_START_FAILED")
                s.stop(hard=True)
                i = slots.index(s)
                if pending:
                    slots[i] = _Slot(ctx, threads, engine, factory, thumbs, log_level)
                else:
                    slots.pop(i)
    finally:
        for s in slots:
            s.stop(hard=s.job is not None)
