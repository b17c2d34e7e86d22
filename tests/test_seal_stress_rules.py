"""Rules for the stress pages' hard cases (issue 3): stamps cut by the sheet's edge in a photo,
an oval merged with a red table, a square stamp turned and cut, and the recogniser's confidence
per character telling a misreading (新术 for 新禾) from a namesake (新河).

Detection runs on generated stress pages (``samples.synth.seals.seal_test_page``, the benchmark's
own pages); reading runs the real recogniser. The matching rules take real readings of those
stamps, with the confidences the recogniser gave each character."""
from __future__ import annotations
from dataclasses import replace


import cv2
import numpy as np
import pytest

from masker.finders.base import Query
from masker.finders.seal import SealFinder
from masker.io import load
from masker.seals.detect import SealCandidate, detect_seals, off_sheet
from masker.seals.match import match_unit, match_unit_readings, normalise, normalise_confs

from samples.synth.seals import STRESS_SIBLING, stress_jpeg

#: the seal finder's lower bound on a stamp's diameter on these pages (from their text's height)
MIN_DIAMETER = 105.6


class _StockRings:
    """An engine whose rings are read by the stock recogniser, as before the ring model."""

    def __init__(self, engine):
        self._engine = engine

    def __getattr__(self, name):
        return getattr(self._engine, name)

    @property
    def ring_recognizer(self):
        return self._engine.line_recognizer


def _stress_page(seed: int, i: int):
    """Page ``i`` of stress seed ``seed``, exactly as the benchmark makes it (JPEG round trip)."""
    own, data, gt = stress_jpeg(seed, i)
    return data, gt, own


def _own_found(data: bytes, gt: dict):
    img = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    box = next(s["box"] for s in gt["seals"] if s["own"])
    for c in detect_seals(img, min_diameter=MIN_DIAMETER):
        ix = max(0.0, min(c.box[2], box[2]) - max(c.box[0], box[0]))
        iy = max(0.0, min(c.box[3], box[3]) - max(c.box[1], box[1]))
        if ix * iy >= 0.9 * (box[2] - box[0]) * (box[3] - box[1]):
            return c
    return None


def test_off_sheet_is_the_photos_background_only():
    # a sheet photographed on a dark table, at an angle: the table is off the sheet
    img = np.full((600, 500, 3), 80, np.uint8)
    sheet = np.array([[60, 20], [480, 60], [450, 590], [30, 560]], np.int32)
    cv2.fillPoly(img, [sheet], (235, 235, 232))
    cv2.putText(img, "text line", (120, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3)
    off = off_sheet(img, 2)
    assert off is not None
    assert off[5, 5] and off[590, 490] and not off[300, 250] and not off[300, 150]  # print is on the sheet
    # a scan: no background at all
    page = np.full((600, 500, 3), 240, np.uint8)
    cv2.putText(page, "text line", (20, 300), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (20, 20, 20), 3)
    assert off_sheet(page, 2) is None


@pytest.mark.parametrize("seed, i", [(23, 7), (23, 15)])
def test_a_round_stamp_cut_by_the_sheets_edge_is_found(seed, i):
    # phone photos with the stamp running off the sheet onto the table: the fit ignores the sheet's
    # edge as it ignores the image's
    data, gt, _own = _stress_page(seed, i)
    c = _own_found(data, gt)
    assert c is not None and c.shape == "round" and c.cut_by_edge


def test_an_oval_cut_by_the_sheets_edge_and_touching_a_red_table_is_found():
    # the table's rules stick to the oval's ring: the hull of the blob runs to their ends, the
    # outer contour still follows the ring
    data, gt, _own = _stress_page(23, 12)
    c = _own_found(data, gt)
    assert c is not None and c.shape == "oval" and c.cut_by_edge


@pytest.fixture(scope="module")
def cut_square_page(masker_real):
    data, gt, own = _stress_page(31, 7)
    doc = load(data, name="stress_31_7.jpg")
    return masker_real.analyse(doc.pages[0]), gt, own


def test_a_square_stamp_turned_and_cut_by_the_edge_is_found_as_square(cut_square_page):
    ctx, gt, _own = cut_square_page
    img = ctx.image
    c = _own_found(cv2.imencode(".png", img)[1].tobytes(), gt)
    assert c is not None and c.shape == "square" and c.cut_by_edge and abs(abs(c.angle) - 20) < 5


def test_a_cut_square_stamp_is_read_and_masked_only_for_its_unit(cut_square_page):
    ctx, gt, own = cut_square_page
    box = next(s["box"] for s in gt["seals"] if s["own"])
    out = SealFinder().find(ctx, Query("张三", own))
    # the whole stamp: 73/20's oval lost its lower rim's ink, the mask still reaches the rim
    assert any(min(m.box[2], box[2]) - max(m.box[0], box[0]) > 0.9 * (box[2] - box[0])
               and min(m.box[3], box[3]) - max(m.box[1], box[1]) > 0.9 * (box[3] - box[1]) for m in out.masks)
    assert not SealFinder().find(ctx, Query("张三", STRESS_SIBLING[own])).masks


def test_normalise_carries_each_characters_confidence():
    text = "新疆维吾尔自治区阿克苏 天河水利有限责任公司"
    confs = [i / 100 for i in range(len(text))]
    t, c = normalise_confs(text, confs)
    assert t == normalise(text) and len(c) == len(t)
    assert c[:2] == [0.0, 0.01] and c[2] == confs[text.index("阿")]  # 新疆 kept, 维吾尔自治区 dropped
    assert c[-1] == confs[-1] and c[-2] == confs[-2]  # 公司 of 有限责任公司 keep theirs


# a stamp of 阿克苏新禾水利建设有限公司 (stress seed 23, page 20) as the recogniser read it: the
# line scores 0.94, yet 术 is at 0.37 — a misread 禾; the cleaned rendering reads 禾 at 0.96
XINHE_SCAN = ("克苏新术水利建设有限公司", 0.936, [0.95, 0.98, 1.0, 0.37, 1.0, 1.0, 1.0, 1.0, 1.0, 0.96, 1.0, 0.98])
XINHE_CLEAN = ("克苏禾水利建设有限公司", 0.926, [1.0, 1.0, 0.96, 1.0, 1.0, 1.0, 0.6, 1.0, 1.0, 1.0, 0.63])


def test_an_unsure_other_character_in_a_sure_line_is_a_misreading():
    t, _sc, confs = XINHE_SCAN
    m = match_unit("阿克苏新禾水利建设有限公司", t, confident=True, confs=confs)
    assert m.matched and not m.contradicted
    # the line score alone took 术 as read, and the stamp for a namesake's
    assert match_unit("阿克苏新禾水利建设有限公司", t, confident=True).contradicted


def test_a_sure_character_of_a_namesake_vetoes_the_misread_one():
    # given the namesake 新河: the scan's unsure 术 would pass as a misread 河, but the cleaned
    # rendering reads 禾 with confidence — another unit's stamp
    readings = [XINHE_SCAN, XINHE_CLEAN]
    args = ([t for t, _s, _c in readings], [], [s for _t, s, _c in readings], ["scan", "clean"],
            [c for _t, _s, c in readings])
    assert not match_unit_readings("阿克苏新河水利建设有限公司", *args).matched
    assert match_unit_readings("阿克苏新河水利建设有限公司", *args).contradicted
    assert match_unit_readings("阿克苏新禾水利建设有限公司", *args).matched


def test_a_sure_character_in_a_noisy_reading_is_no_namesakes_word():
    # a pale 勘察设计院 (stress seed 7, page 10): a reading scoring 0.69 in all is sure of 科 (0.94)
    # where 利 lost strokes; only a reading good as a whole names another unit
    t = "潮克苏地区作科状电联察设计院"
    confs = [0.41, 1.0, 0.53, 1.0, 1.0, 0.40, 0.94, 0.41, 0.99, 0.14, 0.41, 1.0, 0.49, 1.0]
    assert not match_unit("阿克苏地区水利水电勘察设计院", t, confs=confs).contradicted


# stress seed 7, page 10: three renderings of a pale 阿克苏地区水利水电勘察设计院, with the
# recogniser's confidence per character
PALE = [
    ("克苏地区有科求电察设计院", "scan", [1.0, 0.49, 0.99, 0.98, 0.16, 0.86, 0.27, 0.98, 0.48, 1.0, 0.72, 0.94]),
    ("阿克莎地区角與水电匙泰设甘院", "clean",
     [0.73, 1.0, 0.95, 1.0, 0.54, 0.14, 0.30, 0.53, 1.0, 0.37, 0.25, 1.0, 0.59, 0.99]),
    ("网美多地天水科不电起春设于股", "red",
     [0.51, 0.18, 0.35, 0.95, 0.78, 0.73, 0.35, 0.95, 0.86, 0.68, 0.58, 0.60, 0.39, 0.65]),
    ("网克苏地区办科水电起察设甘院", "clean@0.08-0.38",
     [0.24, 1.0, 0.95, 1.0, 0.92, 0.37, 0.48, 0.87, 1.0, 0.50, 0.24, 1.0, 0.57, 1.0]),
    ("网美多地天水利不电起春设皮股", "red@0.06-0.42",
     [0.60, 0.17, 0.26, 0.99, 0.27, 0.73, 0.45, 0.64, 0.94, 0.54, 0.42, 0.43, 0.43, 0.21]),
]


def _pale(unit: str):
    return match_unit_readings(unit, [t for t, _v, _c in PALE], [], None, [v for _t, v, _c in PALE],
                               [c for _t, _v, c in PALE])


def test_renderings_agree_on_a_namesakes_word_only_where_the_recogniser_is_fairly_sure():
    # 科 for 利 is sure in one rendering only, 起 for 勘 in one only: damaged glyphs, combined
    assert _pale("阿克苏地区水利水电勘察设计院").matched
    # the namesake 规划 still has two characters no reading has (规, 划)
    assert not _pale("阿克苏地区水利水电规划设计院").matched
    # without the confidences, 科 and 起 each read in two renderings look like a namesake's word
    assert not match_unit_readings("阿克苏地区水利水电勘察设计院", [t for t, _v, _c in PALE], [], None,
                                   [v for _t, v, _c in PALE]).matched


def test_a_sure_reading_of_a_namesake_is_not_outvoted_by_a_noisier_one():
    # stress seed 11, page 20, given the namesake 新河: the scan reads 禾 at 0.92 in a line of 0.96;
    # the noisier renderings are unsure of it — the stamp is 新禾's
    readings = [("阿克苏新禾水利建设有限司", 0.96, [0.98, 1.0, 1.0, 1.0, 0.92, 0.95, 1.0, 1.0, 1.0, 0.95, 0.99, 0.74]),
                ("阿克苏新禾水利建有限公司", 0.88, [0.99, 1.0, 0.99, 1.0, 0.71, 0.96, 1.0, 0.67, 0.83, 1.0, 0.35, 1.0])]
    args = ([t for t, _s, _c in readings], [], [s for _t, s, _c in readings], ["scan", "clean"],
            [c for _t, _s, c in readings])
    assert not match_unit_readings("阿克苏新河水利建设有限公司", *args).matched
    assert match_unit_readings("阿克苏新禾水利建设有限公司", *args).matched


def test_a_sure_reading_of_another_place_vetoes_a_reading_that_lost_it():
    # stress seed 11, page 3, given 沙雅县灌溉管理站: the scan reads 车市 of 库车市 surely; the red
    # rendering lost 市, and 库车灌溉管理 alone names no place
    readings = [("车市灌溉管理站", 0.99, [0.96, 1.0, 1.0, 0.99, 1.0, 1.0, 1.0]),
                ("库车灌溉管理", 0.91, [0.98, 0.75, 1.0, 0.73, 1.0, 1.0])]
    args = ([t for t, _s, _c in readings], [], [s for _t, s, _c in readings], ["scan", "red"],
            [c for _t, _s, c in readings])
    assert not match_unit_readings("沙雅县灌溉管理站", *args).matched
    assert match_unit_readings("库车市灌溉管理站", *args).matched


def test_an_inner_line_does_not_outvote_a_sure_ring():
    # stress seed 11, page 5, given 天山: the ring reads 天河 surely; an inner line that lost the
    # distinctive characters (水利水电工程有限公) must not carry the match
    t, confs = "新天河水利水电工程有限公司", [0.95] + [1.0] * 11 + [0.68]
    m = match_unit("新疆天山水利水电工程有限公司", t, ["水利水电工程有限公"], confs=confs)
    assert not m.matched and m.contradicted
    assert match_unit("新疆天河水利水电工程有限公司", t, ["水利水电工程有限公"], confs=confs).matched


def _readings_args(readings: list, renderings: list[str]) -> tuple:
    """``match_unit_readings``'s arguments from (text, score, character confidences) triples."""
    return ([t for t, _s, _c in readings], [], [s for _t, s, _c in readings], renderings,
            [c for _t, _s, c in readings])


def test_a_sure_misreading_is_outvoted_where_another_reading_has_the_character():
    # the real 交通银行股份有限公司佛山分行 seal (shared/realworld): one rendering is sure of 电
    # (0.91) where 山 stands, another reads 山 — a misreading, not a namesake
    readings = [("交通银行股份有限公司佛电分行", 0.96,
                 [1.0, 1.0, 0.98, 1.0, 1.0, 0.72, 1.0, 1.0, 0.93, 1.0, 1.0, 0.91, 1.0, 0.93]),
                ("交通第行股公有限会司佛山分行", 0.86,
                 [1.0, 1.0, 0.37, 0.79, 0.97, 0.56, 1.0, 1.0, 0.87, 0.95, 1.0, 0.85, 0.97, 0.72])]
    args = _readings_args(readings, ["clean", "red"])
    assert match_unit_readings("交通银行股份有限公司佛山分行", *args).matched
    # a place misread at 0.90 (庆 for 天 of 天津) is below the bar for a place
    t, confs = "庆津瑞佳讯贸易有限公司", [0.90, 1.0, 0.99, 0.99, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.78]
    assert match_unit("天津瑞佳讯贸易有限公司", t, confs=confs).matched


def test_one_sure_other_character_in_a_long_place_is_a_misreading():
    # stress seed 7, page 8: 阳 (1.00) for 阿 of 阿克苏地区; as for a place conflict, a long place
    # name may have one other character — the stamp over the printed 阿克苏地区水利局 stays the unit's
    t, confs = "阳京苏地区水利局", [1.0, 0.49, 1.0, 1.0, 0.99, 1.0, 1.0, 1.0]
    assert not match_unit("阿克苏地区水利局", t, confs=confs).contradicted


@pytest.fixture(scope="module")
def cut_name_page(masker_real):
    data, gt, own = _stress_page(23, 7)
    return masker_real.analyse(load(data, name="stress_23_7.jpg").pages[0]), gt, own


@pytest.mark.parametrize("rings", ["stock", "ring model"])
def test_a_stamp_cut_to_the_end_of_the_name_over_the_printed_name_is_the_units(cut_name_page, rings):
    # 喀什大学 run off the sheet: where 喀什 would be is (mostly) beyond the sheet's edge, and
    # 喀什大学 is printed under the stamp. The stock recogniser reads only 大学 there (the cut-piece
    # rule); the ring model reads 什大学, half the name (the printed-name rule)
    ctx, gt, own = cut_name_page
    ctx = replace(ctx, engine=_StockRings(ctx.engine)) if rings == "stock" else ctx
    box = next(s["box"] for s in gt["seals"] if s["own"])
    out = SealFinder().find(ctx, Query("张三", own))
    rule = "cut_piece_+_printed_name" if rings == "stock" else "_+_printed_name"
    assert any(m.rule.endswith(rule) and m.box[2] >= 0.9 * box[2] for m in out.masks)
    # the namesake 新疆大学 ends in 大学 too, but its name is not the one printed there
    assert not SealFinder().find(ctx, Query("张三", STRESS_SIBLING[own])).masks


def test_where_a_cut_stamps_missing_characters_would_go_is_measured_on_the_ring(cut_name_page, engine):
    from masker.seals.read import SealReader

    ctx, gt, _own = cut_name_page
    cands = detect_seals(ctx.image, min_diameter=MIN_DIAMETER)
    cut = next(c for c in cands if c.cut_by_edge)
    whole = next(c for c in cands if not c.cut_by_edge)
    for c, most_visible in ((cut, False), (whole, True)):
        r = SealReader(ctx.image, c, engine)
        r.read_ring("scan")
        start, length, L, d0, d1 = r._ring_layout()
        # the whole ring, from the strip's start round to it again
        share = r.visible_share(0, 0.0, L * _strip_px_per_ring_px(d0, d1))
        assert (share > 0.95) == most_visible


def _strip_px_per_ring_px(d0: float, d1: float) -> float:
    """Strip px per px of ring (the strip is 48 px tall for the band d0..d1)."""
    return 48.0 / (d1 - d0)


def test_a_worn_glyph_read_surely_as_one_sharing_its_strokes_is_no_namesakes_word():
    # the generated assessment page's 新疆天河水利水电工程有限公司 stamp: both renderings read a worn
    # 利 as 科 at 0.98 (科 and 利 share 禾); 河 read surely for 禾 (no shared strokes) still names
    # another unit
    readings = [("新疆大河水科水电工程有限公司", 0.93,
                 [1.0, 1.0, 0.53, 1.0, 1.0, 0.98, 1.0, 1.0, 1.0, 1.0, 1.0, 0.93, 1.0, 0.59]),
                ("新温天河水科水电工程有限公司", 0.97,
                 [1.0, 0.70, 0.97, 1.0, 0.98, 0.99, 1.0, 1.0, 1.0, 1.0, 1.0, 0.99, 1.0, 1.0])]
    args = _readings_args(readings, ["scan", "red"])
    assert match_unit_readings("新疆天河水利水电工程有限公司", *args).matched
    assert not match_unit_readings("新疆天山水利水电工程有限公司", *args).matched


# --- misses of the fresh stress seeds 43, 47 and 11 (the readings as the recogniser gave them)

KANCHA = "阿克苏地区水利水电勘察设计院"


def test_a_neighbour_of_the_units_own_character_set_in_its_place_is_no_namesakes_word():
    # seed 43 page 18, a pale 勘察设计院 stamp: 水 lost, and the alignment sets 地区's 区 (read
    # surely, rightly) in its place; that is the unit's own character next to it, not another name
    t, confs = "区利水电勘察", [0.99, 0.99, 1.0, 1.0, 0.72, 0.8]
    m = match_unit(KANCHA, t, confs=confs)
    assert not m.contradicted and m.distinctive_read >= 4
    # a character read surely that is no neighbour still vetoes (察 of 勘察 read for 划 of 规划)
    assert match_unit("阿克苏地区水利水电规划设计院", "阿克苏地区水利水电规察设计院",
                      confs=[1.0] * 14).contradicted


def test_a_place_read_with_one_character_lost_or_misread_is_the_units_own():
    from masker.seals.match import names_other_place

    u = normalise(KANCHA)
    # seed 47 page 10 (事苏地区: 阿 read as 事, 克 lost) and seed 11 page 18 (苏德区: 地 read as 德)
    for t in ("事苏地区水利电融系设院", "同日苏德区水利水电影家设计院"):
        assert not names_other_place(t + t, t.index("水"), u)
    # other places stay other places: another county, another prefecture, a two-character
    # place that differs in its one other character, numerals and directions
    assert names_other_place("沙雅县水利局", 3, normalise("温宿县水利局"))
    assert names_other_place("喀什地区水利局", 4, normalise("阿克苏地区水利局"))
    assert names_other_place("西城区水利局", 3, normalise("北京市东城区水利局"))
    assert names_other_place("新河县水利局", 3, normalise("新和县水利局"))


def test_a_stamp_on_print_read_with_its_place_half_lost_is_the_units_and_not_the_namesakes():
    # seed 11 page 18: a 勘察设计院 stamp on the paragraphs, 勘察 read as 影家 (察/家 look alike),
    # the place as 同日苏德区; the namesake 规划设计院 has two other characters there
    t = "同日苏德区水利水电影家设计院"
    assert match_unit(KANCHA, t).matched
    assert not match_unit("阿克苏地区水利水电规划设计院", t).matched


def test_a_county_half_lost_under_print_costs_half_an_error_more_only_if_the_rest_is_exact():
    # seed 43 page 9: 温宿县水利局 over a paragraph read 宿暑水利局 (温 lost, 县 read as its look-alike)
    assert match_unit("温宿县水利局", "宿暑水利局").matched
    # a namesake county differs in a character read there; a lost place with nothing of it read,
    # or a misread distinctive part, is not enough
    assert not match_unit("乌什县水利局", "宿暑水利局").matched
    for t in ("什县水利局", "雅县水利局", "县水利局", "宿暑水科局", "宿暑水利"):
        assert not match_unit("温宿县水利局", t).matched, t


def test_a_bold_stamp_over_a_red_table_is_found():
    # seed 83 page 2: found once the rules were taken off, then refused as "a solid red area": the
    # raw ink filled 0.56 of its disc (strokes and rules); a red ID photo's fills 0.55. Eroded,
    # strokes go and solid areas stay: 0.23 against 0.45
    data, gt, _own = _stress_page(83, 2)
    assert _own_found(data, gt) is not None


def test_red_rules_through_the_ring_band_are_filled_in_and_the_inner_lines_left_alone():
    from masker.seals.read import without_rules

    crop = np.full((260, 260, 3), 245, np.uint8)
    cand = SealCandidate(shape="round", center=(130.0, 130.0), axes=(110.0, 110.0), angle=0.0,
                         box=(20.0, 20.0, 240.0, 240.0), score=1.0)
    cv2.circle(crop, (130, 130), 108, (40, 40, 200), 4)                 # the ring
    cv2.putText(crop, "AB", (60, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (40, 40, 200), 3)  # ring text
    cv2.line(crop, (0, 70), (259, 74), (45, 35, 190), 2)                 # a red table rule, tilted
    cv2.line(crop, (90, 130), (170, 130), (40, 40, 200), 2)              # a line inside (专用章's)
    out = without_rules(crop, cand)
    red = lambda im, y, x: int(im[y, x, 2]) - int(im[y, x, 1]) > 60  # noqa: E731
    assert red(crop, 71, 60) and not red(out, 71, 60) and not red(out, 73, 200)  # the rule, in the band
    assert red(out, 71, 8)                                               # and beyond the seal, left
    assert red(out, 130, 130)                                            # the inner line stays
    assert red(out, 130, 22) and red(out, 22, 130)                       # the ring stays


@pytest.mark.parametrize("seed, i", [(43, 18), (47, 10), (43, 9), (73, 23), (71, 6), (73, 20), (71, 3)])
def test_stress_misses_now_masked_for_the_unit_only(masker_real, seed, i):
    # the pages themselves, read by the real recogniser: the own stamp masked (over the unit's
    # printed name, or read as above), nothing masked when the namesake is given
    data, gt, own = _stress_page(seed, i)
    ctx = masker_real.analyse(load(data, name=f"stress_{seed}_{i}.jpg").pages[0])
    box = next(s["box"] for s in gt["seals"] if s["own"])
    out = SealFinder().find(ctx, Query("张三", own))
    # the whole stamp: 73/20's oval lost its lower rim's ink, the mask still reaches the rim
    assert any(min(m.box[2], box[2]) - max(m.box[0], box[0]) > 0.9 * (box[2] - box[0])
               and min(m.box[3], box[3]) - max(m.box[1], box[1]) > 0.9 * (box[3] - box[1]) for m in out.masks)
    assert not SealFinder().find(ctx, Query("张三", STRESS_SIBLING[own])).masks


@pytest.mark.parametrize("seed, i", [(11, 7), (61, 1), (103, 11), (61, 12), (109, 11), (151, 23), (113, 8)])
def test_a_worn_stamp_holding_every_character_of_the_name_is_the_units(masker_real, seed, i):
    # the strings leave it unsure (11/7: 喀什大学 read 路大学 — 什 lost, 喀 read 路; 61/1: 温宿县水利局
    # read 县水利局中国系; 103/11, an oval: 库车市灌溉管理站 read 库车市海管理), the recogniser's own
    # probabilities show each of the name's characters where it stands; the namesake's
    # characters (新疆, 乌什, 沙雅县) are nowhere on the ring. Since session 10 also where the strings
    # call it another name or less than half of it: 61/12, 新禾 read 新木 at 0.99 in both renderings,
    # 禾 keeps 0.007 where it stands; 109/11: 灌 read 汽; 151/23: 喀什大学 read 略学, 什 and 大 there at
    # 0.1 and more; 113/8, a long name with several worn glyphs (阿克荧地区水我看), 1.0 a character
    # against its greedy reading
    # (the readings above are the stock recogniser's; the ring model reads most of these stamps
    # well enough for the strings, and must mask them too)
    data, gt, own = _stress_page(seed, i)
    ctx = masker_real.analyse(load(data, name=f"stress_{seed}_{i}.jpg").pages[0])
    box = next(s["box"] for s in gt["seals"] if s["own"])
    for c in (replace(ctx, engine=_StockRings(ctx.engine)), ctx):
        out = SealFinder().find(c, Query("张三", own))
        hit = [m for m in out.masks if min(m.box[2], box[2]) - max(m.box[0], box[0]) > 0.9 * (box[2] - box[0])]
        assert hit and hit[0].rule.startswith("seal.")
        assert c is ctx or "spotted" in hit[0].rule
        if c is ctx and (seed, i) == (61, 12):
            # the ring model reads the worn 禾 as 木 with doubt (the stock one surely): a misread
            # 禾 for 新禾 given, a misread 河 for the namesake 新河 given — masked either way, one
            # of the namesake masks the benchmark counts (README, "Session 11")
            continue
        assert not SealFinder().find(c, Query("张三", STRESS_SIBLING[own])).masks


@pytest.mark.parametrize("seed, i", [(113, 15), (151, 15)])
def test_a_short_name_held_inside_another_units_longer_one_is_not_spotted(masker_real, seed, i):
    # the namesake run of 喀什大学's pages: 新疆大学 given, a 新疆农业大学继续教育学院 stamp on the
    # page holds every character of 新疆大学 (at 0.26-1.0), but 农业 between them costs 2.1 a
    # character or more against the reading
    data, gt, own = _stress_page(seed, i)
    ctx = masker_real.analyse(load(data, name=f"stress_{seed}_{i}.jpg").pages[0])
    unit = STRESS_SIBLING[own]
    assert unit == "新疆大学" and any("新疆农业大学" in s["text"] for s in gt["seals"])
    assert not SealFinder().find(ctx, Query("张三", unit)).masks


def test_a_stamp_cut_to_the_start_of_its_distinctive_part_is_masked_with_a_warning(masker_real):
    # 阿克苏地区水利局 cut by the edge after 阿克苏地区水: 水 is half of 水利 — a 水利水电… unit's stamp
    # could show as much, so the mask comes with SEAL_CUT_PARTIAL for a person; the namesake given
    # (交通运输局) differs right there, and nothing is masked
    data, gt, own = _stress_page(53, 8)
    ctx = masker_real.analyse(load(data, name="stress_53_8.jpg").pages[0])
    box = next(s["box"] for s in gt["seals"] if s["own"])
    out = SealFinder().find(ctx, Query("张三", own))
    hit = [m for m in out.masks if min(m.box[2], box[2]) - max(m.box[0], box[0]) > 0.5 * (box[2] - box[0])]
    assert hit and hit[0].rule.endswith("visible_part")
    assert [w.code for w in out.warnings] == ["SEAL_CUT_PARTIAL"]
    assert not SealFinder().find(ctx, Query("张三", STRESS_SIBLING[own])).masks


def test_a_stamp_whose_first_renderings_hold_the_name_skips_the_second_look(masker_real):
    # 11/7 (喀什大学 read 路大学): the three renderings read first already hold every character of
    # the name where it stands, so the nine strips of the second look are not read — what they
    # could add only makes the spotting surer
    # (read by the stock recogniser; the ring model reads 喀什大学 there outright)
    data, gt, own = _stress_page(11, 7)
    ctx = masker_real.analyse(load(data, name="stress_11_7.jpg").pages[0])
    masks = SealFinder().find(replace(ctx, engine=_StockRings(ctx.engine)), Query("张三", own)).masks
    assert len(masks) == 1 and "spotted" in masks[0].rule and "over 3 renderings" in masks[0].reason
    assert len(SealFinder().find(ctx, Query("张三", own)).masks) == 1


@pytest.mark.parametrize("seed, i", [(239, 6), (179, 22)])
def test_the_page_ocrs_misreading_of_the_stamp_itself_names_no_other_place(masker_real, seed, i):
    # the page's OCR reads the oval's own ring as a line (是县农村供水管, 低捷县农封作水管理): its
    # misread 提 looks like another county before 农村供水管理, but the line is red stamp ink, not
    # print; the namesake given (城镇供水) is still not masked
    data, gt, own = _stress_page(seed, i)
    ctx = masker_real.analyse(load(data, name=f"stress_{seed}_{i}.jpg").pages[0])
    box = next(s["box"] for s in gt["seals"] if s["own"])
    out = SealFinder().find(ctx, Query("张三", own))
    assert any(min(m.box[2], box[2]) - max(m.box[0], box[0]) > 0.9 * (box[2] - box[0]) for m in out.masks)
    assert not SealFinder().find(ctx, Query("张三", STRESS_SIBLING[own])).masks
