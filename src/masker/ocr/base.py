"""The OCR interface every engine implements, and the text-line types it returns.

Coordinates are those of the image given to the engine (pixels) or, for PDF text layers, PDF
points; the page object says which. Each character carries its own box because a Chinese line
is one OCR "word": masking the line would black out the whole sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from ..geometry import Box, union


@dataclass
class Char:
    text: str
    box: Box
    score: float = 1.0


@dataclass
class TextLine:
    text: str
    box: Box
    score: float
    chars: list[Char] = field(default_factory=list)
    #: "ocr" or "pdf" (exact boxes from a PDF text layer)
    source: str = "ocr"

    @classmethod
    def from_chars(cls, chars: list[Char], source: str) -> "TextLine":
        text = "".join(c.text for c in chars)
        score = min((c.score for c in chars), default=1.0)
        return cls(text=text, box=union(c.box for c in chars), score=score, chars=chars, source=source)

    @property
    def char_height(self) -> float:
        return self.box[3] - self.box[1]


@runtime_checkable
class OcrEngine(Protocol):
    """An OCR engine: loaded once per process, then called per page and per crop."""

    name: str

    def read(self, image: np.ndarray) -> list[TextLine]:
        """Detect and recognise all text lines of a BGR page image, with character boxes."""
        ...

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Recognise already-cropped single-line BGR images (seal strips, line crops)."""
        ...


class NullEngine:
    """Reads nothing. Lets everything but the OCR run and be tested (PDF text layers, policy,
    redaction, the API plumbing)."""

    name = "null"

    def read(self, image: np.ndarray) -> list[TextLine]:
        return []

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        return [("", 0.0) for _ in crops]
