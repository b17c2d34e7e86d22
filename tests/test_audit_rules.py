"""Audit rules added for soft masks and other people's names, on drawn lines (no OCR): the rest of a
name beside a blurred or whited-out character, names told apart by blanks, labels that are no
names, and the variant generator leaving a whole occurrence."""
from __future__ import annotations

import numpy as np
import pytest

from masker.audit.judge import _person_in
from masker.audit.remnants import find_remnants
from masker.audit.testpages import _font, apply_mask, build_variants, fonts
from masker.ocr.base import Char, TextLine

needs_fonts = pytest.mark.skipif(not fonts(), reason="no CJK font")

SIZE = 30


def _draw(text: str, x: int = 60, y: int = 60, width: int = 900, spaces: dict | None = None):
    """A white page with ``text`` on one line; every character's box (its advance over the line's
    height), as OCR gives them."""
    from PIL import Image, ImageDraw

    f = _font(*fonts()[0], SIZE)
    img = Image.new("RGB", (width, 160), (255, 255, 255))
    d = ImageDraw.Draw(img)
    chars = []
    for i, ch in enumerate(text):
        x += (spaces or {}).get(i, 0)
        d.text((x, y), ch, font=f, fill=(20, 20, 20))
        adv = d.textlength(ch, font=f)
        chars.append(Char(ch, (float(x), float(y - 4), float(x + adv), float(y + SIZE + 6)), 0.99))
        x += adv
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1]), chars


def _drop(chars, idx):
    """What OCR reads once characters ``idx`` are masked: the others."""
    kept = [c for i, c in enumerate(chars) if i not in idx]
    return [TextLine.from_chars(kept, source="ocr")]


def _mask_chars(img, chars, idx, style):
    b = (min(chars[i].box[0] for i in idx) - 1, 56, max(chars[i].box[2] for i in idx) + 1, 60 + SIZE + 12)
    return apply_mask(img.copy(), b, style, seed=3)


@needs_fonts
@pytest.mark.parametrize("style", ["blur", "mosaic", "grey"])
def test_end_of_name_beside_a_soft_patch_is_a_remnant(style):
    img, chars = _draw("兹保证郑璟芳同志确系本单位职工")
    masked = _mask_chars(img, chars, [3], style)
    rs = find_remnants(_drop(chars, {3}), masked, 1.0, "郑璟芳", SIZE + 10)
    assert [r.visible for r in rs] == [2], rs
    assert rs[0].box[0] >= chars[4].box[0] - 2 and rs[0].box[2] <= chars[5].box[2] + 2


@needs_fonts
def test_white_out_inside_a_line_leaves_a_remnant():
    img, chars = _draw("兹保证郑璟芳同志确系本单位职工")
    masked = _mask_chars(img, chars, [3], "white")
    rs = find_remnants(_drop(chars, {3}), masked, 1.0, "郑璟芳", SIZE + 10)
    assert [(r.visible, r.how) for r in rs] == [(2, "blank")]


@needs_fonts
def test_whole_name_masked_or_visible_leaves_no_remnant():
    img, chars = _draw("兹保证郑璟芳同志确系本单位职工")
    for style in ("blur", "mosaic", "white", "solid"):
        masked = _mask_chars(img, chars, [3, 4, 5], style)
        assert find_remnants(_drop(chars, {3, 4, 5}), masked, 1.0, "郑璟芳", SIZE + 10) == [], style
    # nothing masked: the name finder's case, not a remnant
    assert find_remnants(_drop(chars, set()), img, 1.0, "郑璟芳", SIZE + 10) == []


@needs_fonts
def test_a_longer_name_is_no_remnant_of_the_applicant():
    # 张伟 is the applicant; ■伟华 is 张伟华 (someone else) with its surname blurred
    img, chars = _draw("与张伟华等同志共同完成")
    masked = _mask_chars(img, chars, [1], "blur")
    assert find_remnants(_drop(chars, {1}), masked, 1.0, "张伟", SIZE + 10) == []


@needs_fonts
def test_blank_at_a_line_end_is_not_white_out():
    # 特此证明。郑 … and nothing after: the line ends, nothing was removed
    img, chars = _draw("特此证明郑")
    assert find_remnants(_drop(chars, set()), img, 1.0, "郑璟芳", SIZE + 10) == []


def _chars(text: str, gaps: dict | None = None):
    out, x = [], 0.0
    for i, ch in enumerate(text):
        x += (gaps or {}).get(i, 0.0)
        out.append((ch, (x, 0.0, x + 20.0, 24.0)))
        x += 20.0
    return out


def test_names_in_a_list_are_told_apart_by_blanks():
    # 岳淼  郭源桂  韦珏慧  韦珏 (authors); the last, 韦珏, is hidden
    chars = _chars("岳淼郭源桂韦珏慧韦珏", gaps={2: 25.0, 5: 25.0, 8: 25.0})
    assert _person_in(chars, [8, 9]) == "韦珏"
    # without the blanks nothing tells where the hidden name starts
    assert _person_in(_chars("岳淼郭源桂韦珏慧韦珏"), [8, 9]) is None


def test_a_label_is_no_name():
    assert _person_in(_chars("作者简介：韦珏慧"), [2, 3]) is None
    assert _person_in(_chars("文化程度：大学"), [0, 1, 2]) is None
    assert _person_in(_chars("致：李明同志："), [2, 3]) == "李明"


def test_left_variant_leaves_the_whole_broken_occurrence():
    img = np.full((400, 600, 3), 255, np.uint8)
    a, b, c = (100.0, 100.0, 220.0, 124.0), (100.0, 130.0, 124.0, 154.0), (300.0, 300.0, 360.0, 324.0)
    masks = [("name", a), ("name", b), ("name", c)]
    for seed in range(6):
        v = [x for x in build_variants(img, masks, [], seed, "玛依拉·赛买提", kinds=("left",), styles=("solid",),
                                       occurrences=[[a, b]])][0]
        left = v.targets["NAME_VISIBLE"]
        assert left in ([a, b], [c])
        # what was left is white, everything else masked
        for box in (a, b, c):
            region = v.image[int(box[1]) + 2:int(box[3]) - 2, int(box[0]) + 2:int(box[2]) - 2]
            assert (region.min() == 255) == (box in left)


def test_punctuation_taken_along_is_no_part_of_the_name():
    chars = _chars("颜俊海，祖丽胡玛尔·买买提，柳飞东")
    assert _person_in(chars, list(range(3, 13))) == "祖丽胡玛尔·买买提"


def test_most_of_a_name_hidden_counts():
    # 秦|旭怡: a block's edge left the surname visible
    chars = _chars("经秦旭怡审核", gaps={1: 0.0})
    assert _person_in(chars, [2, 3]) is None or _person_in(chars, [2, 3]) == "秦旭怡"
    chars = _chars("审核人：秦旭怡")
    assert _person_in(chars, [5, 6]) == "秦旭怡"
    assert _person_in(chars, [6]) is None  # one character is not most of a name


def test_long_name_broken_over_two_lines_partly_masked():
    # 苏比■■■■ | ■■■ : the first line's mask runs to the line's end, narrower than all that is
    # missing; the rest of the name is masked on the next line
    from test_audit_units import _judge, _line
    from masker.audit.masks_found import FoundMask

    ln = _line("苏比", 100, 100)
    masks = [FoundMask((100 + 2 * 30, 98, 100 + 5.5 * 30, 142), "solid"),
             FoundMask((100, 148, 100 + 3 * 30, 192), "solid")]
    fs = _judge([ln], masks, name="苏比努尔·迪力夏提")
    assert [f.code for f in fs] == ["NAME_PARTLY_VISIBLE"]
    # a short Han name keeps the width rule: 张■■■ is not 张伟 partly masked
    fs = _judge([_line("申报人：张", 100, 100)], [FoundMask((100 + 5 * 30, 98, 100 + 8 * 30, 142), "solid")])
    assert fs == [] or all(f.code != "NAME_PARTLY_VISIBLE" for f in fs)


@needs_fonts
def test_found_mask_beside_the_rest_of_the_name_whatever_ocr_read_there():
    img, chars = _draw("兹保证郑璟芳同志确系本单位职工")
    masked = _mask_chars(img, chars, [3], "scribble")
    garbage = [Char("群", chars[3].box, 0.1) if i == 3 else c for i, c in enumerate(chars)]
    box = (chars[3].box[0], 56.0, chars[3].box[2], 102.0)
    rs = find_remnants([TextLine.from_chars(garbage, source="ocr")], masked, 1.0, "郑璟芳", SIZE + 10, [box])
    assert [(r.visible, r.how) for r in rs] == [(2, "mask")]
    # a mask over the whole name and more is another text's mask
    wide = (chars[2].box[0], 56.0, chars[3].box[2], 102.0)
    assert find_remnants(_drop(chars, {2, 3}), masked, 1.0, "郑璟芳", SIZE + 10, [wide]) == []
