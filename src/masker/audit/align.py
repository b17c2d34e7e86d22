"""Register the masked page on its original, and find what changed.

The two files may differ by re-encoding (JPEG), a small shift, a different scale or page size, or
a slight rotation (re-scanned). Registration runs on downscaled grey pages (long side
``ALIGN_SIDE``), with the masks already seen on the masked page left out. Candidates:

1. the size ratio alone (the same page at another size: the commonest case);
2. ECC (``cv2.findTransformECC``, affine) from the size ratio — sub-pixel;
3. ORB features matched across the pages and a RANSAC similarity (robust to a shift ECC cannot
   reach), and ECC again from there.

The candidate that leaves the fewest changed pixels at full resolution wins.
``Alignment.score`` is the correlation of the aligned pages, tile by tile (75th percentile: masks
decorrelate the tiles they cover, a different page decorrelates them all); below ``MIN_SCORE``
the original is taken for a different page and not used.

``changed_map`` then compares the masked page with the original warped onto it: a pixel has
changed when it lies outside the range of the other page around it (two pixels of registration
error, resampling and re-encoding change nothing), both ways — new content, and ink that is gone
(white-out); and, for light blurs and mosaics that leave no hard step, where the original's text
no longer correlates with the masked page. ``changed_regions`` groups the changes into masks.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import Box
from .masks_found import FoundMask

log = logging.getLogger("masker.audit")

ALIGN_SIDE = 1000
MIN_SCORE = 0.55


@dataclass
class Alignment:
    #: 3×3 matrix mapping original raster pixels to masked raster pixels
    o2m: np.ndarray
    method: str      # ecc | features+ecc | features | size
    score: float     # correlation of the aligned pages (0..1)

    @property
    def ok(self) -> bool:
        return self.score >= MIN_SCORE

    def map_box(self, b: Box) -> Box:
        """An original-pixel box to masked pixels (the bounding box of its mapped corners)."""
        pts = np.array([[b[0], b[1], 1], [b[2], b[1], 1], [b[0], b[3], 1], [b[2], b[3], 1]], np.float64).T
        q = self.o2m @ pts
        q = q[:2] / q[2]
        return (float(q[0].min()), float(q[1].min()), float(q[0].max()), float(q[1].max()))

    def warp(self, original: np.ndarray, size: tuple[int, int], border=(255, 255, 255)) -> np.ndarray:
        """The original resampled into the masked page's pixel grid (``size`` = (w, h))."""
        return cv2.warpAffine(original, self.o2m[:2], size, flags=cv2.INTER_LINEAR,
                              borderMode=cv2.BORDER_CONSTANT, borderValue=border)

    def valid(self, original_shape: tuple[int, ...], size: tuple[int, int], margin: int = 4) -> np.ndarray:
        """Where the masked page has an original pixel to compare with (away from the edges the
        shift or scaling uncovered, which a re-export fills with any colour)."""
        ones = np.full(original_shape[:2], 255, np.uint8)
        v = cv2.warpAffine(ones, self.o2m[:2], size, flags=cv2.INTER_NEAREST, borderMode=cv2.BORDER_CONSTANT,
                           borderValue=0)
        return cv2.erode(v, np.ones((2 * margin + 1, 2 * margin + 1), np.uint8)) > 0

    def to_dict(self) -> dict:
        return {"method": self.method, "score": round(float(self.score), 3)}


def _gray_small(img: np.ndarray) -> tuple[np.ndarray, float]:
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img
    h, w = g.shape
    f = min(1.0, ALIGN_SIDE / max(h, w))
    if f < 1.0:
        g = cv2.resize(g, (max(1, int(round(w * f))), max(1, int(round(h * f)))), interpolation=cv2.INTER_AREA)
    return g, f


def _h(m23: np.ndarray) -> np.ndarray:
    return np.vstack([m23, [0.0, 0.0, 1.0]])


def _ecc(tmpl: np.ndarray, inp: np.ndarray, init: np.ndarray, inp_mask: np.ndarray | None) -> np.ndarray | None:
    """ECC: the warp W with inp(W(x)) ≈ tmpl(x); here original-small → masked-small, the masks
    found on the masked page left out (``inp_mask``)."""
    a = cv2.GaussianBlur(tmpl, (0, 0), 1.5).astype(np.float32)
    b = cv2.GaussianBlur(inp, (0, 0), 1.5).astype(np.float32)
    warp = init[:2].astype(np.float32).copy()
    crit = (cv2.TERM_CRITERIA_EPS | cv2.TERM_CRITERIA_COUNT, 80, 1e-6)
    try:
        _cc, warp = cv2.findTransformECC(a, b, warp, cv2.MOTION_AFFINE, crit, inp_mask, 5)
    except cv2.error:
        return None
    return _h(warp.astype(np.float64))


def _features(orig: np.ndarray, masked: np.ndarray) -> np.ndarray | None:
    """ORB matches and a RANSAC similarity: original-small → masked-small."""
    if min(orig.shape[:2]) < 64 or min(masked.shape[:2]) < 64:
        return None  # too small for ORB's pyramid (and nothing to match on)
    orb = cv2.ORB_create(nfeatures=3000)
    try:
        k1, d1 = orb.detectAndCompute(orig, None)
        k2, d2 = orb.detectAndCompute(masked, None)
    except cv2.error:
        return None
    if d1 is None or d2 is None or len(k1) < 12 or len(k2) < 12:
        return None
    matches = cv2.BFMatcher(cv2.NORM_HAMMING, crossCheck=True).match(d1, d2)
    if len(matches) < 12:
        return None
    p1 = np.float32([k1[m.queryIdx].pt for m in matches])
    p2 = np.float32([k2[m.trainIdx].pt for m in matches])
    M, inl = cv2.estimateAffinePartial2D(p1, p2, method=cv2.RANSAC, ransacReprojThreshold=3.0)
    if M is None or inl is None or int(inl.sum()) < 12:
        return None
    return _h(M.astype(np.float64))


def _score(masked: np.ndarray, orig: np.ndarray, o2m: np.ndarray) -> float:
    """Correlation of both pages once aligned, tile by tile (75th percentile: the masks
    decorrelate the tiles they cover; a different page decorrelates them all)."""
    h, w = masked.shape
    warped = cv2.warpAffine(orig, o2m[:2], (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                            borderValue=255)
    a = cv2.GaussianBlur(masked, (0, 0), 1.5).astype(np.float32)
    b = cv2.GaussianBlur(warped, (0, 0), 1.5).astype(np.float32)
    scores = []
    ts = max(32, min(h, w) // 6)
    for y in range(0, h - ts + 1, ts):
        for x in range(0, w - ts + 1, ts):
            ta, tb = a[y:y + ts, x:x + ts], b[y:y + ts, x:x + ts]
            sa, sb = ta.std(), tb.std()
            if sa < 4 and sb < 4:
                continue  # blank paper in both: says nothing
            if sa < 1e-3 or sb < 1e-3:
                scores.append(0.0)
                continue
            scores.append(float(((ta - ta.mean()) * (tb - tb.mean())).mean() / (sa * sb)))
    if not scores:  # nothing printed on either page: the same blank page, or not
        return 1.0 if abs(float(a.mean()) - float(b.mean())) < 10 else 0.0
    return float(np.percentile(scores, 75))


def _changed(masked: np.ndarray, warped: np.ndarray, thr: int | None = None) -> np.ndarray:
    """Pixels where one page lies outside the range of the other around it, both ways (new ink,
    and ink removed by white-out): a registration error of a pixel or two, resampling or
    re-encoding changes nothing then. The threshold rises with the residual of the unchanged
    page (masks cover far less than a tenth of a page: the 90th percentile is that residual)."""
    a = cv2.GaussianBlur(masked, (0, 0), 1.0)
    b = cv2.GaussianBlur(warped, (0, 0), 1.0)
    k = np.ones((5, 5), np.uint8)
    a16, b16 = a.astype(np.int16), b.astype(np.int16)
    # new content on the masked page (a fill, a scribble, a mosaic's tones)
    d = np.maximum(a16 - cv2.dilate(b, k).astype(np.int16), cv2.erode(b, k).astype(np.int16) - a16)
    # ink of the original gone from the masked page (white-out); resampling only softens strokes,
    # so this side needs a larger step
    r = np.maximum(b16 - cv2.dilate(a, k).astype(np.int16), cv2.erode(a, k).astype(np.int16) - b16)
    d = d.max(axis=2) if d.ndim == 3 else d
    r = r.max(axis=2) if r.ndim == 3 else r
    if thr is None:
        floor = float(np.percentile(d[::3, ::3], 90))
        thr = int(min(60.0, 25.0 + 1.5 * max(0.0, floor)))
    return ((d >= thr) | (r >= thr + 35)).astype(np.uint8)


def align(masked: np.ndarray, original: np.ndarray, exclude: list[Box] | None = None) -> Alignment:
    """Register ``original`` onto ``masked`` (both BGR rasters, upright). ``exclude``: boxes
    (masked pixels) of masks already seen, left out of the registration."""
    gm, fm = _gray_small(masked)
    go, fo = _gray_small(original)
    hm, wm = gm.shape
    ho, wo = go.shape
    size = np.array([[wm / wo, 0, 0], [0, hm / ho, 0], [0, 0, 1]], np.float64)
    inp_mask = np.full(gm.shape, 255, np.uint8)
    for b in exclude or []:
        x0, y0, x1, y1 = (int(round(v * fm)) for v in b)
        pad = max(2, int(0.01 * max(hm, wm)))
        inp_mask[max(0, y0 - pad):y1 + pad, max(0, x0 - pad):x1 + pad] = 0
    cands: list[tuple[np.ndarray, str]] = [(size, "size")]
    r = _ecc(go, gm, size, inp_mask)
    if r is not None:
        cands.append((r, "ecc"))
    # features as well, always: ECC from the size ratio can settle on a wrong optimum when the
    # page was shifted as well as scaled; the change count below picks the right one
    f = _features(go, gm)
    if f is not None:
        cands.append((f, "features"))
        r2 = _ecc(go, gm, f, inp_mask)
        if r2 is not None:
            cands.append((r2, "features+ecc"))
    Sm_inv = np.diag([1.0 / fm, 1.0 / fm, 1.0])
    So = np.diag([fo, fo, 1.0])
    gm_full = cv2.cvtColor(masked, cv2.COLOR_BGR2GRAY) if masked.ndim == 3 else masked
    go_full = cv2.cvtColor(original, cv2.COLOR_BGR2GRAY) if original.ndim == 3 else original
    H, W = gm_full.shape
    best = None
    for m_small, method in cands:
        o2m = Sm_inv @ m_small @ So
        warped = cv2.warpAffine(go_full, o2m[:2], (W, H), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=255)
        changed = int(_changed(gm_full, warped, thr=40).sum())
        if best is None or changed < best[0]:
            best = (changed, o2m, m_small, method)
    _, o2m, m_small, method = best
    return Alignment(o2m=o2m, method=method, score=_score(gm, go, m_small))


def changed_map(masked: np.ndarray, original_warped: np.ndarray, text_h: float | None = None) -> np.ndarray:
    """Pixels (uint8 0/1) where the masked page and the aligned original differ: a step outside
    the other page's local range (``_changed``), or — with ``text_h`` — text of the original that
    no longer correlates with the masked page (a light blur or mosaic, ``_dissimilar``)."""
    m = _changed(masked, original_warped)
    if text_h:
        m |= _dissimilar(masked, original_warped, text_h)
    return m


def _dissimilar(masked: np.ndarray, warped: np.ndarray, text_h: float, ncc: float = 0.45) -> np.ndarray:
    """Where the original shows text (local contrast) that the masked page no longer follows:
    windowed normalised correlation of the two blurred pages below ``ncc``."""
    def gray(x):
        g = cv2.cvtColor(x, cv2.COLOR_BGR2GRAY) if x.ndim == 3 else x
        return cv2.GaussianBlur(g, (0, 0), 1.5).astype(np.float32)

    a, b = gray(masked), gray(warped)
    k = int(max(7, 0.5 * text_h)) | 1
    box = lambda x: cv2.boxFilter(x, cv2.CV_32F, (k, k), borderType=cv2.BORDER_REFLECT)  # noqa: E731
    ma, mb = box(a), box(b)
    va = np.maximum(box(a * a) - ma * ma, 0.0)
    vb = np.maximum(box(b * b) - mb * mb, 0.0)
    cov = box(a * b) - ma * mb
    r = cov / np.sqrt(np.maximum(va * vb, 1e-6))
    text = vb >= 150.0  # the original has strokes here (std ≥ ~12)
    # text that lost its contrast (blurred or filled) or no longer follows the original
    out = (text & ((va < 0.1 * vb) | (r < ncc))).astype(np.uint8)
    # only what persists over a window: a stroke's edge misregistered by a pixel does not
    return cv2.morphologyEx(out, cv2.MORPH_OPEN, np.ones((5, 5), np.uint8))


def changed_regions(masked: np.ndarray, original_warped: np.ndarray, text_h: float,
                    changed: np.ndarray | None = None) -> list[FoundMask]:
    """Areas where the masked page differs from the (aligned) original beyond re-encoding noise,
    each with a first guess at its style."""
    m = (_changed(masked, original_warped) if changed is None else changed).copy()
    # misregistration leaves thin lines along the glyph edges: open them away
    m = cv2.morphologyEx(m, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
    # one mask, one region: a blur or mosaic changes the page in patches (old strokes, new tones)
    ks = int(max(3, 0.7 * text_h)) | 1
    m = cv2.morphologyEx(m, cv2.MORPH_CLOSE, np.ones((ks, ks), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(m, connectivity=8)
    out = []
    lim = 0.3 * text_h
    H, W = m.shape
    for i in range(1, n):
        x, y, w, h, area_ = stats[i]
        if w < lim or h < lim or area_ < lim * lim * 2:
            continue
        box = (float(x), float(y), float(x + w), float(y + h))
        out.append(FoundMask(box, _guess_style(masked[y:y + h, x:x + w], original_warped[y:y + h, x:x + w]),
                             0.9, None, "diff"))
    return out


def _guess_style(now: np.ndarray, before: np.ndarray) -> str:
    g1 = cv2.cvtColor(now, cv2.COLOR_BGR2GRAY).astype(np.float32)
    g0 = cv2.cvtColor(before, cv2.COLOR_BGR2GRAY).astype(np.float32)
    paper = max(200.0, float(np.percentile(g0, 95)))
    if g1.std() < 8:
        return "white" if g1.mean() >= paper - 20 else "solid"
    new_ink = (g1 < paper - 100) & (g0 >= paper - 40)
    if new_ink.mean() > 0.08:
        return "scribble"
    steps = (np.abs(np.diff(g1, axis=1)) >= 12).mean()
    return "mosaic" if steps > 0.02 else "blur"
