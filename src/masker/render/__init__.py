"""Apply masks to a copy of the file: filled pixels for images, real redaction for PDFs."""
from __future__ import annotations

from ..io import Document
from ..results import ProposeResult


def render_document(doc: Document, result: ProposeResult, name: str, unit: str | None = None) -> bytes:
    if doc.kind == "pdf":
        from .pdf import redact_pdf

        return redact_pdf(doc, result, name)
    from .image import redact_image

    return redact_image(doc, result)
