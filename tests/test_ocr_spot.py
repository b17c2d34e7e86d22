"""Keyword spotting in a recogniser's output (``masker.ocr.spot``) and the recogniser keeping the
probabilities of a few classes (``Reading.focus``): the alignment arithmetic on small hand-made
outputs, then the real recogniser on a rendered line."""
from __future__ import annotations

import math

import numpy as np
import pytest

from masker.ocr.spot import spot

# columns of a focus array: best class, blank, then the focus classes A (2) and B (3)
BLANK = [0.9, 0.9, 0.01, 0.01]


def test_the_text_read_greedily_costs_nothing():
    f = np.array([BLANK, [0.8, 0.1, 0.8, 0.01], BLANK, [0.9, 0.05, 0.01, 0.9], BLANK], np.float32)
    s = spot(f, [2, 3])
    assert s is not None and s.log_ratio == pytest.approx(0.0, abs=1e-6)
    assert s.probs == pytest.approx((0.8, 0.9)) and s.steps == (1, 3)


def test_a_character_read_as_another_costs_its_odds():
    # step 3's best class (0.7) is not B; B has 0.2 there
    f = np.array([BLANK, [0.8, 0.1, 0.8, 0.01], BLANK, [0.7, 0.1, 0.05, 0.2], BLANK, BLANK], np.float32)
    s = spot(f, [2, 3])
    assert s.log_ratio == pytest.approx(math.log(0.2 / 0.7), abs=1e-4)
    assert s.probs == pytest.approx((0.8, 0.2))


def test_order_matters_and_a_missing_character_is_nearly_impossible():
    f = np.array([BLANK, [0.8, 0.1, 0.8, 0.01], BLANK, [0.9, 0.05, 0.01, 0.9], BLANK], np.float32)
    assert spot(f, [3, 2]).log_ratio < -4  # B before A is not in the line
    s = spot(f, [2, -1])  # a character the recogniser has no class for
    assert s.probs[1] == 0.0 and s.log_ratio < -15


def test_a_repeated_character_needs_a_blank_between():
    # AA is two A steps with a blank between; one long A run reads as a single A
    run = np.array([BLANK, [0.9, 0.05, 0.9, 0.01], [0.9, 0.05, 0.9, 0.01], BLANK], np.float32)
    apart = np.array([BLANK, [0.9, 0.05, 0.9, 0.01], BLANK, [0.9, 0.05, 0.9, 0.01], BLANK], np.float32)
    assert spot(apart, [2, 2]).log_ratio == pytest.approx(0.0, abs=1e-6)
    assert spot(run, [2, 2]).log_ratio < math.log(0.1)


def test_empty_inputs():
    assert spot(np.zeros((0, 4), np.float32), [2]) is None
    assert spot(np.array([BLANK], np.float32), []) is None


def _line(text: str) -> np.ndarray:
    from PIL import Image, ImageDraw, ImageFont

    from api.testing import FONT

    im = Image.new("RGB", (40 * len(text) + 40, 60), (250, 250, 248))
    ImageDraw.Draw(im).text((20, 8), text, font=ImageFont.truetype(FONT, 40), fill=(30, 30, 30))
    return np.ascontiguousarray(np.asarray(im)[:, :, ::-1])


def test_the_recogniser_keeps_the_focus_classes_and_spots_the_text(engine):
    rec = engine.line_recognizer
    unit = "温宿县水利局"
    cols = [2 + j for j in range(len(unit))]
    own, other = rec.read([_line("温宿县水利局"), _line("乌什县水利局")], focus=rec.classes(unit))
    assert own.text == unit and own.focus is not None and own.focus.shape[1] == 2 + len(unit)
    assert own.focus.shape[0] <= own.content_steps + 1  # the batch's padding is left out
    # the best class's probability is the greedy reading's own
    assert np.allclose(own.focus[[c for c in own.cols], 0], own.confs, atol=1e-3)
    s_own, s_other = spot(own.focus, cols), spot(other.focus, cols)
    assert s_own.log_ratio > -0.5 and min(s_own.probs) > 0.5
    # another county: 温宿 gets next to nothing where 乌什 stands
    assert s_other.log_ratio < -10 and max(s_other.probs[:2]) < 0.01
    assert min(s_other.probs[2:]) > 0.5
    assert rec.classes("温X\u0000")[0] == rec.classes("温")[0] > 0 and rec.classes("\u0000") == [0]
    # a character the recogniser has no class for gets no probability (not the blank's)
    lost, = rec.read([_line("温宿县水利局")], focus=rec.classes("温\u0000"))
    assert lost.focus[:, 2].max() > 0.5 and lost.focus[:, 3].max() == 0.0


def test_a_namesakes_word_is_a_replaced_character_a_lost_glyph_is_not(engine):
    from masker.seals.spotting import replaced_characters, spot_unit

    rec = engine.line_recognizer
    unit = "温宿县水利局"
    own, namesake, worn = rec.read([_line("温宿县水利局"), _line("乌什县水利局"), _line("　　县水利局")],
                                   focus=rec.classes(unit))
    twice = [False, False]
    assert replaced_characters(unit, [namesake.focus] * 2, twice) == [0, 1]      # 乌什 stands there
    assert replaced_characters(unit, [own.focus] * 2, twice) == []
    assert replaced_characters(unit, [worn.focus] * 2, twice) == []              # nothing stands there
    assert replaced_characters(unit, [namesake.focus], [False]) == []            # one rendering is not enough
    assert spot_unit(unit, [own.focus], [False]).holds
    assert not spot_unit(unit, [namesake.focus, worn.focus], twice).holds
    # the gate and the rule share one stamp's alignments: the same verdicts, each aligned once
    cache: dict = {}
    assert replaced_characters(unit, [namesake.focus] * 2, twice, cache) == [0, 1]
    n = len(cache)
    ev = spot_unit(unit, [namesake.focus, namesake.focus, worn.focus], [False] * 3, cache)
    assert ev == spot_unit(unit, [namesake.focus, namesake.focus, worn.focus], [False] * 3)
    assert len(cache) == n + 1  # the full form's first two renderings were aligned already
