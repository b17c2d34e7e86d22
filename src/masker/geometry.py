"""Axis-aligned boxes as plain tuples ``(x0, y0, x1, y1)``; pure functions only.

x1/y1 are exclusive. Floats inside the pipeline; integers (pixels) or rounded points only when a
result is exported (see ``masker.results``).
"""
from __future__ import annotations

from typing import Iterable, Sequence

Box = tuple[float, float, float, float]


def width(b: Box) -> float:
    return b[2] - b[0]


def height(b: Box) -> float:
    return b[3] - b[1]


def area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


def union(boxes: Iterable[Box]) -> Box:
    bs = list(boxes)
    return (min(b[0] for b in bs), min(b[1] for b in bs), max(b[2] for b in bs), max(b[3] for b in bs))


def intersection(a: Box, b: Box) -> Box | None:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    if x1 <= x0 or y1 <= y0:
        return None
    return (x0, y0, x1, y1)


def overlap_area(a: Box, b: Box) -> float:
    i = intersection(a, b)
    return area(i) if i else 0.0


def iou(a: Box, b: Box) -> float:
    inter = overlap_area(a, b)
    u = area(a) + area(b) - inter
    return inter / u if u > 0 else 0.0


def coverage(inner: Box, outer: Box) -> float:
    """Share of ``inner``'s area that lies inside ``outer``."""
    a = area(inner)
    return overlap_area(inner, outer) / a if a > 0 else 0.0


def expand(b: Box, dx: float, dy: float | None = None) -> Box:
    dy = dx if dy is None else dy
    return (b[0] - dx, b[1] - dy, b[2] + dx, b[3] + dy)


def clip(b: Box, w: float, h: float) -> Box:
    return (max(0.0, b[0]), max(0.0, b[1]), min(float(w), b[2]), min(float(h), b[3]))


def center(b: Box) -> tuple[float, float]:
    return ((b[0] + b[2]) / 2, (b[1] + b[3]) / 2)


def from_quad(points: Sequence[Sequence[float]]) -> Box:
    xs = [float(p[0]) for p in points]
    ys = [float(p[1]) for p in points]
    return (min(xs), min(ys), max(xs), max(ys))


def scale(b: Box, s: float) -> Box:
    return (b[0] * s, b[1] * s, b[2] * s, b[3] * s)


def to_int(b: Box) -> list[int]:
    """Pixel box for export: floor the start, ceil the end, so the box never shrinks."""
    import math

    return [int(math.floor(b[0])), int(math.floor(b[1])), int(math.ceil(b[2])), int(math.ceil(b[3]))]


def rotate_box(b: Box, angle: int, w: float, h: float) -> Box:
    """Map a box from an image turned counter-clockwise by ``angle`` (0/90/180/270) back to the
    original image of size ``w`` × ``h``.

    ``angle`` is the contract's orientation: the content is turned clockwise by ``angle``; we
    analyse ``rot = rotate_ccw(img, angle)`` and map boxes found in ``rot`` back here.
    """
    x0, y0, x1, y1 = b
    if angle % 360 == 0:
        return b
    if angle == 90:
        # rot = ccw90(img): rot(x', y') = img(x = w-1-y', y = x') ; rot size (h, w)
        return (w - y1, x0, w - y0, x1)
    if angle == 180:
        return (w - x1, h - y1, w - x0, h - y0)
    if angle == 270:
        # rot = ccw270(img) = cw90(img): rot(x', y') = img(x = y', y = h-1-x')
        return (y0, h - x1, y1, h - x0)
    raise ValueError(f"orientation must be 0/90/180/270, got {angle}")
