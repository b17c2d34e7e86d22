"""A stand-in ``Masker`` for testing and demonstrating the batch machinery without OCR.

Use it with ``MASKER_BATCH_FACTORY=masker.batch.testing:FakeMasker`` (or ``factory=`` in
:func:`masker.batch.run_batch_jobs`). It loads files with the real loader (so bad files fail as
they really do) and judges them by the file *name*:

- ``*fail*``: every page fails with ``NAME_VISIBLE`` (a box in the upper left) and a warning;
- ``*upside*``: every page fails with ``NOT_UPRIGHT`` (no box: a page-level finding);
- ``*crash*``: the worker process dies (``os._exit``), as a native crash would;
- ``*hang*``: sleeps 3600 s (for the per-file timeout);
- anything else passes.

``MASKER_FAKE_DELAY`` (seconds, default 0) makes each file take that long.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from ..masker import Masker


class _Result(dict):
    def to_dict(self) -> dict:
        return dict(self)


class FakeMasker(Masker):
    def __init__(self, engine: str | None = None):
        super().__init__(engine="null")

    def _pages(self, source, input_name):
        doc = self.load(source, input_name)
        try:
            return doc.name, [(p.index, p.width, p.height, p.unit) for p in doc.pages]
        finally:
            doc.close()

    def _behave(self, name: str) -> None:
        delay = float(os.environ.get("MASKER_FAKE_DELAY", "0") or 0)
        if delay:
            time.sleep(delay)
        if "crash" in name:
            os._exit(70)
        if "hang" in name:
            time.sleep(3600)

    def audit(self, source, name, unit=None, original=None, annotate=None, input_name=None):
        fname, pages = self._pages(source, input_name)
        self._behave(input_name or Path(str(source)).name)
        out = []
        verdict = "pass"
        for idx, w, h, u in pages:
            findings = []
            if "fail" in fname:
                findings.append({"code": "NAME_VISIBLE", "severity": "error",
                                 "box": [round(w * 0.1), round(h * 0.1), round(w * 0.4), round(h * 0.2)],
                                 "message": "申报人姓名未遮盖 / applicant's name is still visible"})
                findings.append({"code": "MASK_SMALL_MARGIN", "severity": "warning",
                                 "box": [round(w * 0.5), round(h * 0.5), round(w * 0.7), round(h * 0.6)],
                                 "message": "遮盖边距偏小 / the mask's margin is small"})
            if "upside" in fname:
                findings.append({"code": "NOT_UPRIGHT", "severity": "error",
                                 "message": "页面未摆正 / the page is not upright"})
            if any(f["severity"] == "error" for f in findings):
                verdict = "fail"
            out.append({"index": idx, "masks_found": [{"box": [round(w * 0.6), round(h * 0.1), round(w * 0.8),
                                                              round(h * 0.15)], "style": "solid"}],
                        "findings": findings})
        return _Result(input=fname, verdict=verdict, pages=out)

    def check(self, source, expect="document", input_name=None):
        r = self.audit(source, "x", input_name=input_name)
        for p in r["pages"]:
            p.pop("masks_found", None)
            p.update(orientation=0, skew_deg=0.0, kind="document", sharpness=0.9)
        if expect == "photo":
            r["photo"] = {"width_px": 295, "height_px": 413, "background": "red", "faces": 1, "findings": []}
        return r

    def propose(self, source, name, unit=None, input_name=None):
        fname, pages = self._pages(source, input_name)
        self._behave(input_name or Path(str(source)).name)
        return _Result(input=fname, pages=[{"index": i, "width": w, "height": h, "unit": u, "orientation": 0,
                                            "masks": [], "kept": [], "warnings": []} for i, w, h, u in pages])
