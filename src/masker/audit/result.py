"""``AuditResult.to_dict()`` is the audit JSON of shared/CONTRACT.md, plus added fields (never
renamed ones): per page ``width``/``height``/``unit``/``orientation``, each found mask's
``source`` (seen on the page or changed from the original), the alignment with the original,
and seconds."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..geometry import Box
from ..results import Finding, export_box, export_size


@dataclass
class MaskFound:
    box: Box          # page units, the file's own frame
    style: str        # solid | white | mosaic | blur | scribble
    source: str = "image"
    score: float = 1.0

    def to_dict(self, unit: str) -> dict[str, Any]:
        return {"box": export_box(self.box, unit), "style": self.style, "source": self.source,
                "score": round(float(self.score), 3)}


@dataclass
class AuditPage:
    index: int
    width: float
    height: float
    unit: str
    orientation: int = 0
    masks_found: list[MaskFound] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    with_original: bool = False
    alignment: dict | None = None
    seconds: float = 0.0

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    def to_dict(self) -> dict[str, Any]:
        size = export_size(self.width, self.height, self.unit)
        d: dict[str, Any] = {
            "index": self.index,
            "masks_found": [m.to_dict(self.unit) for m in self.masks_found],
            "findings": [f.to_dict(self.unit) for f in self.findings],
            "width": size[0], "height": size[1], "unit": self.unit, "orientation": self.orientation,
            "with_original": self.with_original,
            "seconds": round(self.seconds, 3),
        }
        if self.alignment is not None:
            d["alignment"] = self.alignment
        return d


@dataclass
class AuditResult:
    input: str
    pages: list[AuditPage]
    with_original: bool = False
    original: str | None = None
    warnings: list[Finding] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        """``fail`` exactly when some finding is an error."""
        bad = any(f.severity == "error" for p in self.pages for f in p.findings) or any(
            f.severity == "error" for f in self.warnings)
        return "fail" if bad else "pass"

    @property
    def codes(self) -> set[str]:
        return {f.code for p in self.pages for f in p.findings} | {f.code for f in self.warnings}

    @property
    def error_codes(self) -> set[str]:
        return ({f.code for p in self.pages for f in p.findings if f.severity == "error"}
                | {f.code for f in self.warnings if f.severity == "error"})

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"input": self.input, "verdict": self.verdict,
                             "pages": [p.to_dict() for p in self.pages],
                             "with_original": self.with_original}
        if self.original is not None:
            d["original"] = self.original
        if self.warnings:
            d["warnings"] = [w.to_dict() for w in self.warnings]
        d["seconds"] = round(self.seconds, 3)
        return d
