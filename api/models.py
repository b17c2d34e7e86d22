"""Pydantic models of the JSON the API answers: shared/CONTRACT.md, field for field.

The endpoints return the library's own ``to_dict()`` JSON unchanged (exactly what the CLI
prints); these models describe it for ``/docs`` and ``/openapi.json``, and the tests validate real
answers against them. They allow extra fields because the contract grows only by adding fields.
Boxes are ``[x0, y0, x1, y1]``: integer pixels for images, PDF points (two decimals) for PDFs.
"""
from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Number = int | float
Box = Annotated[list[Number], Field(min_length=4, max_length=4,
                                    description="[x0, y0, x1, y1]: pixels (x1, y1 exclusive) or PDF points",
                                    examples=[[120, 300, 260, 346]])]


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


# ------------------------------------------------------------------ errors

class ErrorBody(_Open):
    code: str = Field(description="machine-readable cause, e.g. EMPTY, UNSUPPORTED_FORMAT, TOO_LARGE, "
                                  "MISSING_FIELD, BUSY, TIMEOUT", examples=["UNSUPPORTED_FORMAT"])
    message: str = Field(description="Chinese, then English", examples=["不是可识别的图片或 PDF / not an image or PDF"])


class ErrorResponse(BaseModel):
    error: ErrorBody


# ------------------------------------------------------------------ propose / redact

class MaskItem(_Open):
    kind: Literal["name", "seal", "signature"] = Field(
        description="name: the applicant's name; seal: the applicant's own unit's seal; "
                    "signature: the applicant's handwritten name")
    box: Box
    text: str = Field(description="what the mask covers, as read")
    score: float = Field(description="confidence 0–1")
    reason: str | None = Field(None, description="why it is masked")
    rule: str | None = Field(None, description="the finder rule that produced it")


class KeptItem(_Open):
    kind: str = Field(description="other_name, other_seal, unreadable_seal, other_signature, refused_mask, ...")
    box: Box
    text: str
    reason: str = Field(description="why it is left visible")
    score: float | None = None


class Finding(_Open):
    code: str
    severity: Literal["error", "warning"]
    message: str
    box: Box | None = None
    value: Any = None


class Preview(BaseModel):
    """Only with ``preview=true`` (the web page): the page as the server sees it."""

    mime: str = Field(examples=["image/jpeg"])
    data: str = Field(description="base64 of the image")
    width: int
    height: int
    scale: float = Field(description="preview pixels per page unit (px or pt)")


class ProposePage(_Open):
    index: int = Field(ge=0)
    width: Number
    height: Number
    unit: Literal["px", "pt"]
    orientation: Literal[0, 90, 180, 270] = Field(
        description="clockwise angle by which the content is turned away from upright")
    masks: list[MaskItem]
    kept: list[KeptItem]
    warnings: list[Finding] = []
    source: str | None = Field(None, description="ocr, text_layer or text_layer+ocr")
    seconds: float | None = None
    lines: list[Box] | None = Field(None, description="only with preview=true: boxes of the text lines, "
                                                      "for the mask size policy in the editor")
    preview: Preview | None = Field(None, description="only with preview=true (first pages only)")


class ProposeResponse(_Open):
    input: str = Field(description="the uploaded file's name", examples=["scan.jpg"])
    pages: list[ProposePage]
    warnings: list[Finding] | None = None
    output: str | None = None


# ------------------------------------------------------------------ audit

class MaskFound(_Open):
    box: Box
    style: str = Field(description="solid, ...", examples=["solid"])


class AuditPage(_Open):
    index: int = Field(ge=0)
    masks_found: list[MaskFound]
    findings: list[Finding]


class AuditResponse(_Open):
    input: str
    verdict: Literal["pass", "fail"]
    pages: list[AuditPage]


# ------------------------------------------------------------------ check

class CheckPage(_Open):
    index: int = Field(ge=0)
    orientation: Literal[0, 90, 180, 270]
    skew_deg: float | None = None
    kind: Literal["document", "photo"]
    sharpness: float | None = None
    findings: list[Finding]


class PhotoResult(_Open):
    width_px: int
    height_px: int
    background: str | None = None
    faces: int
    findings: list[Finding]


class CheckResponse(_Open):
    input: str
    verdict: Literal["pass", "fail"]
    pages: list[CheckPage]
    photo: PhotoResult | None = None


# ------------------------------------------------------------------ policy (the web editor)

class PageSize(BaseModel):
    width: float = Field(gt=0, allow_inf_nan=False)
    height: float = Field(gt=0, allow_inf_nan=False)


class UserMask(BaseModel):
    page: int = Field(0, ge=0, description="page index")
    kind: Literal["name", "seal", "signature"] = "name"
    box: Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=4, max_length=4)]
    line_height: float | None = Field(None, gt=0, allow_inf_nan=False,
                                      description="height of the text line under the box (page units), "
                                                  "for the name size rules")


class PolicyCheckRequest(BaseModel):
    pages: Annotated[list[PageSize], Field(min_length=1, max_length=1000)]
    masks: Annotated[list[UserMask], Field(max_length=500)]


class PolicyCheckResult(BaseModel):
    page: int
    kind: str
    box: list[float]
    ok: bool
    reason: str | None = Field(None, description="why the policy refuses the box (Chinese / English)")


class PolicyCheckResponse(BaseModel):
    results: list[PolicyCheckResult]


class PolicyResponse(_Open):
    name_margin: float
    max_name_height_lines: float
    max_name_width_chars: float
    max_page_share: float
    max_seal_page_share: float
    max_seal_side_share: float
    max_signature_page_share: float


# ------------------------------------------------------------------ health

class HealthResponse(_Open):
    status: Literal["ok", "loading", "failed"]
    engine: str | None = None
    workers: int
    workers_ready: int
    pool: str
    in_flight: int
    capacity: int
