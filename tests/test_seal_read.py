"""Parts of seal reading that need no OCR: where the ring text lies in an unwrapped strip, and a
stamp cut by the sheet's edge inside the image."""
from __future__ import annotations

import numpy as np

from masker.seals.read import text_rows


def _strip(ring_rows=(4, 11), inner_ring=None, text=(24, 60), h=96, w=600):
    ink = np.zeros((h, w), bool)
    ink[ring_rows[0]:ring_rows[1], :] = True               # the outer ring: inked all along
    if inner_ring:
        ink[inner_ring[0]:inner_ring[1], :] = True
    for x in range(20, w - 40, 45):                          # glyphs: blocks with strokes
        ink[text[0]:text[1]:3, x:x + 30] = True
        ink[text[0]:text[1], x + 12:x + 15] = True
    return ink


def test_text_band_is_below_the_ring_line():
    a, b = text_rows(_strip(), 0.6)
    step = 0.6 / 96
    assert a < 24 * step and b > 59 * step          # the glyphs are inside
    assert a > 11 * step                             # the ring line is not
    assert b < 70 * step


def test_text_band_below_an_inner_ring_line():
    a, b = text_rows(_strip(inner_ring=(16, 19), text=(28, 62)), 0.6)
    assert a > 19 * 0.6 / 96 and b > 61 * 0.6 / 96


def test_no_band_on_an_empty_strip():
    ink = np.zeros((96, 400), bool)
    ink[3:9] = True
    assert text_rows(ink, 0.6) is None
