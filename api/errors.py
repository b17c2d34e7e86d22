"""HTTP errors of the API that are not the library's own ``masker.errors``.

Every error answer has the body of shared/CONTRACT.md: ``{"error": {"code": ..., "message": ...}}``.
Messages are Chinese first, then English, like the library's.
"""
from __future__ import annotations

from masker.errors import MaskerError


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def to_dict(self) -> dict:
        return {"error": {"code": self.code, "message": self.message}}

    @classmethod
    def from_masker(cls, e: MaskerError) -> "ApiError":
        return cls(e.http_status, e.code, e.message)


def busy(retry_after: int, code: str = "BUSY", message: str | None = None) -> ApiError:
    return ApiError(503, code, message or "服务繁忙，请稍后重试 / the server is busy, please retry later",
                    {"Retry-After": str(retry_after)})


def missing(field: str) -> ApiError:
    return ApiError(422, "MISSING_FIELD", f"缺少字段 {field} / missing field: {field}")
