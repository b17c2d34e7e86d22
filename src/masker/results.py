"""Result dataclasses whose ``to_dict()`` gives exactly the JSON of shared/CONTRACT.md
(plus added fields, never renamed ones)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .geometry import Box, to_int


def export_box(box: Box, unit: str) -> list:
    """Pixels are integers (never shrinking the box); PDF points keep two decimals."""
    if unit == "px":
        return to_int(box)
    return [round(float(v), 2) for v in box]


def export_size(w: float, h: float, unit: str) -> tuple:
    """Page size for export: whole pixels, or points with two decimals."""
    return (int(round(w)), int(round(h))) if unit == "px" else (round(w, 2), round(h, 2))


@dataclass
class Mask:
    """Something that must be covered: ``kind`` is ``name``, ``seal`` or ``signature``."""

    kind: str
    box: Box
    text: str
    score: float
    reason: str = ""
    #: the finder/rule that produced it, so every result says why (Presidio habit)
    rule: str = ""

    def to_dict(self, unit: str) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "box": export_box(self.box, unit), "text": self.text,
                             "score": round(float(self.score), 3)}
        if self.reason:
            d["reason"] = self.reason
        if self.rule:
            d["rule"] = self.rule
        return d


@dataclass
class Kept:
    """Something deliberately left visible, with the reason (``other_name``, ``other_seal``,
    ``unreadable_seal``, ``other_signature``, ``refused_mask``...)."""

    kind: str
    box: Box
    text: str
    reason: str
    score: float | None = None

    def to_dict(self, unit: str) -> dict[str, Any]:
        d: dict[str, Any] = {"kind": self.kind, "box": export_box(self.box, unit), "text": self.text,
                             "reason": self.reason}
        if self.score is not None:
            d["score"] = round(float(self.score), 3)
        return d


@dataclass
class Finding:
    code: str
    severity: str  # "error" | "warning"
    message: str
    box: Box | None = None
    value: Any = None

    def to_dict(self, unit: str = "px") -> dict[str, Any]:
        d: dict[str, Any] = {"code": self.code, "severity": self.severity, "message": self.message}
        if self.box is not None:
            d["box"] = export_box(self.box, unit)
        if self.value is not None:
            d["value"] = self.value
        return d


@dataclass
class PageResult:
    index: int
    width: float
    height: float
    unit: str
    orientation: int = 0
    masks: list[Mask] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    source: str = "ocr"  # "ocr" | "text_layer" | "text_layer+ocr"
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        size = export_size(self.width, self.height, self.unit)
        return {"index": self.index, "width": size[0], "height": size[1], "unit": self.unit,
                "orientation": self.orientation,
                "masks": [m.to_dict(self.unit) for m in self.masks],
                "kept": [k.to_dict(self.unit) for k in self.kept],
                "warnings": [w.to_dict(self.unit) for w in self.warnings],
                "source": self.source, "seconds": round(self.seconds, 3)}


@dataclass
class ProposeResult:
    input: str
    pages: list[PageResult]
    warnings: list[Finding] = field(default_factory=list)
    output: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"input": self.input, "pages": [p.to_dict() for p in self.pages]}
        if self.warnings:
            d["warnings"] = [w.to_dict() for w in self.warnings]
        if self.output is not None:
            d["output"] = self.output
        return d

    @property
    def mask_count(self) -> int:
        return sum(len(p.masks) for p in self.pages)
