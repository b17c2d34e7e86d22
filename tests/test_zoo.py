"""Odd but valid files are processed correctly through the real CLI: the name on the page is still
found, with boxes in the coordinates a viewer shows (EXIF orientation applied). The same files go
through the HTTP API in tests/test_api_zoo.py."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from samples.zoo import ODD, TINY, demo_truth, problems_with


def _propose(tmp_path, fname: str, data: bytes, name: str) -> dict:
    p = tmp_path / fname
    p.write_bytes(data)
    r = subprocess.run([sys.executable, "-m", "masker.cli", "propose", str(p), "--name", name, "--json"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    return json.loads(r.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("fname", sorted(ODD))
def test_odd_files_are_processed(tmp_path, fname):
    res = _propose(tmp_path, fname, ODD[fname](), demo_truth()["name"])
    assert problems_with(res, fname) == []


def test_tiny_image_without_text(tmp_path):
    res = _propose(tmp_path, TINY[0], TINY[1](), "张伟")
    assert res["pages"][0]["masks"] == []
