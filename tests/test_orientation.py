"""Page orientation and skew (issue 4): geometry helpers without OCR, then the real OCR engine on
generated pages turned every way and on the real rotated pages of shared/realworld."""
from __future__ import annotations

import json
import math

import cv2
import numpy as np
import pytest

from masker.compliance import testpages as tp
from masker.compliance.check import quads_upright, upright
from masker.compliance.orientation import (cls_upright_prob, detect_orientation, detect_quads,
                                           orient_from_quads, skew_from_image, skew_from_lines)
from masker.ocr.base import Char, TextLine

needs_font = pytest.mark.skipif(not tp.have_cjk_font(), reason="no CJK font on this machine")
ANGLES = (0, 90, 180, 270)


# ---------------------------------------------------------------- no OCR

@pytest.mark.parametrize("angle", ANGLES)
def test_turn_then_upright_is_identity(angle):
    img = np.random.default_rng(angle).integers(0, 255, (40, 70, 3), dtype=np.uint8)
    assert np.array_equal(upright(tp.turn(img, angle), angle), img)


@pytest.mark.parametrize("angle", ANGLES)
def test_quads_follow_the_image_when_turned_upright(angle):
    img = np.zeros((100, 160), np.uint8)
    img[20:30, 40:120] = 255  # a "line" in the upright page
    turned = tp.turn(img, angle)
    ys, xs = np.nonzero(turned)
    q = np.array([[xs.min(), ys.min()], [xs.max() + 1, ys.min()], [xs.max() + 1, ys.max() + 1],
                  [xs.min(), ys.max() + 1]], np.float32)
    (qu,) = quads_upright([q], angle, turned.shape[1], turned.shape[0])
    assert qu[:, 0].min() == pytest.approx(40, abs=1) and qu[:, 0].max() == pytest.approx(120, abs=1)
    assert qu[:, 1].min() == pytest.approx(20, abs=1) and qu[:, 1].max() == pytest.approx(30, abs=1)


def _line(slope_deg: float, vertical: bool = False) -> TextLine:
    k = math.tan(math.radians(slope_deg))
    chars = []
    for i in range(10):
        if vertical:  # a line running down the page (page turned 90)
            cy, cx = 100 + 20 * i, 300 - k * 20 * i
        else:
            cx, cy = 100 + 20 * i, 300 + k * 20 * i
        chars.append(Char("字", (cx - 9, cy - 9, cx + 9, cy + 9), 0.99))
    return TextLine.from_chars(chars, "ocr")


@pytest.mark.parametrize("deg", [-4.0, -1.0, 0.0, 2.5])
def test_skew_from_character_centres_positive_clockwise(deg):
    assert skew_from_lines([_line(deg)] * 3) == pytest.approx(deg, abs=0.05)
    assert skew_from_lines([_line(deg, vertical=True)] * 3, vertical=True) == pytest.approx(deg, abs=0.05)


@needs_font
@pytest.mark.parametrize("deg", [-3.0, 2.0])
def test_skew_from_detector_boxes(deg):
    # minAreaRect of a tilted block: content turned clockwise by deg → +deg
    img = np.zeros((400, 600), np.uint8)
    cv2.rectangle(img, (100, 180), (500, 210), 255, -1)
    M = cv2.getRotationMatrix2D((300, 200), -deg, 1.0)  # OpenCV: positive = counter-clockwise
    img = cv2.warpAffine(img, M, (600, 400))
    cnt = cv2.findContours(img, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)[0][0]
    quad = cv2.boxPoints(cv2.minAreaRect(cnt)).astype(np.float32)
    assert skew_from_image(img, [quad]) == pytest.approx(deg, abs=0.3)


@needs_font
def test_direction_classifier_tells_upright_from_upside_down():
    page = tp.render_page(3, layout="letter", text_px=24)
    g = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    rows = np.nonzero((g < 128).mean(axis=1) > 0.01)[0]
    y0 = rows[0]
    y1 = y0 + np.argmax(~((g[y0:] < 128).mean(axis=1) > 0.01))  # first text band (the title)
    cols = np.nonzero((g[y0:y1] < 128).any(axis=0))[0]
    crop = page[max(0, y0 - 4):y1 + 4, cols[0] - 4:cols[0] + 4 * (y1 - y0 + 8)]
    p = cls_upright_prob([crop, cv2.rotate(crop, cv2.ROTATE_180)])
    assert p is not None and p[0] > 0.7 and p[1] < 0.3


# ---------------------------------------------------------------- real OCR

@pytest.mark.slow
@needs_font
def test_generated_pages_every_turn_detector_path(engine):
    """The ``check`` path: detector boxes only. Three layouts (incl. an ID card with five lines)
    × four turns, with a small tilt and scan artefacts (the benchmark runs more)."""
    cases = ok = 0
    wrong = []
    for i, layout in enumerate(("letter", "form", "card")):
        base = tp.scan_like(tp.tilt(tp.render_page(40 + i, layout=layout), (0.0, 1.2, -1.5)[i]), i)
        for a in ANGLES:
            img = tp.turn(base, a)
            o = orient_from_quads(img, detect_quads(engine, img), engine)
            cases += 1
            ok += o.angle == a
            if o.angle != a:
                wrong.append((layout, a, o.angle, o.details))
    assert ok / cases >= 0.98, wrong


@pytest.mark.slow
@needs_font
def test_first_pass_lines_every_turn(engine):
    """The ``Masker.analyse`` path: lines of a first OCR pass (no classifier, 960 px detector)."""
    img0 = tp.scan_like(tp.render_page(7, layout="card"), 7)
    for a in ANGLES:
        img = tp.turn(img0, a)
        o = detect_orientation(img, engine.read(img), engine)
        assert o.angle == a, o.details


def _labels(realworld_dir):
    return json.loads((realworld_dir / "labels.json").read_text(encoding="utf-8"))


@pytest.mark.slow
def test_real_rotated_pages(engine, realworld_dir):
    from masker.io import load

    labels = _labels(realworld_dir)
    for key, lab in labels.items():
        if not key.startswith("rotated/"):
            continue
        img = load(realworld_dir / key).pages[0].image  # EXIF applied: exif_orientation3 is upright
        o2 = orient_from_quads(img, detect_quads(engine, img), engine)
        assert o2.angle == lab["orientation"], (key, o2.details)
        if "staff_table" not in key:  # the first-pass path too (the table is the slow one to read)
            o1 = detect_orientation(img, engine.read(img), engine)
            assert o1.angle == lab["orientation"], (key, o1.details)


@pytest.mark.slow
@needs_font
def test_analyse_reads_a_turned_page_upright(masker_real):
    img = tp.turn(tp.render_page(8, layout="card"), 90)
    doc = masker_real.load(tp.encode_png(img))
    ctx = masker_real.analyse(doc.pages[0])
    assert ctx.orientation == 90
    assert any("姓名" in l.text for l in ctx.lines)
