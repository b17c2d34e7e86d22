"""Redness: how much a pixel looks like red stamp ink, after removing the paper's own colour.

The paper (white, grey, yellowed, pink-tinted, unevenly lit in a phone photo) is estimated per
channel with a coarse max filter; dividing by it gives reflectance, so the same pale ink scores
the same on any paper. ``redness = R - max(G, B)`` in reflectance units: ~0.5–1 for fresh ink,
~0.05–0.15 for pale or faded stamps, ~0 for black/grey text and paper, negative for blue/green.
Large uniformly red areas (a red photo background) become their own "paper" and score low.
"""
from __future__ import annotations

import cv2
import numpy as np


def paper_normalised(img: np.ndarray) -> np.ndarray:
    """BGR float32 reflectance in [0, 1]: the image divided by its local paper colour."""
    h, w = img.shape[:2]
    f = img.astype(np.float32)
    q = 4
    sw, sh = max(1, w // q), max(1, h // q)
    small = cv2.resize(f, (sw, sh), interpolation=cv2.INTER_AREA)
    k = max(3, int(round(min(sw, sh) * 0.03)) | 1)
    k = min(k, 11)
    bg = cv2.dilate(small, np.ones((k, k), np.uint8))
    bg = cv2.GaussianBlur(bg, (0, 0), max(1.0, k / 3))
    bg = cv2.resize(bg, (w, h), interpolation=cv2.INTER_LINEAR)
    return np.clip(f / np.maximum(bg, 8.0), 0.0, 1.0)


def redness(img: np.ndarray, hue_gate: bool = True) -> np.ndarray:
    """Per-pixel redness (float32, about -1..1) of a BGR image.

    With ``hue_gate``, orange-brown colours (skin, wood, brown-red print, show-through from the
    back of the sheet) score zero: stamp ink has G ≈ B (vermilion to pink), skin and brown have
    G well above B."""
    n = paper_normalised(img)
    b, g, r = n[..., 0], n[..., 1], n[..., 2]
    red = r - np.maximum(g, b)
    if hue_gate:
        chroma = r - np.minimum(g, b)
        brown = (g - b) > 0.33 * chroma + 0.01
        red = np.where(brown, np.minimum(red, 0.0), red)
    return red


def noise_floor(red: np.ndarray) -> float:
    """Redness of the non-ink background (colour noise, JPEG fringes): a robust high quantile of
    the near-zero part of the map."""
    v = red[::3, ::3].ravel()
    v = v[np.abs(v) < 0.2]
    if v.size == 0:
        return 0.02
    med = float(np.median(v))
    mad = float(np.median(np.abs(v - med))) + 1e-4
    return med + 6.0 * 1.4826 * mad


#: the 8-bit level no channel of black or grey print passes (max(B, G, R) / 255 < 0.45)
DARK_PRINT_LEVEL = 114


def dark_print_pixels(bgr: np.ndarray) -> int:
    """Pixels of black or grey print in an 8-bit BGR image (OpenCV's max: ~10x numpy's)."""
    v = cv2.max(cv2.max(bgr[..., 0], bgr[..., 1]), bgr[..., 2])
    return int(np.count_nonzero(v <= DARK_PRINT_LEVEL))


def mostly_stamp_ink(bgr: np.ndarray) -> bool:
    """Is the ink of an 8-bit BGR crop red stamp ink rather than black or grey print? Red where R
    stands 40 levels above G and B (raw levels: a text line's box is too small a patch to estimate
    the paper from), print as ``dark_print_pixels``; stamp ink when print is under a quarter of it."""
    c = bgr.astype(np.int16)
    red = int(np.count_nonzero(c[..., 2] - np.maximum(c[..., 0], c[..., 1]) > 40))
    return red > 0 and dark_print_pixels(bgr) < 0.25 * red
