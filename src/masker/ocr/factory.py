"""Choose and build an OCR engine once per process."""
from __future__ import annotations

import os
import threading

from ..errors import OptionError
from .base import NullEngine, OcrEngine

_lock = threading.Lock()
_cache: dict[str, OcrEngine] = {}


def create_engine(name: str | None = None) -> OcrEngine:
    """Return the process-wide engine named ``name`` (default ``$MASKER_OCR_ENGINE`` or rapidocr).

    Engines are expensive (≈1 GB, seconds to load) so one instance is shared per process.
    """
    name = (name or os.environ.get("MASKER_OCR_ENGINE") or "rapidocr").lower()
    with _lock:
        if name in _cache:
            return _cache[name]
        if name == "rapidocr":
            from .rapid import RapidOcrEngine

            eng: OcrEngine = RapidOcrEngine()
        elif name in ("paddle", "paddleocr"):
            from .paddle import PaddleOcrEngine

            eng = PaddleOcrEngine()
        elif name == "null":
            eng = NullEngine()
        else:
            raise OptionError(f"未知的 OCR 引擎 / unknown OCR engine: {name}")
        _cache[name] = eng
        return eng
