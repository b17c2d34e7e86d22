"""Resource limits, configurable by environment variables (documented in README).

They bound memory and time per file: bytes read, decoded pixels (decompression bombs), PDF pages.
"""
from __future__ import annotations

import os
from dataclasses import dataclass


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * 1024 * 1024
    max_pixels: int = 60_000_000
    max_pages: int = 200
    pdf_dpi: int = 150

    @classmethod
    def from_env(cls) -> "Limits":
        return cls(max_bytes=_env_int("MASKER_MAX_BYTES", cls.max_bytes),
                   max_pixels=_env_int("MASKER_MAX_PIXELS", cls.max_pixels),
                   max_pages=_env_int("MASKER_MAX_PAGES", cls.max_pages),
                   pdf_dpi=_env_int("MASKER_PDF_DPI", cls.pdf_dpi))
