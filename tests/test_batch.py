"""masker batch: worker pool, error rows, report files, interruption and resume, equality with the
single-file commands, Ray. Most tests use ``masker.batch.testing.FakeMasker`` (no OCR, judged by
file name); the ``slow`` ones run the real OCR."""
from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest

from masker.batch import load_jobs, run_batch_jobs
from masker.cli import run as cli_run

FAKE = "masker.batch.testing:FakeMasker"
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NAMES = ["张伟", "李娜", "王芳", "艾合买提·阿不都热依木", "刘洋", "陈静"]
UNIT = "阿克苏地区水利局"


def page_image(path: Path, name: str, size=(640, 320)):
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 28) if Path(FONT).exists() else ImageFont.load_default()
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    d.text((40, 40), f"申报人：{name}", font=font, fill="black")
    d.text((40, 120), f"工作单位：{UNIT}", font=font, fill="black")
    im.save(path)


def two_page_pdf(path: Path, name: str):
    import fitz

    doc = fitz.open()
    for i in range(2):
        page = doc.new_page(width=300, height=200)
        page.insert_text((30, 50), f"page {i + 1}", fontsize=12)
    doc.save(path)


def fake_set(tmp_path: Path, n_pass=3) -> Path:
    rows = ["file,name,unit,mode"]
    for i in range(n_pass):
        page_image(tmp_path / f"ok{i}.png", NAMES[i])
        rows.append(f"ok{i}.png,{NAMES[i]},{UNIT},")
    page_image(tmp_path / "fail-a.png", NAMES[3])
    rows.append(f"fail-a.png,{NAMES[3]},{UNIT},")
    page_image(tmp_path / "upside.png", NAMES[4])
    rows.append(f"upside.png,{NAMES[4]},{UNIT},check")
    two_page_pdf(tmp_path / "fail-two.pdf", NAMES[5])
    rows.append(f"fail-two.pdf,{NAMES[5]},{UNIT},audit")
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    rows.append(f"broken.png,{NAMES[0]},,")
    (tmp_path / "empty.jpg").write_bytes(b"")
    rows.append(f"empty.jpg,{NAMES[0]},,")
    rows.append(f"gone.png,{NAMES[0]},,")
    m = tmp_path / "manifest.csv"
    m.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return m


def stable(report: dict) -> dict:
    """A report without what legitimately differs between runs (time, worker pids, seconds)."""
    r = json.loads(json.dumps(report))
    r.pop("generated_at", None)
    r.pop("manifest", None)
    r.pop("workers", None)
    r.pop("threads", None)
    for f in r["files"]:
        f.pop("seconds", None)
    for p in r["pages"]:
        p.pop("seconds", None)
        p.pop("file_seconds", None)
    return r


class _Refs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        for k, v in attrs:
            if k in ("src", "href", "srcset", "data", "poster", "action"):
                self.refs.append((tag, k, v or ""))
        if tag == "link":
            self.refs.append((tag, "link", dict(attrs).get("href", "")))


def test_fake_batch_rows_report_and_exit_code(tmp_path, capsys):
    m = fake_set(tmp_path)
    out = tmp_path / "out"
    os.environ["MASKER_BATCH_FACTORY"] = FAKE
    try:
        rc = cli_run(["batch", str(m), "--out", str(out), "--workers", "2"])
    finally:
        del os.environ["MASKER_BATCH_FACTORY"]
    assert rc == 1
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    verdicts = {f["file"]: f["verdict"] for f in report["files"]}
    assert verdicts == {"ok0.png": "pass", "ok1.png": "pass", "ok2.png": "pass", "fail-a.png": "fail",
                        "upside.png": "fail", "fail-two.pdf": "fail", "broken.png": "error",
                        "empty.jpg": "error", "gone.png": "error"}
    errors = {f["file"]: f["error"]["code"] for f in report["files"] if f["error"]}
    assert errors == {"broken.png": "CORRUPT_IMAGE", "empty.jpg": "EMPTY", "gone.png": "NOT_FOUND"}
    assert report["summary"]["verdicts"]["fail"] == 3 and report["summary"]["verdicts"]["error"] == 3
    codes = {c["code"]: c for c in report["summary"]["codes"]}
    assert codes["NAME_VISIBLE"]["findings"] == 3 and codes["NAME_VISIBLE"]["files"] == 2
    assert codes["MASK_SMALL_MARGIN"]["severity"] == "warning"
    # CSV: one row per file and page, in manifest order
    with open(out / "report.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [(r["file"], r["page"], r["verdict"]) for r in rows] == [
        ("ok0.png", "1", "pass"), ("ok1.png", "1", "pass"), ("ok2.png", "1", "pass"), ("fail-a.png", "1", "fail"),
        ("upside.png", "1", "fail"), ("fail-two.pdf", "1", "fail"), ("fail-two.pdf", "2", "fail"),
        ("broken.png", "", "error"), ("empty.jpg", "", "error"), ("gone.png", "", "error")]
    assert rows[3]["applicant"] == NAMES[3] and rows[3]["codes"] == "MASK_SMALL_MARGIN NAME_VISIBLE"
    assert "申报人姓名未遮盖" in rows[3]["message"]
    # thumbnails for each failing page, and none else
    thumbs = sorted(p.name for p in (out / "thumbs").iterdir())
    assert len(thumbs) == 4
    # names stay out of stderr
    err = capsys.readouterr().err
    assert not any(n in err for n in NAMES) and "fail-a" not in err


def _fake_run(m, out, **kw):
    return run_batch_jobs(load_jobs(m), out, factory=FAKE, progress=False, **kw)


def test_html_report_is_self_contained(tmp_path):
    m = fake_set(tmp_path)
    s = _fake_run(m, tmp_path / "out", workers=2)
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    p = _Refs()
    p.feed(page)
    imgs = [v for t, k, v in p.refs if t == "img"]
    assert len(imgs) == 4 and all(v.startswith("data:image/jpeg;base64,") for v in imgs)
    external = [r for r in p.refs if r[2] and not r[2].startswith(("data:", "#"))]
    assert external == []
    assert not re.search(r"<script[^>]+src=|<link[^>]+stylesheet|@import|url\(http", page)
    assert "申报人姓名未遮盖" in page and "页面未摆正" in page and NAMES[3] in page
    assert 'id="q"' in page and 'id="fc"' in page and "localeCompare" in page  # filter and sort
    assert s.exit_code == 1
    # the thumbnail shows the findings: red pixels where the error box is
    import base64

    import cv2
    import numpy as np

    img = cv2.imdecode(np.frombuffer(base64.b64decode(imgs[0].split(",", 1)[1]), np.uint8), cv2.IMREAD_COLOR)
    b, g, r = img[..., 0].astype(int), img[..., 1].astype(int), img[..., 2].astype(int)
    assert ((r > 170) & (g < 90) & (b < 90)).sum() > 100


def test_html_escapes_names_and_files(tmp_path):
    page_image(tmp_path / "fail-<b>.png", "张伟")
    (tmp_path / "m.csv").write_text('file,name\nfail-<b>.png,"<script>alert(1)</script>"\n', encoding="utf-8")
    _fake_run(tmp_path / "m.csv", tmp_path / "out")
    page = (tmp_path / "out" / "report.html").read_text(encoding="utf-8")
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page and "fail-&lt;b&gt;.png" in page


def test_all_pass_exit_0_and_existing_out_needs_resume(tmp_path):
    page_image(tmp_path / "a.png", "张伟")
    (tmp_path / "m.csv").write_text("file,name\na.png,张伟\na.png,张伟\n", encoding="utf-8")
    s = _fake_run(tmp_path / "m.csv", tmp_path / "out")
    assert s.exit_code == 0 and s.unique == 1 and s.processed == 1
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [f["verdict"] for f in rep["files"]] == ["pass", "pass"]  # a repeated row is run once, reported twice
    from masker.errors import OptionError

    with pytest.raises(OptionError):
        _fake_run(tmp_path / "m.csv", tmp_path / "out")
    s = _fake_run(tmp_path / "m.csv", tmp_path / "out", resume=True)
    assert s.processed == 0 and s.skipped == 1 and s.exit_code == 0


def test_crashing_and_hanging_files_become_error_rows(tmp_path):
    for f in ("a.png", "crash.png", "b.png", "hang.png", "c.png"):
        page_image(tmp_path / f, "张伟")
    (tmp_path / "m.csv").write_text("file,name\n" + "".join(f"{f},张伟\n" for f in
                                                             ("a.png", "crash.png", "b.png", "hang.png", "c.png")),
                                    encoding="utf-8")
    s = _fake_run(tmp_path / "m.csv", tmp_path / "out", workers=2, timeout=3)
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    got = {f["file"]: (f["verdict"], (f["error"] or {}).get("code")) for f in rep["files"]}
    assert got == {"a.png": ("pass", None), "crash.png": ("error", "WORKER_CRASHED"), "b.png": ("pass", None),
                   "hang.png": ("error", "TIMEOUT"), "c.png": ("pass", None)}
    assert s.exit_code == 1
    # crashes and timeouts are retried by --resume; finished files are not
    s2 = _fake_run(tmp_path / "m.csv", tmp_path / "out", workers=2, timeout=3, resume=True)
    assert s2.processed == 2 and s2.skipped == 3


def _cli(args, env_extra):
    env = {**os.environ, **env_extra}
    # a shell that started us in the background may have left SIGINT ignored, and a child that
    # inherits that never sees Ctrl-C: give the CLI the default handling a terminal user has
    return subprocess.Popen([sys.executable, "-m", "masker.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))


def _lines(p: Path) -> list[dict]:
    if not p.exists():
        return []
    return [json.loads(l) for l in p.read_text(encoding="utf-8").splitlines() if l.strip().endswith("}")]


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGINT, signal.SIGTERM])
def test_interrupted_batch_resumes_without_redoing_files(tmp_path, sig):
    n, k = 12, 4  # slow fake files, so the signal lands with files still to do on any machine
    rows = ["file,name,unit"]
    for i in range(n):
        f = f"{'fail-' if i % 3 == 0 else ''}p{i}.png"
        page_image(tmp_path / f, NAMES[i % len(NAMES)])
        rows.append(f"{f},{NAMES[i % len(NAMES)]},{UNIT}")
    m = tmp_path / "m.csv"
    m.write_text("\n".join(rows) + "\n", encoding="utf-8")
    env = {"MASKER_BATCH_FACTORY": FAKE, "MASKER_FAKE_DELAY": "1.0"}
    out = tmp_path / "out"
    proc = _cli(["batch", str(m), "--out", str(out), "--workers", "2"], env)
    deadline = time.time() + 60
    while len(_lines(out / "results.jsonl")) < k and time.time() < deadline:
        time.sleep(0.05)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    first = _lines(out / "results.jsonl")
    assert k <= len(first) < n, err.decode()
    if sig != signal.SIGKILL:  # Ctrl-C or `kill`: a clean stop with a partial report
        assert proc.returncode == 130
        partial = json.loads((out / "report.json").read_text(encoding="utf-8"))
        assert partial["complete"] is False
    time.sleep(0.5)  # orphaned workers (SIGKILL) see the pipe close and exit
    proc = _cli(["batch", str(m), "--out", str(out), "--workers", "2", "--resume"], env)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err.decode()
    lines = _lines(out / "results.jsonl")
    keys = [l["key"] for l in lines]
    assert len(keys) == n and len(set(keys)) == n  # every file exactly once: nothing redone
    assert lines[:len(first)] == first
    resumed = json.loads((out / "report.json").read_text(encoding="utf-8"))
    # the same report as one uninterrupted run
    s = _fake_run(m, tmp_path / "straight", workers=1)
    straight = json.loads((tmp_path / "straight" / "report.json").read_text(encoding="utf-8"))
    assert stable(resumed) == stable(straight)
    assert s.exit_code == 1
    assert resumed["complete"] is True


# ---------------------------------------------------------------- real OCR


def real_set(tmp_path: Path, n=4) -> Path:
    rows = ["file,name,unit,mode"]
    for i in range(n):
        page_image(tmp_path / f"r{i}.png", NAMES[i])
        rows.append(f"r{i}.png,{NAMES[i]},{UNIT},propose")
    (tmp_path / "bad.jpg").write_bytes(b"not an image")
    rows.append(f"bad.jpg,{NAMES[0]},,propose")
    m = tmp_path / "m.csv"
    m.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return m


@pytest.mark.slow
def test_batch_propose_equals_file_by_file(tmp_path, masker_real):
    m = real_set(tmp_path)
    s = run_batch_jobs(load_jobs(m), tmp_path / "out", workers=2, progress=False)
    assert s.exit_code == 1  # the bad file
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    for f in rep["files"]:
        if f["file"] == "bad.jpg":
            assert f["verdict"] == "error" and f["error"]["code"] == "UNSUPPORTED_FORMAT"
            continue
        single = masker_real.propose(str(tmp_path / f["file"]), f["applicant"], f["unit"]).to_dict()
        got = [(m_["kind"], m_["box"]) for p in f["result"]["pages"] for m_ in p["masks"]]
        assert got == [(m_["kind"], m_["box"]) for p in single["pages"] for m_ in p["masks"]]
        assert got and got[0][0] == "name"


def _available(module: str, attr: str) -> bool:
    try:
        import importlib

        return hasattr(importlib.import_module(module), attr)
    except ImportError:
        return False


def _single(*args) -> dict:
    p = subprocess.run([sys.executable, "-m", "masker.cli", *args, "--json"], capture_output=True)
    return json.loads(p.stdout)


def _page_codes(single: dict) -> list[str]:
    codes = {x["code"] for pg in single["pages"] for x in list(pg.get("findings") or []) + list(pg.get("warnings") or [])}
    codes |= {x["code"] for x in (single.get("photo") or {}).get("findings") or []}
    return sorted(codes)


@pytest.mark.slow
@pytest.mark.skipif(not _available("masker.audit", "run_audit"), reason="masker.audit has not landed yet")
def test_batch_audit_verdicts_equal_masker_audit(tmp_path, masker_real):
    """Verdicts in the batch equal those of `masker audit` run file by file (the CLI command is
    ``Masker.audit(...).to_dict()``; the first file also goes through the CLI itself)."""
    m = masker_real
    rows = ["file,name,unit"]
    for i in range(2):
        page_image(tmp_path / f"orig{i}.png", NAMES[i])
        data, _ = m.redact(str(tmp_path / f"orig{i}.png"), NAMES[i], UNIT)
        (tmp_path / f"masked{i}.png").write_bytes(data)
        rows += [f"orig{i}.png,{NAMES[i]},{UNIT}", f"masked{i}.png,{NAMES[i]},{UNIT}"]
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_batch_jobs(load_jobs(tmp_path / "m.csv"), tmp_path / "out", workers=2, progress=False)
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    for i, f in enumerate(rep["files"]):
        single = _single("audit", str(tmp_path / f["file"]), "--name", f["applicant"], "--unit", f["unit"]) if i == 0 \
            else m.audit(str(tmp_path / f["file"]), f["applicant"], f["unit"]).to_dict()
        assert f["verdict"] == single["verdict"], f["file"]
        assert f["codes"] == _page_codes(single)
    assert {f["verdict"] for f in rep["files"]} <= {"pass", "fail"}
    # an unmasked page fails with its name visible, and its failing page has a thumbnail
    orig = [f for f in rep["files"] if f["file"].startswith("orig")]
    assert all(f["verdict"] == "fail" and "NAME_VISIBLE" in f["codes"] and f["thumbs"] for f in orig)


@pytest.mark.slow
@pytest.mark.skipif(not _available("masker.compliance.check", "run_check"), reason="masker check has not landed yet")
def test_batch_check_verdicts_equal_masker_check(tmp_path, masker_real):
    import cv2

    page_image(tmp_path / "c0.png", NAMES[0])
    img = cv2.imread(str(tmp_path / "c0.png"))
    cv2.imwrite(str(tmp_path / "turned.png"), cv2.rotate(img, cv2.ROTATE_180))
    cv2.imwrite(str(tmp_path / "blurred.png"), cv2.GaussianBlur(img, (0, 0), 6))
    rows = ["file,name,unit,expect,mode", "c0.png,,,document,check", "turned.png,,,,check",
            "blurred.png,,,,check", "c0.png,,,photo,check"]
    (tmp_path / "m.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    run_batch_jobs(load_jobs(tmp_path / "m.csv"), tmp_path / "out", workers=2, progress=False)
    rep = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    for i, f in enumerate(rep["files"]):
        single = _single("check", str(tmp_path / f["file"]), "--expect", f["expect"]) if i == 0 \
            else masker_real.check(str(tmp_path / f["file"]), expect=f["expect"]).to_dict()
        assert f["verdict"] == single["verdict"], f["file"]
        assert f["codes"] == _page_codes(single), f["file"]


# ---------------------------------------------------------------- Ray


@pytest.mark.slow
def test_ray_backend_matches_local(tmp_path):
    ray = pytest.importorskip("ray")
    m = fake_set(tmp_path)
    local = _fake_run(m, tmp_path / "local", workers=2)
    started = not ray.is_initialized()
    if started:
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
                 runtime_env={"env_vars": {"MASKER_FAKE_DELAY": "0"}})
    try:
        s = run_batch_jobs(load_jobs(m), tmp_path / "ray", workers=2, backend="ray", factory=FAKE, progress=False)
    finally:
        if started:
            ray.shutdown()
    a = json.loads((tmp_path / "local" / "report.json").read_text(encoding="utf-8"))
    b = json.loads((tmp_path / "ray" / "report.json").read_text(encoding="utf-8"))
    assert stable(a)["files"] == stable(b)["files"] and a["summary"] == b["summary"]
    assert s.exit_code == local.exit_code == 1 and b["backend"] == "ray"
    assert len(list((tmp_path / "ray" / "thumbs").iterdir())) == 4
