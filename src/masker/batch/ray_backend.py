"""Ray backend: the same per-file job (:func:`masker.batch.job.process_job`) in Ray actors,
each actor holding one ``Masker`` (the OCR engine loads once per actor).

The driver reads each file's bytes and ships them with the job, so the cluster's nodes need
masker installed but not the files. At most two jobs per actor are in flight, so memory in the
object store stays bounded however long the manifest is. Install with ``pip install masker[ray]``.
"""
from __future__ import annotations

import logging
import os
import time
from typing import Iterator

from ..errors import OptionError
from .job import error_row
from .manifest import Job

log = logging.getLogger("masker.batch")


def _ray():
    try:
        import ray
    except ImportError as e:
        raise OptionError("未安装 Ray：pip install 'masker[ray]' / Ray is not installed: pip install 'masker[ray]'",
                          code="RAY_MISSING") from e
    return ray


class _BatchActor:
    """One per Ray worker process: builds the Masker once, then runs jobs."""

    def __init__(self, threads: int, engine: str | None, factory: str | None, thumbs: bool):
        if threads > 0:
            os.environ["MASKER_OCR_THREADS"] = str(threads)
        from .local import _warm, build_masker

        self.masker = build_masker(engine, factory)
        _warm(self.masker)
        self.thumbs = thumbs

    def run(self, job_dict: dict, data: bytes | None, original: bytes | None) -> dict:
        from .job import process_job

        return process_job(self.masker, Job.from_dict(job_dict), data=data, original_data=original,
                           thumbs=self.thumbs)

    def pid(self) -> int:
        return os.getpid()


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return None


def run_ray(jobs: list[Job], workers: int, threads: int, address: str | None = None, engine: str | None = None,
            factory: str | None = None, timeout: float | None = None, thumbs: bool = True,
            ship_bytes: bool = True) -> Iterator[dict]:
    """Yield one row per job, in completion order. Connects to ``address`` (or the running
    instance / a new local one); leaves a Ray instance it did not start running."""
    ray = _ray()
    factory = factory or os.environ.get("MASKER_BATCH_FACTORY") or None
    started_here = False
    if not ray.is_initialized():
        kw = {"include_dashboard": False, "log_to_driver": False, "logging_level": logging.WARNING}
        if address:
            ray.init(address=address, **kw)
        else:
            from .runner import cpu_count

            ray.init(num_cpus=workers * max(1, threads) if workers > 0 else cpu_count(), **kw)
        started_here = True
    if workers <= 0:
        workers = max(1, int(ray.cluster_resources().get("CPU", 1)) // max(1, threads))
    n = max(1, min(workers, len(jobs)))
    Actor = ray.remote(num_cpus=max(1, threads))(_BatchActor)
    actors = [Actor.remote(threads, engine, factory, thumbs) for _ in range(n)]
    pending = list(reversed(jobs))
    inflight: dict = {}  # ObjectRef -> (job, actor index, time submitted)
    load = {i: 0 for i in range(n)}

    def restart(i: int) -> None:
        """Kill actor i, start a fresh one, and put its queued jobs back."""
        try:
            ray.kill(actors[i])
        except Exception:  # noqa: BLE001
            pass
        actors[i] = Actor.remote(threads, engine, factory, thumbs)
        for ref, (job, k, _) in list(inflight.items()):
            if k == i:
                inflight.pop(ref)
                pending.append(job)
        load[i] = 0

    try:
        while pending or inflight:
            while pending and min(load.values()) < 2:
                i = min(load, key=load.get)
                job = pending.pop()
                data = orig = None
                if ship_bytes and not job.problem:
                    data = _read(job.path)  # None: the worker's loader names the error
                    orig = _read(job.original_path) if job.original_path else None
                ref = actors[i].run.remote(job.to_dict(), data, orig)
                inflight[ref] = (job, i, time.monotonic())
                load[i] += 1
            done, _ = ray.wait(list(inflight), num_returns=1, timeout=1.0)
            for ref in done:
                if ref not in inflight:
                    continue
                job, i, t0 = inflight.pop(ref)
                load[i] -= 1
                try:
                    yield ray.get(ref)
                except ray.exceptions.RayActorError:
                    log.warning("row %d: Ray actor died; restarting it", job.row)
                    restart(i)
                    yield error_row(job, "WORKER_CRASHED", "处理进程意外退出 / the Ray worker died", 3,
                                    time.monotonic() - t0)
                except ray.exceptions.RayError as e:
                    yield error_row(job, "INTERNAL", f"内部错误 / internal error: {type(e).__name__}", 3,
                                    time.monotonic() - t0)
            if timeout:
                now = time.monotonic()
                for ref, (job, i, t0) in list(inflight.items()):
                    # a job may wait behind one other on its actor: allow twice the limit
                    if ref in inflight and now - t0 > timeout * 2:
                        log.warning("row %d: over the per-file limit; Ray actor restarted", job.row)
                        inflight.pop(ref)
                        restart(i)
                        yield error_row(job, "TIMEOUT", f"处理超时（超过 {timeout:g} 秒）/ the file took longer "
                                        f"than {timeout:g} s", 3, now - t0)
    finally:
        for a in actors:
            try:
                ray.kill(a)
            except Exception:  # noqa: BLE001
                pass
        if started_here:
            ray.shutdown()
