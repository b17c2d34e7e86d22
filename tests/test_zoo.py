"""Odd but valid files are processed correctly: the name on the page is still found, with boxes in
the coordinates a viewer shows (EXIF orientation applied)."""
from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from masker.geometry import overlap_area

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "samples" / "demo"
PAGE = next(p for p in json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))["pages"]
            if p["file"] == "demo_employment_proof.png")


def _src() -> Image.Image:
    return Image.open(DEMO / PAGE["file"]).convert("RGB")


def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _exif_rotated(orientation: int) -> bytes:
    """Store the pixels turned and let EXIF orientation turn them back for the viewer."""
    im = _src()
    stored = {6: im.transpose(Image.Transpose.ROTATE_90), 3: im.transpose(Image.Transpose.ROTATE_180),
              8: im.transpose(Image.Transpose.ROTATE_270)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(stored, "JPEG", quality=92, exif=exif.tobytes())


def _sixteen_bit() -> bytes:
    g = np.asarray(_src().convert("L"), dtype=np.uint16) * 257
    return _save(Image.fromarray(g), "PNG")


def _multipage_tiff() -> bytes:
    blank = Image.new("RGB", _src().size, "white")
    buf = io.BytesIO()
    blank.save(buf, "TIFF", save_all=True, append_images=[_src()])
    return buf.getvalue()


VARIANTS = {
    "grayscale.png": lambda: _save(_src().convert("L"), "PNG"),
    "16bit.png": _sixteen_bit,
    "cmyk.jpg": lambda: _save(_src().convert("CMYK"), "JPEG", quality=92),
    "rgba.png": lambda: _save(_src().convert("RGBA"), "PNG"),
    "multipage.tiff": _multipage_tiff,
    "page.webp": lambda: _save(_src(), "WEBP", quality=90),
    "page.bmp": lambda: _save(_src(), "BMP"),
    "exif6.jpg": lambda: _exif_rotated(6),
    "exif3.jpg": lambda: _exif_rotated(3),
    "png_named.jpg": lambda: _save(_src(), "PNG"),
}


@pytest.mark.slow
@pytest.mark.parametrize("fname", sorted(VARIANTS))
def test_odd_files_are_processed(masker_real, fname):
    res = masker_real.propose(VARIANTS[fname](), PAGE["name"], input_name=fname)
    page = res.pages[-1]  # the multi-page TIFF holds the text on its second page
    assert (page.width, page.height) == (PAGE["width"], PAGE["height"])
    names = [m for m in page.masks if m.kind == "name"]
    assert len(names) == len({n["occurrence"] for n in PAGE["names"]})
    for gt in PAGE["names"]:
        assert any(overlap_area(m.box, tuple(gt["box"])) > 0.8 * (gt["box"][2] - gt["box"][0]) * (gt["box"][3] - gt["box"][1])
                   for m in names), (fname, gt)


def test_tiny_image_without_text(masker_real):
    res = masker_real.propose(_save(Image.new("RGB", (8, 8), "white"), "PNG"), "张伟")
    assert res.pages[0].masks == []
