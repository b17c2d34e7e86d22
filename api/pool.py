"""The bounded pool that runs blocking work off the event loop.

Admission: at most ``workers + queue`` requests are admitted at once; one more is answered 503
with ``Retry-After`` before its body is even read, so memory stays bounded by
``(workers + queue) × max body``. An admitted request waits at most ``queue_wait_s`` for a free
worker (then 503 BUSY), and a job may run at most ``timeout_s`` (then 503 TIMEOUT).

Workers (``MASKER_API_POOL``):

- ``process`` (default): each worker is a child process (spawned, not forked: onnxruntime's
  threads do not survive a fork) holding its own ``Masker`` and OCR engine, fed over a pipe, in
  memory. A job over its time is ended for real: the process is killed and a fresh one started
  (≈1.5 s to load the engine), so a hostile file cannot hold a worker forever; a crash in native
  code (decoder, MuPDF) kills only that worker, never the server; optional address-space limit
  (``MASKER_API_WORKER_MEMORY_MB``) turns runaway memory into a 413.
- ``thread``: threads in the server process sharing one ``Masker``. Lighter, but a job over its
  time cannot be stopped: the answer is 503 at the deadline and the worker stays busy until the
  job ends.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing as mp
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, AsyncIterator

from .errors import ApiError, busy
from .settings import Settings

log = logging.getLogger("masker.api")


# ------------------------------------------------------------------ worker process side

def worker_main(conn, engine: str | None, memory_mb: int) -> None:  # pragma: no cover - child process
    """Entry point of a worker process: load the engine, then answer jobs until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops us; no KeyboardInterrupt noise
    if memory_mb > 0:
        import resource

        lim = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (lim, lim))
    from . import jobs
    from .logs import sensitive, setup_logging

    setup_logging(worker=True)
    try:
        masker = jobs.make_masker(engine)
        setup_logging(worker=True)  # the engine may have added loggers of its own
        conn.send(("ready", getattr(masker.engine, "name", "?")))
    except BaseException as e:  # noqa: BLE001
        try:
            conn.send(("failed", type(e).__name__))
        finally:
            return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        with sensitive(job.pop("sensitive", ())):
            reply = jobs.execute(masker, job)
        del job
        try:
            conn.send(reply)
        except (BrokenPipeError, OSError):
            return
        del reply


# ------------------------------------------------------------------ server side

class _Worker:
    ready: bool = False
    failed: str | None = None
    engine: str | None = None

    async def start(self) -> None: ...

    async def call(self, job: dict, timeout: float) -> dict: ...

    async def stop(self) -> None: ...


class ProcessWorker(_Worker):
    def __init__(self, pool: "WorkerPool", idx: int):
        self.pool = pool
        self.idx = idx
        self.proc = None
        self.conn = None
        self._ready_task: asyncio.Task | None = None

    async def start(self) -> None:
        """Spawn the process; becomes ready (and joins the idle queue) once its engine is loaded."""
        ctx = mp.get_context("spawn")
        parent, child = ctx.Pipe(duplex=True)
        s = self.pool.settings
        self.proc = ctx.Process(target=worker_main, args=(child, s.engine, s.worker_memory_mb),
                                name=f"masker-worker-{self.idx}", daemon=True)
        self.proc.start()
        child.close()
        self.conn = parent
        self.ready = False
        self._ready_task = asyncio.create_task(self._await_ready())

    async def wait_ready(self) -> None:
        if self._ready_task is not None:
            await asyncio.shield(self._ready_task)

    async def _await_ready(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            msg = await loop.run_in_executor(self.pool.io, self.conn.recv)
        except (EOFError, OSError):
            msg = ("failed", "worker exited while loading")
        if msg[0] == "ready":
            self.ready, self.failed, self.engine = True, None, msg[1]
            self.pool.idle.put_nowait(self)
        else:
            self.ready, self.failed = False, msg[1]
            log.error("worker %d failed to load the OCR engine: %s", self.idx, msg[1])

    def _roundtrip(self, job: dict) -> dict:
        self.conn.send(job)
        return self.conn.recv()

    async def call(self, job: dict, timeout: float) -> dict:
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self.pool.io, self._roundtrip, job)
        try:
            reply = await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            log.warning("rid=%s worker %d over its time (%.0f s): restarting it", job.get("rid"), self.idx, timeout)
            await self._restart(fut)
            raise busy(self.pool.settings.retry_after_s, "TIMEOUT",
                       f"处理超时（上限 {timeout:g} 秒）/ processing took longer than {timeout:g} s") from None
        except asyncio.CancelledError:
            # the request went away (client gone, shutdown): let the job end, then free the worker
            asyncio.get_running_loop().create_task(self._finish_later(fut, job.get("rid")))
            raise
        except (EOFError, OSError, BrokenPipeError):
            if self.pool.closing:
                raise busy(self.pool.settings.retry_after_s, "SHUTTING_DOWN",
                           "服务正在停止，请稍后重试 / the server is shutting down, please retry") from None
            code = self.proc.exitcode if self.proc is not None else None
            log.error("rid=%s worker %d stopped (exit code %s): restarting it", job.get("rid"), self.idx, code)
            await self._restart(fut)
            raise ApiError(500, "WORKER_CRASHED", "处理进程意外退出 / the worker stopped while processing this file") \
                from None
        self.pool.idle.put_nowait(self)
        return reply

    async def _finish_later(self, fut, rid) -> None:
        try:
            await asyncio.wait_for(asyncio.shield(fut), self.pool.settings.timeout_s)
        except BaseException:  # noqa: BLE001 - over time or crashed: start afresh
            await self._restart(fut)
            return
        self.pool.idle.put_nowait(self)

    async def _restart(self, fut) -> None:
        self.ready = False
        await self._kill()
        with contextlib.suppress(BaseException):
            await fut
        if not self.pool.closing:
            await self.start()

    async def _kill(self) -> None:
        if self.proc is not None and self.proc.is_alive():
            self.proc.kill()
        if self.proc is not None:
            await asyncio.get_running_loop().run_in_executor(self.pool.io, self.proc.join, 5)
        if self.conn is not None:
            self.conn.close()

    async def stop(self) -> None:
        if self._ready_task is not None and not self._ready_task.done():
            self._ready_task.cancel()
        if self.proc is not None and self.proc.is_alive() and self.conn is not None:
            with contextlib.suppress(OSError, ValueError):
                self.conn.send(None)
            await asyncio.get_running_loop().run_in_executor(self.pool.io, self.proc.join, 2)
        await self._kill()


class ThreadWorker(_Worker):
    """A thread of the server process. All thread workers share one ``Masker`` (one engine)."""

    _masker = None

    def __init__(self, pool: "WorkerPool", idx: int):
        self.pool = pool
        self.idx = idx

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._task = asyncio.create_task(self._load(loop))

    async def _load(self, loop) -> None:
        from . import jobs

        try:
            if ThreadWorker._masker is None:
                ThreadWorker._masker = await loop.run_in_executor(self.pool.cpu, jobs.make_masker, self.pool.settings.engine)
            self.engine = getattr(ThreadWorker._masker.engine, "name", "?")
            self.ready = True
            self.pool.idle.put_nowait(self)
        except Exception as e:  # noqa: BLE001
            self.failed = type(e).__name__
            log.error("worker %d failed to load the OCR engine: %s", self.idx, self.failed)

    async def wait_ready(self) -> None:
        await asyncio.shield(self._task)

    def _run(self, job: dict) -> dict:
        from . import jobs
        from .logs import sensitive

        with sensitive(job.pop("sensitive", ())):
            return jobs.execute(ThreadWorker._masker, job)

    async def call(self, job: dict, timeout: float) -> dict:
        loop = asyncio.get_running_loop()
        fut = loop.run_in_executor(self.pool.cpu, self._run, job)
        # the worker is free again only when the job has really ended
        fut.add_done_callback(lambda _f: self.pool.idle.put_nowait(self))
        try:
            return await asyncio.wait_for(asyncio.shield(fut), timeout)
        except TimeoutError:
            log.warning("rid=%s job over its time (%.0f s); its thread stays busy until it ends",
                        job.get("rid"), timeout)
            raise busy(self.pool.settings.retry_after_s, "TIMEOUT",
                       f"处理超时（上限 {timeout:g} 秒）/ processing took longer than {timeout:g} s") from None

    async def stop(self) -> None:
        pass


class WorkerPool:
    def __init__(self, settings: Settings):
        self.settings = settings
        self.admitted = 0
        self.closing = False
        self.started_at = time.time()
        self.idle: asyncio.Queue = asyncio.Queue()
        n = settings.workers
        # threads that only wait on pipes (process pool) or run the jobs (thread pool)
        self.io = ThreadPoolExecutor(max_workers=2 * n + 2, thread_name_prefix="masker-io")
        self.cpu = ThreadPoolExecutor(max_workers=n, thread_name_prefix="masker-job")
        cls = ProcessWorker if settings.pool == "process" else ThreadWorker
        self.workers: list[Any] = [cls(self, i) for i in range(n)]
        self.stats = {"done": 0, "busy": 0, "timeout": 0}

    async def start(self, wait: bool = True) -> None:
        for w in self.workers:
            await w.start()
        if wait:
            await asyncio.gather(*(w.wait_ready() for w in self.workers))

    async def stop(self) -> None:
        self.closing = True
        await asyncio.gather(*(w.stop() for w in self.workers), return_exceptions=True)
        self.io.shutdown(wait=False, cancel_futures=True)
        self.cpu.shutdown(wait=False, cancel_futures=True)

    # --------------------------------------------------------------- state
    @property
    def ready(self) -> bool:
        return any(w.ready for w in self.workers)

    def health(self) -> dict:
        return {"ready": self.ready,
                "engine": next((w.engine for w in self.workers if w.engine), None),
                "workers": len(self.workers),
                "workers_ready": sum(1 for w in self.workers if w.ready),
                "pool": self.settings.pool,
                "failed": next((w.failed for w in self.workers if w.failed), None),
                "in_flight": self.admitted,
                "capacity": self.settings.capacity,
                "jobs_done": self.stats["done"], "busy_refusals": self.stats["busy"],
                "timeouts": self.stats["timeout"]}

    # --------------------------------------------------------------- use
    @contextlib.asynccontextmanager
    async def admit(self) -> AsyncIterator[None]:
        """Take a place among the ``workers + queue`` admitted requests, or 503 at once."""
        if self.admitted >= self.settings.capacity:
            self.stats["busy"] += 1
            raise busy(self.settings.retry_after_s)
        self.admitted += 1
        try:
            yield
        finally:
            self.admitted -= 1

    async def run(self, job: dict) -> dict:
        """Run a job on the next free worker; return the reply dict of ``api.jobs.execute``."""
        s = self.settings
        try:
            async with asyncio.timeout(s.queue_wait_s):
                worker = await self.idle.get()
        except TimeoutError:
            self.stats["busy"] += 1
            if not self.ready:
                raise busy(s.retry_after_s, "NOT_READY", "OCR 引擎尚未就绪 / the OCR engine is not loaded yet") from None
            raise busy(s.retry_after_s) from None
        try:
            return await worker.call(job, s.timeout_s)
        except ApiError as e:
            if e.code == "TIMEOUT":
                self.stats["timeout"] += 1
            raise
        finally:
            self.stats["done"] += 1

