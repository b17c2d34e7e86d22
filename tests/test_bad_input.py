"""Bad input through the real CLI: exit code 2 and one JSON error object, never a traceback."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from samples.zoo import BAD


@pytest.mark.parametrize("fname", sorted(BAD))
def test_bad_input_exit_2_json(tmp_path, fname):
    bad = BAD[fname]
    data, code = bad.make(), bad.code
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
