"""The one library API: ``Masker`` holds the loaded models; CLI, batch and HTTP API are thin
shells over it.

Data flows one way: load (``masker.io``) → analyse (OCR lines with character boxes, orientation)
→ find (name, seal, signature finders, each saying why) → decide (``masker.policy``) → render
(``masker.render``) or audit.
"""
from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Iterable

import cv2
import numpy as np

from .errors import OptionError
from .finders.base import Finder, Findings, PageContext, Query
from .geometry import Box, rotate_box, scale as scale_box
from .io import Document, PageSource, load
from .limits import Limits
from .ocr.base import OcrEngine, TextLine
from .ocr.factory import create_engine
from .policy import DEFAULT_POLICY, Policy
from .results import Kept, PageResult, ProposeResult

log = logging.getLogger("masker")

Source = str | Path | bytes

_ROTATE_CCW = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}


def upright(image: np.ndarray, orientation: int) -> np.ndarray:
    """Turn the image counter-clockwise by ``orientation`` so its content is upright."""
    return image if orientation % 360 == 0 else cv2.rotate(image, _ROTATE_CCW[orientation])


def _scale_line(line: TextLine, s: float) -> TextLine:
    from .ocr.base import Char

    chars = [Char(c.text, scale_box(c.box, s), c.score) for c in line.chars]
    return TextLine(line.text, scale_box(line.box, s), line.score, chars, line.source)


class Masker:
    """Find, decide and apply masks. Build once per process; methods are thread-compatible for
    reading but the OCR engine is shared, so the API runs them in a bounded pool."""

    def __init__(self, engine: OcrEngine | str | None = None, *, limits: Limits | None = None,
                 policy: Policy | None = None, finders: Iterable[Finder] | None = None,
                 auto_orient: bool = True):
        self._engine = engine if not isinstance(engine, str) else None
        self._engine_name = engine if isinstance(engine, str) else None
        self.limits = limits or Limits.from_env()
        self.policy = policy or DEFAULT_POLICY
        self._finders = list(finders) if finders is not None else None
        self.auto_orient = auto_orient

    # ------------------------------------------------------------ parts
    @property
    def engine(self) -> OcrEngine:
        if self._engine is None:
            self._engine = create_engine(self._engine_name)
        return self._engine

    @property
    def finders(self) -> list[Finder]:
        if self._finders is None:
            from .finders.registry import default_finders

            self._finders = default_finders()
        return self._finders

    def load(self, source: Source, input_name: str | None = None) -> Document:
        return load(source, name=input_name, limits=self.limits)

    # ------------------------------------------------------------ analyse
    def analyse(self, page: PageSource, query: Query | None = None) -> PageContext:
        """Read one page once: text lines (text layer or OCR) in the upright frame.

        With the ``query`` (propose), an engine that can (``accepts_focus``) reads lines that cannot
        hold the name or unit with a cheaper first pass only (``masker.ocr.cascade``); without it
        (check, audit) every line gets the full reading."""
        from .compliance.orientation import detect_orientation

        t0 = time.perf_counter()
        if page.unit == "pt" and page.has_text_layer and not page.has_raster:
            ctx = PageContext(page=page, raster=None, lines=list(page.text_lines or []),  # type: ignore[arg-type]
                              scale=page.scale, orientation=0, engine=self._engine,
                              width=page.width, height=page.height)
            ctx.facts["source"] = "text_layer"
            ctx.facts["analyse_seconds"] = time.perf_counter() - t0
            return ctx
        image = page.image
        read = self._reader(query)
        lines_px = read(image)
        orientation = 0
        o = None
        if self.auto_orient:
            o = detect_orientation(image, lines_px, self.engine)
            orientation = o.angle
            if orientation:
                image = upright(image, orientation)
                lines_px = read(image)
        s = page.scale
        lines = [_scale_line(l, 1.0 / s) for l in lines_px] if s != 1.0 else lines_px
        source = "ocr"
        if page.unit == "pt" and page.has_text_layer:
            lines = _merge_text_layer(list(page.text_lines or []), lines)
            source = "text_layer+ocr"
        w, h = (page.width, page.height) if orientation in (0, 180) else (page.height, page.width)
        ctx = PageContext(page=page, raster=image, lines=lines, scale=s, orientation=orientation,
                          engine=self.engine, width=w, height=h)
        ctx.facts["source"] = source
        if o is not None:
            ctx.facts["orientation"] = o
            ctx.facts["orientation_confidence"] = o.confidence
        ctx.facts["analyse_seconds"] = time.perf_counter() - t0
        return ctx

    def _reader(self, query: Query | None):
        """``engine.read``, focused on the query's name and unit where the engine supports it."""
        engine = self.engine
        if query is None or not getattr(engine, "accepts_focus", False):
            return engine.read
        from .ocr.cascade import Focus

        focus = Focus.for_query(query.name, query.unit)
        if not focus.unit_chars:
            return lambda image: engine.read(image, focus=focus)
        from .seals.hint import stamp_regions  # the unit's printed name matters only near a stamp

        return lambda image: engine.read(image, focus=focus.near(stamp_regions(image)))

    def warm_up(self) -> None:
        """Load the OCR engine now; where ``MASKER_OCR_WARM_UP=1``, also prepare the runtime for
        the shapes pages bring (``masker.ocr.runtime.warm_up_wanted``). For long-lived processes."""
        from .ocr.runtime import warm_up_wanted

        engine = self.engine
        if warm_up_wanted() and hasattr(engine, "warm_up"):
            engine.warm_up()

    # ------------------------------------------------------------ propose
    def propose_document(self, doc: Document, name: str, unit: str | None = None) -> ProposeResult:
        query = _query(name, unit)
        pages = []
        for page in doc.pages:
            t0 = time.perf_counter()
            ctx = self.analyse(page, query)
            pages.append(self.propose_page(ctx, query))
            pages[-1].seconds = time.perf_counter() - t0
        res = ProposeResult(input=doc.name, pages=pages)
        return res

    def propose_page(self, ctx: PageContext, query: Query) -> PageResult:
        found = Findings()
        text_only = not ctx.page.has_graphics
        for f in self.finders:
            if text_only and getattr(f, "needs_graphics", False):
                continue
            found.extend(f.find(ctx, query))
        result = PageResult(index=ctx.page.index, width=ctx.page.width, height=ctx.page.height,
                            unit=ctx.page.unit, orientation=ctx.orientation,
                            source=ctx.facts.get("source", "ocr"))
        for m in found.masks:
            reason = self.policy.check_mask(m.kind, m.box, ctx.width, ctx.height,
                                            line_height=_line_height_at(ctx.lines, m.box))
            if reason:
                found.kept.append(Kept("refused_mask", m.box, m.text, reason, m.score))
            else:
                result.masks.append(m)
        result.kept = found.kept
        result.warnings = found.warnings
        if ctx.orientation:
            W, H = ctx.page.width, ctx.page.height
            for item in [*result.masks, *result.kept, *result.warnings]:
                if getattr(item, "box", None) is not None:
                    item.box = rotate_box(item.box, ctx.orientation, W, H)
        return result

    def propose(self, source: Source, name: str, unit: str | None = None,
                input_name: str | None = None) -> ProposeResult:
        doc = self.load(source, input_name)
        try:
            return self.propose_document(doc, name, unit)
        finally:
            doc.close()

    # ------------------------------------------------------------ redact
    def redact(self, source: Source, name: str, unit: str | None = None,
               input_name: str | None = None, verify: bool = True) -> tuple[bytes, ProposeResult]:
        """Return the masked file's bytes (same format family) and the propose result."""
        from .render import render_document

        doc = self.load(source, input_name)
        try:
            result = self.propose_document(doc, name, unit)
            data = render_document(doc, result, name=name, unit=unit)
        finally:
            doc.close()
        if verify:
            from .render.verify import verify_redacted

            verify_redacted(self, data, result, name)
        return data, result

    # ------------------------------------------------------------ check / audit
    def check(self, source: Source, expect: str = "document", input_name: str | None = None):
        """Image compliance (upright, legible, document or photo, the 1-inch photo)."""
        from .compliance.check import run_check

        if expect not in ("document", "photo"):
            raise OptionError("--expect 只能是 document 或 photo / --expect must be document or photo")
        doc = self.load(source, input_name)
        try:
            return run_check(self, doc, expect=expect)
        finally:
            doc.close()

    def audit(self, source: Source, name: str, unit: str | None = None, original: Source | None = None,
              annotate: str | Path | None = None, input_name: str | None = None):
        """Judge a masked file the way the committee does (see ``masker.audit``)."""
        from .audit import run_audit

        query = _query(name, unit)
        doc = self.load(source, input_name)
        orig = self.load(original, None) if original is not None else None
        try:
            return run_audit(self, doc, query, original=orig, annotate=annotate)
        finally:
            doc.close()
            if orig is not None:
                orig.close()


def _query(name: str, unit: str | None) -> Query:
    name = (name or "").strip()
    if not name:
        raise OptionError("缺少申报人姓名 --name / the applicant's name (--name) is required", code="MISSING_NAME")
    if len(name) > 40:
        raise OptionError("姓名过长 / the name is too long", code="BAD_NAME")
    unit = (unit or "").strip() or None
    return Query(name=name, unit=unit)


def _line_height_at(lines: list[TextLine], box: Box) -> float | None:
    """Height of the text line(s) a mask sits on, for the size policy."""
    from .geometry import overlap_area

    best = None
    for l in lines:
        if overlap_area(l.box, box) > 0:
            h = l.box[3] - l.box[1]
            best = h if best is None else max(best, h)
    return best


def _merge_text_layer(text_lines: list[TextLine], ocr_lines: list[TextLine]) -> list[TextLine]:
    """Pages with both a text layer and raster text: keep the exact text layer, and add OCR lines
    that the text layer does not already cover (text inside scanned images)."""
    from .geometry import coverage

    merged = list(text_lines)
    for ol in ocr_lines:
        if not any(coverage(ol.box, tl.box) > 0.5 or coverage(tl.box, ol.box) > 0.5 for tl in text_lines):
            merged.append(ol)
    return merged
