"""The obvious approach, for comparison: full-page OCR with rapidocr's default settings, then
``str.find`` of the name in each line, masking the matched characters' boxes as OCR gives them."""
from __future__ import annotations

import numpy as np


class PlainOcrBaseline:
    """``runtime="openvino"``: the same defaults with rapidocr's own OpenVINO engine on the same
    model files (to show what the runtime alone gives, apart from masker's own work)."""

    def __init__(self, runtime: str = "onnxruntime"):
        from rapidocr import RapidOCR

        from masker.ocr.runtime import rapidocr_params

        self._ocr = RapidOCR(params={"Global.log_level": "error", **rapidocr_params(runtime)})

    def find(self, image: np.ndarray, name: str) -> list[list[float]]:
        out = self._ocr(image, return_word_box=True, return_single_char_box=True)
        if out is None or getattr(out, "txts", None) is None:
            return []
        boxes = []
        for i, txt in enumerate(out.txts):
            words = out.word_results[i] if out.word_results and i < len(out.word_results) else ()
            chars = [(w[0], w[2]) for w in words if w[2] is not None]
            text = "".join(c for c, _ in chars)
            start = text.find(name)
            while start >= 0:
                sel = chars[start:start + len(name)]
                xs = [p[0] for _, q in sel for p in q]
                ys = [p[1] for _, q in sel for p in q]
                boxes.append([min(xs), min(ys), max(xs), max(ys)])
                start = text.find(name, start + 1)
        return boxes
