"""Recognisers beside the stock one: the seal-ring recogniser and the int8 first pass.

The seal-ring recogniser (``models/PP-OCRv6_rec_seal.onnx``, committed) is the stock PP-OCRv6
small recogniser fine-tuned on unwrapped seal rings of invented units (``models/seal_rec/``); the
seal reader reads rings with it (``SealReader``), everything else keeps the stock model. Same
charset as the stock model it was made from, hence the same source check as the int8 file's;
``MASKER_SEAL_READER=stock`` reads rings with the stock model.

The int8 first-pass recogniser (``models/PP-OCRv6_rec_small.int8.onnx``, built locally by
``python models/make_rec_int8.py``; not committed, 5.8 MB), used only when it was derived from the
fp32 model installed now.

Opt-in (``MASKER_OCR_FIRST_PASS=int8``), not the default: it passed the name benchmark (seed 41,
both families; seed 37 main) but a redacted JPEG then lost a kept look-alike name
(``tests/test_redact_image.py``, the Uyghur trap): its first reading differs enough to change
which windows are read again. Until that is understood the fp32 first pass stays the default.

Why the sha256 check: the int8 file is a quantised copy of the recogniser in the rapidocr wheel;
paired with another version (a rapidocr upgrade) its character table could differ. Anything
missing or mismatched falls back to the fp32 model.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

MODELS_DIR = Path(__file__).resolve().parents[3] / "models"
INT8_REC = "PP-OCRv6_rec_small.int8.onnx"
SEAL_REC = "PP-OCRv6_rec_seal.onnx"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def derived_model(name: str, source: str) -> Path | None:
    """``models/NAME`` where MANIFEST.json says it was made from the model at ``source`` (the
    installed stock recogniser: a derived file keeps its charset) and its own hash matches."""
    path = Path(os.environ.get("MASKER_MODELS_DIR") or MODELS_DIR) / name
    try:
        entry = json.loads((path.parent / "MANIFEST.json").read_text(encoding="utf-8"))[name]
        if entry["source_sha256"] != sha256_file(Path(source)) or entry["sha256"] != sha256_file(path):
            log.info("%s does not match the installed recogniser; using the stock one", name)
            return None
    except (OSError, KeyError, ValueError):
        return None
    return path


@lru_cache(maxsize=1)
def int8_first_pass(source: str) -> Path | None:
    """The int8 recogniser derived from the fp32 model at ``source``, or None."""
    if os.environ.get("MASKER_OCR_FIRST_PASS", "").lower() != "int8":
        return None
    return derived_model(INT8_REC, source)


@lru_cache(maxsize=1)
def seal_ring_model(source: str) -> Path | None:
    """The seal-ring recogniser fine-tuned from the model at ``source``, or None (then rings are
    read with the stock model)."""
    if os.environ.get("MASKER_SEAL_READER", "").lower() == "stock":
        return None
    return derived_model(SEAL_REC, source)
