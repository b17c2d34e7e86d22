"""Character boxes from the recogniser's time steps, in the page frame.

The geometry is rapidocr's (``cal_rec_boxes``, from PaddleOCR): a character is centred on the
column it was emitted at, its width is the mean column spacing inside runs of same-script
characters, overlaps are split evenly, and the box spans the crop's height. The name finder and
the audit refine these boxes against the ink, so matching rapidocr's behaviour (not improving it)
keeps their tuning valid. Done here with one perspective transform per line instead of rapidocr's
per-point Python, which cost ~0.1–0.2 s a page.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import cv2
import numpy as np

from .ctc import Reading

_HAN = re.compile(r"[\u4e00-\u9fff]")


@dataclass
class Span:
    """One character along an upright line crop's width (pixels of the crop)."""

    ch: str
    x0: float
    x1: float
    conf: float

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def crop_size(quad: np.ndarray) -> tuple[int, int]:
    """(width, height) of the crop rapidocr cuts for ``quad`` (before any 90° turn)."""
    w = int(max(np.linalg.norm(quad[0] - quad[1]), np.linalg.norm(quad[2] - quad[3])))
    h = int(max(np.linalg.norm(quad[0] - quad[3]), np.linalg.norm(quad[1] - quad[2])))
    return w, h


def spans(reading: Reading, crop_w: float, offset: float = 0.0) -> list[Span]:
    """Characters along the (upright) crop's width; spaces get no box. ``offset``: where the crop
    that was read starts inside the line's crop (a window of it, ``masker.ocr.cascade``)."""
    text = reading.text
    if not text or reading.content_steps <= 0:
        return []
    col_w = crop_w / reading.content_steps
    cols = reading.cols
    widths: list[float] = []
    run_first = run_last = None
    run_n = 0
    prev_han = None
    for k, ch in enumerate(text):
        if ch.isspace():
            if run_n > 1:
                widths.append((run_last - run_first) * col_w / (run_n - 1))
            run_n = 0
            prev_han = None
            continue
        han = bool(_HAN.match(ch))
        gap = cols[k] - cols[k - 1] if k > 0 else 0
        if run_n and (han != prev_han or gap > 5):
            if run_n > 1:
                widths.append((run_last - run_first) * col_w / (run_n - 1))
            run_n = 0
        if run_n == 0:
            run_first = cols[k]
        run_last = cols[k]
        run_n += 1
        prev_han = han
    if run_n > 1:
        widths.append((run_last - run_first) * col_w / (run_n - 1))
    char_w = sum(widths) / len(widths) if widths else crop_w / len(text)
    out: list[list] = []
    for k, ch in enumerate(text):
        if ch.isspace():
            continue
        c = (cols[k] + 0.5) * col_w
        out.append([ch, float(max(int(c - char_w / 2), 0)), float(min(int(c + char_w / 2), crop_w)),
                    reading.confs[k]])
    for a, b in zip(out, out[1:]):  # split overlaps evenly
        if a[2] > b[1]:
            d = a[2] - b[1]
            a[2] -= d / 2
            b[1] += d - d / 2
    return [Span(ch, x0 + offset, x1 + offset, conf) for ch, x0, x1, conf in out]


def upright_size(quad: np.ndarray) -> tuple[int, int]:
    """(width, height) of the crop the recogniser reads for ``quad`` (tall crops are turned)."""
    w, h = crop_size(np.asarray(quad, np.float32))
    return (h, w) if w > 0 and h / w >= 1.5 else (w, h)


def span_quads(quad: np.ndarray, sp: list[Span]) -> np.ndarray:
    """Quads (N, 4, 2), in the frame of ``quad`` (the detector's box), of characters placed along
    the upright crop cut from it."""
    quad = np.asarray(quad, np.float32)
    w, h = crop_size(quad)
    turned = w > 0 and h / w >= 1.5
    up_h = w if turned else h
    if not sp:
        return np.zeros((0, 4, 2), np.float32)
    x0 = np.array([s.x0 for s in sp], np.float32)
    x1 = np.array([s.x1 for s in sp], np.float32)
    n = len(sp)
    pts = np.empty((n, 4, 2), np.float32)
    pts[:, 0, 0], pts[:, 0, 1] = x0, 0
    pts[:, 1, 0], pts[:, 1, 1] = x1, 0
    pts[:, 2, 0], pts[:, 2, 1] = x1, up_h
    pts[:, 3, 0], pts[:, 3, 1] = x0, up_h
    if turned:  # the crop was turned counter-clockwise (np.rot90): back to the cut's frame
        xb, yb = pts[..., 0].copy(), pts[..., 1].copy()
        pts[..., 0], pts[..., 1] = w - yb, xb
    std = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    back = cv2.getPerspectiveTransform(std, quad)
    return cv2.perspectiveTransform(pts.reshape(1, -1, 2), back).reshape(n, 4, 2)
