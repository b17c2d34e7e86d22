"""Page orientation (0/90/180/270, clockwise turn of the content) from text-line geometry and
the PP-OCR direction classifier. Placeholder until issue 4 lands: reports upright."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..ocr.base import OcrEngine, TextLine


@dataclass
class Orientation:
    angle: int = 0
    confidence: float = 0.0
    skew_deg: float = 0.0


def detect_orientation(image: np.ndarray, lines: list[TextLine], engine: OcrEngine | None) -> Orientation:
    return Orientation(0, 0.0, 0.0)
