"""Batch mode for committee staff (``masker batch``): many files, N worker processes (or Ray),
results streamed to ``DIR/results.jsonl`` (resumable), and a report in JSON, CSV and
self-contained HTML. See ``README.md`` in this folder."""
from .manifest import Job, ManifestError, load_jobs
from .runner import BatchSummary, plan_threads, run_batch, run_batch_jobs

__all__ = ["Job", "ManifestError", "load_jobs", "BatchSummary", "plan_threads", "run_batch", "run_batch_jobs"]
