"""The seal renderer and stamping helper (samples.synth.seals): fast, no OCR."""
from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from samples.synth.seals import (render_emblem, render_fingerprint, render_seal, seal_fonts, seal_test_page,
                                 stamp_seal)


@pytest.mark.parametrize("shape", ["round", "oval", "square"])
def test_render_seal_shapes(shape):
    im = render_seal("阿克苏地区水利局", "专用章" if shape != "square" else "", shape=shape, size_px=180, rng=3)
    assert im.mode == "RGBA"
    a = np.asarray(im)[..., 3]
    assert im.width == 180
    assert im.height == (122 if shape == "oval" else 180)
    assert a[0, 0] < 10 and a[-1, -1] < 10          # transparent background
    assert (a > 100).mean() > 0.05                   # real ink
    rgb = np.asarray(im)[..., :3][a > 100].mean(axis=0)
    assert rgb[0] > rgb[1] + 60 and rgb[0] > rgb[2] + 60  # red


def test_render_seal_is_deterministic_and_varies():
    a = np.asarray(render_seal("温宿县水利局", rng=11))
    b = np.asarray(render_seal("温宿县水利局", rng=11))
    c = np.asarray(render_seal("温宿县水利局", rng=12))
    assert np.array_equal(a, b)
    assert a.shape != c.shape or not np.array_equal(a, c)


def test_render_seal_options():
    clean = np.asarray(render_seal("喀什大学", rng=1, clean=True))[..., 3]
    pale = np.asarray(render_seal("喀什大学", rng=1, pale=0.4, dropouts=0.5))[..., 3]
    assert pale.mean() < clean.mean()
    with pytest.raises(ValueError):
        render_seal("x", shape="hexagon")
    assert len(seal_fonts()) >= 2


def test_stamp_keeps_text_visible_and_returns_ink_box():
    page = Image.new("RGB", (400, 300), (255, 255, 255))
    ImageDraw.Draw(page).rectangle((150, 140, 250, 160), fill=(0, 0, 0))
    seal = render_seal("阿克苏地区水利局", size_px=160, rng=2, clean=True)
    box = stamp_seal(page, seal, (200, 150), angle=15)
    arr = np.asarray(page)
    assert box is not None and 110 <= box[0] < 130 and 270 < box[2] <= 292
    assert arr[150, 200].max() < 40                  # the black bar under the stamp stays black
    # cut by the page edge: the box is clipped to the page
    box2 = stamp_seal(page, seal, (10, 290))
    assert box2[0] == 0 and box2[3] == 300


def test_negatives_and_test_page():
    fp = render_fingerprint(60, rng=1)
    em = render_emblem(100, rng=1)
    assert fp.mode == em.mode == "RGBA"
    img, gt = seal_test_page(3, "阿克苏地区水利局", ["阿克苏地区财政局"], n_other=2, width=620, height=877)
    assert img.size == (620, 877)
    assert sum(s["own"] for s in gt["seals"]) == 1
    assert all(len(s["box"]) == 4 for s in gt["seals"] + gt["red_non_seals"])
