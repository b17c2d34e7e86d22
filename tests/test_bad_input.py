"""Bad input through the real CLI: exit code 2 and one JSON error object, never a traceback."""
from __future__ import annotations

import io
import json
import subprocess
import sys
import zlib
import struct

import pytest


def _png_header_only(w: int, h: int) -> bytes:
    """A PNG that declares w×h pixels but carries almost no data (a decompression bomb header)."""
    def chunk(t: bytes, d: bytes) -> bytes:
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def _jpeg(truncate: bool = False) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (200, 100), "white").save(buf, "JPEG")
    data = buf.getvalue()
    return data[: len(data) // 3] if truncate else data


def _encrypted_pdf() -> bytes:
    import pymupdf as fitz

    d = fitz.open()
    d.new_page()
    data = d.tobytes(encryption=fitz.PDF_ENCRYPT_AES_256, user_pw="secret", owner_pw="owner")
    d.close()
    return data


CASES = {
    "empty.jpg": (b"", "EMPTY"),
    "random.jpg": (bytes(range(256)) * 40, "UNSUPPORTED_FORMAT"),
    "text.png": ("这不是图片 not an image".encode(), "UNSUPPORTED_FORMAT"),
    "truncated.jpg": (_jpeg(truncate=True), "CORRUPT_IMAGE"),
    "bomb.png": (_png_header_only(60000, 60000), "TOO_MANY_PIXELS"),
    "encrypted.pdf": (_encrypted_pdf(), "ENCRYPTED_PDF"),
    "broken.pdf": (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer <<>>\n%%EOF", "CORRUPT_PDF"),
}


@pytest.mark.parametrize("fname", sorted(CASES))
def test_bad_input_exit_2_json(tmp_path, fname):
    data, code = CASES[fname]
    p = tmp_path / fname
    p.write_bytes(data)
    r = subprocess.run([sys.executable, "-m", "masker.cli", "--engine", "null", "propose", str(p), "--name", "张伟", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr
    err = json.loads(r.stdout)["error"]
    assert err["code"] == code
    assert "/" in err["message"]  # Chinese / English


def test_missing_file_and_missing_name(tmp_path):
    r = subprocess.run([sys.executable, "-m", "masker.cli", "propose", str(tmp_path / "nope.png"), "--name", "张伟", "--json"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and json.loads(r.stdout)["error"]["code"] == "NOT_FOUND"
    r = subprocess.run([sys.executable, "-m", "masker.cli", "propose", str(tmp_path / "nope.png")],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
