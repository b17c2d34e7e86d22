"""The detector's input, made in float32 instead of float64: the same numbers, bit for bit.

Why: rapidocr's ``DetPreProcess.normalize`` subtracts float64 mean and std arrays, so a 960-px
page is normalised in float64 and cast back: ~20–40 ms a page on this machine, a tenth of
``propose``'s whole time. With PP-OCR's mean = std = 0.5 the same value is ``2·t − 1`` for
``t = x · (1/255)`` in float32: doubling is exact, and one float32 subtraction rounds the exact
result once, as the float64 route's final cast does. So the array is identical (not merely close:
an earlier OpenCV ``blobFromImage`` version differed by 1e-7 at most, which the bf16 detector
turned into box edges a pixel off and an audit case that flipped). ~2.5 ms. The resize stays
rapidocr's own. Other means and stds fall back to rapidocr's arithmetic. Red ink is whitened
on the resized page (``masker.ocr.redink``: cheap at the detector's size, no full-page copy).
"""
from __future__ import annotations

import numpy as np
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from .redink import without_red_ink


class Float32DetPreProcess(DetPreProcess):
    def __call__(self, img: np.ndarray) -> np.ndarray | None:
        if not (np.all(np.asarray(self.mean) == 0.5) and np.all(np.asarray(self.std) == 0.5)):
            return super().__call__(img)
        resized = self.resize(img)
        if resized is None:
            return None
        resized = without_red_ink(resized)
        t = resized.astype(np.float32)
        t *= np.float32(self.scale)  # as rapidocr's first step (float32 times a Python float)
        t *= np.float32(2.0)
        t -= np.float32(1.0)
        return np.ascontiguousarray(t.transpose(2, 0, 1))[None]


def install(detector) -> None:
    """Make rapidocr's ``TextDetector`` build its input with ``Float32DetPreProcess`` (it asks
    ``get_preprocess`` for a fresh one on every call)."""
    detector.get_preprocess = lambda: Float32DetPreProcess(
        detector.limit_side_len, detector.limit_type, detector.mean, detector.std)
