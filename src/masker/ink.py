"""Fit a box to the ink of a run of glyphs on a text line.

Why: PP-OCR's per-character columns run narrow and sit ~7–8% of the glyph height off; padding
them enough to cover the name reliably reaches into the neighbours. Instead we find the blank
columns between the name and its neighbours in the column ink profile, then the ink's rows.
Only dark, low-saturation-or-dark pixels count as ink so a red seal over the text does not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .geometry import Box


@dataclass
class InkFit:
    box: Box            # ink bounding box of the span (pixels)
    left_limit: float   # the mask may not start left of this (end of the previous glyph's ink)
    right_limit: float  # ... nor end right of this (start of the next glyph's ink)
    gap_left: float     # blank run between previous glyph ink and the span (pixels; inf at line start)
    gap_right: float
    #: a small punctuation mark (、，。) OCR did not transcribe sits between the span and its neighbour
    punct_left: bool = False
    punct_right: bool = False


def _small_mark(ink: np.ndarray, a: int, b: int, glyph_h: float) -> bool:
    """Columns a..b hold one small mark (、 ， 。 ·), not a glyph: narrow and short."""
    if b <= a or b - a > 0.5 * glyph_h:
        return False
    rows = np.nonzero(ink[:, a:b].any(axis=1))[0]
    return rows.size > 0 and (rows[-1] - rows[0] + 1) < 0.45 * glyph_h


def ink_mask(region: np.ndarray) -> np.ndarray:
    """Boolean ink mask of a BGR (or gray) region: clearly darker than the local paper."""
    if region.ndim == 3:
        v = region.max(axis=2).astype(np.int16)
    else:
        v = region.astype(np.int16)
    if v.size == 0:
        return np.zeros(v.shape, bool)
    paper = float(np.percentile(v, 90))
    dark = float(np.percentile(v, 0.5))
    if paper - dark < 40:  # no text here, only paper (or paper and noise)
        return np.zeros(v.shape, bool)
    # halfway between paper and the darkest text: grey, faded or blurred print still counts
    thr = (paper + dark) / 2.0
    return v < thr


def remove_rules(ink: np.ndarray, line_height: float) -> np.ndarray:
    """Drop table rules and underlines: straight ink runs longer than 1.2 line heights (no CJK
    stroke is that long), so they neither join glyphs nor stretch a box to the cell border."""
    import cv2

    k = max(5, int(1.2 * line_height))
    u8 = ink.astype(np.uint8)
    rules = cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | \
        cv2.morphologyEx(u8, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
    return ink & (rules == 0)


def text_band(rows: np.ndarray, line_height: float, thr: float,
              core: tuple[int, int] | None = None) -> tuple[int, int] | None:
    """The run of inked rows that is the text line itself, not the lines above/below.

    Runs of inked rows are seeded from the one overlapping the OCR line's ``core`` rows most (else
    the one holding most ink) and grown by neighbouring runs while the union stays the height of
    one line of glyphs (≤ 0.65 of the OCR line box, which PP-OCR pads, or 1.2 × the seed run): glyphs split by a blank row
    (二, 旦) are joined, the next line's glyphs are not. A short piece a pixel or two off the seed
    (the 山 on top of 崔, blurred apart from its 隹) joins up to 1.45 × the seed run, even where the
    OCR box is tight around tall glyphs: left out, it stayed visible above the mask.
    """
    inked = np.nonzero(rows > thr)[0]
    if inked.size == 0:
        return None
    bands: list[list[int]] = []
    for i in inked:
        if bands and i == bands[-1][1]:
            bands[-1][1] = int(i) + 1
        else:
            bands.append([int(i), int(i) + 1])

    def key(b):
        ov = 0 if core is None else max(0, min(b[1], core[1]) - max(b[0], core[0]))
        return (ov, float(rows[b[0]:b[1]].sum()))

    k = max(range(len(bands)), key=lambda n: key(bands[n]))
    lo, hi = k, k
    # glyphs fill ~55-65% of PP-OCR's padded line box
    seed_h = bands[k][1] - bands[k][0]
    limit = max(1.2 * seed_h, 0.65 * line_height)
    max_gap = 0.3 * line_height
    while True:
        grown = False
        for cand in (lo - 1, hi + 1):
            if not 0 <= cand < len(bands):
                continue
            a = min(bands[lo][0], bands[cand][0])
            b = max(bands[hi][1], bands[cand][1])
            gap = bands[lo][0] - bands[cand][1] if cand < lo else bands[cand][0] - bands[hi][1]
            piece = bands[cand][1] - bands[cand][0] < 0.5 * seed_h and gap <= 0.08 * line_height
            if (b - a <= limit and gap <= max_gap) or (piece and b - a <= 1.45 * seed_h):
                lo, hi = min(lo, cand), max(hi, cand)
                grown = True
        if not grown:
            break
    return bands[lo][0], bands[hi][1]


def _blank_runs(prof: np.ndarray, thr: float) -> list[tuple[int, int]]:
    runs = []
    start = None
    for i, val in enumerate(prof):
        if val <= thr:
            if start is None:
                start = i
        elif start is not None:
            runs.append((start, i))
            start = None
    if start is not None:
        runs.append((start, len(prof)))
    return runs


def fit_span(image: np.ndarray, line_box: Box, x0: float, x1: float,
             prev_x1: float | None, next_x0: float | None) -> InkFit | None:
    """Fit the ink of the glyphs between OCR positions ``x0``..``x1`` on the line ``line_box``.

    ``prev_x1``/``next_x0`` are the OCR edges of the neighbouring characters (None at a line end).
    All in pixels of ``image``. Returns None when the region has no ink (then callers keep the OCR box).
    """
    H, W = image.shape[:2]
    lh = max(4.0, line_box[3] - line_box[1])
    ry0 = int(max(0, line_box[1] - 0.25 * lh))
    ry1 = int(min(H, line_box[3] + 0.25 * lh))
    cx0 = int(max(0, min(x0, prev_x1 if prev_x1 is not None else x0) - 0.6 * lh))
    cx1 = int(min(W, max(x1, next_x0 if next_x0 is not None else x1) + 0.6 * lh))
    if ry1 - ry0 < 3 or cx1 - cx0 < 3:
        return None
    ink = remove_rules(ink_mask(image[ry0:ry1, cx0:cx1]), lh)
    if not ink.any():
        return None
    # the text band in the name's columns first, so ink of the lines above/below is left out
    a, b = int(max(0, x0 - cx0)), int(min(cx1 - cx0, x1 - cx0))
    core = (int(line_box[1] - ry0 + 0.3 * lh), int(line_box[3] - ry0 - 0.3 * lh))
    cols = ink[:, a:b] if b > a else ink
    band = text_band(cols.sum(axis=1), lh, max(1.0, 0.03 * cols.shape[1]), core)
    if band is None:
        return None
    b0, b1 = band
    pad = int(0.1 * lh)
    ink = ink.copy()
    ink[:max(0, b0 - pad)] = False
    ink[b1 + pad:] = False
    col = ink.sum(axis=0).astype(float)
    thr = max(0.0, 0.02 * (b1 - b0))  # a speck of noise is not a glyph
    blanks = _blank_runs(col, thr)

    def boundary(est: float, lo: float, hi: float) -> tuple[int, int] | None:
        """The blank run nearest the estimated boundary ``est`` (local coords) within [lo, hi]."""
        best, best_d = None, 1e9
        for a, b in blanks:
            if b <= lo or a >= hi:
                continue
            d = 0.0 if a <= est <= b else min(abs(a - est), abs(b - est))
            if d < best_d:
                best, best_d = (a, b), d
        return best

    lx0, lx1 = x0 - cx0, x1 - cx0
    # left edge
    if prev_x1 is not None:
        est = (prev_x1 - cx0 + lx0) / 2.0
        run = boundary(est, est - 0.4 * lh, min(est + 0.4 * lh, (lx0 + lx1) / 2))
    else:
        run = boundary(lx0 - 0.1 * lh, 0, lx0 + 0.3 * lh)
    if run is None:
        left_ink = int(max(0, lx0))
        left_limit, gap_l = float(left_ink), 0.0
    else:
        left_ink = run[1]
        left_limit = float(run[0]) if prev_x1 is not None or run[0] > 0 else -1e9
        gap_l = float(run[1] - run[0]) if prev_x1 is not None else float("inf")
    # right edge
    if next_x0 is not None:
        est = (next_x0 - cx0 + lx1) / 2.0
        run = boundary(est, max(est - 0.4 * lh, (lx0 + lx1) / 2), est + 0.4 * lh)
    else:
        run = boundary(lx1 + 0.1 * lh, lx1 - 0.3 * lh, cx1 - cx0)
    if run is None:
        right_ink = int(min(cx1 - cx0, lx1))
        right_limit, gap_r = float(right_ink), 0.0
    else:
        right_ink = run[0]
        right_limit = float(run[1]) if next_x0 is not None or run[1] < cx1 - cx0 else 1e9
        gap_r = float(run[1] - run[0]) if next_x0 is not None else float("inf")
    if right_ink <= left_ink:
        return None
    # OCR drops list separators (杜振、段利 reads 杜振段利): a small mark at either end of the span,
    # between two blank runs and with a neighbour beyond it, is punctuation, not part of the name
    glyph_h = float(b1 - b0)
    punct_l = punct_r = False
    inner = [r for r in blanks if left_ink < r[0] and r[1] < right_ink and r[1] - r[0] >= 1]
    # a full-width mark sits in a blank em of its own; a stroke that handwriting or a brush font
    # sets a pixel or two apart from its glyph does not (米吉提迪力夏提江: 提 ends in a short stroke)
    room = 0.35 * glyph_h
    if next_x0 is not None and inner and _small_mark(ink, inner[-1][1], right_ink, glyph_h) \
            and (inner[-1][1] - inner[-1][0]) + gap_r >= room:
        gap_r = float(right_ink - inner[-1][1]) + gap_r
        right_ink, right_limit, punct_r = inner[-1][0], float(inner[-1][1]), True
    if prev_x1 is not None and inner and _small_mark(ink, left_ink, inner[0][0], glyph_h) \
            and (inner[0][1] - inner[0][0]) + gap_l >= room:
        left_ink, left_limit, punct_l = inner[0][1], float(inner[0][0]), True
    band = text_band(ink[:, left_ink:right_ink].sum(axis=1), lh, max(1.0, 0.03 * (right_ink - left_ink)), core)
    if band is None:
        return None
    top, bot = band
    box = (float(cx0 + left_ink), float(ry0 + top), float(cx0 + right_ink), float(ry0 + bot))
    return InkFit(box=box, left_limit=cx0 + left_limit, right_limit=cx0 + right_limit,
                  gap_left=gap_l, gap_right=gap_r, punct_left=punct_l, punct_right=punct_r)
