"""PP-OCRv6 small (detection + recognition) on onnxruntime through ``rapidocr``.

Settings (measured on this 2-core machine, see shared/notes/ocr-measurements.md and README):
- no line-direction classifier: it turned upright lines upside down and caused most misses;
  page orientation is handled at page level (``masker.compliance``);
- detector input limited to a 960 px long side: halves the time, same name recall;
- per-character boxes (``return_word_box`` + ``return_single_char_box``), refined later against
  the ink because the recogniser's column positions run narrow and off-centre.
"""
from __future__ import annotations

import logging
import os
from typing import Sequence

import numpy as np

from ..geometry import from_quad
from .base import Char, TextLine

log = logging.getLogger(__name__)

DEFAULT_PARAMS = {
    "Global.use_cls": False,
    "Global.log_level": "error",
    "Det.limit_type": "max",
    "Det.limit_side_len": 960,
}


def _threads() -> int:
    return int(os.environ.get("MASKER_OCR_THREADS", "0") or 0)


class RapidOcrEngine:
    name = "rapidocr"

    def __init__(self, params: dict | None = None):
        from rapidocr import RapidOCR  # imported here: heavy, and optional for NullEngine users

        p = dict(DEFAULT_PARAMS)
        threads = _threads()
        if threads > 0:
            p["EngineConfig.onnxruntime.intra_op_num_threads"] = threads
            p["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        if params:
            p.update(params)
        self.params = p
        self._ocr = RapidOCR(params=p)
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)

    def read(self, image: np.ndarray) -> list[TextLine]:
        if image.ndim == 2:
            image = np.stack([image] * 3, axis=-1)
        out = self._ocr(image, return_word_box=True, return_single_char_box=True)
        #: [detection, classifier, recognition] seconds of the last page, for profiling
        self.last_elapse = getattr(out, "elapse_list", None)
        if out is None or getattr(out, "txts", None) is None or out.boxes is None:
            return []
        words = out.word_results or ()
        lines: list[TextLine] = []
        for i, (txt, quad, score) in enumerate(zip(out.txts, out.boxes, out.scores)):
            chars: list[Char] = []
            if i < len(words):
                for item in words[i]:
                    ch, sc, q = item
                    if q is None or not ch:
                        continue
                    # single-char mode can still give multi-char "words" for latin/digits
                    b = from_quad(q)
                    if len(ch) == 1:
                        chars.append(Char(ch, b, float(sc)))
                    else:
                        w = (b[2] - b[0]) / len(ch)
                        for k, c in enumerate(ch):
                            chars.append(Char(c, (b[0] + k * w, b[1], b[0] + (k + 1) * w, b[3]), float(sc)))
            text = "".join(c.text for c in chars) if chars else str(txt)
            lines.append(TextLine(text=text, box=from_quad(quad), score=float(score), chars=chars, source="ocr"))
        return lines

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        if not crops:
            return []
        imgs = [c if c.ndim == 3 else np.stack([c] * 3, axis=-1) for c in crops]
        rec = self._ocr._load_rec_model() if hasattr(self._ocr, "_load_rec_model") else self._ocr.text_rec
        out = rec(TextRecInput(img=list(imgs), return_word_box=False))
        return [(str(t), float(s)) for t, s in zip(out.txts, out.scores)]
