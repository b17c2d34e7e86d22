"""Legibility (issue 4): blur measured on text strokes and calibrated by text size, OCR confidence,
effective resolution. Unit tests on rendered lines, then ``check`` on rendered pages: every clearly
blurred page flagged BLURRY, no sharp page (150-dpi scan, JPEG q60, noise) flagged."""
from __future__ import annotations

import cv2
import numpy as np
import pytest

from masker.compliance import testpages as tp
from masker.compliance.legibility import RATIO_BLURRY, findings_for, measure, measure_line

pytestmark = pytest.mark.skipif(not tp.have_cjk_font(), reason="no CJK font on this machine")


def _text_line(px: int, text: str = "申报专业技术职务任职资格评审") -> tuple[np.ndarray, tuple]:
    from PIL import Image, ImageDraw, ImageFont

    f = ImageFont.truetype(tp.fonts()[0], px)
    w = int(f.getlength(text)) + 2 * px
    im = Image.new("RGB", (w, 3 * px), (255, 255, 255))
    ImageDraw.Draw(im).text((px, px), text, font=f, fill=(20, 20, 20))
    a = np.asarray(im)[:, :, ::-1].copy()
    return a, (px // 2, px // 2, w - px // 2, int(2.6 * px))


@pytest.mark.parametrize("px", [14, 22, 40])
def test_blur_ratio_is_calibrated_by_text_size(px):
    img, box = _text_line(px)
    g = lambda a: cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)  # noqa: E731
    sharp = measure_line(g(tp.scan_like(img)), box)
    blurred = measure_line(g(tp.scan_like(tp.blur(img, 0.12 * px))), box)
    assert sharp.ratio < 0.12 and blurred.ratio > RATIO_BLURRY, (sharp, blurred)
    assert abs(sharp.glyph_h - 0.9 * px) < 0.2 * px
    # the same absolute blur matters less on bigger text
    if px == 40:
        small_img, small_box = _text_line(14)
        r_small = measure_line(g(tp.blur(small_img, 1.8)), small_box).ratio
        r_big = measure_line(g(tp.blur(img, 1.8)), box).ratio
        assert r_big < r_small / 2


def test_motion_blur_counts_in_its_direction():
    img, box = _text_line(22)
    m = measure_line(cv2.cvtColor(tp.motion_blur(img, 13), cv2.COLOR_BGR2GRAY), box)
    assert m.ratio > RATIO_BLURRY


def test_table_rules_do_not_inflate_the_glyph_height():
    img, (x0, y0, x1, y1) = _text_line(18)
    cv2.rectangle(img, (x0 + 2, y0 + 1), (x1 - 3, y1 - 2), (0, 0, 0), 2)  # a cell around the text
    m = measure_line(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), (x0, y0, x1, y1))
    assert m.glyph_h < 22


def test_findings_carry_numbers_and_ranges():
    img, box = _text_line(14)
    leg = measure(tp.blur(img, 2.5), [box], [0.6])
    codes = [f.code for f in leg.findings]
    assert codes == ["BLURRY"]
    msg = leg.findings[0].message
    assert "模糊" in msg and "blurred" in msg and "px" in msg and "≤" in msg
    assert leg.findings[0].value["allowed_max"] == RATIO_BLURRY
    small = measure(tp.downscale(img, 0.6), [tuple(v * 0.6 for v in box)], [0.95])
    assert "LOW_RESOLUTION" in [f.code for f in small.findings]
    assert findings_for(measure(img, [box], [0.99])) == []


def _pages():
    """(name, image, clearly_blurred) on two text sizes at 150 dpi (the benchmark adds 300 dpi)."""
    out = []
    for i, (px, dpi, layout) in enumerate(((14, 150, "letter"), (22, 150, "form"))):
        page = tp.render_page(60 + i, dpi=dpi, layout=layout, text_px=px)
        out += [(f"{px}px scan q60+noise", tp.scan_like(page, i), False),
                (f"{px}px scanner blur 0.6", tp.scan_like(tp.blur(page, 0.6), i), False),
                (f"{px}px q50 noise 4", tp.jpeg(tp.noise(page, 4, i), 50), False),
                (f"{px}px gauss 0.12×size", tp.scan_like(tp.blur(page, 0.12 * px), i), True),
                (f"{px}px gauss 0.16×size", tp.scan_like(tp.blur(page, 0.16 * px), i), True),
                (f"{px}px motion 0.6×size", tp.scan_like(tp.motion_blur(page, int(0.6 * px))), True)]
    return out


@pytest.mark.slow
def test_blurred_pages_flagged_sharp_pages_not(masker_real):
    from masker.compliance.check import check_page

    wrong = []
    for name, img, blurred in _pages():
        doc = masker_real.load(tp.encode_png(img))
        pc, _ = check_page(masker_real, doc.pages[0])
        flagged = any(f.code == "BLURRY" for f in pc.findings)
        if flagged != blurred:
            wrong.append((name, pc.sharpness, pc.measures.get("legibility")))
        assert pc.orientation == 0 or blurred, (name, pc.measures)
        assert "NOT_UPRIGHT" not in {f.code for f in pc.findings if f.severity == "error"}, name
    assert not wrong, wrong
