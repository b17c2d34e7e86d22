"""What a finder sees and returns.

A finder is a small class with a ``name`` and ``find(ctx, query) -> Findings``; it only reports
(masks, kept items, warnings), never draws. The ``Masker`` runs the registered finders in order
and the policy decides (Presidio habit: analysis apart from redaction).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from ..io import PageSource
from ..ocr.base import OcrEngine, TextLine
from ..results import Finding, Kept, Mask


@dataclass
class Query:
    """What the applicant asked for: their name, and their current unit (for the seal)."""

    name: str
    unit: str | None = None


@dataclass
class PageContext:
    """One page, analysed once and shared by every finder, ``check`` and ``audit``.

    All boxes here are in the *upright* frame: when the page was found turned (``orientation``),
    ``image`` is the upright raster and ``lines`` were read from it; ``Masker`` maps boxes back to
    the file's own coordinates at the end. ``scale`` is raster pixels per page unit (1 for images,
    dpi/72 for PDF pages, whose unit is the point).
    """

    page: PageSource
    #: upright raster, or None for text-layer pages until a finder asks (rendered lazily)
    raster: np.ndarray | None
    lines: list[TextLine]
    scale: float = 1.0
    orientation: int = 0
    engine: OcrEngine | None = None
    #: upright width/height in page units
    width: float = 0.0
    height: float = 0.0
    #: extra facts other stages computed (skew, sharpness...), so nothing is computed twice
    facts: dict = field(default_factory=dict)

    @property
    def image(self) -> np.ndarray:
        if self.raster is None:
            self.raster = self.page.image
        return self.raster

    @property
    def unit(self) -> str:
        return self.page.unit


@dataclass
class Findings:
    masks: list[Mask] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)

    def extend(self, other: "Findings") -> None:
        self.masks += other.masks
        self.kept += other.kept
        self.warnings += other.warnings


class Finder(Protocol):
    """``needs_graphics``: the finder looks for ink that is an image or a drawing (seals,
    signatures), so it is skipped on PDF pages that hold only text."""

    name: str
    needs_graphics: bool

    def find(self, ctx: PageContext, query: Query) -> Findings:
        ...
