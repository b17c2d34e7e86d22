"""The batch driver: plan (manifest → jobs, resume), run (local processes or Ray), stream rows to
``results.jsonl`` with a progress bar, and write the report.

stderr carries progress, row numbers and error codes only — never applicants' names, never file
names (they often contain the name); those belong in the committee's report files."""
from __future__ import annotations

import logging
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from ..errors import OptionError
from .job import error_row
from .manifest import Job, ManifestError, load_jobs
from .report import build_report
from .store import RESULTS, ResultWriter, is_finished, read_results

log = logging.getLogger("masker.batch")


@dataclass
class BatchSummary:
    out_dir: Path
    total: int = 0                 # manifest rows
    unique: int = 0                # distinct jobs (identical rows run once)
    skipped: int = 0               # finished before (--resume)
    processed: int = 0             # run by this call
    verdicts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    workers: int = 1
    threads: int = 0
    backend: str = "local"
    interrupted: bool = False
    reports: dict[str, Path] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        if self.interrupted:
            return 130
        bad = self.verdicts.get("fail", 0) + self.verdicts.get("error", 0) + self.verdicts.get("pending", 0)
        return 1 if bad else 0

    def to_dict(self) -> dict[str, Any]:
        return {"out_dir": str(self.out_dir), "total": self.total, "unique": self.unique, "skipped": self.skipped,
                "processed": self.processed, "verdicts": self.verdicts, "seconds": round(self.seconds, 2),
                "workers": self.workers, "threads": self.threads, "backend": self.backend,
                "interrupted": self.interrupted, "exit_code": self.exit_code,
                "reports": {k: str(v) for k, v in self.reports.items()}}


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def plan_threads(workers: int, threads: int | None = None) -> int:
    """OCR threads per worker so that workers × threads ≤ cores (``MASKER_OCR_THREADS`` wins)."""
    if threads:
        return threads
    env = os.environ.get("MASKER_OCR_THREADS")
    if env and env.strip().isdigit() and int(env) > 0:
        return int(env)
    return max(1, cpu_count() // max(1, workers))


def _progress(total: int, initial: int, enabled: bool):
    try:
        from tqdm import tqdm
    except ImportError:  # pragma: no cover - tqdm is a dependency
        return None
    return tqdm(total=total, initial=initial, unit="file", desc="masker batch", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True, mininterval=0.5, smoothing=0.1)


def run_batch_jobs(jobs: list[Job], out_dir: str | Path, workers: int = 1, resume: bool = False,
                   backend: str = "local", *, address: str | None = None, engine: str | None = None,
                   threads: int | None = None, timeout: float | None = None, progress: bool = True,
                   factory: str | None = None, thumbs: bool = True, info: dict | None = None,
                   verbose: bool = False) -> BatchSummary:
    """Run ``jobs`` (from :func:`masker.batch.manifest.load_jobs`) and write ``out_dir``'s
    results.jsonl and report.{json,csv,html}. Raises ``OptionError`` when ``out_dir`` already
    holds results and ``resume`` is false. Ctrl-C stops cleanly: what finished is kept, a partial
    report is written, and ``summary.interrupted`` is set."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    results = out / RESULTS
    if results.exists() and results.stat().st_size > 0 and not resume:
        raise OptionError(f"输出目录已有结果，继续请加 --resume，或换一个目录 / {out} already holds results: add --resume "
                          "to continue, or choose another --out", code="OUTPUT_EXISTS")
    if backend not in ("local", "ray"):
        raise OptionError("--engine-backend 只能是 local 或 ray / the backend must be local or ray")
    if timeout is None:
        try:
            timeout = float(os.environ.get("MASKER_BATCH_TIMEOUT", "") or 0) or None
        except ValueError:
            timeout = None
    if workers is None or workers <= 0:
        workers = cpu_count() if backend == "local" else 0
    if backend == "ray" and address:
        # the cluster's nodes are not this machine: one OCR thread per actor unless told otherwise
        nthreads = plan_threads(10**6, threads)
    else:
        nthreads = plan_threads(workers if workers > 0 else cpu_count(), threads)
    summary = BatchSummary(out_dir=out, total=len(jobs), workers=workers, threads=nthreads, backend=backend)

    rows = read_results(results) if resume else {}
    done_keys = {k for k, r in rows.items() if is_finished(r)}
    todo: list[Job] = []
    seen: set[str] = set()
    for j in jobs:
        if j.key in seen:
            continue
        seen.add(j.key)
        if j.key not in done_keys:
            todo.append(j)
    summary.unique = len(seen)
    summary.skipped = len(seen) - len(todo)
    if summary.skipped:
        log.warning("resume: %d of %d files already finished, %d to go", summary.skipped, len(seen), len(todo))

    writer = ResultWriter(out)
    bar = _progress(len(seen), summary.skipped, progress)
    counts = {"fail": 0, "error": 0}
    t0 = time.perf_counter()
    level = logging.WARNING if verbose else logging.ERROR
    gen: Iterable[dict]
    # rows that need no worker (bad manifest rows) are written at once
    direct = [j for j in todo if j.problem]
    work = [j for j in todo if not j.problem]
    if backend == "ray":
        from .ray_backend import run_ray

        gen = run_ray(work, workers, nthreads, address=address, engine=engine, factory=factory, timeout=timeout,
                      thumbs=thumbs) if work else iter(())
    else:
        from .local import run_local

        gen = run_local(work, workers, nthreads, engine=engine, factory=factory, timeout=timeout, thumbs=thumbs,
                        log_level=level)
    try:
        for row in [error_row(j, j.problem["code"], j.problem["message"]) for j in direct]:
            _record(row, writer, rows, bar, counts, summary)
        for row in gen:
            _record(row, writer, rows, bar, counts, summary)
    except KeyboardInterrupt:
        summary.interrupted = True
        print("\n已中断，已完成的结果已保存；用 --resume 继续 / interrupted: finished results are kept; "
              "run again with --resume to continue", file=sys.stderr)
    finally:
        close = getattr(gen, "close", None)
        if close:
            try:
                close()
            except KeyboardInterrupt:
                summary.interrupted = True
        writer.close()
        if bar is not None:
            bar.close()
    summary.seconds = time.perf_counter() - t0
    summary.verdicts = build(jobs, rows, out, {**(info or {}), "workers": workers, "threads": nthreads,
                                                "backend": backend})
    summary.reports = {k: out / f"report.{k}" for k in ("json", "csv", "html")}
    return summary


def _record(row: dict, writer: ResultWriter, rows: dict, bar, counts: dict, summary: BatchSummary) -> None:
    row = writer.write(row)
    rows[row["key"]] = row
    summary.processed += 1
    v = row.get("verdict")
    if v in counts:
        counts[v] += 1
    if v == "error":
        msg = f"row {row.get('row', 0)}: error {(row.get('error') or {}).get('code')}"
        if bar is not None and not bar.disable:
            bar.write(f"WARNING masker.batch: {msg}", file=sys.stderr)
        else:
            log.warning("%s", msg)
    if bar is not None:
        bar.set_postfix(fail=counts["fail"], error=counts["error"], refresh=False)
        bar.update(1)


def build(jobs: list[Job], rows: dict[str, dict], out: Path, info: dict) -> dict[str, int]:
    report = build_report(jobs, rows, out, info)
    return dict(report["summary"]["verdicts"])


def _backend_from_args(args) -> tuple[str, str | None]:
    """``--engine-backend local|ray``; ``masker batch ... --engine ray|local`` is accepted as the
    same (when cli.py gives the batch parser its own ``--engine``, stored as ``batch_engine``),
    and any other value there names the OCR engine."""
    backend = getattr(args, "backend", None) or "local"
    engine = getattr(args, "engine", None)
    alias = getattr(args, "batch_engine", None)
    if alias:
        if alias.lower() in ("local", "ray"):
            backend = alias.lower()
        else:
            engine = alias
    if engine and engine.lower() in ("local", "ray"):  # `masker --engine ray batch ...`
        backend, engine = engine.lower(), None
    return backend, engine


def _sigterm_as_interrupt() -> None:
    """``kill PID`` stops the batch as Ctrl-C does: finished results kept, partial report written."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        def handler(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, handler)


def run_batch(args) -> int:
    """``masker batch MANIFEST --out DIR [--workers N] [--resume] [--engine-backend local|ray]
    [--address ADDR]``: 0 all pass, 1 some fail or error, 2 bad manifest (raised as InputError
    for the CLI to map), 130 interrupted."""
    backend, engine = _backend_from_args(args)
    jobs = load_jobs(args.manifest)  # ManifestError → exit 2 in cli.run
    verbose = bool(getattr(args, "verbose", False))
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("masker.batch").setLevel(logging.INFO if verbose else logging.WARNING)
    _sigterm_as_interrupt()
    summary = run_batch_jobs(jobs, args.out, workers=getattr(args, "workers", 1), resume=getattr(args, "resume", False),
                             backend=backend, address=getattr(args, "address", None), engine=engine,
                             threads=getattr(args, "threads", None), timeout=getattr(args, "timeout", None),
                             progress=not getattr(args, "no_progress", False), verbose=verbose,
                             info={"manifest": str(args.manifest)})
    v = summary.verdicts
    print(f"完成 / done: {summary.unique} 个文件 files · 通过 pass {v.get('pass', 0)} · 不通过 fail {v.get('fail', 0)} · "
          f"出错 error {v.get('error', 0)}" + (f" · 已建议 proposed {v['proposed']}" if v.get("proposed") else "")
          + (f" · 未完成 pending {v['pending']}" if v.get("pending") else "")
          + f" · 本次 this run {summary.processed}, 跳过 skipped {summary.skipped}, {summary.seconds:.1f} s",
          file=sys.stderr)
    print(f"报告 / report: {summary.reports['html']}", file=sys.stderr)
    return summary.exit_code


__all__ = ["BatchSummary", "run_batch", "run_batch_jobs", "plan_threads", "ManifestError"]
