"""Where a stamp may be, found cheaply before the page is read.

Why: the OCR cascade (``masker.ocr.cascade``) reads a line holding half the unit name's characters
again in full, because the seal finder compares a stamp with the unit's name printed under it
(``finders.seal._printed_name_under``). That re-reading was about half of the cascade's full-width
work on pages of unit headers and addresses (阿克苏地区…) with no stamp anywhere near. Only lines
that can lie under a stamp need it.

Cheap (a few milliseconds: the seal detector's own redness map costs ~0.1 s a page, as much as
this saves) and generous on purpose, as a missed region would only cost a stamp its printed-name
evidence: on the page shrunk to 500 px, any pixel whose red exceeds its green and blue by a pale
stamp's margin (no paper normalisation: tinted paper then counts as ink everywhere, which only
means reading everything), specks removed, each blob's box grown on every side by its own size, at
least a stamp's radius (a tenth of the page's short side: a few specks of a pale stamp stand for
all of it) and at most a stamp's diameter (a red title or table rule is no reason to re-read the
whole page). A greyscale page, where stamps are found by shape and not by colour, counts as
"anywhere" (``None``).
"""
from __future__ import annotations

import cv2
import numpy as np

from ..geometry import Box
from ..ocr.redink import red_over
from .detect import is_grey

#: working size (long side, px)
SIDE = 500
#: red above max(green, blue), in 8-bit levels: a pale stamp on white paper shows ~12–40
RED_MARGIN = 10


def stamp_regions(img: np.ndarray) -> list[Box] | None:
    """Boxes (page pixels) a stamp may cover; [] for none on the page, None for anywhere."""
    if img is None or img.size == 0:
        return []
    if img.ndim == 2 or img.shape[2] < 3:
        return None
    H, W = img.shape[:2]
    k = max(1, -(-max(H, W) // SIDE))  # an integer factor: OpenCV's fast area-averaging path
    small = cv2.resize(np.ascontiguousarray(img[..., :3]), (max(1, W // k), max(1, H // k)),
                       interpolation=cv2.INTER_AREA) if k > 1 else img[..., :3]
    s = small.shape[1] / W
    if is_grey(small, step=2):
        return None
    ink = cv2.medianBlur(red_over(*cv2.split(small), RED_MARGIN), 3)
    if not ink.any():
        return []
    n, _, stats, _ = cv2.connectedComponentsWithStats(cv2.dilate(ink, np.ones((3, 3), np.uint8)), connectivity=8)
    out: list[Box] = []
    short = min(small.shape[:2])
    for x, y, bw, bh, _area in stats[1:]:
        grow = float(np.clip(max(bw, bh), 0.1 * short, 0.2 * short))
        out.append((max(0.0, (x - grow) / s), max(0.0, (y - grow) / s),
                    min(float(W), (x + bw + grow) / s), min(float(H), (y + bh + grow) / s)))
    return out
