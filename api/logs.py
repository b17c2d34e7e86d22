"""Logging for the API: one access line per request (request id, method, path, status, duration,
bytes), and a guard that no applicant's name or unit can reach any log output.

What is logged: request id, method, path (never the query string), status, duration, body size,
error codes, exception types and source locations. What never is: names, units, file names,
file contents, form fields, exception messages (they may quote user data), query strings.

The guard: while a request is in flight its name and unit (and the parts of a Uyghur name) are
registered here; a filter on every handler of the root and uvicorn loggers replaces them with
``***`` in any record, whoever logs it (library warnings included). Uvicorn's own access log is
turned off because it prints query strings.
"""
from __future__ import annotations

import contextlib
import logging
import sys
import threading
import traceback
from typing import Iterable, Iterator

access_log = logging.getLogger("masker.api.access")
log = logging.getLogger("masker.api")

_lock = threading.Lock()
_active: dict[str, int] = {}
_SEPARATORS = "·•・.‧･ -_"


def variants(value: str | None) -> set[str]:
    """Strings to scrub for one name: as given, without separators, and each part of 2+ chars."""
    v = (value or "").strip()
    if not v:
        return set()
    out = {v}
    flat = "".join(ch for ch in v if ch not in _SEPARATORS)
    if len(flat) >= 2:
        out.add(flat)
    part = ""
    for ch in v + " ":
        if ch in _SEPARATORS:
            if len(part) >= 2:
                out.add(part)
            part = ""
        else:
            part += ch
    return out


@contextlib.contextmanager
def sensitive(values: Iterable[str | None]) -> Iterator[None]:
    """Register values (names, units) to scrub from logs while the block runs."""
    keys: set[str] = set()
    for v in values:
        keys |= variants(v)
    with _lock:
        for k in keys:
            _active[k] = _active.get(k, 0) + 1
    try:
        yield
    finally:
        with _lock:
            for k in keys:
                n = _active.get(k, 0) - 1
                if n <= 0:
                    _active.pop(k, None)
                else:
                    _active[k] = n


def scrub(text: str) -> str:
    with _lock:
        keys = sorted(_active, key=len, reverse=True)
    for k in keys:
        if k in text:
            text = text.replace(k, "***")
    return text


class ScrubFilter(logging.Filter):
    """Replace registered names in the formatted message; reduce tracebacks to their frames."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            msg = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken log call must not break the request
            msg = str(record.msg)
        record.msg = scrub(msg)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            e = record.exc_info[1]
            frames = traceback.extract_tb(e.__traceback__)
            record.exc_text = "\n".join([f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames[-12:]]
                                        + [f"{type(e).__module__}.{type(e).__name__}"])
            record.exc_info = None
        if record.stack_info:
            record.stack_info = None
        return True


_FILTER = ScrubFilter()
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _guard(logger: logging.Logger) -> None:
    for h in logger.handlers:
        if _FILTER not in h.filters:
            h.addFilter(_FILTER)


def setup_logging(worker: bool = False) -> None:
    """Install the guard on every handler that can print; add one stderr handler for our loggers."""
    root = logging.getLogger()
    if not root.handlers:
        h = logging.StreamHandler(sys.stderr)
        h.setFormatter(logging.Formatter(_FORMAT if not worker else "%(asctime)s %(levelname)s worker %(name)s: %(message)s"))
        root.addHandler(h)
        if root.level > logging.WARNING or root.level == logging.NOTSET:
            root.setLevel(logging.WARNING)
    for name in ("", "uvicorn", "uvicorn.error", "uvicorn.access", "fastapi", "masker"):
        _guard(logging.getLogger(name))
    for lg in list(logging.root.manager.loggerDict.values()):  # third-party loggers with own handlers
        if isinstance(lg, logging.Logger):
            _guard(lg)
    # our own lines go to the root handler (guarded) at INFO
    for lg in (access_log, log):
        lg.setLevel(logging.INFO)
    # uvicorn's access log carries query strings: ours replaces it
    logging.getLogger("uvicorn.access").disabled = True
    logging.lastResort = None  # every record goes through a guarded handler or nowhere
