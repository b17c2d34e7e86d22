"""Result types of ``masker check``; ``CheckResult.to_dict()`` is the check JSON of
shared/CONTRACT.md, with added fields (measured values, allowed ranges), never renamed ones."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..results import Finding

ERROR = "error"
WARNING = "warning"

PAGE_CODES = ("NOT_UPRIGHT", "SKEWED", "BLURRY", "LOW_RESOLUTION", "PHOTO_NOT_DOCUMENT")
PHOTO_CODES = ("WRONG_ASPECT", "TOO_SMALL", "BACKGROUND_NOT_RED", "BACKGROUND_UNEVEN", "NO_FACE",
               "MULTIPLE_FACES", "FACE_OFF_CENTRE", "HEAD_TOO_SMALL", "HEAD_TOO_LARGE",
               # warnings of our own
               "HEADWEAR_SUSPECTED", "FACE_CHECK_UNAVAILABLE")


def finding(code: str, severity: str, message: str, value: Any = None, box=None) -> Finding:
    return Finding(code=code, severity=severity, message=message, box=box, value=value)


def _r(v: Any) -> Any:
    if isinstance(v, float):
        return round(v, 3)
    if isinstance(v, dict):
        return {k: _r(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_r(x) for x in v]
    return v


@dataclass
class PageCheck:
    index: int
    orientation: int = 0
    skew_deg: float = 0.0
    kind: str = "document"
    sharpness: float | None = None
    findings: list[Finding] = field(default_factory=list)
    #: added fields: measured values behind the verdict (glyph height, edge width, OCR score...)
    orientation_confidence: float = 0.0
    measures: dict = field(default_factory=dict)
    unit: str = "px"
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"index": self.index, "orientation": int(self.orientation), "skew_deg": round(float(self.skew_deg), 2),
                "kind": self.kind,
                "sharpness": None if self.sharpness is None else round(float(self.sharpness), 3),
                "findings": [f.to_dict(self.unit) for f in self.findings],
                "orientation_confidence": round(float(self.orientation_confidence), 3),
                "measures": _r(self.measures), "seconds": round(self.seconds, 3)}


@dataclass
class PhotoCheck:
    width_px: int
    height_px: int
    background: str  # red | blue | white | grey | other
    faces: int
    findings: list[Finding] = field(default_factory=list)
    measures: dict = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"width_px": int(self.width_px), "height_px": int(self.height_px), "background": self.background,
                "faces": int(self.faces), "findings": [f.to_dict("px") for f in self.findings],
                "measures": _r(self.measures)}


@dataclass
class CheckResult:
    input: str
    pages: list[PageCheck]
    photo: PhotoCheck | None = None
    expect: str = "document"

    @property
    def findings(self) -> list[Finding]:
        out = [f for p in self.pages for f in p.findings]
        if self.photo is not None:
            out += self.photo.findings
        return out

    @property
    def verdict(self) -> str:
        return "fail" if any(f.severity == ERROR for f in self.findings) else "pass"

    @property
    def codes(self) -> set[str]:
        return {f.code for f in self.findings}

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"input": self.input, "verdict": self.verdict,
                             "pages": [p.to_dict() for p in self.pages]}
        if self.photo is not None:
            d["photo"] = self.photo.to_dict()
        d["expect"] = self.expect
        return d
