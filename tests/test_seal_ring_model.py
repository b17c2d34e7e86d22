"""The seal-ring recogniser (``models/PP-OCRv6_rec_seal.onnx``): used for rings only, only where
it matches the installed stock model, and reading generated rings better than the stock model."""
from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from masker.ocr.models import MODELS_DIR, SEAL_REC, derived_model, sha256_file
from masker.seals.read import strip_width

ROOT = Path(__file__).resolve().parents[1]


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"seal_rec_{name}", ROOT / "models" / "seal_rec" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _stock_path() -> Path:
    import rapidocr

    return Path(rapidocr.__file__).parent / "models" / "PP-OCRv6_rec_small.onnx"


def _made_from_installed_stock() -> bool:
    manifest = json.loads((MODELS_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    return manifest[SEAL_REC]["source_sha256"] == sha256_file(_stock_path())


def test_rings_are_read_with_the_tuned_model_and_the_rest_with_the_stock_one(engine):
    if not _made_from_installed_stock():  # another rapidocr release: rings fall back to the stock model
        pytest.skip("the ring model was made from another stock recogniser than the one installed")
    rings = engine.ring_recognizer
    assert rings is not engine.line_recognizer
    assert rings.charset == engine.line_recognizer.charset


def test_a_tuned_model_that_does_not_match_is_not_used(tmp_path, monkeypatch):
    shutil.copy(MODELS_DIR / SEAL_REC, tmp_path / SEAL_REC)
    manifest = json.loads((MODELS_DIR / "MANIFEST.json").read_text(encoding="utf-8"))
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    monkeypatch.setenv("MASKER_MODELS_DIR", str(tmp_path))
    stock = str(_stock_path())
    assert derived_model(SEAL_REC, stock) == tmp_path / SEAL_REC
    assert manifest[SEAL_REC]["sha256"] == sha256_file(tmp_path / SEAL_REC)
    # made from another stock model (its charset may differ): not used
    manifest[SEAL_REC]["source_sha256"] = "0" * 64
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert derived_model(SEAL_REC, stock) is None
    # the file itself changed: not used
    manifest[SEAL_REC]["source_sha256"] = sha256_file(Path(stock))
    (tmp_path / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    with open(tmp_path / SEAL_REC, "r+b") as f:
        f.seek(1000)
        f.write(b"\0\0\0\0")
    assert derived_model(SEAL_REC, stock) is None


def test_training_labels_are_every_cyclic_piece_and_errors_are_cyclic():
    train = _module("train")
    pieces = train._pieces([1, 2, 3, 4])
    assert [3, 4, 1, 2] in pieces and [4, 1, 2, 3, 4] in pieces and [2, 3, 4] in pieces
    assert all(3 <= len(p) <= 6 for p in pieces)
    assert train._ring_errors([3, 4, 1, 2], [1, 2, 3, 4]) == 0
    assert train._ring_errors([3, 9, 1, 2], [1, 2, 3, 4]) == 1
    assert train._ring_errors([3, 4], [1, 2, 3, 4]) == 1  # two short of n - 1


def test_training_batches_are_what_the_recogniser_reads():
    # train.py runs on a GPU machine without masker's dependencies, so it has its own batcher;
    # it must give the model what LineRecognizer gives it at run time
    from masker.ocr.recognizer import LineRecognizer

    train = _module("train")
    rng = np.random.default_rng(0)
    imgs = [rng.integers(0, 256, (48, w, 3), dtype=np.uint8) for w in (64, 137, 300)]
    assert np.allclose(train._batch(imgs), LineRecognizer._batch(imgs, [im.shape[1] for im in imgs]), atol=1e-6)


def test_training_units_are_invented_not_the_benchmarks():
    data = _module("make_data")
    import random

    units = set(data.invented_units(random.Random(0), 3000))
    assert len(units) == 3000 and not units & data.BENCH_UNITS


@pytest.mark.slow
def test_the_tuned_model_reads_unseen_rings_better_than_the_stock_one(engine):
    """Strips the seal reader makes of generated stamps of invented units, pages of seeds neither
    training nor validation used: characters wrong per character, each model."""
    if not _made_from_installed_stock():
        pytest.skip("the ring model was made from another stock recogniser than the one installed")
    data, train = _module("make_data"), _module("train")
    rows = [r for seed in range(9_000_000, 9_000_008) for r in data.page_samples(seed, per_stamp=3)]
    assert len(rows) >= 30
    strips = [cv2.imdecode(np.frombuffer(j, np.uint8), cv2.IMREAD_COLOR) for j, _t, _s in rows]
    labels = [engine.line_recognizer.classes(t) for _j, t, _s in rows]
    cer = {}
    for name, rec in (("stock", engine.line_recognizer), ("tuned", engine.ring_recognizer)):
        errs = 0
        for rd, lab in zip(rec.read(strips, widths=strip_width), labels):
            got = engine.line_recognizer.classes(rd.text)
            errs += train._ring_errors(got, lab)
        cer[name] = errs / sum(len(lab) for lab in labels)
    assert cer["tuned"] < 0.6 * cer["stock"], cer
