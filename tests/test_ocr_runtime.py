"""The inference runtime under the OCR models (``masker.ocr.runtime``): chosen by environment,
OpenVINO and onnxruntime reading a real rendered page alike, safe to share across threads, and
memory that stays bounded while line widths change from call to call."""
from __future__ import annotations

import threading

import cv2
import numpy as np
import pytest

from masker.errors import OptionError
from masker.ocr import runtime
from masker.ocr.rapid import RapidOcrEngine


@pytest.fixture(scope="module")
def page() -> np.ndarray:
    """A rendered text page with names, numbers and a unit (the demo sample)."""
    from pathlib import Path

    img = cv2.imread(str(Path(__file__).resolve().parents[1] / "samples" / "demo" / "demo_employment_proof.png"))
    assert img is not None
    return img


def test_runtime_is_chosen_by_environment(monkeypatch):
    monkeypatch.setenv("MASKER_OCR_RUNTIME", "onnxruntime")
    assert runtime.runtime_name() == "onnxruntime"
    monkeypatch.setenv("MASKER_OCR_RUNTIME", "openvino")
    assert runtime.runtime_name() == "openvino"
    monkeypatch.setenv("MASKER_OCR_RUNTIME", "auto")
    assert runtime.runtime_name() in ("openvino", "onnxruntime")
    monkeypatch.setenv("MASKER_OCR_RUNTIME", "tensorflow")
    with pytest.raises(OptionError):
        runtime.runtime_name()


def _engine(monkeypatch, name: str, precision: str = "") -> RapidOcrEngine:
    monkeypatch.setenv("MASKER_OCR_RUNTIME", name)
    monkeypatch.setenv("MASKER_OCR_PRECISION", precision)
    return RapidOcrEngine()


@pytest.mark.parametrize("precision", ["f32", ""])
def test_openvino_reads_the_page_as_onnxruntime_does(monkeypatch, page, precision):
    """fp32 OpenVINO gives onnxruntime's readings; the default (bf16 where the CPU has it) moves
    probabilities by a few hundredths, which must not change what is read on a clean page."""
    pytest.importorskip("openvino")
    ref = _engine(monkeypatch, "onnxruntime").read(page)
    ov = _engine(monkeypatch, "openvino", precision)
    assert ov.runtime == "openvino"
    got = ov.read(page)
    assert [line.text for line in got] == [line.text for line in ref]
    for a, b in zip(ref, got):
        assert np.abs(np.asarray(a.box) - np.asarray(b.box)).max() <= 3


def test_openvino_engine_is_safe_across_threads(monkeypatch, page):
    """The API's thread pool shares one engine: concurrent reads give the single-thread reading."""
    pytest.importorskip("openvino")
    eng = _engine(monkeypatch, "openvino")
    want = [line.text for line in eng.read(page)]
    got: list[list[str]] = []

    def work() -> None:
        got.append([line.text for line in eng.read(page)])

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert got == [want] * 3


def test_openvino_memory_stays_bounded_over_many_widths(monkeypatch):
    """OpenVINO keeps compiled kernels per input shape; masker caps that cache so that a
    long-lived worker reading lines of every width does not grow without end."""
    pytest.importorskip("openvino")
    monkeypatch.setenv("MASKER_OCR_RUNTIME", "openvino")
    rec = RapidOcrEngine().line_recognizer

    def rss_mb() -> float:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20

    rng = np.random.default_rng(0)
    crops = [np.full((32, int(w), 3), 255, np.uint8) for w in rng.integers(20, 900, 400)]
    rec.read(crops[:100])
    before = rss_mb()
    for k in range(100, 400, 100):
        rec.read(crops[k:k + 100])
    assert rss_mb() - before < 150


def test_detector_input_in_float32_is_rapidocrs(page):
    """The detector's input made in float32 (``masker.ocr.detprep``) is rapidocr's own
    float64-normalised array, bit for bit (1e-7 differences moved the bf16 detector's boxes)."""
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    from masker.ocr.detprep import Float32DetPreProcess

    grey = cv2.cvtColor(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)  # no red ink to whiten
    ref = DetPreProcess(960, "max", None, None)(grey)
    got = Float32DetPreProcess(960, "max", None, None)(grey)
    assert got.dtype == np.float32 and got.shape == ref.shape
    assert np.array_equal(got, ref)


def test_openvino_models_are_compiled_once_with_our_settings(monkeypatch, page):
    """rapidocr builds its OpenVINO sessions through masker's session class (kernel cache,
    per-thread requests), not its own plus a second compile by masker; and it reads the page."""
    pytest.importorskip("openvino")
    eng = _engine(monkeypatch, "openvino")
    det, rec = eng._ocr._load_det_model(), eng._ocr._load_rec_model()
    assert isinstance(det.session, runtime.RapidOcrOpenVinoSession)
    assert isinstance(rec.session, runtime.RapidOcrOpenVinoSession)
    assert len(rec.postprocess_op.character) > 6000  # the charset came from the model's metadata
    assert any("2" in line.text for line in eng.read(page))
    # and the swap of rapidocr's session factory was undone
    from rapidocr.ch_ppocr_rec import main as rec_main
    from rapidocr.inference_engine.base import get_engine

    assert rec_main.get_engine is get_engine


def test_red_ink_is_whitened_and_print_under_it_kept():
    """A stamp pressed over a printed line: its red pixels turn light grey, the black print (also
    where the stamp covers it) keeps its darkness, and a page without red is returned as it is;
    the line under the stamp is then found and read whole."""
    from PIL import Image, ImageDraw, ImageFont

    from api.testing import FONT
    from masker.ocr.redink import without_red_ink
    from samples.synth.seals import render_seal, stamp_seal

    im = Image.new("RGB", (1240, 300), (250, 250, 248))
    text = "经评审委员会评审通过，王凤同志具备工程师专业技术职务任职资格。"
    ImageDraw.Draw(im).text((60, 130), text, font=ImageFont.truetype(FONT, 30), fill=(30, 30, 30))
    plain = np.ascontiguousarray(np.asarray(im)[:, :, ::-1])
    assert without_red_ink(plain) is plain
    stamp_seal(im, render_seal("新疆维吾尔自治区人力资源和社会保障厅", "职称专用章", size_px=230, rng=3), (900, 150))
    page = np.ascontiguousarray(np.asarray(im)[:, :, ::-1])
    out = without_red_ink(page)
    b, g, r = (page[..., k].astype(int) for k in range(3))
    ink = (r - np.maximum(g, b) > 60) & (r > 150)                   # the stamp's own ink
    dark = page.max(axis=2) < 90
    assert ink.sum() > 500 and out[ink].min() > 150                 # now light grey
    assert (out[ink].max(axis=1) == out[ink].min(axis=1)).all()
    assert out[dark].max() < 90                                     # print stays dark, under the stamp too
    eng = RapidOcrEngine()
    lines = [l.text for l in eng.read(page)]
    assert any("王凤同志具备工程师" in t for t in lines), lines


def test_a_narrow_first_crop_does_not_spoil_later_readings(monkeypatch, page):
    """OpenVINO's CPU plugin (2026.4, bf16): when a recogniser's first batch is ≤ 12 px wide, every
    later batch ≥ 128 px came out NaN — long lines read as nothing for the rest of the process.
    The engine primes its recogniser at start (``LineRecognizer.prime``), so a process whose first
    work is a sliver beside a mask (audit) reads the page as a fresh one does."""
    pytest.importorskip("openvino")
    ref = [line.text for line in _engine(monkeypatch, "openvino").read(page)]
    first = _engine(monkeypatch, "openvino")
    sliver = np.full((48, 8, 3), 255, np.uint8)
    sliver[10:38, 3:5] = 0
    first.recognize([sliver])
    assert [line.text for line in first.read(page)] == ref
    assert any(len(t) >= 10 for t in ref)


def test_warm_up_prepares_shapes_and_reads_the_same(monkeypatch, page):
    """``MASKER_OCR_WARM_UP=1`` (long-lived processes): the kernel cache is sized for the shapes
    prepared, and a warmed engine reads the page exactly as a cold one."""
    pytest.importorskip("openvino")
    from masker import Masker

    ref = [(line.text, line.box) for line in _engine(monkeypatch, "openvino").read(page)]
    monkeypatch.setenv("MASKER_OCR_WARM_UP", "1")
    assert runtime.kernel_cache() == runtime.KERNEL_CACHE_WARM
    m = Masker(engine=RapidOcrEngine())
    m.warm_up()
    assert [(line.text, line.box) for line in m.engine.read(page)] == ref
    monkeypatch.setenv("MASKER_OCR_WARM_UP", "0")
    assert runtime.kernel_cache() == runtime.KERNEL_CACHE
