"""Find stamps on a page: red blobs that have a seal's shape.

Cheap by design (tens of milliseconds on an A4 page): everything runs on a copy whose long side
is at most ``DETECT_SIDE`` px, and a page with no red ink stops after the colour map.

A red blob is a seal when it has
- a closed outer **ring** (round/oval: ink at a constant elliptical radius over most of the
  circumference) or **frame** (square), allowing dropouts, pale ink and a part cut off by the
  page edge, and
- **ink inside** the ring (ring text, star, 专用章 line) but not a solid fill.
What that rules out: red title text and red table rules (no ring, elongated or grid-like), red
photo backgrounds and emblems (solid fill, no thin ring), fingerprints (no thin outer ring with a
gap inside it; texture all over), hand-drawn red circles (no ink inside), faint show-through.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import cv2
import numpy as np

from .color import noise_floor, redness

DETECT_SIDE = 1000

Box = tuple[float, float, float, float]


@dataclass
class SealCandidate:
    """A stamp found on the page; geometry in full-resolution raster pixels."""

    shape: str                      # "round" | "oval" | "square"
    center: tuple[float, float]
    #: semi-axes of the outer ring (round/oval) or half-sides (square), along ``angle`` and across
    axes: tuple[float, float]
    #: rotation in degrees (OpenCV convention: the first axis turned clockwise from +x)
    angle: float
    #: box to mask: the whole stamp including ink bleed, clipped to the image
    box: Box
    score: float
    cut_by_edge: bool = False
    features: dict = field(default_factory=dict)

    @property
    def radius(self) -> float:
        return max(self.axes)


def _ellipse_samples(cx, cy, a, b, ang_deg, thetas, rhos):
    """Sample point grid (len(rhos) x len(thetas)) on scaled copies of an ellipse."""
    ca, sa = math.cos(math.radians(ang_deg)), math.sin(math.radians(ang_deg))
    ct, st = np.cos(thetas)[None, :], np.sin(thetas)[None, :]
    r = np.asarray(rhos, np.float32)[:, None]
    ex, ey = a * r * ct, b * r * st
    xs = cx + ex * ca - ey * sa
    ys = cy + ex * sa + ey * ca
    return xs, ys


def _lookup(mask: np.ndarray, xs: np.ndarray, ys: np.ndarray, off: np.ndarray | None = None):
    """Values of ``mask`` at float points; also which points are inside the image and on the
    sheet (``off``: the area beyond the sheet's edge in a photo, as from ``off_sheet``)."""
    h, w = mask.shape
    xi, yi = np.rint(xs).astype(np.int32), np.rint(ys).astype(np.int32)
    inside = (xi >= 0) & (yi >= 0) & (xi < w) & (yi < h)
    if off is not None:
        inside[inside] = off[yi[inside], xi[inside]] == 0
    v = np.zeros(xs.shape, bool)
    v[inside] = mask[yi[inside], xi[inside]] > 0
    return v, inside


def _ellipse_fill(mask: np.ndarray, cx, cy, a, b, ang, rho0, rho1,
                  off: np.ndarray | None = None) -> tuple[float, int]:
    """Share of ink pixels in the elliptical annulus rho0..rho1 (inside the image)."""
    n_t = max(48, int(2 * math.pi * max(a, b) * rho1 / 2))
    thetas = np.linspace(0, 2 * math.pi, n_t, endpoint=False)
    n_r = max(3, int((rho1 - rho0) * max(a, b) / 2))
    rhos = np.linspace(rho0, rho1, n_r)
    xs, ys = _ellipse_samples(cx, cy, a, b, ang, thetas, rhos)
    # weight by radius so the sample density is roughly uniform in area
    v, inside = _lookup(mask, xs, ys, off)
    wgt = np.broadcast_to(np.asarray(rhos)[:, None], v.shape)
    tot = float((wgt * inside).sum())
    return (float((wgt * v).sum()) / tot if tot > 0 else 0.0), int(inside.sum())


def _ring_profile(mask: np.ndarray, cx, cy, a, b, ang, n_t=180, off: np.ndarray | None = None):
    """Per angle: is there ink on the ring band, and at which radius is the outermost ink."""
    thetas = np.linspace(0, 2 * math.pi, n_t, endpoint=False)
    rhos = np.linspace(0.55, 1.12, 39)
    xs, ys = _ellipse_samples(cx, cy, a, b, ang, thetas, rhos)
    v, inside = _lookup(mask, xs, ys, off)
    valid = inside[np.searchsorted(rhos, 1.0)]  # the ring point itself is on the page
    band = (rhos >= 0.86) & (rhos <= 1.06)
    hit = v[band].any(axis=0)
    # outermost ink radius (0 where none)
    idx = np.where(v.any(axis=0), len(rhos) - 1 - np.argmax(v[::-1], axis=0), -1)
    rho_out = np.where(idx >= 0, rhos[np.clip(idx, 0, None)], 0.0)
    return thetas, hit, valid, rho_out, v, rhos


@dataclass
class _Blob:
    x: int
    y: int
    w: int
    h: int
    mask: np.ndarray      # blob (dilated) mask, local
    ink: np.ndarray       # ink pixels, local
    #: beyond the sheet's edge (photo background), local, widened by a few px; None: no such area
    off: np.ndarray | None = None
    #: ``_outline_points`` by its arguments, and the outer contours (``_contours``): the ellipse,
    #: robust and circle fits all start from the same outline, which was most of a blob's fitting
    #: time when traced anew for each
    outlines: dict = field(default_factory=dict)


def _contours(blob: _Blob) -> tuple:
    """The outer contours of the blob's mask, traced once (the outline fits, the square's turn
    and the cut square all start from them)."""
    if "contours" not in blob.outlines:
        blob.outlines["contours"] = cv2.findContours(blob.mask.astype(np.uint8), cv2.RETR_EXTERNAL,
                                                     cv2.CHAIN_APPROX_NONE)[0]
    return blob.outlines["contours"]


def _outline_points(blob: _Blob, img_w: int, img_h: int, hull: bool = True) -> np.ndarray | None:
    """``_trace_outline``, once per blob and kind of outline."""
    key = (img_w, img_h, hull)
    if key not in blob.outlines:
        blob.outlines[key] = _trace_outline(blob, img_w, img_h, hull)
    return blob.outlines[key]


def _trace_outline(blob: _Blob, img_w: int, img_h: int, hull: bool = True) -> np.ndarray | None:
    """Points (blob-local) along the blob's convex outline, without those on the page border.

    ``hull=False``: the outer contour's own points instead. The hull bridges dents, but where red
    print sticks out of the stamp (a table's rule ends at its ring) the hull runs to the print's
    tips and skips the ring between them; the contour still follows the ring there."""
    cnts = _contours(blob)
    if not cnts:
        return None
    c = max(cnts, key=cv2.contourArea).reshape(-1, 2)
    # drop points on the page border: the stamp may be cut by the edge
    gx, gy = c[:, 0] + blob.x, c[:, 1] + blob.y
    keep = (gx > 1) & (gy > 1) & (gx < img_w - 2) & (gy < img_h - 2)
    if blob.off is not None:  # the sheet's edge in a photo cuts the stamp the same way
        keep &= blob.off[c[:, 1], c[:, 0]] == 0
    pts = c[keep].astype(np.float32)
    if len(pts) < 12:
        return None
    if not hull:
        return pts[:: max(1, len(pts) // 600)]
    hull = cv2.convexHull(pts).reshape(-1, 2)
    # sample the hull edges densely so long straight hull edges weigh by their length
    dense = []
    for i in range(len(hull)):
        p, q = hull[i], hull[(i + 1) % len(hull)]
        n = max(1, int(np.hypot(*(q - p)) / 2))
        t = np.linspace(0, 1, n, endpoint=False)[:, None]
        dense.append(p + (q - p) * t)
    dense = np.concatenate(dense).astype(np.float32)
    # hull edges bridging a cut-off part are artificial: keep points near real contour points
    if (~keep).any() and len(dense) > 0:
        d = cv2.distanceTransform((1 - _points_mask(pts, blob.mask.shape)).astype(np.uint8), cv2.DIST_L2, 3)
        xi = np.clip(np.rint(dense[:, 0]).astype(int), 0, blob.mask.shape[1] - 1)
        yi = np.clip(np.rint(dense[:, 1]).astype(int), 0, blob.mask.shape[0] - 1)
        dense = dense[d[yi, xi] < 3]
    return dense if len(dense) >= 10 else None


def _valid_fit(e) -> bool:
    (ex, ey), (d1, d2), ang = e
    return all(map(math.isfinite, (ex, ey, d1, d2, ang))) and d1 > 2 and d2 > 2


def _rho(pts: np.ndarray, e) -> np.ndarray:
    (ex, ey), (d1, d2), ang = e
    ca, sa = math.cos(math.radians(ang)), math.sin(math.radians(ang))
    dx, dy = pts[:, 0] - ex, pts[:, 1] - ey
    u, v = dx * ca + dy * sa, -dx * sa + dy * ca
    return np.sqrt((u / (d1 / 2)) ** 2 + (v / (d2 / 2)) ** 2)


def _rho_many(pts: np.ndarray, E: np.ndarray) -> np.ndarray:
    """``_rho`` of ``pts`` for many ellipses at once (``E``: rows centre x, y, diameters, angle;
    one row of the result per ellipse): RANSAC scores all its hypotheses in one array pass
    instead of a Python loop over them."""
    ca, sa = np.cos(np.radians(E[:, 4:5])), np.sin(np.radians(E[:, 4:5]))
    dx, dy = pts[None, :, 0] - E[:, 0:1], pts[None, :, 1] - E[:, 1:2]
    u, v = dx * ca + dy * sa, -dx * sa + dy * ca
    return np.sqrt((u / (E[:, 2:3] / 2)) ** 2 + (v / (E[:, 3:4] / 2)) ** 2)


def _samples(n: int, tries: int, k: int, seed: int) -> np.ndarray:
    """RANSAC's index sets: ``tries`` rows of ``k`` distinct indices below ``n``, the very rows
    ``[default_rng(seed).choice(n, k, replace=False) for _ in range(tries)]`` gives, drawn at once.

    Why: one by one, ``Generator.choice`` (~10 µs a call) cost more than the fits it fed — a third
    of the detector's time on photos with ~100 red blobs a page. The rows are rebuilt from the
    same 32-bit stream the way ``choice`` uses it (Floyd's algorithm, then a shuffle, each draw
    by Lemire's method), so the hypotheses, and the stamps found, stay exactly the same; where a
    draw would be rejected and redrawn (about once in 10^7 draws) they are drawn one by one."""
    per = 2 * k - 1  # k draws for Floyd's algorithm, k - 1 for the shuffle
    u = np.random.default_rng(seed).integers(0, 2 ** 32, size=tries * per, dtype=np.uint32)
    u = u.astype(np.uint64).reshape(tries, per)
    bounds = np.r_[np.arange(n - k, n), np.arange(k - 1, 0, -1)].astype(np.uint64)  # each draw's largest value
    m = u * (bounds + 1)
    if ((m & np.uint64(0xFFFFFFFF)) < (np.uint64(0xFFFFFFFF) - bounds) % (bounds + 1)).any():
        rng = np.random.default_rng(seed)
        return np.array([rng.choice(n, k, replace=False) for _ in range(tries)])
    v = (m >> np.uint64(32)).astype(np.int64)
    out = np.empty((tries, k), np.int64)
    for t in range(k):  # Floyd's: draw below n - k + t + 1, or take n - k + t if drawn already
        dup = (out[:, :t] == v[:, t:t + 1]).any(axis=1)
        out[:, t] = np.where(dup, n - k + t, v[:, t])
    rows = np.arange(tries)
    for s, i in enumerate(range(k - 1, 0, -1)):  # the shuffle: swap i with a draw below i + 1
        j = v[:, k + s]
        a, b = out[rows, j], out[:, i].copy()
        out[rows, j] = b
        out[:, i] = a
    return out


def _circles3(p: np.ndarray) -> list[tuple]:
    """Circles through point triples ``p`` (N, 3, 2), in order: (centre x, y, radius), collinear
    triples left out. One array pass, in the points' own precision (float32 for an outline), as
    one triple at a time gave them."""
    x1, y1, x2, y2, x3, y3 = (p[:, i, j] for i in range(3) for j in range(2))
    d = 2 * (x1 * (y2 - y3) + x2 * (y3 - y1) + x3 * (y1 - y2))
    ok = ~(np.abs(d) < 1e-6)
    x1, y1, x2, y2, x3, y3, d = (v[ok] for v in (x1, y1, x2, y2, x3, y3, d))
    s1, s2, s3 = x1 * x1 + y1 * y1, x2 * x2 + y2 * y2, x3 * x3 + y3 * y3
    ux = (s1 * (y2 - y3) + s2 * (y3 - y1) + s3 * (y1 - y2)) / d
    uy = (s1 * (x3 - x2) + s2 * (x1 - x3) + s3 * (x2 - x1)) / d
    r = [math.hypot(a, b) for a, b in zip((x1 - ux).tolist(), (y1 - uy).tolist())]
    return list(zip(ux, uy, r))


def _fit_circle(blob: _Blob, k: int, img_w: int, img_h: int):
    """RANSAC circle of the blob's outer edge: a round stamp cut by the page edge, where an
    ellipse fit to what is left would come out oval and wrong."""
    dense = _outline_points(blob, img_w, img_h)
    if dense is None or len(dense) < 12:
        return None
    size = max(blob.w, blob.h)
    circles = [c for c in _circles3(dense[_samples(len(dense), 60, 3, seed=1)]) if 0.2 * size < c[2] < 1.5 * size]
    if not circles:
        return None
    C = np.asarray(circles, np.float64)  # all hypotheses scored at once: one array pass, not 60
    d = np.abs(np.hypot(dense[None, :, 0] - C[:, 0:1], dense[None, :, 1] - C[:, 1:2]) - C[:, 2:3])
    counts = (d < 0.03 * C[:, 2:3] + 1).sum(axis=1)
    best_n = int(counts.max())
    best = circles[int(np.argmax(counts))]
    if best_n < 0.35 * len(dense):
        return None
    # least-squares refinement on the inliers (algebraic fit)
    d = np.abs(np.hypot(dense[:, 0] - best[0], dense[:, 1] - best[1]) - best[2])
    q = dense[d < 0.05 * best[2] + 1].astype(np.float64)
    A = np.c_[2 * q[:, 0], 2 * q[:, 1], np.ones(len(q))]
    bb = (q ** 2).sum(axis=1)
    try:
        (cx, cy, c0), *_ = np.linalg.lstsq(A, bb, rcond=None)
        r = math.sqrt(max(1.0, c0 + cx * cx + cy * cy))
    except np.linalg.LinAlgError:
        cx, cy, r = best
    r = max(2.0, r - k * 0.8)
    return cx, cy, r, r, 0.0


def _fit_ellipse(blob: _Blob, k: int, img_w: int, img_h: int, robust: bool = False, hull: bool = True):
    """Ellipse of the blob's outer edge (blob-local centre, semi-axes, angle), or None.

    ``robust``: a RANSAC fit that ignores straight cut edges (a stamp running off a sheet that was
    photographed on a larger background) and bumps from ink next to the stamp; ``hull=False``: on
    the outer contour's points rather than the convex hull's (see ``_outline_points``)."""
    dense = _outline_points(blob, img_w, img_h, hull=hull)
    if dense is None:
        return None
    e = None
    if not robust:
        try:
            e = cv2.fitEllipseDirect(dense)
        except cv2.error:
            return None
    else:
        n = len(dense)
        size = max(blob.w, blob.h)
        # the contour also runs along the print stuck to the stamp: more tries, fewer inliers
        fits = []
        for five in dense[_samples(n, 80 if hull else 200, 5, seed=0)]:
            try:
                fits.append(cv2.fitEllipse(five))
            except cv2.error:
                continue
        # rows (centre x, y, diameters, angle); the valid ones of a plausible size and shape,
        # judged for all hypotheses at once
        E = np.array([(ex, ey, d1, d2, ang) for (ex, ey), (d1, d2), ang in fits], np.float64).reshape(-1, 5)
        with np.errstate(invalid="ignore"):
            lo, hi = np.minimum(E[:, 2], E[:, 3]), np.maximum(E[:, 2], E[:, 3])
            E = E[np.isfinite(E).all(axis=1) & (lo > 2) & (hi <= 2.5 * size) & (lo >= 0.4 * hi)]
        if not len(E):
            return None
        counts = (np.abs(_rho_many(dense, E) - 1) < 0.035).sum(axis=1)  # every hypothesis at once
        ex, ey, d1, d2, ang = E[int(np.argmax(counts))].tolist()
        best_n, e = int(counts.max()), ((ex, ey), (d1, d2), ang)
        if best_n < (0.4 if hull else 0.3) * n:
            return None
        inl = dense[np.abs(_rho(dense, e) - 1) < 0.05]
        if len(inl) >= 6:
            try:
                e = cv2.fitEllipseDirect(inl)
            except cv2.error:
                pass
    if e is None or not _valid_fit(e):
        return None
    (ex, ey), (d1, d2), ang = e
    # the blob was dilated by k: the ring's outer edge lies ~k inside the contour
    a, b = max(2.0, d1 / 2 - k * 0.8), max(2.0, d2 / 2 - k * 0.8)
    return ex, ey, a, b, ang


def _points_mask(pts: np.ndarray, shape) -> np.ndarray:
    m = np.zeros(shape, np.uint8)
    xi = np.clip(np.rint(pts[:, 0]).astype(int), 0, shape[1] - 1)
    yi = np.clip(np.rint(pts[:, 1]).astype(int), 0, shape[0] - 1)
    m[yi, xi] = 1
    return m


def _long_lines(ink: np.ndarray, frac: float, tilted: bool = False) -> bool:
    """True when the ink has straight horizontal or vertical runs longer than ``frac`` of the
    region (table rules, underlines); with ``tilted``, also rules a few degrees off level or plumb
    (``_tilted_rules``)."""
    h, w = ink.shape
    if h < 8 or w < 8:
        return False
    kx = max(8, int(w * frac))
    ky = max(8, int(h * frac))
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, kx), np.uint8))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((ky, 1), np.uint8))
    if hor.any() or ver.any():
        return True
    return tilted and any(abs(x1 - x0) >= kx or abs(y1 - y0) >= ky for x0, y0, x1, y1 in _tilted_rules(ink, min(kx, ky)))


#: how far from level or plumb a table rule may run: a phone photo's perspective and a page laid
#: askew on the scanner tilt them by a few degrees, which a horizontal opening no longer fits
RULE_TILT = 8.0


def _tilted_rules(ink: np.ndarray, length: int) -> list[tuple[int, int, int, int]]:
    """Straight segments of ``ink`` at least ``length`` px long within ``RULE_TILT`` degrees of
    level or plumb (probabilistic Hough): the rules of a table photographed askew. Asked for
    twice the length of a level rule: the flat top of a wide invoice oval (全国统一发票监制章)
    passes for a short straight segment."""
    if min(ink.shape) < 8 or length < 8:
        return []
    lines = cv2.HoughLinesP(ink, 1, math.pi / 360, int(0.7 * length), minLineLength=length, maxLineGap=3)
    out = []
    for x0, y0, x1, y1 in (lines.reshape(-1, 4) if lines is not None else ()):
        dx, dy = abs(int(x1) - int(x0)), abs(int(y1) - int(y0))
        ang = math.degrees(math.atan2(dy, dx))
        # level and plumb rules are the opening's (``_remove_rules``), which takes no more than
        # the rule: Hough finds a thick rule as several lines (a few px askew inside it), whose
        # union cut into the glyphs and the ring
        if (ang <= RULE_TILT or ang >= 90 - RULE_TILT) and min(dx, dy) >= max(4.0, 0.013 * max(dx, dy)):
            out.append((int(x0), int(y0), int(x1), int(y1)))
    return out


def _score_ellipse(ink_g: np.ndarray, ex, ey, a, b, ang, off: np.ndarray | None = None) -> dict | None:
    """Ring/fill features of an ellipse hypothesis on the global ink mask (the part beyond the
    image or the sheet's edge, ``off``, left out)."""
    thetas, hit, valid, rho_out, v, rhos = _ring_profile(ink_g, ex, ey, a, b, ang, off=off)
    nv = int(valid.sum())
    if nv < 0.35 * len(thetas):
        return None
    ring = float(hit[valid].mean())
    # the ring's radius is constant: outermost ink sits near rho=1 on the angles that have ink
    ro = rho_out[valid & hit]
    ring_dev = float(np.median(np.abs(ro - 1.0))) if len(ro) else 1.0
    # a thin ring with a gap inside: ink at 0.9..1.05, markedly less at 0.80..0.87
    band_out = v[(rhos >= 0.9) & (rhos <= 1.04)][:, valid].mean()
    band_gap = v[(rhos >= 0.78) & (rhos <= 0.86)][:, valid].mean()
    f = {"ring": ring, "ring_dev": ring_dev, "band_out": float(band_out), "band_gap": float(band_gap),
         "fill_in": math.nan, "fill_out": math.nan, "valid": nv / len(thetas)}
    if _ring_fails(f):
        return f  # no stamp whatever the fills: not measured (most hypotheses on photos end here)
    f["fill_in"], _ = _ellipse_fill(ink_g, ex, ey, a, b, ang, 0.0, 0.8, off)
    f["fill_out"], _ = _ellipse_fill(ink_g, ex, ey, a, b, ang, 1.12, 1.3, off)
    return f


def _square_features(ink: np.ndarray) -> dict | None:
    """Frame and fill of an axis-aligned square candidate (local ink mask of its box)."""
    h, w = ink.shape
    if h < 12 or w < 12:
        return None
    t = max(2, int(min(h, w) * 0.12))
    sides = [ink[:t, :].any(axis=0), ink[-t:, :].any(axis=0), ink[:, :t].any(axis=1), ink[:, -t:].any(axis=1)]
    cov = [float(s.mean()) for s in sides]
    # the frame's own thickness: rows/columns from each edge that are mostly ink
    def run(prof: np.ndarray) -> int:
        """Index just past the frame: skip the blank margin, then the rows that are mostly ink."""
        lim = len(prof) // 3
        i = 0
        while i < lim and prof[i] < 0.5:
            i += 1
        if i >= lim:
            return 0
        while i < lim and prof[i] >= 0.5:
            i += 1
        return i
    rows, cols = ink.mean(axis=1), ink.mean(axis=0)
    th = [run(rows), run(rows[::-1]), run(cols), run(cols[::-1])]
    m = max(2, max(th) + 2)
    inner = ink[m:h - m, m:w - m]
    fill_in = float(inner.mean()) if inner.size else 0.0
    return {"sides": cov, "frame": float(np.mean(cov)), "frame_min": float(min(cov)), "fill_in": fill_in,
            "frame_px": m, "inner": inner}


def _remove_rules(ink: np.ndarray, length: int) -> np.ndarray:
    """Ink without long straight horizontal/vertical runs (table rules, underlines)."""
    if length < 8:
        return ink
    hor = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, length), np.uint8))
    ver = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((length, 1), np.uint8))
    lines = cv2.dilate(hor | ver, np.ones((3, 3), np.uint8))
    return ink & (1 - lines)


#: redness of a solid red area that may hide part of a stamp: a red photo background or a filled
#: emblem is saturated (~0.5–0.8); skin, lips and a pale pink wall are not (< 0.2)
SOLID_RED = 0.3


def _may_hold_a_stamp(ink: np.ndarray, blob: np.ndarray, red: np.ndarray, big: bool, k: int) -> bool:
    """A blob that is no seal may hold one merged with other red ink, to be looked at again: it is
    much bigger than a stamp (``big``), crossed by long rules (level, plumb or photographed askew),
    or holds a solid red area (a red ID photo the stamp was pressed on)."""
    return (big or _long_lines(ink, 0.8, tilted=True)
            or _solid_areas((red > SOLID_RED).astype(np.uint8) & blob, k) is not None)


def _holds_solid(red: np.ndarray, cand: SealCandidate, s: float, k: int) -> bool:
    """Does the candidate's box hold a solid red area (``_solid_areas``)? No stamp does; a ring
    fitted round a stamp and the red photo it was pressed on does. Wider than strokes measured
    on the stamp's own size too: a bold stamp filling a small crop has strokes of many ``k``
    (the real 北京中导 crop)."""
    h, w = red.shape
    x0, y0, x1, y1 = (int(round(v * s)) for v in cand.box)
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return False
    r = max(2.0 * k, 0.1 * cand.radius * s)
    return _solid_areas((red[y0:y1, x0:x1] > SOLID_RED).astype(np.uint8), k, r) is not None


def _solid_areas(ink: np.ndarray, k: int, r: float | None = None) -> np.ndarray | None:
    """Solid red areas in ``ink`` (uint8 0/1): what an opening wider than any stamp's stroke (ring,
    glyph, the star's arms; radius ``r``, by default twice the page's stroke scale ``k``) leaves,
    in pieces of a large area — a red photo background, a filled emblem. None where there is none."""
    r = int(round(r if r is not None else 2 * k))
    opened = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * r + 1, 2 * r + 1)))
    if not opened.any():
        return None
    n, labels, stats, _ = cv2.connectedComponentsWithStats(opened, connectivity=8)
    keep = [i for i in range(1, n) if stats[i, cv2.CC_STAT_AREA] >= (3 * r) ** 2]
    if not keep:
        return None
    return np.isin(labels, keep).astype(np.uint8)


def detect_seals(img: np.ndarray, *, min_diameter: float | None = None,
                 max_diameter: float | None = None, debug: dict | None = None) -> list[SealCandidate]:
    """Seal candidates on a BGR page image, best first.

    ``min_diameter``/``max_diameter`` (full-resolution pixels) bound a seal's size when the
    caller knows the page scale (e.g. from text line heights); by default they follow the image.
    """
    H, W = img.shape[:2]
    s = min(1.0, DETECT_SIDE / max(H, W))
    small = cv2.resize(img, (max(1, int(round(W * s))), max(1, int(round(H * s)))),
                       interpolation=cv2.INTER_AREA) if s < 1.0 else img
    h, w = small.shape[:2]
    if is_grey(small):
        return _detect_grey(small, s, min_diameter, max_diameter)
    red = redness(small)
    red = cv2.medianBlur(red, 3)
    floor = noise_floor(red)
    t_lo = float(np.clip(floor, 0.045, 0.12))
    if debug is not None:
        debug.update(red=red, t_lo=t_lo, scale=s)
    short = min(h, w)
    min_d = max(16.0, short * 0.035, (min_diameter or 0) * s)
    max_d = (max_diameter * s) if max_diameter else 1.15 * max(h, w)
    ink_lo = (red > t_lo).astype(np.uint8)
    if int(ink_lo.sum()) < min_d * 2:
        return []
    k = max(2, int(round(short * 0.006)))
    off = off_sheet(small, k + 1)
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * k + 1, 2 * k + 1))
    rule_len = max(12, int(short * 0.12))
    cands: list[SealCandidate] = []
    rejected: list[tuple[int, int, int, int]] = []
    solid_ink: np.ndarray | None = None  # the raw ink eroded, made on a re-scan's first find
    held: list[SealCandidate] = []  # fits that hold a solid red area (``_holds_solid``)

    def scan(ink: np.ndarray, ox: int, oy: int, ink_g: np.ndarray, level: float, no_rules: bool,
             keep_rejected: bool, hidden: np.ndarray | None = None) -> None:
        """Blobs of ``ink`` (a region at ox, oy of the small image) → candidates. ``hidden``: where
        a stamp cannot be seen (beyond the sheet, under a solid red area), if not ``off`` alone."""
        nonlocal solid_ink
        unseen = off if hidden is None else hidden
        blob_mask = cv2.dilate(ink, kernel)
        n, labels, stats, _ = cv2.connectedComponentsWithStats(blob_mask, connectivity=8)
        for i in range(1, n):
            x, y, bw, bh, _area = (int(v) for v in stats[i])
            if max(bw, bh) < min_d or min(bw, bh) > max_d + 2 * k:
                continue
            gx, gy = x + ox, y + oy
            touches = (gx <= 1 or gy <= 1 or gx + bw >= w - 1 or gy + bh >= h - 1
                       or (unseen is not None and bool(unseen[gy:gy + bh, gx:gx + bw].any())))
            bb = (gx / s, gy / s, (gx + bw) / s, (gy + bh) / s)
            if any(_inside(bb, c.box) > 0.8 for c in cands):
                continue  # already found
            big = min(bw, bh) >= min_d
            if min(bw, bh) < 0.4 * max(bw, bh) and not touches:
                if keep_rejected and big:
                    rejected.append((gx, gy, bw, bh))
                continue  # a line of text or a rule (or a stamp merged with one: looked at again)
            bm = labels[y:y + bh, x:x + bw] == i
            bink = ink[y:y + bh, x:x + bw] & bm
            if int(bink.sum()) < min_d:
                continue
            boff = unseen[gy:gy + bh, gx:gx + bw] if unseen is not None else None
            cand = _classify(_Blob(gx, gy, bw, bh, bm, bink, boff), ink_g, k, w, h, min_d, max_d, s, off=unseen)
            if cand is not None and ink_g is not ink_lo:
                # found on a re-scan: the raw ink there must not be a solid red area (a photo
                # background, a filled emblem) that the higher level or rule removal hollowed out.
                # Measured on the ink that is more than strokes wide (eroded): a bold stamp over a
                # red table fills half its disc with strokes and rules (stress seed 83 page 2:
                # 0.56 raw), a solid area stays solid
                cx, cy = cand.center[0] * s, cand.center[1] * s
                if solid_ink is None:
                    solid_ink = cv2.erode(ink_lo, np.ones((5, 5), np.uint8))
                fill, _ = _ellipse_fill(solid_ink, cx, cy, cand.axes[0] * s, cand.axes[1] * s, cand.angle,
                                        0.0, 0.95, unseen)
                if fill > 0.35:  # measured: the stamp 0.23, a red ID photo 0.45 (raw: 0.56 and 0.55)
                    cand = None
            if cand is not None and hidden is None and _holds_solid(red, cand, s, k):
                # a stamp and a red photo fitted as one ring? looked at again beside the photo;
                # kept in case nothing better is found there (a stamp mostly under the photo)
                held.append(cand)
                cand = None
            if cand is not None:
                cand.features["level"] = round(level, 3)
                cand.features["no_rules"] = no_rules
                cands.append(cand)
            elif keep_rejected and big and _may_hold_a_stamp(ink[y:y + bh, x:x + bw], bm, red[gy:gy + bh, gx:gx + bw],
                                                             max(bw, bh) > 0.3 * short, k):
                rejected.append((gx, gy, bw, bh))

    def rescan(x0: int, y0: int, x1: int, y1: int, region: np.ndarray, level: float, no_rules: bool,
               hidden: np.ndarray | None = None) -> None:
        """``region`` (the ink of the page's box x0..x1, y0..y1) scanned on its own."""
        g = np.zeros_like(ink_lo)
        g[y0:y1, x0:x1] = region
        scan(region, x0, y0, g, level, no_rules, False, hidden)

    def levels(x0: int, y0: int, x1: int, y1: int, tilted: np.ndarray | None = None) -> None:
        """The box at higher ink levels, rules off (``tilted``: rules found askew, off too)."""
        for t in [t_lo] + [t for t in (0.2, 0.4) if t > t_lo * 1.5]:
            region = _remove_rules((red[y0:y1, x0:x1] > t).astype(np.uint8), rule_len)
            if tilted is not None:
                region &= 1 - tilted
            rescan(x0, y0, x1, y1, region, t, True)

    # 1. the whole page at the lowest ink level (pale stamps only show here)
    scan(ink_lo, 0, 0, ink_lo, t_lo, False, True)
    # 2. big blobs that were not seals may hold one merged with other red print: a stamp over a
    #    red table (rules removed), or a bright stamp over darker red print such as an invoice's
    #    table and title (higher ink levels). Looked at again only there, to stay cheap.
    for gx, gy, bw, bh in rejected:
        m = 2 * k + 2
        x0, y0, x1, y1 = max(0, gx - m), max(0, gy - m), min(w, gx + bw + m), min(h, gy + bh + m)
        n_before = len(cands)
        levels(x0, y0, x1, y1)
        if len(cands) == n_before:
            # a stamp pressed on or beside a solid red area (the corner of a red-background ID
            # photo, as units certify a form's photo): the area is no stamp's ink, and the ring
            # under it cannot be seen — left out as beyond a sheet's edge is
            solid = _solid_areas((red[y0:y1, x0:x1] > SOLID_RED).astype(np.uint8), k)
            if solid is not None:
                hidden = np.zeros_like(ink_lo) if off is None else off.copy()
                hidden[y0:y1, x0:x1] |= cv2.dilate(solid, np.ones((2 * k + 3, 2 * k + 3), np.uint8))
                rescan(x0, y0, x1, y1, ink_lo[y0:y1, x0:x1] & (1 - hidden[y0:y1, x0:x1]), t_lo, False, hidden)
                for c in cands[n_before:]:
                    c.features["beside_solid"] = True
            inside = [c for c in held if x0 <= c.center[0] * s <= x1 and y0 <= c.center[1] * s <= y1]
            if len(cands) == n_before and inside:
                cands.append(max(inside, key=lambda c: c.score))
        if len(cands) == n_before:
            # a round stamp over red print of its own colour (a red title): circles in the region
            for cand in _hough_circles(ink_lo, x0, y0, x1, y1, k, w, h, min_d, max_d, s):
                if not any(_inside(cand.box, c.box) > 0.6 or _inside(c.box, cand.box) > 0.6 for c in cands):
                    cands.append(cand)
        # rules photographed askew (a phone photo's perspective), which the level opening leaves:
        # found once on the lowest level, taken off at every level. Last, and only for stamps not
        # found already: where the looks above found one, their fit is the better (a round stamp
        # under a red title and a tilted rule: the title pulls a fit without the rule off the ring)
        segs = _tilted_rules(np.ascontiguousarray(ink_lo[y0:y1, x0:x1]), 2 * rule_len)
        if segs:
            tilted = np.zeros((y1 - y0, x1 - x0), np.uint8)
            for lx0, ly0, lx1, ly1 in segs:
                cv2.line(tilted, (lx0, ly0), (lx1, ly1), 1, 3)
            n_found = len(cands)
            levels(x0, y0, x1, y1, tilted)
            cands[n_found:] = [c for c in cands[n_found:]
                               if not any(_inside(c.box, o.box) > 0.3 or _inside(o.box, c.box) > 0.3
                                          for o in cands[:n_found])]
    cands = _suppress(cands)
    cands.sort(key=lambda c: -c.score)
    return cands


#: the photo's background beyond the sheet: darker than this share of the paper's brightness
OFF_SHEET_DARK = 0.6


def off_sheet(img: np.ndarray, widen: int) -> np.ndarray | None:
    """The area beyond the sheet's edge in a photo of the sheet (the table it lies on), widened by
    ``widen`` px, as a uint8 mask; None where the sheet fills the image.

    A stamp cut by the sheet's edge is cut there as by the image's edge: its outline along that
    edge is no part of its ring, and its ring beyond it is not missing ink. The background is a
    large dark area reaching the image's border; print is dark too, but thin (an opening removes
    it) and inside the sheet."""
    h, w = img.shape[:2]
    if img.ndim == 3:  # brightest channel (cv2 is an order of magnitude faster than ndarray.max here)
        b, g, r_ = cv2.split(img)
        v = cv2.max(cv2.max(b, g), r_)
    else:
        v = img
    paper = float(np.percentile(v[::4, ::4], 75))
    dark = (v < OFF_SHEET_DARK * paper).astype(np.uint8)
    if not (dark[0].any() or dark[-1].any() or dark[:, 0].any() or dark[:, -1].any()):
        return None
    r = max(3, int(round(min(h, w) * 0.012)))
    dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((2 * r + 1, 2 * r + 1), np.uint8))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    border = set(np.unique(np.r_[labels[0], labels[-1], labels[:, 0], labels[:, -1]]).tolist()) - {0}
    keep = [i for i in border if stats[i, cv2.CC_STAT_AREA] >= 4 * r * r]
    if not keep:
        return None
    off = np.isin(labels, keep).astype(np.uint8)
    # a sheet: what is left is most of the image and mostly paper (a photo of a room or a
    # person has dark areas at its border too, but no sheet between them)
    on = off == 0
    if on.mean() < 0.5 or float((v[on] >= 0.8 * paper).mean()) < 0.7:
        return None
    return cv2.dilate(off, np.ones((2 * widen + 1, 2 * widen + 1), np.uint8))


def _hough_circles(ink: np.ndarray, x0: int, y0: int, x1: int, y1: int, k: int, w: int, h: int,
                   min_d: float, max_d: float, s: float, n_max: int = 4, param2: int = 30) -> list[SealCandidate]:
    """Round stamps inside a region where they merged with other red ink (Hough transform on
    the ink, each circle then judged like any ring)."""
    reg = ink[y0:y1, x0:x1]
    if reg.size == 0 or min(reg.shape) < min_d:
        return []
    r_min = int(min_d / 2)
    r_max = int(min(max(reg.shape) / 2, max_d / 2))
    if r_max <= r_min:
        return []
    # at half resolution (a quarter of the votes to cast: this was most of the stage's time on
    # photos), each circle then placed on the full-resolution ink
    half = cv2.resize(reg.astype(np.uint8) * 255, (max(1, reg.shape[1] // 2), max(1, reg.shape[0] // 2)),
                      interpolation=cv2.INTER_AREA)
    circles = cv2.HoughCircles(cv2.GaussianBlur(half, (0, 0), max(1.0, k / 4)), cv2.HOUGH_GRADIENT, dp=1.5,
                               minDist=max(4, r_min // 2), param1=120, param2=param2 // 2,
                               minRadius=max(1, r_min // 2), maxRadius=r_max // 2 + 1)
    out: list[SealCandidate] = []
    if circles is None:
        return out
    for hx, hy, hr in circles[0][:n_max]:
        cx, cy, r = _place_circle(reg, 2 * float(hx), 2 * float(hy), 2 * float(hr))
        gx, gy = cx + x0, cy + y0
        f = _score_ellipse(ink, gx, gy, float(r), float(r), 0.0)
        if f is None:
            continue
        score = _ellipse_score(f)
        if score <= 0:
            continue
        fill, _ = _ellipse_fill(ink, gx, gy, float(r), float(r), 0.0, 0.0, 0.95)
        if fill > 0.5:
            continue
        bx0, by0 = int(max(0, gx - 1.1 * r)), int(max(0, gy - 1.1 * r))
        bx1, by1 = int(min(w, gx + 1.1 * r)), int(min(h, gy + 1.1 * r))
        yy, xx = np.mgrid[by0:by1, bx0:bx1]
        disk = (xx - gx) ** 2 + (yy - gy) ** 2 <= (1.08 * r) ** 2
        blob = _Blob(bx0, by0, bx1 - bx0, by1 - by0, disk, ink[by0:by1, bx0:bx1] & disk)
        f["fit"] = "hough"
        out.append(_make("round", gx, gy, float(r), float(r), 0.0, f, score * 0.95, blob, ink, s, w, h))
    return out


def _place_circle(ink: np.ndarray, cx: float, cy: float, r: float) -> tuple[float, float, float]:
    """A circle found at half resolution (centre and radius good to a couple of px) placed on the
    full-resolution ``ink``: the nearby centre and radius whose circle runs on the most ink (the
    ring line is the longest curve of ink at one radius)."""
    step = max(1.0, 0.01 * r)
    offs = np.arange(-3, 4) * step
    radii = r + np.arange(-6, 7) * step
    th = np.linspace(0, 2 * math.pi, 180, endpoint=False)
    ct, st = np.cos(th), np.sin(th)
    h, w = ink.shape
    # (dy, dx, radius, angle) sample grid, looked up at once
    xs = cx + offs[None, :, None, None] + radii[None, None, :, None] * ct
    ys = cy + offs[:, None, None, None] + radii[None, None, :, None] * st
    xs, ys = np.broadcast_arrays(xs, ys)
    xi, yi = np.rint(xs).astype(np.int32), np.rint(ys).astype(np.int32)
    ok = (xi >= 0) & (yi >= 0) & (xi < w) & (yi < h)
    hit = np.zeros(xs.shape, bool)
    hit[ok] = ink[yi[ok], xi[ok]] > 0
    on = hit.mean(axis=3)
    iy, ix, ir = np.unravel_index(int(np.argmax(on)), on.shape)
    return cx + float(offs[ix]), cy + float(offs[iy]), float(radii[ir])


def is_grey(img: np.ndarray, step: int = 4) -> bool:
    """A greyscale scan or copy: no colour anywhere (stamps in it are grey). ``step``: every
    how many pixels are sampled."""
    if img.ndim == 2:
        return True
    b, g, r = cv2.split(np.ascontiguousarray(img[::step, ::step, :3]))  # OpenCV's max/min: ~4x numpy's
    chroma = cv2.subtract(cv2.max(cv2.max(b, g), r), cv2.min(cv2.min(b, g), r))
    return float(np.percentile(chroma, 99.7)) < 18


def _detect_grey(small: np.ndarray, s: float, min_diameter: float | None,
                 max_diameter: float | None) -> list[SealCandidate]:
    """Stamps on a greyscale page: colour cannot tell them from print, so only clear round rings
    count (Hough circles, then the same ring test, stricter)."""
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    short = min(h, w)
    q = 4
    sm = cv2.resize(gray, (max(1, w // q), max(1, h // q)), interpolation=cv2.INTER_AREA)
    bg = cv2.dilate(sm, np.ones((9, 9), np.uint8))
    bg = cv2.resize(cv2.GaussianBlur(bg, (0, 0), 3), (w, h), interpolation=cv2.INTER_LINEAR).astype(np.float32)
    dark = np.clip(1.0 - gray.astype(np.float32) / np.maximum(bg, 8.0), 0, 1)
    ink = (dark > 0.22).astype(np.uint8)
    r_min = max(short * 0.05, (min_diameter or 0) * s / 2)
    r_max = min(short * 0.17, (max_diameter * s / 2) if max_diameter else short)
    if r_max <= r_min:
        return []
    # Hough at half resolution (the ring is thick enough), each circle then judged on full ink
    half = cv2.resize(ink * 255, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA)
    circles = cv2.HoughCircles(cv2.GaussianBlur(half, (0, 0), 1.5), cv2.HOUGH_GRADIENT, dp=1.5,
                               minDist=max(8, int(r_min)), param1=100, param2=32,
                               minRadius=int(r_min / 2), maxRadius=int(r_max / 2))
    cands: list[SealCandidate] = []
    if circles is None:
        return cands
    for cx, cy, r in circles[0][:8]:
        gx, gy, rr = 2 * float(cx), 2 * float(cy), 2 * float(r)
        best = None
        for f_r in (1.0, 0.95, 1.05):  # the half-resolution radius is rough
            f = _score_ellipse(ink, gx, gy, rr * f_r, rr * f_r, 0.0)
            if f is None or _ellipse_score(f) <= 0:
                continue
            if f["ring"] < 0.8 or f["ring_dev"] > 0.03 or f["fill_in"] > 0.4:
                continue
            if best is None or f["ring"] > best[0]["ring"]:
                best = (f, rr * f_r)
        if best is None:
            continue
        f, rad = best
        f["grey"] = True
        f["fit"] = "hough"
        bx0, by0 = int(max(0, gx - 1.1 * rad)), int(max(0, gy - 1.1 * rad))
        bx1, by1 = int(min(w, gx + 1.1 * rad)), int(min(h, gy + 1.1 * rad))
        yy, xx = np.mgrid[by0:by1, bx0:bx1]
        disk = (xx - gx) ** 2 + (yy - gy) ** 2 <= (1.06 * rad) ** 2
        blob = _Blob(bx0, by0, bx1 - bx0, by1 - by0, disk, ink[by0:by1, bx0:bx1] & disk)
        c = _make("round", gx, gy, rad, rad, 0.0, f, _ellipse_score(f) * 0.9, blob, ink, s, w, h)
        if not any(_inside(c.box, o.box) > 0.5 or _inside(o.box, c.box) > 0.5 for o in cands):
            cands.append(c)
    cands.sort(key=lambda c: -c.score)
    return cands


def _inside(a: Box, b: Box) -> float:
    """Share of box ``a`` inside box ``b``."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    ar = (a[2] - a[0]) * (a[3] - a[1])
    return ix * iy / ar if ar > 0 else 0.0


def _classify(blob: _Blob, ink_g: np.ndarray, k: int, w: int, h: int, min_d: float, max_d: float,
              s: float, debug_sq: dict | None = None, off: np.ndarray | None = None) -> SealCandidate | None:
    """The blob as a seal (round, oval or square), or None. ``off``: the area beyond the sheet's
    edge in a photo (``off_sheet``), which cuts a stamp the way the image's edge does."""
    best: SealCandidate | None = None
    touches = (blob.x <= 1 or blob.y <= 1 or blob.x + blob.w >= w - 1 or blob.y + blob.h >= h - 1
               or (blob.off is not None and bool(blob.off[blob.mask > 0].any())))
    fits = ["direct"]
    if max(blob.w, blob.h) >= 2.5 * min_d or touches:
        fits += ["circle", "robust"] if touches else ["robust", "circle"]
        fits.append("contour")
    for how in fits:
        if best is not None and best.score >= (0.9 if not touches else 0.95):
            break  # a clean fit: no need for the robust ones (a cut ring's direct fit is less sure)
        fit = (_fit_circle(blob, k, w, h) if how == "circle"
               else _fit_ellipse(blob, k, w, h, robust=(how != "direct"), hull=(how != "contour")))
        if fit is None:
            continue
        ex, ey, a, b = fit[0] + blob.x, fit[1] + blob.y, fit[2], fit[3]
        ang = fit[4]
        lo_ax, hi_ax = min(a, b), max(a, b)
        if not (2 * hi_ax >= min_d and 2 * lo_ax <= max_d and lo_ax >= 0.45 * hi_ax):
            continue
        f = _score_ellipse(ink_g, ex, ey, a, b, ang, off)
        if f is None:
            continue
        score = _ellipse_score(f)
        shape = "round" if lo_ax >= 0.8 * hi_ax else "oval"
        if shape == "oval" and f["band_gap"] > f["band_out"] and f["band_out"] < 0.4:
            score = 0.0  # a faint "ring" with denser ink inside: a fingerprint's ridges, not a stamp
        if score > 0 and (best is None or score > best.score):
            f["fit"] = how
            best = _make(shape, ex, ey, a, b, ang, f, score, blob, ink_g, s, w, h)
    # square (personal and some unit seals), possibly stamped at an angle: deskewed first
    sq_blob, ang = _deskewed(blob)
    bw, bh = sq_blob.shape[1], sq_blob.shape[0]
    if 0.7 <= bw / max(1, bh) <= 1.43 and min_d <= max(bw, bh) <= max_d:
        sq = _square_features(sq_blob)
        if sq is not None:
            inner = sq.pop("inner")
            ok = (sq["frame_min"] >= 0.6 and sq["frame"] >= 0.8 and 0.15 <= sq["fill_in"] <= 0.7
                  and sq["frame_px"] <= 0.2 * min(bw, bh))  # a frame, not a filled red area
            # a table's inner rules run from frame to frame; a seal's characters do not
            if ok and not (sq["fill_in"] < 0.3 and _long_lines(inner, 0.97)):
                score = min(1.0, 0.5 + 0.5 * sq["frame"]) * (0.9 if sq["fill_in"] < 0.2 else 1.0)
                if best is None or score > best.score:
                    cx, cy = blob.x + blob.w / 2, blob.y + blob.h / 2
                    sq["deskew"] = round(ang, 1)
                    best = _make("square", cx, cy, bw / 2 - k * 0.8, bh / 2 - k * 0.8, ang, sq, score,
                                 blob, ink_g, s, w, h)
            elif debug_sq is not None:
                debug_sq.update(sq)
    if touches and (best is None or best.score < 0.8):
        cut = _cut_square(blob, w, h, min_d, max_d)
        if cut is not None:
            cx, cy, side, ang, feats = cut
            score = min(1.0, 0.5 + 0.5 * feats["frame"]) * 0.9
            if best is None or score > best.score:
                best = _make("square", blob.x + cx, blob.y + cy, side / 2 - k * 0.8, side / 2 - k * 0.8, ang, feats,
                             score, blob, ink_g, s, w, h)
    return best


def _deskewed(blob: _Blob) -> tuple[np.ndarray, float]:
    """The blob's ink turned so its outline's bounding box is smallest (a square stamp pressed at
    an angle comes out axis-aligned), cropped to that box; and the angle used (degrees, as for
    ``cv2.getRotationMatrix2D``; 0 when it is already upright)."""
    if np.count_nonzero(blob.mask) < 10:
        return blob.ink, 0.0
    # the outer contours' points have the hull of all the mask's pixels, at a fraction of the points
    pts = np.concatenate([c.reshape(-1, 2) for c in _contours(blob)]).astype(np.float32)
    best_a = _min_box_angle(cv2.convexHull(pts).reshape(-1, 2))
    if abs(best_a) < 2.0:
        return blob.ink, 0.0
    c = (blob.w / 2, blob.h / 2)
    side = int(math.ceil(math.hypot(blob.w, blob.h))) + 2
    M = cv2.getRotationMatrix2D(c, best_a, 1.0)
    M[0, 2] += side / 2 - c[0]
    M[1, 2] += side / 2 - c[1]
    rot = cv2.warpAffine(blob.ink.astype(np.uint8), M, (side, side), flags=cv2.INTER_NEAREST)
    mrot = cv2.warpAffine(blob.mask.astype(np.uint8), M, (side, side), flags=cv2.INTER_NEAREST)
    ys, xs = np.nonzero(mrot)
    if len(xs) == 0:
        return blob.ink, 0.0
    return rot[ys.min():ys.max() + 1, xs.min():xs.max() + 1], best_a


def _min_box_angle(pts: np.ndarray) -> float:
    """The turn (degrees, as for ``cv2.getRotationMatrix2D``, within ±45) that gives ``pts`` the
    smallest axis-aligned bounding box: a square frame pressed at an angle comes out upright."""
    if len(pts) > 3:  # the extremes of any turn lie on the convex hull
        pts = cv2.convexHull(np.asarray(pts, np.float32)).reshape(-1, 2)
    angles = np.arange(-45.0, 45.0, 1.5)
    ca, sa = np.cos(np.radians(angles))[:, None], np.sin(np.radians(angles))[:, None]
    x, y = pts[None, :, 0].astype(np.float64), pts[None, :, 1].astype(np.float64)
    qx, qy = ca * x + sa * y, -sa * x + ca * y  # as cv2.getRotationMatrix2D turns them, all turns at once
    area = np.ptp(qx, axis=1) * np.ptp(qy, axis=1)
    near = np.flatnonzero(area <= area.min() + 1e-6)
    return float(angles[near[np.argmin(np.abs(angles[near]))]])


def _cut_square(blob: _Blob, w: int, h: int, min_d: float, max_d: float):
    """A square stamp cut by the image's or the sheet's edge, possibly pressed at an angle:
    (blob-local centre x, y, side, angle, features) or None.

    Its visible outline (without the part along the edge) is a rectangle whose long side is the
    stamp's side; the square is completed on the side where the edge is. It counts when the frame
    is inked along every side that shows (at least three) and the inside is neither empty nor
    filled — the test of an uncut square, on the part that is there."""
    cnts = _contours(blob)
    if not cnts:
        return None
    c = max(cnts, key=cv2.contourArea).reshape(-1, 2)
    gx, gy = c[:, 0] + blob.x, c[:, 1] + blob.y
    edge = ~((gx > 1) & (gy > 1) & (gx < w - 2) & (gy < h - 2))
    if blob.off is not None:
        edge |= blob.off[c[:, 1], c[:, 0]] > 0
    if edge.sum() < 5 or (~edge).sum() < 12:
        return None
    pts, at_edge = c[~edge].astype(np.float32), c[edge].astype(np.float32)
    a = _min_box_angle(pts)
    M = cv2.getRotationMatrix2D((0.0, 0.0), a, 1.0)[:, :2]
    q, qe = pts @ M.T, at_edge @ M.T
    (x0, y0), (x1, y1) = q.min(axis=0), q.max(axis=0)
    side = max(x1 - x0, y1 - y0)
    short = min(x1 - x0, y1 - y0)
    if not (short >= 0.5 * side and min_d <= side <= max_d):
        return None
    if x1 - x0 < y1 - y0:  # completed towards the edge
        x0, x1 = (x1 - side, x1) if qe[:, 0].mean() < (x0 + x1) / 2 else (x0, x0 + side)
    else:
        y0, y1 = (y1 - side, y1) if qe[:, 1].mean() < (y0 + y1) / 2 else (y0, y0 + side)
    n = int(math.ceil(side)) + 4
    A = np.c_[M, [2 - x0, 2 - y0]].astype(np.float32)
    ink = cv2.warpAffine(blob.ink.astype(np.uint8), A, (n, n), flags=cv2.INTER_NEAREST) > 0
    on = np.ones(blob.mask.shape, np.uint8) if blob.off is None else (blob.off == 0).astype(np.uint8)
    on = cv2.warpAffine(on, A, (n, n), flags=cv2.INTER_NEAREST) > 0
    t = max(2, int(0.12 * side))
    bands = [(slice(0, t), slice(None), 0), (slice(n - t, n), slice(None), 0),
             (slice(None), slice(0, t), 1), (slice(None), slice(n - t, n), 1)]
    cov = []
    for ys, xs, axis in bands:
        seen, hit = on[ys, xs].any(axis=axis), ink[ys, xs].any(axis=axis)
        if seen.mean() >= 0.3:
            cov.append(float(hit[seen].mean()))
    inner_on = on[2 * t:n - 2 * t, 2 * t:n - 2 * t]
    if len(cov) < 3 or inner_on.sum() < 0.3 * inner_on.size:
        return None
    fill_in = float(ink[2 * t:n - 2 * t, 2 * t:n - 2 * t][inner_on].mean())
    if min(cov) < 0.6 or np.mean(cov) < 0.8 or not 0.15 <= fill_in <= 0.7:
        return None
    ctr = np.array([(x0 + x1) / 2, (y0 + y1) / 2], np.float32) @ M  # back to blob-local
    return float(ctr[0]), float(ctr[1]), side, a, {"frame": round(float(np.mean(cov)), 3),
                                                   "frame_min": round(min(cov), 3), "fill_in": round(fill_in, 3),
                                                   "fit": "cut square"}


def _ring_fails(f: dict) -> bool:
    """The ring features alone (``ring``, ``ring_dev``, ``band_out``) are no stamp's: the fills
    need not be measured (``_score_ellipse``), the score is 0."""
    if f["ring"] < 0.55 or f["ring_dev"] > 0.07:
        return True
    if f["ring"] < 0.75 and f["ring_dev"] > 0.02:
        return True  # a broken ring must at least be a precise one (faces, hair, flowers are not)
    if f["ring_dev"] > 0.045 and f["ring"] < 0.9:
        return True
    return f["band_out"] < 0.12


def _ellipse_score(f: dict) -> float:
    """0 when the features are not a seal's, else a confidence in (0, 1]."""
    if _ring_fails(f):
        return 0.0
    if not (0.03 <= f["fill_in"] <= 0.55):
        return 0.0
    # a ring is thinner than what is inside it: no solid disc, no uniform texture
    if f["band_gap"] > f["band_out"] + 0.05 and f["fill_in"] > 0.42:
        return 0.0
    if f["fill_out"] > 0.35:
        return 0.0
    sc = 0.35 + 0.45 * min(1.0, (f["ring"] - 0.55) / 0.35) + 0.2 * max(0.0, 1 - f["ring_dev"] / 0.07)
    return float(min(1.0, sc))


def _make(shape, cx, cy, a, b, ang, feats, score, blob: _Blob, ink_g, s, w, h) -> SealCandidate:
    # the box: the ellipse/frame plus the ink of the blob near it (bleed), plus a small margin
    if shape == "square":
        M = cv2.getRotationMatrix2D((0.0, 0.0), -float(ang), 1.0)[:, :2]
        q = np.array([[-a, -b], [a, -b], [a, b], [-a, b]], np.float32) @ M.T
        x0, y0, x1, y1 = cx + q[:, 0].min(), cy + q[:, 1].min(), cx + q[:, 0].max(), cy + q[:, 1].max()
    else:
        ca, sa = math.cos(math.radians(ang)), math.sin(math.radians(ang))
        hx = math.sqrt((a * ca) ** 2 + (b * sa) ** 2)
        hy = math.sqrt((a * sa) ** 2 + (b * ca) ** 2)
        x0, y0, x1, y1 = cx - hx, cy - hy, cx + hx, cy + hy
    # clip the outline to the ink actually there where the stamp may be cut (by the image's or the
    # sheet's edge), then add the ink near it (bleed beyond the fitted ring). A whole ring on the
    # page keeps its fitted outline: where its ink dropped out (a worn lower rim) the mask must
    # still reach the rim (stress seed 73 page 20: 14 px of an oval's rim left outside)
    whole = (shape != "square" and feats.get("valid", 1.0) >= 0.97
             and x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h)
    ys, xs = np.nonzero(blob.ink)
    if len(xs):
        xs = xs + blob.x
        ys = ys + blob.y
        r = max(a, b)
        near = (xs >= x0 - 0.12 * r) & (xs <= x1 + 0.12 * r) & (ys >= y0 - 0.12 * r) & (ys <= y1 + 0.12 * r)
        if near.any():
            ix0, iy0 = float(xs[near].min()), float(ys[near].min())
            ix1, iy1 = float(xs[near].max()) + 1, float(ys[near].max()) + 1
            g = 0.06 * r
            if not whole:
                x0, y0 = max(x0, ix0 - g), max(y0, iy0 - g)
                x1, y1 = min(x1, ix1 + g), min(y1, iy1 + g)
            x0, y0, x1, y1 = min(x0, ix0), min(y0, iy0), max(x1, ix1), max(y1, iy1)
    m = 1.5 + 0.02 * max(a, b)
    x0, y0, x1, y1 = max(0.0, x0 - m), max(0.0, y0 - m), min(float(w), x1 + m), min(float(h), y1 + m)
    # cut: the ink reaches the image's edge, or part of the fitted ring lies beyond it (the sheet's
    # edge inside a phone photo cuts the stamp before the image's edge does)
    cut = x0 <= 0.5 or y0 <= 0.5 or x1 >= w - 0.5 or y1 >= h - 0.5 or feats.get("valid", 1.0) < 0.97
    inv = 1.0 / s
    return SealCandidate(shape=shape, center=(cx * inv, cy * inv), axes=(a * inv, b * inv), angle=float(ang),
                         box=(x0 * inv, y0 * inv, x1 * inv, y1 * inv), score=float(score), cut_by_edge=cut,
                         features={k2: (round(v, 3) if isinstance(v, float) else v) for k2, v in feats.items()})


def _suppress(cands: list[SealCandidate]) -> list[SealCandidate]:
    """Drop candidates mostly inside a better one (a seal's star or inner ring found on its own)."""
    out: list[SealCandidate] = []
    for c in sorted(cands, key=lambda c: -(c.axes[0] * c.axes[1])):
        inside = False
        for o in out:
            ix0, iy0 = max(c.box[0], o.box[0]), max(c.box[1], o.box[1])
            ix1, iy1 = min(c.box[2], o.box[2]), min(c.box[3], o.box[3])
            inter = max(0.0, ix1 - ix0) * max(0.0, iy1 - iy0)
            ca = (c.box[2] - c.box[0]) * (c.box[3] - c.box[1])
            if ca > 0 and inter / ca > 0.6:
                inside = True
                break
        if not inside:
            out.append(c)
    return out
