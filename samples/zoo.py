"""The file zoo: hostile and odd files, each with the outcome masker must give (issue 9).

Everything is generated here from code and the small demo sample, so no hostile binary is
committed. Two groups:

- ``BAD``: files that must be refused with exit 2 / HTTP 4xx and a Chinese/English message,
  quickly and in bounded memory; each entry gives the error code and the HTTP status.
- ``ODD``: unusual but valid files that must be processed as if they were the plain page: the
  name on the demo page is still found, in the coordinates a viewer shows.

Tests (CLI and API) and ``benchmarks/bench_zoo.py`` (time and peak memory per file) read both.

    python -m samples.zoo --out /tmp/zoo      # write every file, with zoo.json listing outcomes
"""
from __future__ import annotations

import argparse
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import numpy as np
from PIL import Image

DEMO = Path(__file__).resolve().parent / "demo"
DEMO_FILE = "demo_employment_proof.png"


@dataclass(frozen=True)
class BadFile:
    """A file that must be refused: its bytes, the error code and the HTTP status."""

    make: Callable[[], bytes]
    code: str
    status: int


# ------------------------------------------------------------------ building blocks

def _save(im: Image.Image, fmt: str, **kw) -> bytes:
    buf = io.BytesIO()
    im.save(buf, fmt, **kw)
    return buf.getvalue()


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png_header_only(w: int, h: int) -> bytes:
    """A PNG that declares w×h pixels but carries almost no data (a decompression bomb header)."""
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + _png_chunk(b"IEND", b""))


def _white_jpeg() -> bytes:
    return _save(Image.new("RGB", (200, 100), "white"), "JPEG")


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 3]


def _over_pixel_limit() -> bytes:
    """A real, fully decodable 8000×8000 bilevel PNG (64 Mpx > the 60 Mpx default): small on disk."""
    return _save(Image.new("1", (8000, 8000), 1), "PNG", optimize=True)


def _pdf(pages: int, **save_kw) -> bytes:
    import pymupdf

    d = pymupdf.open()
    for _ in range(pages):
        d.new_page()
    data = d.tobytes(**save_kw)
    d.close()
    return data


def _encrypted_pdf() -> bytes:
    import pymupdf

    return _pdf(1, encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")


def _zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("a.txt", "申报材料 application files")
    return buf.getvalue()


SVG = (b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="400" height="100">'
       b'<text x="10" y="50">\xe5\xbc\xa0\xe4\xbc\x9f</text></svg>')
HTML = "<!doctype html><html><body><p>申报人：张伟</p></body></html>".encode()

BAD: dict[str, BadFile] = {
    "empty.jpg": BadFile(lambda: b"", "EMPTY", 400),
    "one_byte.jpg": BadFile(lambda: b"\xff", "UNSUPPORTED_FORMAT", 415),
    "random.jpg": BadFile(lambda: bytes(np.random.default_rng(9).integers(0, 256, 10240, dtype=np.uint8)),
                          "UNSUPPORTED_FORMAT", 415),
    "text.png": BadFile(lambda: "这不是图片 not an image".encode(), "UNSUPPORTED_FORMAT", 415),
    "page.html.pdf": BadFile(lambda: HTML, "UNSUPPORTED_FORMAT", 415),
    "archive.zip.png": BadFile(_zip, "UNSUPPORTED_FORMAT", 415),
    "drawing.svg": BadFile(lambda: SVG, "UNSUPPORTED_FORMAT", 415),
    "truncated.jpg": BadFile(lambda: _truncated(_white_jpeg()), "CORRUPT_IMAGE", 400),
    "truncated.png": BadFile(lambda: _truncated(_save(demo_image(), "PNG")), "CORRUPT_IMAGE", 400),
    "bomb.png": BadFile(lambda: png_header_only(60000, 60000), "TOO_MANY_PIXELS", 413),
    "over_pixels.png": BadFile(_over_pixel_limit, "TOO_MANY_PIXELS", 413),
    "encrypted.pdf": BadFile(_encrypted_pdf, "ENCRYPTED_PDF", 400),
    "broken.pdf": BadFile(lambda: b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF",
                          "CORRUPT_PDF", 400),
    "too_many_pages.pdf": BadFile(lambda: _pdf(201), "TOO_MANY_PAGES", 413),
}


# ------------------------------------------------------------------ odd but valid files

@lru_cache(maxsize=1)
def _demo_rgb() -> Image.Image:
    return Image.open(DEMO / DEMO_FILE).convert("RGB")


def demo_image() -> Image.Image:
    """The demo employment proof (its ground truth is in samples/demo/ground_truth.json)."""
    return _demo_rgb().copy()


def demo_truth() -> dict:
    pages = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))["pages"]
    return next(p for p in pages if p["file"] == DEMO_FILE)


def _exif_rotated(orientation: int) -> bytes:
    """Store the pixels turned and let EXIF orientation turn them back for the viewer."""
    im = demo_image()
    stored = {6: im.transpose(Image.Transpose.ROTATE_90), 3: im.transpose(Image.Transpose.ROTATE_180),
              8: im.transpose(Image.Transpose.ROTATE_270)}[orientation]
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(stored, "JPEG", quality=92, exif=exif.tobytes())


def _sixteen_bit() -> bytes:
    g = np.asarray(demo_image().convert("L"), dtype=np.uint16) * 257
    return _save(Image.fromarray(g), "PNG")


def _multipage_tiff() -> bytes:
    """The text sits on the second frame, after a blank one."""
    blank = Image.new("RGB", demo_image().size, "white")
    buf = io.BytesIO()
    blank.save(buf, "TIFF", save_all=True, append_images=[demo_image()])
    return buf.getvalue()


ODD: dict[str, Callable[[], bytes]] = {
    "grayscale.png": lambda: _save(demo_image().convert("L"), "PNG"),
    "16bit.png": _sixteen_bit,
    "cmyk.jpg": lambda: _save(demo_image().convert("CMYK"), "JPEG", quality=92),
    "rgba.png": lambda: _save(demo_image().convert("RGBA"), "PNG"),
    "multipage.tiff": _multipage_tiff,
    "page.webp": lambda: _save(demo_image(), "WEBP", quality=90),
    "page.bmp": lambda: _save(demo_image(), "BMP"),
    "exif6.jpg": lambda: _exif_rotated(6),
    "exif3.jpg": lambda: _exif_rotated(3),
    "png_named.jpg": lambda: _save(demo_image(), "PNG"),
}

#: valid, no text at all: processed, nothing masked
TINY = ("tiny.png", lambda: _save(Image.new("RGB", (8, 8), "white"), "PNG"))


def problems_with(result: dict, fname: str) -> list[str]:
    """What is wrong with a propose answer (the contract JSON) for the ODD file ``fname``: the page
    must have the demo page's size in the viewer's coordinates, and every occurrence of the name
    must lie ≥ 80% under one name mask. Empty when all is right."""
    truth = demo_truth()
    page = result["pages"][-1]  # the multi-page TIFF holds the text on its second page
    out: list[str] = []
    if (page["width"], page["height"]) != (truth["width"], truth["height"]):
        out.append(f"{fname}: page {page['width']}x{page['height']}, expected {truth['width']}x{truth['height']}")
    boxes = [m["box"] for m in page["masks"] if m["kind"] == "name"]
    if len(boxes) != len({n["occurrence"] for n in truth["names"]}):
        out.append(f"{fname}: {len(boxes)} name masks")
    for gt in truth["names"]:
        x0, y0, x1, y1 = gt["box"]
        covered = max((max(0, min(x1, b[2]) - max(x0, b[0])) * max(0, min(y1, b[3]) - max(y0, b[1])) for b in boxes),
                      default=0)
        if covered < 0.8 * (x1 - x0) * (y1 - y0):
            out.append(f"{fname}: occurrence at {gt['box']} not covered")
    return out


def write(out: Path) -> dict:
    """Write every zoo file into ``out`` with ``zoo.json`` (file → expected outcome)."""
    out.mkdir(parents=True, exist_ok=True)
    listing: dict[str, dict] = {}
    for fname, bad in BAD.items():
        (out / fname).write_bytes(bad.make())
        listing[fname] = {"expect": "refused", "code": bad.code, "status": bad.status}
    for fname, make in [*ODD.items(), TINY]:
        (out / fname).write_bytes(make())
        listing[fname] = {"expect": "processed", "name": demo_truth()["name"] if fname != TINY[0] else None}
    (out / "zoo.json").write_text(json.dumps(listing, ensure_ascii=False, indent=1), encoding="utf-8")
    return listing


def main() -> None:
    ap = argparse.ArgumentParser(description="write the hostile/odd file zoo")
    ap.add_argument("--out", type=Path, required=True)
    listing = write(ap.parse_args().out)
    print(f"{len(listing)} files")


if __name__ == "__main__":
    main()
