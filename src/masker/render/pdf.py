"""PDF redaction with PyMuPDF: the text, image pixels and vector graphics under a mask are
removed (not covered), metadata/XMP/annotations that name the applicant are cleaned, and the file
is rewritten from scratch (no incremental-update history that would keep the old text).

Two passes per page, because one redaction rectangle cannot serve both jobs:
1. the full mask box blanks image pixels (scanned pages) and draws the black fill;
2. a rectangle shrunk to the middle band of the name's characters removes the text, so glyphs
   of the neighbouring lines, whose boxes may touch the mask's margin, are never erased.
"""
from __future__ import annotations

from ..errors import InputError
from ..io import Document
from ..results import ProposeResult
from ..text.chars import normalize_name


def _shrink(box, fy: float = 0.3):
    x0, y0, x1, y1 = box
    h = y1 - y0
    w = x1 - x0
    return (x0 + min(0.08 * h, 0.2 * w), y0 + fy * h, x1 - min(0.08 * h, 0.2 * w), y1 - fy * h)


def _mentions(value: str, name: str) -> bool:
    core, _ = normalize_name(name)
    flat = "".join(ch for ch in value if not ch.isspace() and ch not in "·•・.-")
    return bool(core) and "".join(core) in flat


def redact_pdf(doc: Document, result: ProposeResult, name: str) -> bytes:
    import pymupdf as fitz

    pdf = fitz.open(stream=doc.data, filetype="pdf")
    try:
        for pres in result.pages:
            if not pres.masks:
                continue
            page = pdf.load_page(pres.index)
            for m in pres.masks:
                page.add_redact_annot(fitz.Rect(*m.box), fill=(0, 0, 0))
            page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_PIXELS,
                                  graphics=fitz.PDF_REDACT_LINE_ART_NONE,
                                  text=fitz.PDF_REDACT_TEXT_NONE)
            for m in pres.masks:
                page.add_redact_annot(fitz.Rect(*_shrink(m.box)), fill=False)
            page.apply_redactions(images=fitz.PDF_REDACT_IMAGE_NONE,
                                  graphics=fitz.PDF_REDACT_LINE_ART_NONE,
                                  text=fitz.PDF_REDACT_TEXT_REMOVE)
        _clean_document(pdf, name)
        return _write_clean(pdf, name)
    finally:
        pdf.close()


def _write_clean(pdf, name: str) -> bytes:
    """Write the redacted document from scratch, and prove its metadata no longer names the applicant.

    Damaged PDFs that MuPDF repaired on opening can refuse a full rewrite, or keep an information
    dictionary that ``set_metadata`` does not reach (found by tests/test_fuzz.py). Then only the
    pages are copied into a fresh document (no document-level metadata, XMP or history at all),
    cleaned and written again; if even that fails the file is refused as damaged."""
    import pymupdf as fitz

    try:
        data = pdf.tobytes(garbage=4, deflate=True, clean=True, no_new_id=False)
        if not _metadata_mentions(data, name):
            return data
    except Exception:  # noqa: BLE001 - MuPDF raises several types on damaged structure
        pass
    fresh = fitz.open()
    try:
        fresh.insert_pdf(pdf)
        _clean_document(fresh, name)
        data = fresh.tobytes(garbage=4, deflate=True, clean=True)
    except Exception as e:  # noqa: BLE001
        raise InputError(f"PDF 文件已损坏，无法写出遮盖后的文件 / the PDF is damaged; a masked copy cannot be "
                         f"written ({type(e).__name__})", code="CORRUPT_PDF") from e
    finally:
        fresh.close()
    return data


def _metadata_mentions(data: bytes, name: str) -> bool:
    import pymupdf as fitz

    with fitz.open(stream=data, filetype="pdf") as out:
        values = [str(v) for v in (out.metadata or {}).values()] + [out.get_xml_metadata() or ""]
    return any(_mentions(v, name) for v in values)


def _clean_document(pdf, name: str) -> None:
    """Remove every trace of the name outside the page content: metadata, XMP, annotations,
    form fields, embedded files, outline titles."""
    meta = pdf.metadata or {}
    # every key is written: set_metadata leaves keys it is not given unchanged
    pdf.set_metadata({k: ("" if (v and _mentions(str(v), name)) else (v or ""))
                      for k, v in meta.items() if k not in ("format", "encryption")})
    try:
        pdf.del_xml_metadata()
    except Exception:  # noqa: BLE001 - old PyMuPDF without XMP support
        pass
    for page in pdf:
        for annot in list(page.annots() or []):
            info = annot.info or {}
            if any(_mentions(str(v), name) for v in info.values()):
                page.delete_annot(annot)
        for widget in list(page.widgets() or []):
            if widget.field_value and _mentions(str(widget.field_value), name):
                # PyMuPDF ignores an empty new value, so the field goes, and its place is masked
                rect = widget.rect
                page.delete_widget(widget)
                page.draw_rect(rect, color=None, fill=(0, 0, 0))
    for ename in list(pdf.embfile_names()):
        info = pdf.embfile_info(ename)
        if _mentions(ename, name) or _mentions(str(info.get("description", "")), name) or \
                _mentions(pdf.embfile_get(ename).decode("utf-8", "ignore"), name):
            pdf.embfile_del(ename)
    toc = pdf.get_toc(simple=True)
    if any(_mentions(t[1], name) for t in toc):
        pdf.set_toc([[lvl, "■" if _mentions(title, name) else title, pg] for lvl, title, pg in toc])
