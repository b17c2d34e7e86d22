"""Batch input (CSV manifest, applicant folders), job identity, results.jsonl repair. No OCR."""
from __future__ import annotations

import json

import pytest

from masker.batch.manifest import ManifestError, load_jobs
from masker.batch.store import read_results, repair_tail
from masker.cli import run as cli_run


def _png(path, text_color=(0, 0, 0)):
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (120, 60), "white")
    ImageDraw.Draw(im).rectangle([10, 10, 60, 30], fill=text_color)
    im.save(path)


def test_csv_manifest_rows_paths_and_modes(tmp_path):
    (tmp_path / "a").mkdir()
    _png(tmp_path / "a" / "x.png")
    _png(tmp_path / "o.png")
    (tmp_path / "m.csv").write_text(
        "file,name,unit,original,expect,mode\n"
        "a/x.png,张伟,阿克苏地区水利局,o.png,,\n"
        "\n"
        "a/x.png,,,,photo,check\n"
        "a/x.png,张伟,,,,PROPOSE\n"
        "a/x.png,张伟,,,,audti\n"
        ",张伟,,,,\n", encoding="utf-8-sig")
    jobs = load_jobs(tmp_path / "m.csv")
    assert [j.row for j in jobs] == [1, 2, 3, 4, 5]
    a, c, p, bad, nofile = jobs
    assert a.mode == "audit" and a.path == str((tmp_path / "a" / "x.png").resolve())
    assert a.original_path == str((tmp_path / "o.png").resolve()) and a.unit == "阿克苏地区水利局"
    assert c.mode == "check" and c.expect == "photo" and p.mode == "propose"
    assert bad.problem["code"] == "BAD_MODE" and nofile.problem["code"] == "MISSING_FILE"
    assert a.problem is None and len({j.key for j in jobs}) == 5


def test_csv_gbk_and_minimal_columns(tmp_path):
    _png(tmp_path / "x.png")
    (tmp_path / "m.csv").write_bytes("file,name\nx.png,王芳\n".encode("gbk"))
    (j,) = load_jobs(tmp_path / "m.csv")
    assert j.name == "王芳" and j.unit == "" and j.mode == "audit"


def test_key_follows_file_bytes_and_row_content(tmp_path):
    _png(tmp_path / "x.png")
    (tmp_path / "m.csv").write_text("file,name\nx.png,王芳\nx.png,王芳\nx.png,李娜\n", encoding="utf-8")
    j1, j2, j3 = load_jobs(tmp_path / "m.csv")
    assert j1.key == j2.key != j3.key
    _png(tmp_path / "x.png", (255, 0, 0))
    assert load_jobs(tmp_path / "m.csv")[0].key != j1.key


@pytest.mark.parametrize("content", ["", "name,unit\n张伟,x\n", "file,name\n"])
def test_bad_manifests(tmp_path, content):
    (tmp_path / "m.csv").write_text(content, encoding="utf-8")
    with pytest.raises(ManifestError):
        load_jobs(tmp_path / "m.csv")


def test_bad_manifest_exit_code_2(tmp_path, capsys):
    (tmp_path / "m.csv").write_text("name\n张伟\n", encoding="utf-8")
    assert cli_run(["batch", str(tmp_path / "m.csv"), "--out", str(tmp_path / "o")]) == 2
    assert cli_run(["batch", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "BAD_MANIFEST" in err


def test_folder_convention(tmp_path):
    root = tmp_path / "round"
    zw = root / "001-张伟"
    zw.mkdir(parents=True)
    (zw / "applicant.json").write_text(json.dumps({"name": "张伟", "unit": "阿克苏地区水利局",
                                                   "files": {"photo.png": {"mode": "check", "expect": "photo"}}},
                                                  ensure_ascii=False), encoding="utf-8")
    _png(zw / "b.png")
    _png(zw / "a.pdf.png")
    _png(zw / "photo.png")
    (zw / ".hidden.png").write_bytes(b"x")
    (zw / "original").mkdir()
    _png(zw / "original" / "b.png")
    ln = root / "002-李娜"
    ln.mkdir()
    (ln / "meta.json").write_text('{"name": "李娜", "mode": "propose"}', encoding="utf-8")
    (ln / "notes.docx").write_bytes(b"PK\x03\x04")
    (root / "not-an-applicant").mkdir()
    (root / "not-an-applicant" / "z.png").write_bytes(b"x")
    jobs = load_jobs(root)
    assert [(j.file, j.name, j.mode) for j in jobs] == [
        ("001-张伟/a.pdf.png", "张伟", "audit"), ("001-张伟/b.png", "张伟", "audit"),
        ("001-张伟/photo.png", "张伟", "check"), ("002-李娜/notes.docx", "李娜", "propose")]
    assert jobs[1].original == "001-张伟/original/b.png" and jobs[0].original == ""
    assert jobs[2].expect == "photo" and jobs[0].unit == "阿克苏地区水利局"
    # one applicant's own folder works too
    assert [j.file for j in load_jobs(zw)] == ["001-张伟/a.pdf.png", "001-张伟/b.png", "001-张伟/photo.png"]
    with pytest.raises(ManifestError):
        load_jobs(root / "not-an-applicant")


def test_results_jsonl_torn_line_is_cut(tmp_path):
    p = tmp_path / "results.jsonl"
    p.write_bytes(b'{"key": "a", "verdict": "pass"}\n{"key": "b", "verd')
    assert list(read_results(p)) == ["a"]
    repair_tail(p)
    assert p.read_bytes() == b'{"key": "a", "verdict": "pass"}\n'


def test_backend_and_thread_planning(monkeypatch):
    from argparse import Namespace

    from masker.batch.runner import _backend_from_args, cpu_count, plan_threads

    assert _backend_from_args(Namespace(backend="local", engine=None)) == ("local", None)
    assert _backend_from_args(Namespace(backend="ray", engine="null")) == ("ray", "null")
    # `masker batch ... --engine ray` (the batch parser's own --engine, dest batch_engine)
    assert _backend_from_args(Namespace(backend="local", engine=None, batch_engine="ray")) == ("ray", None)
    assert _backend_from_args(Namespace(backend="local", engine=None, batch_engine="rapidocr")) == ("local", "rapidocr")
    assert _backend_from_args(Namespace(backend="local", engine="ray")) == ("ray", None)
    monkeypatch.delenv("MASKER_OCR_THREADS", raising=False)
    assert plan_threads(1) == cpu_count() and plan_threads(cpu_count()) == 1 and plan_threads(2, 3) == 3
    assert plan_threads(cpu_count() * 4) == 1
    monkeypatch.setenv("MASKER_OCR_THREADS", "3")
    assert plan_threads(2) == 3
