"""Loading: every input becomes a ``Document`` of ``PageSource`` objects.

Images (JPEG, PNG, TIFF incl. multi-page, BMP, WebP) are decoded with Pillow, EXIF orientation
applied, converted to 8-bit BGR. PDFs are opened with PyMuPDF: a page's text layer gives exact
character boxes (no OCR); its raster is rendered on demand (scanned pages, seals). The format is
sniffed from the bytes, never from the file name. Every cause of bad input has its own error.
"""
from __future__ import annotations

import io as _io
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import numpy as np

from .errors import (EmptyInputError, EncryptedPdfError, InputError, TooLargeError,
                     UnsupportedFormatError)
from .limits import Limits
from .ocr.base import Char, TextLine

IMAGE_FORMATS = ("jpeg", "png", "tiff", "bmp", "webp")


def sniff_format(data: bytes) -> str | None:
    """Name the format from the magic bytes; None when it is not one we read."""
    head = data[:16]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head.startswith(b"BM"):
        return "bmp"
    if head[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if b"%PDF-" in data[:1024]:
        return "pdf"
    return None


@dataclass
class PageSource:
    """One page as the pipeline sees it. ``width``/``height`` are in ``unit`` (px or pt); the
    raster ``image`` has ``scale`` pixels per unit."""

    index: int
    width: float
    height: float
    unit: str
    scale: float = 1.0
    text_lines: list[TextLine] | None = None
    _image: np.ndarray | None = field(default=None, repr=False)
    _render: object = field(default=None, repr=False)
    has_raster: bool = True
    #: images or vector drawings on the page (a seal or signature is one of these); False only
    #: for PDF pages that hold nothing but text
    has_graphics: bool = True

    @property
    def image(self) -> np.ndarray:
        if self._image is None:
            self._image = self._render()  # type: ignore[operator]
        return self._image

    @property
    def has_text_layer(self) -> bool:
        return bool(self.text_lines)


@dataclass
class Document:
    name: str
    format: str
    data: bytes
    pages: list[PageSource]
    pdf: object = None  # fitz.Document for PDFs

    @property
    def kind(self) -> str:
        return "pdf" if self.format == "pdf" else "image"

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()  # type: ignore[attr-defined]


def read_bytes(path: str | Path, limits: Limits) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise InputError(f"无法读取文件 / cannot read file: {p.name} ({e.strerror})", code="NOT_FOUND") from e
    if p.is_dir():
        raise InputError(f"这是一个文件夹，不是文件 / this is a folder, not a file: {p.name}")
    if size > limits.max_bytes:
        raise TooLargeError(f"文件过大（{size} 字节，上限 {limits.max_bytes}）/ file too large ({size} bytes, limit {limits.max_bytes})")
    return p.read_bytes()


def load(source: str | Path | bytes, name: str | None = None, limits: Limits | None = None) -> Document:
    """Load a file path or raw bytes into a Document; raises an ``InputError`` subclass on bad input."""
    limits = limits or Limits.from_env()
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        name = name or "upload"
        if len(data) > limits.max_bytes:
            raise TooLargeError(f"文件过大（{len(data)} 字节，上限 {limits.max_bytes}）/ file too large ({len(data)} bytes, limit {limits.max_bytes})")
    else:
        data = read_bytes(source, limits)
        name = name or Path(source).name
    if not data:
        raise EmptyInputError("文件为空 / the file is empty")
    fmt = sniff_format(data)
    if fmt is None:
        raise UnsupportedFormatError("不是可识别的图片或 PDF（支持 JPEG、PNG、TIFF、BMP、WebP、PDF）/ "
                                     "not an image or PDF we can read (JPEG, PNG, TIFF, BMP, WebP, PDF)")
    if fmt == "pdf":
        return _load_pdf(data, name, limits)
    return Document(name=name, format=fmt, data=data, pages=list(_load_image_pages(data, fmt, limits)))


# ---------------------------------------------------------------- images

def _to_bgr(im) -> np.ndarray:
    """8-bit BGR from any Pillow mode: 16-bit, CMYK, palette, alpha (composited on white)."""
    from PIL import Image

    mode = im.mode
    if mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        a = np.asarray(im, dtype=np.float64)
        hi = a.max() if a.size else 1.0
        a = (a / (hi if hi > 255 else 255.0) * 255.0) if hi > 0 else a
        g = np.clip(a, 0, 255).astype(np.uint8)
        return np.stack([g, g, g], axis=-1)
    if mode == "1":
        im = im.convert("L")
    if mode in ("RGBA", "LA", "PA") or (mode == "P" and "transparency" in im.info):
        im = im.convert("RGBA")
        bg = Image.new("RGBA", im.size, (255, 255, 255, 255))
        im = Image.alpha_composite(bg, im)
    if im.mode != "RGB":
        im = im.convert("RGB")
    # Pillow packs BGR itself: one copy of the pixels beside the decoded image (np.asarray made
    # one, cvtColor another: a 59.5-Mpx page peaked ~0.5 GB higher while loading)
    w, h = im.size
    bgr = np.empty((h, w, 3), np.uint8)
    bgr.reshape(-1)[:] = np.frombuffer(im.tobytes("raw", "BGR"), np.uint8)
    return bgr


def _load_image_pages(data: bytes, fmt: str, limits: Limits) -> Iterator[PageSource]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    Image.MAX_IMAGE_PIXELS = None  # we apply our own limit before decoding
    try:
        im = Image.open(_io.BytesIO(data))
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as e:
        raise InputError(f"图片无法解码 / the image cannot be decoded ({type(e).__name__})", code="CORRUPT_IMAGE") from e
    n_frames = getattr(im, "n_frames", 1) if fmt == "tiff" else 1
    if n_frames > limits.max_pages:
        raise TooLargeError(f"页数过多（{n_frames}，上限 {limits.max_pages}）/ too many pages ({n_frames}, limit {limits.max_pages})")
    total_pixels = 0
    for i in range(n_frames):
        try:
            if n_frames > 1:
                im.seek(i)
            w, h = im.size
            total_pixels += w * h
            if w * h > limits.max_pixels or total_pixels > limits.max_pixels * 4:
                raise TooLargeError(f"图片像素过多（{w}×{h}，上限 {limits.max_pixels} 像素）/ image too large "
                                    f"({w}×{h} pixels, limit {limits.max_pixels})", code="TOO_MANY_PIXELS")
            if w < 1 or h < 1:
                raise InputError("图片尺寸为零 / the image has no pixels", code="CORRUPT_IMAGE")
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = im.copy() if n_frames > 1 else im
                frame.load()
                ImageOps.exif_transpose(frame, in_place=True)  # no copy when it is upright already
            bgr = _to_bgr(frame)
            frame.close()  # the decoded pixels are not needed beside ``bgr``
        except InputError:
            raise
        except (MemoryError, Image.DecompressionBombError) as e:
            raise TooLargeError("图片解码所需内存过大 / the image needs too much memory to decode",
                                code="TOO_MANY_PIXELS") from e
        except (OSError, ValueError, SyntaxError, EOFError) as e:
            raise InputError(f"图片已损坏或不完整 / the image is damaged or truncated ({type(e).__name__})",
                             code="CORRUPT_IMAGE") from e
        h2, w2 = bgr.shape[:2]
        yield PageSource(index=i, width=float(w2), height=float(h2), unit="px", scale=1.0, _image=bgr)


# ---------------------------------------------------------------- PDFs

def _pdf_text_lines(page) -> list[TextLine]:
    """Lines of the PDF text layer with exact per-character boxes (PDF points, top-left origin)."""
    raw = page.get_text("rawdict", flags=0)
    lines: list[TextLine] = []
    for block in raw.get("blocks", []):
        if block.get("type", 0) != 0:
            continue
        for ln in block.get("lines", []):
            chars: list[Char] = []
            for span in ln.get("spans", []):
                for ch in span.get("chars", []):
                    c = ch.get("c", "")
                    if not c:
                        continue
                    x0, y0, x1, y1 = ch["bbox"]
                    size = float(span.get("size", 0) or 0)
                    oy = ch.get("origin", (x0, y1))[1]
                    if size > 0 and y0 <= oy <= y1 + size:
                        # the em box on the baseline: CJK glyphs fill it; the font's ascender/descender
                        # box is ~25% taller and would make masks reach into neighbouring lines
                        y0, y1 = max(y0, oy - 0.88 * size), min(y1, oy + 0.12 * size) if y1 > oy else oy + 0.12 * size
                    if x1 <= x0 or y1 <= y0:
                        # zero-width glyph boxes (some fonts) still need a box
                        size = span.get("size", 10.0)
                        x1 = max(x1, x0 + size * 0.5)
                        y1 = max(y1, y0 + size)
                    chars.append(Char(c, (float(x0), float(y0), float(x1), float(y1)), 1.0))
            if chars and any(not c.text.isspace() for c in chars):
                lines.append(TextLine.from_chars(chars, source="pdf"))
    return lines


def _load_pdf(data: bytes, name: str, limits: Limits) -> Document:
    import pymupdf as fitz

    fitz.TOOLS.mupdf_display_errors(False)
    fitz.TOOLS.mupdf_display_warnings(False)
    # glyph boxes as tall as the font size, not ascender-to-descender: tight masks, and
    # neighbouring lines' boxes do not overlap
    fitz.TOOLS.set_small_glyph_heights(True)
    try:
        doc = fitz.open(stream=data, filetype="pdf")
    except Exception as e:  # PyMuPDF raises several types for broken files
        raise InputError(f"PDF 文件已损坏，无法打开 / the PDF is damaged and cannot be opened ({type(e).__name__})",
                         code="CORRUPT_PDF") from e
    if doc.needs_pass:
        doc.close()
        raise EncryptedPdfError("PDF 已加密，请提供未加密的文件 / the PDF is encrypted; please upload an unencrypted file")
    n = doc.page_count
    if n == 0:
        doc.close()
        raise InputError("PDF 没有页面 / the PDF has no pages", code="CORRUPT_PDF")
    if n > limits.max_pages:
        doc.close()
        raise TooLargeError(f"PDF 页数过多（{n}，上限 {limits.max_pages}）/ too many PDF pages ({n}, limit {limits.max_pages})",
                            code="TOO_MANY_PAGES")
    pages: list[PageSource] = []
    for i in range(n):
        try:
            page = doc.load_page(i)
            rect = page.rect
            lines = _pdf_text_lines(page)
            has_raster = bool(page.get_images(full=False)) or not lines
            has_graphics = has_raster or bool(page.get_cdrawings())
        except Exception as e:
            doc.close()
            raise InputError(f"PDF 第 {i + 1} 页无法读取 / PDF page {i + 1} cannot be read ({type(e).__name__})",
                             code="CORRUPT_PDF") from e
        dpi = limits.pdf_dpi
        px = rect.width * rect.height * (dpi / 72.0) ** 2
        if px > limits.max_pixels:
            dpi = int(72.0 * (limits.max_pixels / max(1.0, rect.width * rect.height)) ** 0.5)
            if dpi < 20:
                doc.close()
                raise TooLargeError(f"PDF 页面尺寸过大 / PDF page {i + 1} is too large", code="TOO_MANY_PIXELS")
        pages.append(PageSource(index=i, width=float(rect.width), height=float(rect.height), unit="pt",
                                scale=dpi / 72.0, text_lines=lines, has_raster=has_raster,
                                has_graphics=has_graphics,
                                _render=_renderer(doc, i, dpi)))
    return Document(name=name, format="pdf", data=data, pages=pages, pdf=doc)


def render_pdf_page(doc, index: int, dpi: int) -> np.ndarray:
    import pymupdf as fitz

    page = doc.load_page(index)
    pix = page.get_pixmap(dpi=dpi, colorspace=fitz.csRGB, alpha=False)
    arr = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width, pix.n)
    return np.ascontiguousarray(arr[:, :, 2::-1])


def _renderer(doc, index: int, dpi: int):
    return lambda: render_pdf_page(doc, index, dpi)
