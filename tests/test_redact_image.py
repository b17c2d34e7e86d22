"""Image redaction end to end through the CLI: filled pixels, no metadata or EXIF thumbnail left,
the name unreadable by OCR afterwards, other people's names intact."""
from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "samples" / "demo"


def _demo(file: str) -> dict:
    gt = json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))
    return next(p for p in gt["pages"] if p["file"] == file)


def _exif_with_thumbnail(description: str, thumbnail: bytes) -> bytes:
    """A little-endian EXIF block (``Exif\\0\\0`` + TIFF) with ImageDescription in IFD0 and a JPEG
    thumbnail in IFD1 — Pillow cannot write IFD1, cameras and phones always do."""
    import struct

    desc = description.encode("utf-8") + b"\0"
    ifd0_at = 8
    ifd1_at = ifd0_at + 2 + 12 + 4
    desc_at = ifd1_at + 2 + 2 * 12 + 4
    thumb_at = desc_at + len(desc)
    tiff = b"II*\0" + struct.pack("<I", ifd0_at)
    tiff += struct.pack("<H", 1) + struct.pack("<HHII", 0x010E, 2, len(desc), desc_at) + struct.pack("<I", ifd1_at)
    tiff += struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, 4, 1, thumb_at) \
        + struct.pack("<HHII", 0x0202, 4, 1, len(thumbnail)) + struct.pack("<I", 0)
    tiff += desc + thumbnail
    return b"Exif\0\0" + tiff


def _jpeg_segment(marker: int, payload: bytes) -> bytes:
    import struct

    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def _hostile_input(src: Path, name: str, suffix: str) -> bytes:
    """The page, carrying the name wherever an image file can hold text besides its pixels: EXIF
    (with the unmasked page as thumbnail), XMP, an ICC profile, a comment (JPEG); text chunks and
    eXIf (PNG); description and XMP tags (TIFF)."""
    from PIL import PngImagePlugin

    im = Image.open(src).convert("RGB")
    xmp = f"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc:creator>{name}</dc:creator></x:xmpmeta>".encode()
    icc = b"\0" * 128 + b"desc" + name.encode("utf-16-be")  # bytes only: the output must drop it whole
    buf = io.BytesIO()
    if suffix == ".jpg":
        thumb = io.BytesIO()
        im.resize((160, 226)).save(thumb, "JPEG")
        im.save(buf, "JPEG", quality=90, icc_profile=icc, comment=name.encode())
        data = buf.getvalue()
        extra = _jpeg_segment(0xE1, _exif_with_thumbnail(f"scan of {name}", thumb.getvalue())) + \
            _jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\0" + xmp)
        return data[:2] + extra + data[2:]
    if suffix == ".png":
        info = PngImagePlugin.PngInfo()
        info.add_text("Author", name.encode("utf-8").decode("latin-1"))
        info.add_itxt("Description", f"申报人 {name}", zip=True)
        info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        exif = Image.Exif()
        exif[0x010E] = f"scan of {name}"
        im.save(buf, "PNG", pnginfo=info, exif=exif.tobytes(), icc_profile=icc)
        return buf.getvalue()
    im.save(buf, "TIFF", tiffinfo={0x010E: f"scan of {name}", 700: xmp}, icc_profile=icc)
    return buf.getvalue()


def _spellings(name: str) -> list[bytes]:
    core = name.split("·")[0]
    return [core.encode("utf-8"), core.encode("utf-16-be"), core.encode("utf-16-le")]


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tiff"])
def test_redact_image_leaks_nothing(tmp_path, masker_real, suffix):
    page = _demo("demo_roster_uyghur_trap.jpg")
    src = tmp_path / f"in{suffix}"
    src.write_bytes(_hostile_input(DEMO / page["file"], page["name"], suffix))
    assert any(sp in src.read_bytes() for sp in _spellings(page["name"]))  # the input really carries it
    out = tmp_path / f"out{suffix}"
    r = subprocess.run([sys.executable, "-m", "masker.cli", "redact", str(src), "--name", page["name"], "-o", str(out),
                        "--json"], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    report = json.loads(r.stdout)
    masks = report["pages"][0]["masks"]
    assert len(masks) >= len({n["occurrence"] for n in page["names"]})
    data = out.read_bytes()
    im = Image.open(io.BytesIO(data))
    exif = im.getexif()
    text_tags = {0x010E, 0x013B, 0x0131, 0x8298, 0x9286, 0x927C, 0x8769, 0x8825}  # description, artist, software…
    assert not (set(exif) & text_tags), "EXIF text must be stripped"
    if suffix == ".jpg":
        assert not exif and b"Exif" not in data[:4096]
        assert data.count(b"\xff\xd8\xff") == 1, "an embedded (thumbnail) JPEG survived"
    assert "icc_profile" not in im.info and not any(k.lower().startswith(("xml", "comment", "exif", "author", "desc"))
                                                    for k in im.info)
    assert not any(sp in data for sp in _spellings(page["name"]))
    assert b"xmpmeta" not in data
    # every mask is solid black
    px = im.convert("RGB")
    for m in masks:
        x0, y0, x1, y1 = m["box"]
        assert px.getpixel(((x0 + x1) // 2, (y0 + y1) // 2)) == (0, 0, 0)
    # OCR of the output finds no occurrence of the name; the trap name is still there
    again = masker_real.propose(data, page["name"])
    assert again.pages[0].masks == []
    kept_before = {k["text"] for k in report["pages"][0]["kept"] if k["kind"] == "other_name"}
    kept_after = {k.text for k in again.pages[0].kept if k.kind == "other_name"}
    assert kept_before <= kept_after
