"""Batched line recognition on the PP-OCRv6 small recogniser's onnxruntime session.

What differs from rapidocr's ``TextRecognizer`` and why (measured on generated 150-dpi pages,
``benchmarks/profile_propose.py``):
- no 320-px minimum row width: PaddleOCR pads every batch to at least 320 px (ratio 6.7), so a
  batch of short form labels (性别, 姓名) costs as much as a line of text; without it the
  recogniser runs ~25% faster and reads the same characters (only spacing and the odd
  punctuation mark differ);
- ``squeeze``: crops can be narrowed before reading. A CJK glyph spans ~6 output columns at full
  width, so at half width it still gets ~3; that reads 99.4% of Han characters as the full reading
  does, at half the cost (0.6: 99.7%; 0.4: 97.9%), and
  is used for the cheap first pass of the cascade (``masker.ocr.cascade``), never alone for lines
  that may hold the name;
- decoding keeps each character's column for ``masker.ocr.charboxes``.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Sequence

import cv2
import numpy as np

from .ctc import Reading, decode

#: the recogniser's input height (fixed by the model)
REC_H = 48


def shared_width(w: int) -> int:
    """The next of a few widths at or above ``w``: multiples of 8 px up to 128, of 16 up to 256,
    of 32 up to 512, then of an eighth of the power of two below.

    Why: the runtime prepares its kernels for each input shape it has not seen lately; a page's
    batches of exact widths are nearly all new shapes, which made the narrowed first pass of a new
    page ~50% slower than the same page read again (0.42 s against 0.27 s). Used for the first
    pass only, where stretching a squeezed line (by at most 8 px up to 128 px wide: a fifth or less
    from 40 px on, more for a character or two; by at most an eighth above) only brings it nearer
    its full width (0.5 of it reads 99.4% of Han characters as the full reading, 0.6 of it 99.7%)."""
    if w <= 8:
        return 8
    step = 8 if w <= 128 else 16 if w <= 256 else 32 if w <= 512 else 1 << (w.bit_length() - 4)
    return -(-w // step) * step


#: rows a batch may have: few sizes, so that batch shapes recur (a new shape costs the runtime
#: up to as much as the reading itself), and a batch of one for a width no other crop shares
BATCH_ROWS = (1, 6)
#: what one call costs beyond its rows, in row-pixels of input width (measured on this 2-core
#: machine: ~1 ms a call, ~0.02-0.035 ms a row-pixel, whatever the rows)
CALL_COST = 64


def batches_by_width(widths: Sequence[int]) -> list[tuple[int, int]]:
    """Batches ``[a, b)`` of crops sorted narrowest first, of ``BATCH_ROWS`` rows each, at the
    least cost: rows × the batch's widest crop + ``CALL_COST`` a batch (dynamic programming).

    Why: a batch is padded to its widest crop, and the recogniser costs the same per row-pixel
    whether a batch has one row or six (and the same readings: rows do not see each other).
    Fixed batches of six padded the first pass by ~24% and the windows, whose widths vary most,
    by ~45%; this spends ~0.8x of the padded row-pixels over the 76 image pages of bench_names
    seed 37 (first pass 0.89x, windows 0.64x)."""
    n = len(widths)
    best = [0.0] + [float("inf")] * n
    cut = [0] * (n + 1)
    for j in range(1, n + 1):
        for rows in BATCH_ROWS:
            if rows <= j:
                cost = best[j - rows] + rows * max(8, widths[j - 1]) + CALL_COST
                if cost < best[j]:
                    best[j], cut[j] = cost, j - rows
    out = []
    j = n
    while j > 0:
        out.append((cut[j], j))
        j = cut[j]
    return out[::-1]


#: the width of the recogniser's first batch in a process (``LineRecognizer.prime``)
PRIME_WIDTH = 64


@dataclass
class LineRecognizer:
    """Wraps an onnxruntime-like callable ``session(batch) -> (N, T, C)`` and its charset; a
    session's ``view(batch)``, where it has one, is used instead (its output, not copied)."""

    session: object
    charset: list[str]

    def read(self, crops: Sequence[np.ndarray], squeeze: float = 1.0,
             widths: Callable[[int], int] | None = None, focus: Sequence[int] | None = None) -> list[Reading]:
        """Read BGR line crops; results in input order. ``widths``: each crop is stretched from its
        own width at the model's height to ``widths(w)`` (a few shared widths, so that batch
        shapes recur: ``shared_width``; the seal reader's strips have their own table).
        ``focus``: class indices whose probabilities each reading keeps (``Reading.focus``)."""
        if not len(crops):
            return []
        if any(c.size == 0 for c in crops):  # nothing to read in an empty crop
            full = [i for i, c in enumerate(crops) if c.size]
            got = dict(zip(full, self.read([crops[i] for i in full], squeeze, widths, focus)))
            return [got.get(i, Reading("", 0.0)) for i in range(len(crops))]
        sizes = [self._width(c, squeeze) for c in crops]
        if widths is not None:
            sizes = [widths(w) for w in sizes]
        order = sorted(range(len(crops)), key=lambda i: sizes[i])
        groups = [[order[k] for k in range(a, b)] for a, b in batches_by_width([sizes[i] for i in order])]
        run = getattr(self.session, "view", self.session)  # decoded before the next call
        out: list[Reading | None] = [None] * len(crops)
        for ids in groups:
            batch = self._batch([crops[i] for i in ids], [sizes[i] for i in ids])
            for i, rd in zip(ids, decode(run(batch), self.charset, [sizes[i] / batch.shape[3] for i in ids], focus)):
                out[i] = rd
        return out  # type: ignore[return-value]

    def prime(self) -> None:
        """Run the model once on a blank line of ``PRIME_WIDTH`` px before anything else.

        Why: on OpenVINO 2026.4's CPU plugin (bf16) a recogniser whose *first* batch is 12 px
        wide or less (one output column: a lone narrow glyph, a sliver beside a mask) returns NaN
        for every later batch 128 px wide or more — every long line read as nothing, names
        missed, for the life of the process. A first batch of 16 px or more leaves all later
        shapes exact (checked against a fresh model's outputs: identical)."""
        self.warm_up([PRIME_WIDTH], rows=(1,))

    def warm_up(self, widths: Sequence[int], rows: Sequence[int] = BATCH_ROWS) -> None:
        """Run the model once on a blank batch of each of ``rows`` × ``widths``. Why: the runtime
        prepares its kernels for each input shape on first sight, which costs up to as much as
        the reading itself; a long-lived process (the HTTP API, batch workers) pays that once at
        start instead of on its first pages (``RapidOcrEngine.warm_up``)."""
        run = getattr(self.session, "view", self.session)
        for w in widths:
            for r in rows:
                run(np.zeros((r, 3, REC_H, max(8, int(w))), np.float32))

    @cached_property
    def _class_of(self) -> dict[str, int]:
        index: dict[str, int] = {}
        for k, ch in enumerate(self.charset[1:], 1):
            index.setdefault(ch, k)
        return index

    def classes(self, text: str) -> list[int]:
        """The class index of each character of ``text`` (0, the blank, where the charset lacks
        it)."""
        return [self._class_of.get(ch, 0) for ch in text]

    @staticmethod
    def _batch(crops: Sequence[np.ndarray], widths: list[int]) -> np.ndarray:
        """Crops resized to the model's height and their widths, normalised to [-1, 1], padded
        to the widest (at least 8 px)."""
        batch = np.zeros((len(crops), 3, REC_H, max(8, max(widths))), np.float32)
        for r, (img, w) in enumerate(zip(crops, widths)):
            if img.ndim == 2:
                img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
            rs = cv2.resize(img, (w, REC_H)).astype(np.float32)
            batch[r, :, :, :w] = rs.transpose(2, 0, 1) * (2.0 / 255.0) - 1.0
        return batch

    @staticmethod
    def _width(crop: np.ndarray, squeeze: float) -> int:
        h, w = crop.shape[:2]
        return max(1, int(math.ceil(REC_H * w / max(1, h) * squeeze)))
