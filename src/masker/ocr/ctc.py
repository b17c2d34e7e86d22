"""Greedy CTC decoding that keeps, for each character, the time step it was emitted at.

Why our own: rapidocr's decoder and its character-box step (``cal_rec_boxes``) run per character
in Python with deep copies and point re-ordering, about a quarter of a page's OCR time on top of
the recogniser. The step positions are all a character box needs (``masker.ocr.charboxes``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Reading:
    """One recognised line crop: its text, each character's first time step and confidence."""

    text: str
    score: float
    #: time step (column of the recogniser's output) each character of ``text`` starts at
    cols: list[int] = field(default_factory=list)
    confs: list[float] = field(default_factory=list)
    #: time steps that cover the crop's content (the rest of the batch row is padding)
    content_steps: float = 0.0
    #: where asked for (``decode(focus=...)``): per time step of the content, the best class's
    #: probability, the blank's, then each focus class's — what a reading of a given text needs
    #: (``masker.ocr.spot``), a few columns instead of the whole (T, C) output
    focus: np.ndarray | None = None

    @property
    def min_conf(self) -> float:
        return min(self.confs, default=0.0)


def decode(preds: np.ndarray, charset: list[str], content_share: list[float],
           focus: Sequence[int] | None = None) -> list[Reading]:
    """Decode a batch of recogniser outputs (N, T, C) greedily.

    ``content_share[i]``: share of row i's width the crop occupies (the rest is padding), so
    character columns map back onto the crop. ``focus``: class indices whose probabilities each
    reading keeps (``Reading.focus``).
    """
    idx = preds.argmax(axis=2)
    prob = np.take_along_axis(preds, idx[..., None], axis=2)[..., 0]
    n, t = idx.shape
    keep = np.ones((n, t), bool)
    keep[:, 1:] = idx[:, 1:] != idx[:, :-1]
    keep &= idx != 0
    out: list[Reading] = []
    classes = None if focus is None else np.asarray([0, *focus], dtype=np.intp)
    # a focus character the charset lacks (class 0) has no probability, not the blank's
    missing = None if classes is None else 2 + np.nonzero(classes[1:] == 0)[0]
    for i in range(n):
        kept = None
        if classes is not None:
            steps = max(1, min(t, int(math.ceil(t * content_share[i]))))
            kept = np.concatenate([prob[i, :steps, None], preds[i, :steps][:, classes]], axis=1).astype(np.float32)
            kept[:, missing] = 0.0
        cols = np.nonzero(keep[i])[0]
        if cols.size == 0:
            out.append(Reading("", 0.0, [], [], t * content_share[i], kept))
            continue
        confs = prob[i, cols].astype(np.float64)
        text = "".join(charset[k] for k in idx[i, cols])
        out.append(Reading(text, float(round(confs.mean(), 5)), cols.tolist(), confs.tolist(),
                           t * content_share[i], kept))
    return out
