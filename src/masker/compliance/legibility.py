"""Legibility of a page: sharpness measured on the text strokes, calibrated by the text size;
OCR confidence; effective resolution (glyph height in pixels).

Sharpness. In each sampled text-line box the ink/paper contrast ``C`` and the steepest stroke
edges (99th percentile of the x and y gradient) give an edge width ``W = C / gradient`` in
pixels: about 2 px for a sharp edge (the central difference spreads a step over two pixels),
about 2.1 σ for a Gaussian blur of σ. Widths add in quadrature, so the blur beyond a sharp
edge is ``We = sqrt(W² − 2²)``. What makes text illegible is blur *relative to the glyph*: on
rendered pages recognition collapses at ``We / glyph height ≈ 0.3`` whatever the text size
(14 px text at σ 2, 20 px at σ 2.8, 28 px at σ 4). The worse of the two directions counts, so
motion blur is caught too. Page value: the median over lines.

``sharpness = 1 − ratio / 0.35`` (clipped to 0..1): about 0.7–1.0 for sharp scans (JPEG q60 and
noise included; measured ratios 0.02–0.11 on rendered pages, up to 0.15 on the real scans), 0
where recognition fails. BLURRY when ``ratio > 0.20`` (sharpness < 0.43), or ``ratio > 0.15`` and
the recogniser's mean confidence on the sampled lines is below 0.80. A Gaussian blur of σ =
0.12 × the font size gives ratios 0.32–0.34 at every size tried (14–40 px).

LOW_RESOLUTION when the median glyph height (ink rows inside the line box) is below 11 px: body
text (五号, 10.5 pt) at 150 dpi is about 19 px, at 100 dpi about 13 px, at 72 dpi about 9 px.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from .types import ERROR, finding

SHARP_EDGE_PX = 2.0
RATIO_ILLEGIBLE = 0.35   # sharpness 0
RATIO_BLURRY = 0.20      # BLURRY above this
RATIO_SOFT = 0.15        # BLURRY above this when the OCR confidence is poor too
OCR_POOR = 0.80
MIN_GLYPH_PX = 11.0
CRISP_EDGE_PX = 3.5
WARN_GLYPH_PX = 13.0


@dataclass
class LineMeasure:
    glyph_h: float
    edge_w: float
    ratio: float
    contrast: float


@dataclass
class Legibility:
    sharpness: float | None
    ratio: float | None = None
    edge_px: float | None = None
    glyph_px: float | None = None
    ocr_score: float | None = None
    lines_measured: int = 0
    findings: list = field(default_factory=list)

    def measures(self) -> dict:
        d = {"blur_ratio": self.ratio, "edge_width_px": self.edge_px, "glyph_height_px": self.glyph_px,
             "ocr_confidence": self.ocr_score, "lines_measured": self.lines_measured,
             "allowed": {"blur_ratio_max": RATIO_BLURRY, "glyph_height_px_min": MIN_GLYPH_PX}}
        return {k: v for k, v in d.items() if v is not None}


def measure_line(gray: np.ndarray, box) -> LineMeasure | None:
    """Edge width and glyph height inside one horizontal text-line box of a grey image."""
    H, W = gray.shape[:2]
    x0, y0, x1, y1 = (int(math.floor(box[0])), int(math.floor(box[1])), int(math.ceil(box[2])), int(math.ceil(box[3])))
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(W, x1), min(H, y1)
    if x1 - x0 < 8 or y1 - y0 < 5:
        return None
    c = gray[y0:y1, x0:x1].astype(np.float32)
    paper = float(np.percentile(c, 90))
    ink = float(np.percentile(c, 2))
    C = paper - ink
    if C < 40:
        return None
    mask = c < (paper + ink) / 2
    glyph_h = _glyph_height(mask)
    if glyph_h is None:
        return None
    gx = np.abs(cv2.Sobel(c, cv2.CV_32F, 1, 0, ksize=3)) / 8.0
    gy = np.abs(cv2.Sobel(c, cv2.CV_32F, 0, 1, ksize=3)) / 8.0
    px, py = float(np.percentile(gx, 99)), float(np.percentile(gy, 99))
    if px <= 1e-3 or py <= 1e-3:
        return None
    w = max(C / px, C / py)
    we = math.sqrt(max(w * w - SHARP_EDGE_PX ** 2, 0.0))
    return LineMeasure(glyph_h, w, we / max(glyph_h, 1.0), C)


def _glyph_height(mask: np.ndarray) -> float | None:
    """Height of the text band in a line box: runs of inked rows joined across small gaps, the
    run holding the most ink; table rules and a neighbour line's edge fall outside it."""
    cols = mask.mean(axis=0) < 0.7  # drop vertical rules (table borders) running through the box
    if cols.sum() < 4:
        return None
    prof = mask[:, cols].mean(axis=1)
    prof = np.where(prof > 0.7, 0.0, prof)  # horizontal rules: rows inked almost end to end
    if prof.max() <= 0:
        return None
    inked = prof > max(0.02, 0.08 * float(prof.max()))
    if not inked.any():
        return None
    h = len(prof)
    gap_max = max(2, int(0.12 * h))
    runs, start, last = [], None, None
    for y in np.nonzero(inked)[0]:
        if start is None:
            start = last = y
        elif y - last - 1 <= gap_max:
            last = y
        else:
            runs.append((start, last))
            start = last = y
    runs.append((start, last))
    # a rule line: a run of ≤ 3 rows almost fully inked
    runs = [r for r in runs if not (r[1] - r[0] < 3 and prof[r[0]:r[1] + 1].max() > 0.6)] or runs
    best = max(runs, key=lambda r: float(prof[r[0]:r[1] + 1].sum()))
    return float(best[1] - best[0] + 1)


def _pick_lines(boxes: Sequence, k: int) -> list[int]:
    """Indices of up to k wide line boxes spread over the page (longest first within bands)."""
    idx = [i for i, b in enumerate(boxes) if (b[2] - b[0]) >= 1.8 * (b[3] - b[1]) and (b[3] - b[1]) >= 5]
    if len(idx) <= k:
        return idx
    idx.sort(key=lambda i: boxes[i][1])
    step = len(idx) / k
    return [idx[int(j * step)] for j in range(k)]


def measure(image: np.ndarray, boxes: Sequence, scores: Sequence[float | None] | None = None,
            max_lines: int = 30) -> Legibility:
    """Legibility of an upright page from its text-line boxes (pixels) and, when known, the
    recogniser's confidence per line."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    picked = _pick_lines(boxes, max_lines)
    ms = [m for m in (measure_line(gray, boxes[i]) for i in picked) if m is not None]
    sc = [float(scores[i]) for i in picked if scores is not None and i < len(scores) and scores[i] is not None] if scores is not None else []
    ocr = float(np.mean(sc)) if sc else None
    if not ms:
        return Legibility(sharpness=None, ocr_score=ocr, lines_measured=0)
    ratio = float(np.median([m.ratio for m in ms]))
    leg = Legibility(sharpness=float(np.clip(1.0 - ratio / RATIO_ILLEGIBLE, 0.0, 1.0)), ratio=ratio,
                     edge_px=float(np.median([m.edge_w for m in ms])), glyph_px=float(np.median([m.glyph_h for m in ms])),
                     ocr_score=ocr, lines_measured=len(ms))
    leg.findings = findings_for(leg)
    return leg


def findings_for(leg: Legibility) -> list:
    out = []
    if leg.ratio is None:
        return out
    poor_ocr = leg.ocr_score is not None and leg.ocr_score < OCR_POOR
    # tiny glyphs with crisp edges: the fault is the resolution (LOW_RESOLUTION), not focus
    low_res_only = (leg.glyph_px is not None and leg.glyph_px < MIN_GLYPH_PX and leg.edge_px is not None
                    and leg.edge_px < CRISP_EDGE_PX)
    if (leg.ratio > RATIO_BLURRY or (leg.ratio > RATIO_SOFT and poor_ocr)) and not low_res_only:
        ocr_txt = f"，识别置信度 {leg.ocr_score:.2f}" if leg.ocr_score is not None else ""
        ocr_en = f", OCR confidence {leg.ocr_score:.2f}" if leg.ocr_score is not None else ""
        out.append(finding(
            "BLURRY", ERROR,
            f"图像模糊：笔画边缘宽 {leg.edge_px:.1f} px，字高 {leg.glyph_px:.0f} px，模糊比 {leg.ratio:.2f}"
            f"（允许 ≤ {RATIO_BLURRY:.2f}；清晰度 {leg.sharpness:.2f}，要求 ≥ {1 - RATIO_BLURRY / RATIO_ILLEGIBLE:.2f}）{ocr_txt}，"
            f"请重新扫描或对焦后拍摄 / the page is blurred: stroke edges {leg.edge_px:.1f} px wide on "
            f"{leg.glyph_px:.0f} px characters, blur ratio {leg.ratio:.2f} (allowed ≤ {RATIO_BLURRY:.2f}; sharpness "
            f"{leg.sharpness:.2f}, required ≥ {1 - RATIO_BLURRY / RATIO_ILLEGIBLE:.2f}){ocr_en}; rescan it or refocus",
            value={"blur_ratio": round(leg.ratio, 3), "sharpness": round(leg.sharpness or 0.0, 3),
                   "allowed_max": RATIO_BLURRY}))
    # heavy blur thins the glyphs at half contrast: their height is then no measure of resolution
    if leg.glyph_px is not None and leg.glyph_px < MIN_GLYPH_PX and not (out and leg.ratio > RATIO_ILLEGIBLE * 0.8):
        dpi = leg.glyph_px / (10.5 / 72.0 * 0.88)
        out.append(finding(
            "LOW_RESOLUTION", ERROR,
            f"分辨率过低：正文字高约 {leg.glyph_px:.0f} px（要求 ≥ {MIN_GLYPH_PX:.0f} px），按五号字约合 {dpi:.0f} dpi，"
            f"请以 ≥ 150 dpi 重新扫描 / resolution too low: body text is about {leg.glyph_px:.0f} px high "
            f"(required ≥ {MIN_GLYPH_PX:.0f} px), about {dpi:.0f} dpi for 10.5 pt text; rescan at 150 dpi or more",
            value={"glyph_height_px": round(leg.glyph_px, 1), "allowed_min": MIN_GLYPH_PX}))
    return out


def legibility(ctx) -> tuple[float | None, list]:
    """(sharpness, findings) of an analysed page (``PageContext``): reuses its upright raster and
    OCR lines, costs a few milliseconds. Text-layer PDF pages are sharp by construction."""
    if ctx.raster is None and ctx.facts.get("source") == "text_layer":
        return 1.0, []
    cached = ctx.facts.get("legibility")
    if cached is not None:
        return cached.sharpness, list(cached.findings)
    s = float(getattr(ctx, "scale", 1.0) or 1.0)
    lines = [l for l in ctx.lines if getattr(l, "source", "ocr") == "ocr"]
    boxes = [tuple(v * s for v in l.box) for l in lines]
    leg = measure(ctx.image, boxes, [l.score for l in lines])
    if leg.lines_measured < 3 and getattr(ctx, "engine", None) is not None:
        # too few lines read (the recogniser drops lines it reads below 0.5): measure on every
        # box the detector finds; lines found but not read count as an OCR confidence of 0
        from .orientation import detect_quads

        quads = detect_quads(ctx.engine, ctx.image)
        if quads:
            dboxes = [(float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max())) for q in quads]
            leg2 = measure(ctx.image, dboxes, None)
            if leg2.lines_measured > leg.lines_measured:
                n_read = len(lines)
                leg2.ocr_score = (leg.ocr_score or 0.0) * n_read / max(n_read, leg2.lines_measured)
                leg2.findings = findings_for(leg2)
                leg = leg2
    ctx.facts["legibility"] = leg
    return leg.sharpness, list(leg.findings)
