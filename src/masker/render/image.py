"""Image redaction: fill the mask boxes with solid black on the decoded (EXIF-applied) pixels,
then re-encode from the pixels alone so no EXIF, XMP, ICC text, thumbnail or PNG text chunk of
the original survives (the EXIF thumbnail holds the unmasked picture)."""
from __future__ import annotations

import io

import numpy as np

from ..geometry import Box, to_int
from ..io import Document
from ..results import ProposeResult

FILL = (0, 0, 0)
_PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "tiff": "TIFF", "bmp": "BMP", "webp": "WEBP"}


def fill_boxes(image: np.ndarray, boxes: list[Box], color=FILL) -> np.ndarray:
    out = image.copy()
    h, w = out.shape[:2]
    for b in boxes:
        x0, y0, x1, y1 = to_int(b)
        x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        if x1 > x0 and y1 > y0:
            out[y0:y1, x0:x1] = color
    return out


def encode(images: list[np.ndarray], fmt: str) -> bytes:
    """Encode BGR pages in ``fmt`` with no metadata at all."""
    from PIL import Image

    pil = [Image.fromarray(np.ascontiguousarray(im[:, :, ::-1])) for im in images]
    buf = io.BytesIO()
    kind = _PIL_FORMAT.get(fmt, "PNG")
    kw: dict = {}
    if kind == "JPEG":
        kw = {"quality": 92, "subsampling": 0, "optimize": True}
    elif kind == "WEBP":
        kw = {"quality": 92}
    elif kind == "TIFF":
        kw = {"compression": "tiff_deflate"}
        if len(pil) > 1:
            kw.update(save_all=True, append_images=pil[1:])
    pil[0].save(buf, format=kind, **kw)
    return buf.getvalue()


def redact_image(doc: Document, result: ProposeResult) -> bytes:
    pages = []
    for page, pres in zip(doc.pages, result.pages):
        pages.append(fill_boxes(page.image, [m.box for m in pres.masks]))
    return encode(pages, doc.format)
