"""Audit parts that need no OCR: mask detection on drawn pages, registration with the original,
the judge's rules on synthetic text lines, the result JSON, the size policy."""
from __future__ import annotations

import numpy as np
import pytest

from masker.audit.align import align, changed_map, changed_regions
from masker.audit.judge import Judge, OrigInfo, Seen, name_hidden, sanitize
from masker.audit.masks_found import FoundMask, find_masks
from masker.audit.result import AuditPage, AuditResult, MaskFound
from masker.audit.testpages import apply_mask, fonts, make_page, rescale_shift
from masker.finders.base import Findings, PageContext, Query
from masker.io import PageSource
from masker.ocr.base import Char, TextLine
from masker.policy import DEFAULT_POLICY
from masker.results import Finding

needs_fonts = pytest.mark.skipif(not fonts(), reason="no CJK font")


def _inside(box, target, tol=6):
    return (box[0] >= target[0] - tol and box[1] >= target[1] - tol and box[2] <= target[2] + tol
            and box[3] <= target[3] + tol)


def _overlaps(box, target):
    return min(box[2], target[2]) > max(box[0], target[0]) and min(box[3], target[3]) > max(box[1], target[1])


@pytest.fixture(scope="module")
def page():
    return make_page(3, photo=True, shaded_header=True)


# ---------------------------------------------------------------- masks_found

@needs_fonts
@pytest.mark.parametrize("style", ["solid", "grey", "colour", "mosaic", "blur", "scribble"])
def test_each_style_is_found_where_it_was_drawn(page, style):
    img = page.image.copy()
    target = page.of("applicant")[1].box  # in running text
    h = target[3] - target[1]
    box = (target[0] - 0.1 * h, target[1] - 0.1 * h, target[2] + 0.1 * h, target[3] + 0.1 * h)
    apply_mask(img, box, style, seed=1)
    found = find_masks(img, text_h=1.45 * page.char_px)
    hits = [m for m in found if _overlaps(m.box, box)]
    assert hits, f"{style} mask not found: {[(m.style, m.box) for m in found]}"
    assert any(_inside(m.box, box, tol=0.6 * h) for m in hits)
    if style in ("solid", "grey", "colour"):
        assert hits[0].style == "solid"
    # nothing but the mask: not the shaded header, the photo, the seal, the table
    others = [m for m in found if not _overlaps(m.box, box)]
    assert not others, [(m.style, m.box) for m in others]


@needs_fonts
def test_clean_page_has_no_masks(page):
    assert find_masks(page.image, text_h=1.45 * page.char_px) == []


def _line(text: str, x: float, y: float, h: float = 40.0, pitch: float = 30.0, gaps: dict | None = None) -> TextLine:
    chars = []
    for i, ch in enumerate(text):
        x += (gaps or {}).get(i, 0.0)
        chars.append(Char(ch, (x + 2, y, x + pitch - 2, y + h), 0.99))
        x += pitch
    return TextLine.from_chars(chars, source="ocr")


def test_white_out_only_inside_a_text_line():
    img = np.full((300, 900, 3), 255, np.uint8)
    import cv2

    def ink_for(line):
        for c in line.chars:
            cv2.rectangle(img, (int(c.box[0]) + 3, int(c.box[1]) + 8), (int(c.box[2]) - 3, int(c.box[3]) - 8), (20, 20, 20), 2)
    top = _line("根据有关规定现将情况证明如下其中", 40, 40)
    a = _line("兹证明", 40, 95)
    b = _line("同志系我单位职工工作认真", 40 + 3 * 30 + 60, 95)  # 2 characters whited out between
    c = _line("特此证明", 40, 150)  # a blank to the line's end is no mask
    lines = (top, a, b, c)
    for ln in lines:
        ink_for(ln)
    found = find_masks(img, 40.0, [ch for ln in lines for ch in ln.chars], list(lines))
    assert [m.style for m in found] == ["white"]
    assert _inside(found[0].box, (130, 95, 190, 135), tol=8)


# ---------------------------------------------------------------- alignment

@needs_fonts
def test_alignment_recovers_scale_and_shift(page):
    masked = rescale_shift(page.image, 0.93, 7, -5)
    al = align(masked, page.image)
    assert al.ok and al.score > 0.9
    W, H = page.image.shape[1], page.image.shape[0]
    for x, y in ((0, 0), (W, 0), (0, H), (W, H)):
        px, py = al.map_box((x, y, x, y))[:2]
        assert abs(px - (0.93 * x + 7)) < 2.5 and abs(py - (0.93 * y - 5)) < 2.5


@needs_fonts
def test_changed_regions_are_the_masks(page):
    masked = page.image.copy()
    boxes = [page.of("applicant")[0].box, page.of("other")[0].box]
    apply_mask(masked, boxes[0], "solid")
    apply_mask(masked, boxes[1], "white")
    import cv2

    ok, buf = cv2.imencode(".jpg", masked, [cv2.IMWRITE_JPEG_QUALITY, 80])
    masked = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    al = align(masked, page.image)
    warped = al.warp(page.image, (masked.shape[1], masked.shape[0]))
    th = 1.45 * page.char_px
    regs = changed_regions(masked, warped, th, changed_map(masked, warped, th))
    assert len(regs) == 2, [(r.box, r.style) for r in regs]
    for b in boxes:
        assert any(_overlaps(r.box, b) for r in regs)


# ---------------------------------------------------------------- the judge's rules

def _ctx(lines, w=1000, h=1400):
    page = PageSource(index=0, width=w, height=h, unit="px", scale=1.0, _image=np.full((h, w, 3), 255, np.uint8))
    ctx = PageContext(page=page, raster=page.image, lines=lines, scale=1.0, width=w, height=h, engine=None)
    ctx.facts["source"] = "text_layer"  # read text beside masks from these lines
    return ctx


def _judge(lines, masks, name="张伟", orig=None):
    ctx = _ctx(lines)
    return Judge(ctx, Query(name), DEFAULT_POLICY, masks, Seen(names=Findings()), orig).run()


def test_surname_masked_given_name_readable_is_partly_visible():
    # 兹证明■伟同志: a one-character mask right before 伟
    ln = _line("兹证明", 100, 100)
    rest = _line("伟同志系我单位职工", 100 + 4 * 30, 100)
    mask = FoundMask((100 + 3 * 30, 98, 100 + 4 * 30, 142), "solid")
    fs = _judge([ln, rest], [mask])
    assert [f.code for f in fs] == ["NAME_PARTLY_VISIBLE"]
    assert _overlaps(fs[0].box, mask.box)


def test_whole_name_masked_is_not_partly_visible():
    # ■■伟大: the mask is two characters wide, the 伟 after it belongs to the next word
    ln = _line("兹证明", 100, 100)
    rest = _line("伟大祖国", 100 + 5 * 30, 100)
    mask = FoundMask((100 + 3 * 30, 98, 100 + 5 * 30, 142), "solid")
    assert _judge([ln, rest], [mask]) == []


def test_longer_name_partly_masked_is_not_the_applicant():
    # ■伟华: 张伟华 is someone else
    ln = _line("与", 100, 100)
    rest = _line("伟华等同志", 100 + 2 * 30, 100)
    mask = FoundMask((100 + 30, 98, 100 + 2 * 30, 142), "solid")
    assert _judge([ln, rest], [mask]) == []


def test_given_name_masked_surname_readable():
    ln = _line("申报人：张", 100, 100)
    mask = FoundMask((100 + 5 * 30, 98, 100 + 6 * 30, 142), "solid")
    fs = _judge([ln], [mask])
    assert [f.code for f in fs] == ["NAME_PARTLY_VISIBLE"]


def test_mask_after_another_persons_label_is_a_warning():
    ln = _line("审核人：", 100, 100)
    mask = FoundMask((100 + 4 * 30 + 5, 98, 100 + 6 * 30 + 5, 142), "solid")
    fs = _judge([ln], [mask])
    assert [(f.code, f.severity) for f in fs] == [("MASK_ON_OTHER_LABEL", "warning")]


def test_oversized_mask_is_too_large_by_the_shared_policy():
    lines = [_line("工作认真负责业绩突出", 100, 100 + 60 * i) for i in range(6)]
    big = FoundMask((90, 95, 700, 330), "solid")  # four lines tall, wider than a seal
    fs = _judge(lines, [big])
    assert [f.code for f in fs] == ["MASK_TOO_LARGE"]
    small = FoundMask((100, 98, 160, 142), "solid")
    assert _judge(lines, [small]) == []


def test_seal_sized_square_mask_follows_the_seal_limits():
    lines = [_line("工作认真负责业绩突出", 100, 100 + 60 * i) for i in range(6)]
    seal = FoundMask((600, 700, 860, 960), "solid")  # 260 px square: a seal mask
    assert _judge(lines, [seal]) == []
    huge = FoundMask((100, 400, 700, 1000), "solid")  # 26% of the page
    assert [f.code for f in _judge(lines, [huge])] == ["MASK_TOO_LARGE"]


def test_with_original_other_name_masked_and_name_left():
    # the original: 负责人：李明  申报人：张伟 ; the masked page hides 李明 only
    l1 = _line("负责人：李明", 100, 100)
    l2 = _line("申报人：张伟", 100, 200)
    orig = OrigInfo()
    orig.lines = [(l.box, [(c.text, c.box) for c in l.chars]) for l in (l1, l2)]
    name_box = (100 + 4 * 30, 198, 100 + 6 * 30, 242)
    orig.names = [(name_box, "张伟", "name.exact")]
    orig.line_height = 40.0
    mask = FoundMask((100 + 4 * 30, 98, 100 + 6 * 30, 142), "solid", source="diff")
    fs = _judge([l1, l2], [mask], orig=orig)
    codes = sorted(f.code for f in fs)
    assert codes == ["NAME_VISIBLE", "OTHER_NAME_MASKED"]
    other = [f for f in fs if f.code == "OTHER_NAME_MASKED"][0]
    assert "李明" in other.message and "张伟" not in other.message
    assert _overlaps(other.box, mask.box)


def test_name_hidden_counts_characters():
    box = (100.0, 100.0, 160.0, 140.0)
    share, per = name_hidden(box, 2, [(100.0, 98.0, 131.0, 142.0)], DEFAULT_POLICY)
    assert per == [True, False] and 0.4 < share < 0.6
    share, per = name_hidden(box, 2, [(98.0, 98.0, 162.0, 142.0)], DEFAULT_POLICY)
    assert per == [True, True] and share == 1.0


def test_sanitize_hides_the_applicants_characters():
    assert sanitize("张伟华", "张伟") == "＊＊华"
    assert sanitize("古丽米拉·买买提江", "古丽米拉·买买提") == "＊＊＊＊·＊＊＊江"
    assert sanitize("李明", "张伟") == "李明"


# ---------------------------------------------------------------- result JSON

def test_result_json_is_the_contract():
    p = AuditPage(index=0, width=1240, height=1754, unit="px")
    p.masks_found.append(MaskFound((118.2, 298.0, 261.5, 347.9), "solid"))
    p.findings.append(Finding("NAME_VISIBLE", "error", "申报人姓名未遮盖 / the applicant's name is still visible",
                              (120.0, 700.0, 260.0, 746.0)))
    r = AuditResult(input="masked.jpg", pages=[p])
    d = r.to_dict()
    assert d["input"] == "masked.jpg" and d["verdict"] == "fail"
    pg = d["pages"][0]
    assert pg["index"] == 0
    assert pg["masks_found"][0]["box"] == [118, 298, 262, 348] and pg["masks_found"][0]["style"] == "solid"
    f = pg["findings"][0]
    assert set(f) >= {"code", "severity", "message", "box"} and f["box"] == [120, 700, 260, 746]
    p.findings[0] = Finding("MASK_ON_OTHER_LABEL", "warning", "x", None)
    assert r.to_dict()["verdict"] == "pass"


def test_policy_documents_the_audit_rules():
    import masker.policy as pol

    doc = pol.__doc__ or ""
    for word in ("MASK_TOO_LARGE", "NAME_PARTLY_VISIBLE", "audit_partly_max_gap", "OTHER_NAME_MASKED"):
        assert word in doc
    p = DEFAULT_POLICY
    assert p.audit_hidden_coverage > 0.5 and p.partly_visible_min_chars >= 1
