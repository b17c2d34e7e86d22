"""API settings, all from environment variables (documented in ``api/README.md``).

File limits (bytes, pixels, pages, PDF dpi) are the library's own ``masker.limits.Limits`` so the
CLI, the batch and the API refuse the same files; the settings here are the server's own: the
worker pool, the queue, time limits, the API key, CORS and the previews of the web page.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field

from masker.limits import Limits


def _int(name: str, default: int, lo: int = 0) -> int:
    try:
        v = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return max(lo, v)


def _float(name: str, default: float, lo: float = 0.0) -> float:
    try:
        v = float(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return max(lo, v)


def _flag(name: str, default: bool = False) -> bool:
    v = os.environ.get(name, "").strip().lower()
    if not v:
        return default
    return v in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    limits: Limits = field(default_factory=Limits)
    #: jobs processed at once (each worker holds its own OCR engine)
    workers: int = 1
    #: requests admitted beyond the running ones; more than workers+queue at once → 503
    queue: int = 4
    #: "process" (default: each worker a child process that can be killed when over time or
    #: memory) or "thread" (in-process threads; time limit only stops the waiting)
    pool: str = "process"
    #: seconds one job may run in a worker before it is stopped (503 TIMEOUT)
    timeout_s: float = 120.0
    #: seconds a request may wait in the queue for a free worker (503 BUSY)
    queue_wait_s: float = 30.0
    #: seconds a client may take to send its request body (408 would be usual; we answer 400)
    read_timeout_s: float = 60.0
    #: address-space limit of a worker process in MB (0: none): a file that needs more fails
    #: with 4xx instead of taking the machine down (a 60 Mpx image needs < 3 GB)
    worker_memory_mb: int = 4096
    #: Retry-After seconds sent with 503
    retry_after_s: int = 5
    #: when set, every /v1 request needs header X-API-Key with this value (401 otherwise)
    api_key: str | None = None
    #: origins allowed to call the API from a browser (comma list); none by default
    cors_origins: tuple[str, ...] = ()
    #: load the OCR engine in the background instead of before accepting connections
    lazy: bool = False
    #: previews sent to the web page: longest side in pixels, at most this many pages
    preview_side: int = 1600
    preview_pages: int = 30
    #: OCR engine name (None: $MASKER_OCR_ENGINE or rapidocr)
    engine: str | None = None

    @property
    def max_body(self) -> int:
        """Largest request body: two files (audit: file and original) plus form overhead."""
        return 2 * self.limits.max_bytes + 64 * 1024

    @property
    def capacity(self) -> int:
        return self.workers + self.queue

    @classmethod
    def from_env(cls) -> "Settings":
        pool = (os.environ.get("MASKER_API_POOL") or "process").strip().lower()
        if pool not in ("process", "thread"):
            pool = "process"
        origins = tuple(o.strip() for o in (os.environ.get("MASKER_API_CORS_ORIGINS") or "").split(",") if o.strip())
        return cls(limits=Limits.from_env(),
                   workers=_int("MASKER_API_WORKERS", cls.workers, lo=1),
                   queue=_int("MASKER_API_QUEUE", cls.queue, lo=0),
                   pool=pool,
                   timeout_s=_float("MASKER_API_TIMEOUT", cls.timeout_s, lo=1.0),
                   queue_wait_s=_float("MASKER_API_QUEUE_WAIT", cls.queue_wait_s, lo=0.0),
                   read_timeout_s=_float("MASKER_API_READ_TIMEOUT", cls.read_timeout_s, lo=1.0),
                   worker_memory_mb=_int("MASKER_API_WORKER_MEMORY_MB", cls.worker_memory_mb, lo=0),
                   retry_after_s=_int("MASKER_API_RETRY_AFTER", cls.retry_after_s, lo=1),
                   api_key=(os.environ.get("MASKER_API_KEY") or None),
                   cors_origins=origins,
                   lazy=_flag("MASKER_MODEL_LAZY"),
                   preview_side=_int("MASKER_API_PREVIEW_SIDE", cls.preview_side, lo=200),
                   preview_pages=_int("MASKER_API_PREVIEW_PAGES", cls.preview_pages, lo=1),
                   engine=os.environ.get("MASKER_OCR_ENGINE") or None)
