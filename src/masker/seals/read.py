"""Read a seal: unwrap the ring text into a straight strip and give it to the OCR recogniser.

Round and oval seals are unwrapped along the fitted outer ring itself (equal arc length per
column, equal distance inward per row), so an oval's glyphs are not stretched the way a plain
``warpPolar`` of an oval would stretch them. The strip starts in the widest gap of the ring text
(usually at the bottom, where real seals leave it) and runs a little past a full turn, so a name
whose ends meet near the seam is still read whole. Glyph tops point outward, so the outer edge is
the top row and columns run clockwise, the way the name reads.

The horizontal lines inside (专用章, a tax number) are read from the seal turned upright (the
ring text's middle at the top). Square seals are read column by column, right to left.

One ``engine.recognize`` call per seal with all its strips; two renderings of the ring (the scan
itself, and red ink alone so black print under the stamp drops out) are read and the one the
recogniser is surer of wins.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from ..ocr.charboxes import spans
from .color import dark_print_pixels, noise_floor, paper_normalised, redness
from .detect import SealCandidate

STRIP_H = 48  # the recogniser's input height


@dataclass
class SealReading:
    #: everything read: ring text, then the horizontal lines, space separated
    text: str
    ring_text: str = ""
    inner_texts: list[str] = field(default_factory=list)
    #: recogniser confidence of the ring text (0..1)
    score: float = 0.0
    #: the variant that won ("scan" or "red")
    variant: str = ""
    #: rotation of the seal (degrees, clockwise) found from the ring text's gap
    rotation: float = 0.0
    candidates: list[tuple[str, float]] = field(default_factory=list)


def _ink_weights(img: np.ndarray):
    """Paper-normalised channels and a 0..1 weight of "this pixel is stamp ink, not print":
    colourful (R well above min(G, B), relative to this stamp's own colourfulness, so pale
    stamps count), bright in red, and not brown/orange."""
    n = paper_normalised(img)
    b, g, r = n[..., 0], n[..., 1], n[..., 2]
    # colour is coarse in JPEGs (chroma subsampling): judge it smoothed, apply it to sharp darkness
    chroma = cv2.GaussianBlur(r - np.minimum(g, b), (0, 0), 1.5)
    vals = chroma[chroma > 0.03]
    ci = float(np.percentile(vals, 80)) if vals.size > 50 else 0.3
    lo, hi = min(0.02, 0.2 * ci), min(0.08, 0.5 * ci)
    w = np.clip((chroma - lo) / max(hi - lo, 1e-3), 0.0, 1.0) * np.clip((r - 0.3) / 0.25, 0.0, 1.0)
    brown = cv2.GaussianBlur(g - b, (0, 0), 1.5) > 0.33 * chroma + 0.01
    w = np.where(brown, 0.0, w)
    return b, g, r, w


def _stretch(dark: np.ndarray) -> np.ndarray:
    """Ink darkness 0..1, contrast-stretched so pale ink reads, as uint8 (255 = full ink)."""
    hi = float(np.percentile(dark[dark > 0.05], 97)) if (dark > 0.05).sum() > 30 else 1.0
    return (np.clip(dark / max(hi, 0.12), 0.0, 1.0) * 255).astype(np.uint8)


def _to_bgr(d8: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(255 - d8, cv2.COLOR_GRAY2BGR)


def _grey_stretch(img: np.ndarray) -> np.ndarray:
    """A grey scan with the paper made white and the ink contrast stretched."""
    n = paper_normalised(img)
    return _to_bgr(_stretch(1.0 - n.min(axis=2)))


def clean_image(img: np.ndarray) -> np.ndarray:
    """BGR image with black/grey/brown print removed and red ink kept at full resolution.

    Red ink is bright in the red channel and dark in green; black print is dark in all three.
    Darkness is taken from the green/blue channels (sharp even in JPEGs, whose colour is coarse)
    and kept only where the colour says the pixel is stamp ink. Where print crossed the stamp,
    the stamp's strokes are filled in from around (inpainting), so a character under a line of
    text is not cut in pieces."""
    b, g, r, w = _ink_weights(img)
    d8 = _stretch((1.0 - np.minimum(g, b)) * w)
    prt = cv2.dilate((r < 0.55).astype(np.uint8), np.ones((3, 3), np.uint8))
    if prt.any():
        d8 = cv2.inpaint(d8, prt, 3, cv2.INPAINT_TELEA)
    return _to_bgr(d8)


def red_ink_image(img: np.ndarray) -> np.ndarray:
    """BGR image of red ink only (from the colour difference R - max(G, B))."""
    b, g, r, w = _ink_weights(img)
    return _to_bgr(_stretch(np.clip(r - np.maximum(g, b), 0, 1) * (w > 0)))


def _ellipse_geometry(cand: SealCandidate, n_t: int = 2048):
    """Points along the outer ring (parameter t), cumulative arc length and outward normals."""
    cx, cy = cand.center
    a, b = cand.axes
    ang = math.radians(cand.angle)
    t = np.linspace(0, 2 * math.pi, n_t, endpoint=False)
    ca, sa = math.cos(ang), math.sin(ang)
    ex, ey = a * np.cos(t), b * np.sin(t)
    px, py = cx + ex * ca - ey * sa, cy + ex * sa + ey * ca
    # outward normal of an ellipse: gradient of (x/a)^2 + (y/b)^2
    nx, ny = np.cos(t) / a, np.sin(t) / b
    nrm = np.hypot(nx, ny)
    nx, ny = nx / nrm, ny / nrm
    gx, gy = nx * ca - ny * sa, nx * sa + ny * ca
    seg = np.hypot(np.diff(np.r_[px, px[0]]), np.diff(np.r_[py, py[0]]))
    s = np.r_[0.0, np.cumsum(seg)[:-1]]
    return t, px, py, gx, gy, s, float(seg.sum())


def _band(cand: SealCandidate) -> tuple[float, float]:
    """Distances inward from the outer ring (source px) of the ring-text band."""
    m = min(cand.axes)
    if cand.shape == "oval":
        return 0.06 * m, 0.46 * m
    return 0.05 * m, 0.5 * m


def _angular_profile(ink: np.ndarray, cand: SealCandidate, geo, d0: float, d1: float, n_cols: int):
    """Ink share per column of the ring-text band (sampled on a coarse grid)."""
    t, px, py, gx, gy, s, L = geo
    cols = np.linspace(0, L, n_cols, endpoint=False)
    j = np.searchsorted(s, cols).clip(0, len(s) - 1)
    ds = np.linspace(d0 + (d1 - d0) * 0.15, d1 - (d1 - d0) * 0.1, 8)
    xs = px[j][None, :] - ds[:, None] * gx[j][None, :]
    ys = py[j][None, :] - ds[:, None] * gy[j][None, :]
    h, w = ink.shape
    xi, yi = np.rint(xs).astype(int), np.rint(ys).astype(int)
    ok = (xi >= 0) & (yi >= 0) & (xi < w) & (yi < h)
    v = np.zeros(xs.shape, np.float32)
    v[ok] = ink[yi[ok], xi[ok]]
    return v.mean(axis=0), ok.mean(axis=0)


def _seam(ink: np.ndarray, cand: SealCandidate, geo, d0, d1) -> tuple[float, float, float]:
    """Arc length where the strip starts (middle of the widest gap in the ring text), the arc
    length of the text's middle, and the gap's share of the circumference."""
    n = 360
    prof, inside = _angular_profile(ink, cand, geo, d0, d1, n)
    prof = np.where(inside > 0.5, prof, 0.0)  # off the page reads as a gap
    k = np.ones(5) / 5
    sm = np.convolve(np.r_[prof[-2:], prof, prof[:2]], k, mode="same")[2:-2]
    thr = max(0.02, 0.15 * float(np.percentile(sm, 90)))
    empty = sm <= thr
    L = geo[6]
    if empty.all() or not empty.any():
        # no gap found: start at the bottom of the seal's frame (90° = down in image coords)
        j = int(np.argmin(np.abs(np.angle(np.exp(1j * (geo[0] - math.pi / 2))))))
        s0 = geo[5][j]
        return s0, (s0 + L / 2) % L, 0.0
    # longest circular run of empty columns
    e2 = np.r_[empty, empty]
    best_len, best_start, run = 0, 0, 0
    for i, v in enumerate(e2):
        run = run + 1 if v else 0
        if run > best_len and run <= n:
            best_len, best_start = run, i - run + 1
    mid = (best_start + best_len / 2) % n
    s0 = mid / n * L
    return s0, (s0 + L / 2) % L, best_len / n


#: how far inward (share of the short semi-axis) ``SealReader.fitted_band`` looks for the text
BAND_SEARCH = 0.6


def text_rows(ink: np.ndarray, depth: float) -> tuple[float, float] | None:
    """The ring text's rows in a strip unwrapped from the ring inward to ``depth`` (share of the
    short semi-axis), as (from, to) in the same shares, or None when no band stands out.

    Ring lines are rows inked almost all along; the text is the first run of rows below the last
    ring line with a fair share of ink (the star and inner lines come after a gap)."""
    h, w = ink.shape
    cov = ink.mean(axis=1)
    # a ring line is inked along long runs (across small dropouts); a row of glyphs only a glyph's
    # width at a time, however many of its strokes line up
    bridged = cv2.morphologyEx(ink.astype(np.uint8), cv2.MORPH_CLOSE, np.ones((1, 7), np.uint8)) > 0
    top = [i for i in range(int(0.45 * h)) if cov[i] > 0.45 and _longest_run(bridged[i]) >= 0.12 * w]
    r0 = top[-1] + 1 if top else 0
    while top and r0 < h and cov[r0] > 0.1:  # the ring line's blurred inner edge
        r0 += 1
    sub = cov[r0:]
    if sub.size < 8 or sub.max() < 0.05:
        return None
    on = sub >= 0.25 * sub.max()
    runs, i = [], 0
    while i < len(on):  # runs of inked rows, bridging gaps of a few rows
        if not on[i]:
            i += 1
            continue
        first = last = i
        while i < len(on) and (on[i] or i - last <= 0.04 * h):
            if on[i]:
                last = i
            i += 1
        runs.append((first, last))
    # the outermost run tall enough to be glyphs (not a scrap of the ring's edge)
    first, last = next(((a, b) for a, b in runs if b - a + 1 >= 0.12 * h), (0, -1))
    n = last - first + 1
    if n <= 0:
        return None
    margin = 0.12 * n
    step = depth / h
    return (max(0.0, (r0 + first - margin) * step), min(depth, (r0 + last + 1 + margin) * step))


def _longest_run(row: np.ndarray) -> int:
    """Length of the longest run of True in a 1-D boolean array."""
    d = np.diff(np.r_[0, row.astype(np.int8), 0])
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1)
    return int((ends - starts).max()) if starts.size else 0


def unwrap_ring(img: np.ndarray, cand: SealCandidate, s_start: float, d0: float, d1: float,
                extra: float = 0.08, strip_h: int = STRIP_H) -> np.ndarray:
    """The ring band as a straight strip: columns clockwise from ``s_start`` (arc length on the
    outer ring) for a full turn plus ``extra`` (negative: less than a turn), rows from the ring
    inward.

    Columns are spaced evenly along the band's middle line, not along the outer ring: on an
    oval the middle line is much shorter than the ring near the pointed ends, and spacing by the
    ring would squeeze the characters there."""
    geo = _ellipse_geometry(cand)
    t, px, py, gx, gy, s, L = geo
    px_per = (d1 - d0) / strip_h  # source px per strip px, radially
    sm, Lm, m0 = _middle_line(geo, s_start, d0, d1)
    j1 = int(np.searchsorted(s, (s_start + L * (1 + extra)) % L)) % len(s)
    span = (sm[j1] - m0) % Lm
    if extra >= 0:
        span += Lm * math.floor(1 + extra)  # whole turns (the modulo above lost them)
    n_cols = max(8, int(span / px_per))
    j = _column_points(geo, s_start, d0, d1, np.arange(n_cols), strip_h)
    ds = d0 + (np.arange(strip_h) + 0.5) * px_per
    mapx = (px[j][None, :] - ds[:, None] * gx[j][None, :]).astype(np.float32)
    mapy = (py[j][None, :] - ds[:, None] * gy[j][None, :]).astype(np.float32)
    return cv2.remap(img, mapx, mapy, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                     borderValue=(255, 255, 255))


def _middle_line(geo, s_start: float, d0: float, d1: float) -> tuple[np.ndarray, float, float]:
    """Arc length along the band's middle line at each ring point, its length, and where the
    strip starting at ``s_start`` (arc length on the outer ring) starts on it."""
    t, px, py, gx, gy, s, L = geo
    mid = (d0 + d1) / 2
    mx, my = px - mid * gx, py - mid * gy
    seg = np.hypot(np.diff(np.r_[mx, mx[0]]), np.diff(np.r_[my, my[0]]))
    sm = np.r_[0.0, np.cumsum(seg)[:-1]]
    return sm, float(seg.sum()), float(sm[int(np.searchsorted(s, s_start % L)) % len(s)])


def _column_points(geo, s_start: float, d0: float, d1: float, columns: np.ndarray,
                   strip_h: int = STRIP_H) -> np.ndarray:
    """Indices of the ring points (of ``geo``) under strip columns ``columns`` (strip px, any
    real numbers: before the strip's start or past its end too) of ``unwrap_ring``."""
    sm, Lm, m0 = _middle_line(geo, s_start, d0, d1)
    cols = (m0 + np.asarray(columns, np.float64) * (d1 - d0) / strip_h) % Lm
    return np.searchsorted(sm, cols).clip(0, len(sm) - 1)


def upright_crop(img: np.ndarray, cand: SealCandidate, rotation_deg: float, out: int = 256) -> np.ndarray:
    """The seal turned upright (ring text's middle at the top), ``out`` px across its long axis."""
    cx, cy = cand.center
    R = max(cand.axes)
    sc = out / (2.0 * R * 1.02)
    M = cv2.getRotationMatrix2D((cx, cy), rotation_deg, sc)
    M[0, 2] += out / 2 - cx
    M[1, 2] += out / 2 - cy
    return cv2.warpAffine(img, M, (out, out), flags=cv2.INTER_AREA if sc < 1 else cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))


def _inner_crops(up: np.ndarray, cand: SealCandidate) -> list[np.ndarray]:
    """Horizontal lines inside an upright seal crop (``up`` as from ``upright_crop``)."""
    S = up.shape[0]
    c = S / 2
    R = S / 2 / 1.02
    a, b = cand.axes
    ra, rb = max(a, b), min(a, b)
    k = rb / ra  # oval: the short axis (vertical when upright)
    boxes = []
    if cand.shape == "oval":
        boxes.append((c - 0.74 * R, c - 0.2 * R * k, c + 0.74 * R, c + 0.22 * R * k))   # middle line
        boxes.append((c - 0.55 * R, c + 0.22 * R * k, c + 0.55 * R, c + 0.72 * R * k))  # bottom line
    else:
        boxes.append((c - 0.6 * R, c + 0.28 * R, c + 0.6 * R, c + 0.72 * R))  # below the star
    crops = []
    for x0, y0, x1, y1 in boxes:
        crop = up[int(max(0, y0)):int(min(S, y1)), int(max(0, x0)):int(min(S, x1))]
        if crop.size:
            crops.append(_fit_height(crop))
    return crops


def _fit_height(crop: np.ndarray, h: int = STRIP_H) -> np.ndarray:
    if crop.shape[0] == h:
        return crop
    f = h / crop.shape[0]
    return cv2.resize(crop, (max(1, int(round(crop.shape[1] * f))), h),
                      interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)


def _square_strip(img: np.ndarray, cand: SealCandidate, red: bool) -> np.ndarray:
    """A square seal's characters (columns right to left, top to bottom) laid out in one row."""
    if abs(cand.angle) > 1.0 or cand.cut_by_edge:
        # pressed at an angle: turned upright; cut by the edge: the part beyond it left blank, so
        # the frame's sides and the grid of characters stay where they are on a whole stamp
        m = 0.04 * max(cand.axes)
        cx, cy = cand.center
        ow, oh = (int(round(2 * (ax + m))) for ax in cand.axes)
        M = cv2.getRotationMatrix2D((float(cx), float(cy)), float(cand.angle), 1.0)
        M[0, 2] += ow / 2 - cx
        M[1, 2] += oh / 2 - cy
        crop = cv2.warpAffine(img, M, (max(1, ow), max(1, oh)), flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    else:
        x0, y0, x1, y1 = (int(round(v)) for v in cand.box)
        crop = img[max(0, y0):y1, max(0, x0):x1]
    if crop.size == 0:
        return np.full((STRIP_H, STRIP_H, 3), 255, np.uint8)
    inkimg = crop if red else red_ink_image(crop)
    gray = cv2.cvtColor(inkimg, cv2.COLOR_BGR2GRAY)
    ink = gray < 160
    h, w = ink.shape
    # inside the frame
    fr = int(round(min(h, w) * 0.1))
    rows, cols = ink.mean(axis=1), ink.mean(axis=0)
    def edge(p):
        """Index just past the frame on this side; 0 where no frame shows (cut by the edge)."""
        i = 0
        lim = len(p) // 4
        while i < lim and p[i] < 0.5:
            i += 1
        if i >= lim:
            return 0
        while i < lim and p[i] >= 0.5:
            i += 1
        return i
    t, b_, l, r = edge(rows), edge(rows[::-1]), edge(cols), edge(cols[::-1])
    t, b_, l, r = max(t, fr // 2), max(b_, fr // 2), max(l, fr // 2), max(r, fr // 2)
    src = crop if not red else inkimg
    inner = src[t:h - b_, l:w - r]
    iink = ink[t:h - b_, l:w - r]
    if inner.size == 0:
        return _fit_height(crop)
    ih, iw = iink.shape
    # number of columns/rows: from valleys of the projections, else a 2x2 grid
    def splits(prof, n_max=3):
        best = 2
        for n in (2, 3):
            if n > n_max:
                continue
            cuts = [int(len(prof) * k / n) for k in range(1, n)]
            if all(prof[max(0, c - 2):c + 3].min() < 0.25 * prof.max() for c in cuts):
                best = n
        return best
    nc = splits(iink.mean(axis=0))
    nr = splits(iink.mean(axis=1))
    cells = []
    for ci in range(nc - 1, -1, -1):  # right to left
        for ri in range(nr):
            cell = inner[ri * ih // nr:(ri + 1) * ih // nr, ci * iw // nc:(ci + 1) * iw // nc]
            cells.append(_fit_height(cell))
    pad = np.full((STRIP_H, 4, 3), 255, np.uint8)
    parts = []
    for c in cells:
        parts += [c, pad]
    return np.concatenate([pad] + parts, axis=1)


def _axis_point(c: SealCandidate, geo, bottom: bool) -> float:
    """Arc length of the lowest (or highest) end of the seal's short axis."""
    t, py = geo[0], geo[2]
    a, b = c.axes
    ts = (0.0, math.pi) if a < b else (math.pi / 2, 3 * math.pi / 2)
    js = [int(np.argmin(np.abs(np.angle(np.exp(1j * (t - tt)))))) for tt in ts]
    j = max(js, key=lambda jj: py[jj]) if bottom else min(js, key=lambda jj: py[jj])
    return float(geo[5][j])


def _dark_print_share(img: np.ndarray, c: SealCandidate) -> float:
    """How much black/grey print lies inside the seal (decides which rendering is read first)."""
    x0, y0, x1, y1 = (int(round(v)) for v in c.box)
    sub = img[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
    if sub.size == 0:
        return 0.0
    return dark_print_pixels(sub) / (sub.shape[0] * sub.shape[1])


#: strip widths are rounded up to the next of a few, spaced by this ratio, before reading
#: (``LineRecognizer.read(widths=...)``): the recogniser's runtime prepares its kernels for each
#: input shape it has not seen lately, which costs about as much as reading the strip (a 400-px
#: strip: ~50 ms the first time, ~25 ms again). Widening a strip by up to this ratio is harmless to
#: the glyphs; padding it is not (the recogniser reads the whole line at once, and a strip ending
#: in blank paper reads differently: 大学 → 大学0)
WIDTH_RATIO = 1.08


def strip_width(w: int, ratio: float = WIDTH_RATIO) -> int:
    """The narrowest of the few shared widths (``WIDTH_RATIO`` apart) at least ``w`` px wide (a strip
    is only ever widened: squeezed, a crowded ring's glyphs lose the strokes that tell 山 from 电)."""
    if w <= 64:
        return w
    return int(round(64 * ratio ** math.ceil(math.log(w / 64) / math.log(ratio) - 1e-9)))


def without_rules(crop: np.ndarray, cand: SealCandidate) -> np.ndarray:
    """The crop with long straight red lines through the ring's text band (a red table's rules,
    running along the page and on beyond the stamp) filled in from around them.

    Why: a red table drawn under a stamp is red ink like the stamp's, so no rendering separates
    it; unwrapped, its rules become arcs across the ring text, and the recogniser reads nothing
    (stress seed 73 page 23: 喀什大学 over a red table read as 天; without the rules, 什大 in
    every rendering). A ring, a star or a glyph has no straight run as long as the seal's short
    semi-axis, so what the line finder takes is not the stamp's text. Only the ring's band is
    touched: a rule through the inner lines (国家税务总局 on an invoice seal) would take their
    strokes with it, and ``read_inner`` reads those where they are."""
    min_len = min(cand.axes)
    if min_len < 20:
        return crop
    # red ink only (pale rules too): black rules and print are gone from the "clean" and "red"
    # renderings anyway, and a row of print has enough aligned strokes to pass for a line
    red = redness(crop)
    ink = (red > max(0.08, noise_floor(red))).astype(np.uint8) * 255
    found = cv2.HoughLinesP(ink, 1, np.pi / 180, threshold=int(0.8 * min_len), minLineLength=int(min_len),
                            maxLineGap=3)
    if found is None:
        return crop
    lines = np.zeros(ink.shape, np.uint8)
    cx, cy = cand.center
    ca, sa = math.cos(math.radians(cand.angle)), math.sin(math.radians(cand.angle))

    def rho(x: float, y: float) -> float:  # 1 on the ring
        u, v = (x - cx) * ca + (y - cy) * sa, -(x - cx) * sa + (y - cy) * ca
        return math.hypot(u / cand.axes[0], v / cand.axes[1])

    for x0, y0, x1, y1 in found.reshape(-1, 4):
        # a rule runs along the page (within 10°) and on beyond the stamp; a run of the stamp's
        # own ink that lines up (the ring's arc, a glyph beside it: 喀 of stress 53 page 7) does not
        tilt = math.degrees(math.atan2(abs(y1 - y0), abs(x1 - x0)))
        if min(tilt, 90 - tilt) > 10 or max(rho(x0, y0), rho(x1, y1)) < 1.15:
            continue
        cv2.line(lines, (int(x0), int(y0)), (int(x1), int(y1)), 255, 3)
    band = np.zeros(ink.shape, np.uint8)
    centre = (int(round(cand.center[0])), int(round(cand.center[1])))
    a, b_ = cand.axes
    cv2.ellipse(band, centre, (int(a * 1.12), int(b_ * 1.12)), cand.angle, 0, 360, 255, -1)
    cv2.ellipse(band, centre, (int(a * 0.5), int(b_ * 0.5)), cand.angle, 0, 360, 0, -1)
    lines &= cv2.dilate(ink, np.ones((3, 3), np.uint8)) & band
    if not lines.any():
        return crop
    return cv2.inpaint(crop, lines, 3, cv2.INPAINT_TELEA)


def default_good_enough(text: str, score: float) -> bool:
    return score >= 0.93 and len(text.strip()) >= 4


class SealReader:
    """Reads one seal step by step, so a caller can stop as soon as it knows enough: the ring in
    one rendering, the horizontal lines inside, the ring in another rendering."""

    def __init__(self, img: np.ndarray, cand: SealCandidate, engine, focus: str = ""):
        self.engine = engine
        #: characters whose probabilities each ring reading keeps (``ring_focus``): the unit's
        self.focus = focus
        self.cand = cand
        # work on a crop around the seal, at a resolution where the ring radius is ~110 px
        R = max(cand.axes)
        cx, cy = cand.center
        pad = 0.15 * R + 4
        H, W = img.shape[:2]
        x0, y0 = int(max(0, cx - R - pad)), int(max(0, cy - R - pad))
        x1, y1 = int(min(W, cx + R + pad)), int(min(H, cy + R + pad))
        crop = np.ascontiguousarray(img[y0:y1, x0:x1])
        f = float(np.clip(110.0 / max(1.0, R), 0.35, 3.0))
        if abs(f - 1) > 0.15:
            crop = cv2.resize(crop, None, fx=f, fy=f, interpolation=cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC)
        else:
            f = 1.0
        self.crop = crop
        self.c = SealCandidate(shape=cand.shape, center=((cx - x0) * f, (cy - y0) * f),
                               axes=(cand.axes[0] * f, cand.axes[1] * f), angle=cand.angle,
                               box=tuple(v * f for v in (cand.box[0] - x0, cand.box[1] - y0,
                                                         cand.box[2] - x0, cand.box[3] - y0)),
                               score=cand.score, cut_by_edge=cand.cut_by_edge)
        if cand.shape == "round" and cand.features.get("no_rules"):
            # found where red rules merged with it (the detector took them off to see it); an
            # oval's lower half holds lines of its own (发票专用章, 天津市税务局)
            self.crop = without_rules(crop, self.c)
        if cand.features.get("grey"):
            self.order = ("scan", "stretch", "scan")  # no colour to separate ink from print
        elif _dark_print_share(crop, self.c) > 0.04:
            self.order = ("clean", "scan", "red")
        else:
            self.order = ("scan", "clean", "red")
        self._img: dict[str, np.ndarray] = {}
        self._layout = None
        self.rotation = 0.0
        self.ring_reads: list[tuple[str, float, str]] = []
        #: per reading in ``ring_reads``: the recogniser's confidence in each of its characters,
        #: where each character lies along the strip (px; empty where the engine does not say),
        #: and the strip's layout (start, band), None for a square seal's strip
        self.ring_confs: list[list[float]] = []
        self.ring_cols: list[list[float]] = []
        self.ring_layouts: list[tuple[float, float, float] | None] = []
        #: per reading: ``Reading.focus`` for ``focus``'s characters (None where the engine has no
        #: line recogniser of ours)
        self.ring_focus: list[np.ndarray | None] = []
        #: alignments of the focus characters already made (``seals.spotting.SpotCache``)
        self.spots: dict = {}
        self._off: np.ndarray | None | bool = False
        self.inner_texts: list[str] | None = None

    @property
    def ring_texts(self) -> list[str]:
        """The ring's readings so far, in ``ring_reads``' order."""
        return [t for t, _sc, _v in self.ring_reads]

    @property
    def ring_sources(self) -> list[str]:
        """The rendering (and band) each reading in ``ring_reads`` came from."""
        return [v for _t, _sc, v in self.ring_reads]

    @property
    def ring_cyclic(self) -> list[bool]:
        """Per reading in ``ring_reads``: its strip runs round the whole ring (no gap found to
        start it at), so the name may run on from its end to its start."""
        whole = self._layout is not None and self._layout[1] >= self._layout[2]
        return [whole and lay is not None for lay in self.ring_layouts]

    def image(self, v: str) -> np.ndarray:
        if v not in self._img:
            self._img[v] = {"scan": lambda: self.crop, "clean": lambda: clean_image(self.crop),
                            "red": lambda: red_ink_image(self.crop),
                            "stretch": lambda: _grey_stretch(self.crop)}[v]()
        return self._img[v]

    def _ring_layout(self):
        """Where the ring strip starts and how long it is (arc lengths), and the rotation."""
        if self._layout is None:
            c = self.c
            geo = _ellipse_geometry(c)
            L = geo[6]
            d0, d1 = _band(c)
            if c.shape == "oval":
                # invoice-style ovals carry horizontal lines that fill the band's lower half: take
                # the seal as stamped roughly upright, the ring text on top, over ~250°
                s_mid = _axis_point(c, geo, bottom=False)
                length = 0.70 * L
                start = s_mid - length / 2
            else:
                src = self.image("stretch" if self.cand.features.get("grey") else "clean")
                ink = 1.0 - cv2.cvtColor(src, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
                s0, s_mid, gap = _seam(ink, c, geo, d0, d1)
                if gap >= 0.08:
                    margin = 0.06 * L
                    start, length = s0 + gap * L / 2 - margin, L * (1 - gap) + 2 * margin
                else:
                    start, length = s0, L * 1.08
            j = int(np.searchsorted(geo[5], s_mid % L).clip(0, len(geo[5]) - 1))
            mid_ang = math.degrees(math.atan2(geo[2][j] - c.center[1], geo[1][j] - c.center[0]))
            self.rotation = (mid_ang + 90.0) % 360.0
            self._layout = (start % L, length, L, d0, d1)
        return self._layout

    @property
    def second_opinion(self) -> bool:
        """The engine reads rings with a model of their own (fine-tuned on seal rings), so the
        stock recogniser's reading is a second opinion (``read_ring(stock=True)``)."""
        rings = getattr(self.engine, "ring_recognizer", None)
        return rings is not None and rings is not getattr(self.engine, "line_recognizer", None)

    def read_ring(self, variant: str, stock: bool = False) -> tuple[str, float]:
        """The ring in rendering ``variant``; ``stock``: read by the stock recogniser, not the
        ring model (a reading kept as ``variant/stock``)."""
        strip, layout = self.strip(variant)
        (t, sc, confs, cols, focus), = self._recognize([strip], stock=stock)
        self._keep(t, sc, f"{variant}/stock" if stock else variant, confs, cols, layout, focus)
        return t, sc

    def strip(self, variant: str, band: tuple[float, float] | None = None):
        """(the strip the recogniser reads of rendering ``variant``, its layout (start, band) or
        None for a square seal's). ``band``: distances inward from the ring (source px), default
        the fixed text band. What ``read_ring`` and ``read_more`` read, and what the ring model
        was trained on (``models/seal_rec/make_data.py``)."""
        if self.c.shape == "square":
            return _square_strip(self.image(variant) if variant != "scan" else self.crop, self.c,
                                 red=(variant != "scan")), None
        start, length, L, d0, d1 = self._ring_layout()
        b0, b1 = band or (d0, d1)
        return unwrap_ring(self.image(variant), self.c, start, b0, b1, extra=length / L - 1.0), (start, b0, b1)

    def more_keys(self) -> list[tuple[str, tuple[float, float]]]:
        """(rendering, band in source px) of each strip of the second look (``read_more``): every
        rendering in the measured text band and the narrower ``MORE_BANDS``."""
        if self.c.shape == "square":
            return []
        m = min(self.c.axes)
        variants = ("scan", "stretch") if self.cand.features.get("grey") else ("scan", "clean", "red")
        bands = list(self.MORE_BANDS)
        fitted = self.fitted_band()
        if fitted is not None:
            bands.insert(0, fitted)
        return [(v, (b0 * m, b1 * m)) for b0, b1 in bands for v in variants]

    def _keep(self, t: str, sc: float, variant: str, confs: list[float], cols: list[float], layout,
              focus: np.ndarray | None) -> None:
        self.ring_reads.append((t, sc, variant))
        self.ring_confs.append(confs)
        self.ring_cols.append(cols)
        self.ring_layouts.append(layout)
        self.ring_focus.append(focus)

    def visible_share(self, i: int, x0: float, x1: float) -> float:
        """Share of the ring under columns ``x0..x1`` (px, before the start or past the end too)
        of ring reading ``i``'s strip that lies on the image and on the sheet: where a stamp cut by
        the edge has characters it cannot show."""
        layout = self.ring_layouts[i]
        if layout is None or x1 <= x0:
            return 1.0
        start, d0, d1 = layout
        geo = _ellipse_geometry(self.c)
        j = _column_points(geo, start, d0, d1, np.linspace(x0, x1, 16))
        xs, ys = np.rint(geo[1][j]).astype(int), np.rint(geo[2][j]).astype(int)
        h, w = self.crop.shape[:2]
        inside = (xs >= 0) & (ys >= 0) & (xs < w) & (ys < h)
        off = self._off_sheet()
        if off is not None:
            inside[inside] = off[ys[inside], xs[inside]] == 0
        return float(inside.mean())

    def _off_sheet(self) -> np.ndarray | None:
        """The area beyond the sheet's edge in this crop (``detect.off_sheet``), computed once."""
        if self._off is False:
            from .detect import off_sheet

            self._off = off_sheet(self.crop, 1)
        return self._off  # type: ignore[return-value]

    def _recognize(self, strips: list[np.ndarray], stock: bool = False) -> list[tuple[str, float, list[float], list[float], np.ndarray | None]]:
        """(text, score, per-character confidence, per-character column in px, the focus
        characters' probabilities) of each strip. A line score hides which
        character the recogniser doubted: 克苏新术水利 reads at 0.94 with 术 at 0.37, a misread 禾;
        a namesake's clean 新河 has every character sure. Engines that give only line scores
        (``recognize``) lend the line score to each character. Ring strips go to the engine's
        ``ring_recognizer`` where it has one (fine-tuned on seal rings); ``stock`` ones (the
        horizontal lines inside, a second opinion) to its stock ``line_recognizer``."""
        lines = getattr(self.engine, "line_recognizer", None)
        if not stock:
            lines = getattr(self.engine, "ring_recognizer", None) or lines
        if lines is not None and hasattr(lines, "read"):
            out = []
            focus = lines.classes(self.focus) if self.focus and hasattr(lines, "classes") else None
            for rd, strip in zip(lines.read(strips, widths=strip_width, focus=focus), strips):
                sp = spans(rd, strip.shape[1])
                out.append(("".join(s.ch for s in sp), float(rd.score), [float(s.conf) for s in sp],
                            [s.centre for s in sp], rd.focus))
            return out
        return [(t.strip(), float(sc), [float(sc)] * len(t.strip()), [], None)
                for t, sc in self.engine.recognize(strips)]

    #: narrower ring-text bands (share of the short semi-axis, inward from the ring) for a second
    #: look: the glyphs fill more of the strip and less of the star or inner lines gets in
    MORE_BANDS = ((0.08, 0.38), (0.06, 0.42))

    def fitted_band(self) -> tuple[float, float] | None:
        """The ring-text band as measured on this stamp (shares of the short semi-axis): below
        the outer ring line (and an inner one, as on double-ringed ovals) down to where the
        glyphs end. The fixed band of ``_band`` may hold a ring line, which the recogniser reads
        as nothing at all, or glyphs so small in it that they blur."""
        start, length, L, _d0, _d1 = self._ring_layout()
        m = min(self.c.axes)
        src = self.image("stretch" if self.cand.features.get("grey") else "clean")
        wide = unwrap_ring(src, self.c, start, 0.0, BAND_SEARCH * m, extra=length / L - 1.0, strip_h=96)
        return text_rows(cv2.cvtColor(wide, cv2.COLOR_BGR2GRAY) < 128, BAND_SEARCH)

    def read_more(self) -> list[tuple[str, float]]:
        """The ring again in every rendering, in the measured text band and the narrower
        ``MORE_BANDS``, all in one recogniser call: each reading loses different strokes of a
        pale or printed-over stamp, and ``match_unit_readings`` combines them."""
        keys = self.more_keys()
        made = [self.strip(v, band) for v, band in keys]
        m = min(self.c.axes)
        out = []
        for (v, (b0, b1)), (_strip, layout), (t, sc, confs, cols, focus) in zip(
                keys, made, self._recognize([st for st, _lay in made])):
            self._keep(t, sc, f"{v}@{b0 / m:g}-{b1 / m:g}", confs, cols, layout, focus)
            out.append((t, sc))
        return out

    def read_inner(self) -> list[str]:
        if self.inner_texts is None:
            self.inner_texts = []
            if self.c.shape != "square":
                self._ring_layout()
                up = upright_crop(self.crop, self.c, self.rotation)
                crops = _inner_crops(up, self.c)
                if crops:
                    self.inner_texts = [t.strip() for t, sc, _c, _x, _f in self._recognize(crops, stock=True)
                                        if t.strip() and sc > 0.6]
        return self.inner_texts

    def result(self) -> SealReading:
        best = max(self.ring_reads, key=lambda z: (z[1] * min(1.0, len(z[0]) / 4.0)), default=("", 0.0, ""))
        inner = self.inner_texts or []
        text = " ".join([best[0]] + inner).strip()
        return SealReading(text=text, ring_text=best[0], inner_texts=list(inner), score=float(best[1]),
                           variant=best[2], rotation=self.rotation,
                           candidates=[(t, sc) for t, sc, _v in self.ring_reads])


def read_seal(img: np.ndarray, cand: SealCandidate, engine, variants: Sequence[str] | None = None,
              inner: bool = True, good_enough=default_good_enough) -> SealReading:
    """Read the seal ``cand`` on the BGR page ``img`` with ``engine.recognize``.

    The ring is read from each rendering in ``variants`` in turn ("scan": the image as is;
    "clean": black print removed; "red": red ink only) until ``good_enough(text, score)``; by
    default the scan first, or the clean rendering first when print runs under the stamp."""
    if engine is None:
        return SealReading(text="", score=0.0)
    r = SealReader(img, cand, engine)
    for v in (variants or r.order[:2]):
        t, sc = r.read_ring(v)
        if good_enough(t, sc):
            break
    if inner:
        r.read_inner()
    return r.result()
