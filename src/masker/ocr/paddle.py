"""Optional PaddleOCR engine, used only when PaddleOCR is installed *with local model
directories* (it otherwise downloads models from a hub at first use, which fails offline).

Set ``MASKER_PADDLE_DET_DIR`` and ``MASKER_PADDLE_REC_DIR`` to the model folders.
"""
from __future__ import annotations

import os
from typing import Sequence

import numpy as np

from ..errors import OptionError
from ..geometry import from_quad
from .base import Char, TextLine


class PaddleOcrEngine:
    name = "paddleocr"

    def __init__(self) -> None:
        det = os.environ.get("MASKER_PADDLE_DET_DIR")
        rec = os.environ.get("MASKER_PADDLE_REC_DIR")
        if not (det and rec and os.path.isdir(det) and os.path.isdir(rec)):
            raise OptionError("PaddleOCR 需要本地模型目录 / PaddleOCR needs local model folders: set "
                              "MASKER_PADDLE_DET_DIR and MASKER_PADDLE_REC_DIR")
        try:
            from paddleocr import PaddleOCR  # type: ignore
        except ImportError as e:  # pragma: no cover - optional
            raise OptionError("未安装 PaddleOCR / PaddleOCR is not installed (pip install masker[paddle])") from e
        self._ocr = PaddleOCR(text_detection_model_dir=det, text_recognition_model_dir=rec,
                              use_doc_orientation_classify=False, use_doc_unwarping=False,
                              use_textline_orientation=False, return_word_box=True)

    def read(self, image: np.ndarray) -> list[TextLine]:  # pragma: no cover - optional
        lines: list[TextLine] = []
        for res in self._ocr.predict(image):
            r = res.json.get("res", res) if hasattr(res, "json") else res
            for txt, poly, score, wboxes, wtexts in zip(
                    r["rec_texts"], r["rec_polys"], r["rec_scores"],
                    r.get("text_word_boxes", [[]] * len(r["rec_texts"])),
                    r.get("text_word", [[]] * len(r["rec_texts"]))):
                chars = []
                for wt, wb in zip(wtexts, wboxes):
                    b = from_quad(wb) if len(np.shape(wb)) == 2 else tuple(map(float, wb))
                    step = (b[2] - b[0]) / max(1, len(wt))
                    for k, c in enumerate(wt):
                        chars.append(Char(c, (b[0] + k * step, b[1], b[0] + (k + 1) * step, b[3]), float(score)))
                lines.append(TextLine(str(txt), from_quad(poly), float(score), chars, "ocr"))
        return lines

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:  # pragma: no cover
        out = []
        for c in crops:
            lines = self.read(c)
            out.append(("".join(l.text for l in lines), min((l.score for l in lines), default=0.0)))
        return out
