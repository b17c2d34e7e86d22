"""The OCR cascade's pure parts (CTC decoding with columns, character spans, which windows are read
again and how they are spliced back) and, on a rendered line, that the focused reading finds the
name exactly where the full reading does."""
from __future__ import annotations

import numpy as np
import pytest

from masker.ocr.cascade import Focus, splice
from masker.ocr.charboxes import Span, span_quads, spans
from masker.ocr.ctc import Reading, decode


def _one_hot(seq: list[int], classes: int = 6) -> np.ndarray:
    p = np.full((1, len(seq), classes), 0.01, np.float32)
    for t, k in enumerate(seq):
        p[0, t, k] = 0.9
    return p


def test_decode_keeps_columns_and_collapses_repeats():
    charset = ["blank", "王", "小", "明", " ", "1"]
    r, = decode(_one_hot([0, 1, 1, 0, 2, 0, 0, 3, 3, 0]), charset, [0.5])
    assert r.text == "王小明"
    assert r.cols == [1, 4, 7]
    assert r.content_steps == 5.0
    assert abs(r.score - 0.9) < 1e-4


def test_spans_follow_columns_and_skip_spaces():
    r = Reading("王 小", 0.9, [2, 5, 8], [0.9, 0.9, 0.9], 12.0)
    sp = spans(r, 120.0)
    assert [s.ch for s in sp] == ["王", "小"]
    assert sp[0].x0 < sp[0].centre < sp[1].centre < sp[1].x1 <= 120.0
    shifted = spans(r, 120.0, offset=30.0)
    assert shifted[0].x0 == sp[0].x0 + 30.0


def test_span_quads_map_back_onto_the_detector_box():
    quad = np.array([[100, 50], [300, 50], [300, 90], [100, 90]], np.float32)
    q = span_quads(quad, [Span("王", 0.0, 40.0, 1.0), Span("明", 160.0, 200.0, 1.0)])
    assert q.shape == (2, 4, 2)
    assert np.allclose(q[0, 0], [100, 50]) and np.allclose(q[1, 2], [300, 90])


def test_span_quads_of_a_tall_line_run_down_the_page():
    quad = np.array([[100, 100], [140, 100], [140, 300], [100, 300]], np.float32)  # turned crop: 200 × 40
    q = span_quads(quad, [Span("王", 0.0, 40.0, 1.0)])
    ys = q[0, :, 1]
    assert ys.min() >= 99 and ys.max() <= 301
    assert ys.max() - ys.min() == pytest.approx(40, abs=1)


def _sp(text: str, pitch: float = 30.0, conf: float = 0.99) -> list[Span]:
    return [Span(c, i * pitch, (i + 1) * pitch, conf) for i, c in enumerate(text)]


def _reading(sp: list[Span]) -> Reading:
    return Reading("".join(s.ch for s in sp), 0.99, list(range(len(sp))), [s.conf for s in sp], float(len(sp)))


def test_windows_surround_the_name_only():
    f = Focus.for_query("王小明")
    sp = _sp("本年度考核结果如下王小明同志表现优秀工作认真负责积极主动完成任务")
    wins = f.windows(_reading(sp), sp, len(sp) * 30, 40)
    assert len(wins) == 1
    a, b = wins[0]
    assert a <= 9 * 30 and b >= 12 * 30          # the whole name
    assert b - a < 0.5 * len(sp) * 30            # not the whole line


def test_a_lone_name_character_inside_a_line_is_no_hit_but_one_at_its_end_is():
    f = Focus.for_query("王小明")
    inside = _sp("这是一段很长的文字其中有个王字但是与姓名无关的内容而已")
    assert f.windows(_reading(inside), inside, len(inside) * 30, 40) == []
    at_end = _sp("经考核委员会审议同意推荐王")  # the name continues on the next line
    assert f.windows(_reading(at_end), at_end, len(at_end) * 30, 40)


def test_unsure_han_and_unit_lines_are_read_again():
    f = Focus.for_query("王小明", "阿克苏地区水利局")
    unsure = _sp("甲乙") + [Span("丙", 60, 90, 0.4)]
    assert f.windows(_reading(unsure), unsure, 90, 40) == [(0, 90)]
    unit = _sp("阿克苏地区水利局办公室")
    assert f.windows(_reading(unit), unit, len(unit) * 30, 40) == [(0, len(unit) * 30)]
    digits = [Span(c, i * 15, (i + 1) * 15, 0.5) for i, c in enumerate("13912345678")]
    assert f.windows(Reading("13912345678", 0.9, list(range(11)), [0.5] * 11, 11.0), digits, 165, 40) == []


def test_unit_lines_are_read_again_only_where_a_stamp_may_be():
    unit = _sp("阿克苏地区水利局办公室")
    whole = [(0, len(unit) * 30)]
    f = Focus.for_query("王小明", "阿克苏地区水利局").near([(500.0, 500.0, 800.0, 800.0)])
    assert f.windows(_reading(unit), unit, len(unit) * 30, 40, box=(600, 700, 900, 740)) == whole
    assert f.windows(_reading(unit), unit, len(unit) * 30, 40, box=(100, 100, 400, 140)) == []
    nowhere = f.near([])
    assert nowhere.windows(_reading(unit), unit, len(unit) * 30, 40, box=(600, 700, 900, 740)) == []
    anywhere = f.near(None)
    assert anywhere.windows(_reading(unit), unit, len(unit) * 30, 40, box=(100, 100, 400, 140)) == whole
    # a poor first reading is read again wherever it is
    poor = Reading(_reading(unit).text, 0.5, list(range(len(unit))), [0.5] * len(unit), float(len(unit)))
    assert nowhere.windows(poor, unit, len(unit) * 30, 40, box=(100, 100, 400, 140)) == whole


def test_stamp_regions_on_colour_grey_and_stampless_pages():
    import cv2

    from masker.seals.hint import stamp_regions

    page = np.full((1754, 1240, 3), 250, np.uint8)
    for y in range(200, 1600, 60):  # black print and a blue rule: no red anywhere
        cv2.putText(page, "text line 123", (150, y), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 2)
    cv2.line(page, (100, 150), (1100, 150), (200, 60, 20), 3)
    assert stamp_regions(page) == []
    pale = page.copy()
    cv2.circle(pale, (900, 1300), 110, (205, 205, 245), 6)  # a pale stamp ring
    regions = stamp_regions(pale)
    assert regions and any(x0 <= 790 and y0 <= 1190 and x1 >= 1010 and y1 >= 1410 for x0, y0, x1, y1 in regions)
    assert sum((x1 - x0) * (y1 - y0) for x0, y0, x1, y1 in regions) < 0.25 * 1754 * 1240
    grey = cv2.cvtColor(cv2.cvtColor(pale, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)
    assert stamp_regions(grey) is None  # stamps on a grey copy are found by shape: anywhere


def test_splice_replaces_the_window_and_keeps_the_rest():
    first = _sp("作者简介齐亮溴男新疆人")
    window = [Span(c, 90 + i * 30 + 4, 90 + (i + 1) * 30 + 4, 0.99) for i, c in enumerate("介齐亮淏男新")]
    out = splice(first, [((90, 270), window)], len(first) * 30, 40)
    assert "".join(s.ch for s in out) == "作者简介齐亮淏男新疆人"


# ------------------------------------------------------------------ on a rendered page

RARE = ["王喆", "李堃", "钟燊", "刘犇", "姚彧", "陈祎"]
UYGHUR = ["艾合买提·阿不都热依木", "古丽米拉·买买提江"]


@pytest.fixture(scope="module")
def rendered():
    """A 150-dpi-like page: names with rare characters and Uyghur names inside long lines."""
    from pathlib import Path

    from PIL import Image, ImageDraw, ImageFont

    from api.testing import FONT

    if not Path(FONT).exists():
        pytest.skip("needs a CJK font")
    f = ImageFont.truetype(FONT, 22)
    lines = [f"经单位考核委员会审核，{RARE[0]}同志与{RARE[1]}同志本年度考核等次为优秀，予以公示。",
             f"参会人员：{RARE[2]}、{RARE[3]}、{RARE[4]}、{RARE[5]}，会议由办公室主任主持召开。",
             f"本人签字：{UYGHUR[0]}　　　审核人：{UYGHUR[1]}　　　日期：2021年3月5日",
             "为进一步加强水利工程建设质量管理，提高工程建设水平，现将有关事项通知如下。"]
    im = Image.new("RGB", (1240, 400), "white")
    d = ImageDraw.Draw(im)
    for k, text in enumerate(lines):
        d.text((60, 40 + 80 * k), text, font=f, fill=(25, 25, 25))
    return np.ascontiguousarray(np.asarray(im)[:, :, ::-1])


def test_focused_reading_reads_rare_and_uyghur_names_like_the_full_one(engine, rendered):
    if not getattr(engine, "accepts_focus", False):
        pytest.skip("engine has no cascade")
    full = "\n".join(l.text for l in engine.read(rendered))
    for name in RARE + UYGHUR:
        core = name.replace("·", "")
        focused = engine.read(rendered, focus=Focus.for_query(name))
        text = "\n".join(l.text for l in focused)
        assert (name in full or core in full) == (name in text or core in text), (name, text)
        assert core in text.replace("·", "").replace(".", ""), (name, text)
        assert engine.last_counts[2] < 0.8  # only part of the page was read again


def test_no_empty_window_and_empty_crops_read_as_nothing():
    f = Focus.for_query("王小明")
    sp = [Span("王", 118.0, 120.0, 0.99), Span("小", 120.0, 120.0, 0.99)]  # squeezed onto the crop's edge
    for a, b in f.windows(_reading(sp), sp, 120, 40):
        assert 0 <= a < b - 1 <= 120
    from masker.ocr.recognizer import LineRecognizer

    calls = []

    def session(batch):
        calls.append(batch.shape)
        return np.zeros((batch.shape[0], max(1, batch.shape[3] // 8), 4), np.float32)

    rec = LineRecognizer(session, ["blank", "a", "b", " "])
    out = rec.read([np.zeros((40, 0, 3), np.uint8), np.full((40, 80, 3), 255, np.uint8)])
    assert len(out) == 2 and out[0].text == "" and len(calls) == 1


def test_a_blurred_name_guessed_as_marks_or_dropped_is_read_again():
    """The narrowed first pass read a blurred 詹睿 as ：，(0.24, 0.41), and can drop a glyph
    altogether; both cases get a window, sure marks and evenly spaced text do not."""
    f = Focus.for_query("詹睿")
    guessed = _sp("基本信息：") + [Span("：", 150, 180, 0.24), Span("，", 180, 210, 0.41)] + \
        [Span(c, 210 + i * 30, 240 + i * 30, 0.99) for i, c in enumerate("女，回族，中共党员")]
    assert f.windows(_reading(guessed), guessed, 600, 40)
    sure = _sp("基本信息：") + [Span("，", 150, 180, 0.97)] + _sp("女回族中共党员")
    assert f.windows(_reading(sure), sure, 600, 40) == []
    # 詹 read, 睿 dropped: a hole of two pitches after it
    dropped = _sp("基本信息：詹") + [Span(c, 240 + i * 30, 270 + i * 30, 0.99) for i, c in enumerate("女回族中共党员")]
    assert f.windows(_reading(dropped), dropped, 600, 40)
    whole = _sp("基本信息：詹女回族中共党员")  # a lone 詹 among evenly spaced text: no window
    assert f.windows(_reading(whole), whole, 600, 40) == []


def test_windows_reach_only_as_far_as_the_rest_of_the_name():
    """A hit on the name's first character needs the rest of the name after it, not before."""
    f = Focus.for_query("王小明")
    line = _sp("本年度考核结果如下王小明同志表现优秀工作认真负责积极主动完成任务")
    (a, b), = f.windows(_reading(line), line, len(line) * 30, 40)
    assert 9 * 30 - 2 * 30 <= a <= 9 * 30 and 12 * 30 <= b <= 12 * 30 + 2 * 30
    assert f.reach["王"] == (0, 2) and f.reach["明"] == (2, 0)
    uy = Focus.for_query("艾合买提·阿不都热依木")
    assert uy.reach["艾"] == (0, 10) and uy.reach["阿"] == (5, 5)  # the dot counts as a character


def test_widened_windows_keep_their_text_and_reach_a_shared_width():
    from masker.ocr.cascade import widen
    from masker.ocr.recognizer import REC_H, shared_width

    for a, b, w, h in [(100, 173, 1000, 40), (0, 37, 60, 33), (950, 1000, 1000, 40), (0, 500, 500, 30)]:
        a2, b2 = widen(a, b, w, h)
        assert 0 <= a2 <= a and b <= b2 <= w
        cols = -(-REC_H * (b2 - a2) // h)
        assert cols <= shared_width(-(-REC_H * (b - a) // h))  # never past the shared width
        if a2 > 0 and b2 < w:  # room on both sides: within a pixel of it
            assert shared_width(-(-REC_H * (b - a) // h)) - cols <= REC_H / h + 1


def test_batches_by_width_are_the_cheapest_split():
    import itertools

    from masker.ocr.recognizer import BATCH_ROWS, CALL_COST, batches_by_width

    def cost(widths, cuts):
        return sum((b - a) * max(8, widths[b - 1]) + CALL_COST for a, b in cuts)

    rng = np.random.default_rng(3)
    for n in range(1, 10):
        widths = sorted(int(w) for w in rng.choice([16, 24, 40, 64, 96, 160, 320, 640], n))
        got = batches_by_width(widths)
        assert [a for a, _ in got] == [0] + [b for _, b in got[:-1]] and got[-1][1] == n
        assert all(b - a in BATCH_ROWS for a, b in got)
        best = min(cost(widths, list(zip((0,) + c, c + (n,))))
                   for k in range(n) for c in itertools.combinations(range(1, n), k)
                   if all(b - a in BATCH_ROWS for a, b in zip((0,) + c, c + (n,))))
        assert cost(widths, got) == best


def test_how_crops_are_batched_does_not_change_what_they_read(engine, rendered):
    """Rows of a batch do not see each other: read together (batched by width) or one by one,
    the same text."""
    rec = getattr(engine, "line_recognizer", None)
    if rec is None:
        pytest.skip("engine has no line recogniser")
    crops = [np.ascontiguousarray(rendered[30 + 80 * k:75 + 80 * k, x0:x1])
             for k in range(4) for x0, x1 in ((50, 400), (50, 1200), (300, 700))]
    together = [r.text for r in rec.read(crops)]
    alone = [rec.read([c])[0].text for c in crops]
    assert together == alone and all(together)
