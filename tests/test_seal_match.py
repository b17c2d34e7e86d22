"""Whose seal is it: tolerant comparison of read seal text with the applicant's unit (no OCR)."""
from __future__ import annotations

import pytest

from masker.seals.match import match_unit, match_unit_readings, normalise, strip_places
from masker.seals.partial import match_visible_part


@pytest.mark.parametrize("unit, read", [
    ("阿克苏地区水利局", "阿克苏地区水利局"),
    ("新疆维吾尔自治区阿克苏地区水利局", "阿克苏地区水利局"),        # province dropped on the seal
    ("阿克苏地区水利局", "新疆维吾尔自治区阿克苏地区水利局"),        # ... or in the unit given
    ("阿克苏地区水利局", "水利局阿克苏地区"),                        # reading started mid-ring
    ("阿克苏地区水利局", "阿苏地区水利局"),                          # a character lost
    ("库车市灌溉管理站", "岸车市溉管理站"),                          # one misread, one lost
    ("佛山市禅城区盈恒置业有限公司", "城区盈恒置业有限公司"),         # stamp cut by the edge
    ("武汉市市场监督管理局", "市场监督管理局武汉市市"),
    ("天津瑞佳讯贸易有限责任公司", "天津瑞佳讯贸易有限公司"),
    ("喀什大学", "略什大学"),                                        # a look-alike misreading
    ("阿瓦提县农村供水管理总站", "网高提县农村供水管理总站"),
    ("新疆维吾尔自治区人力资源和社会保障厅", "新疆维吾尔自治区人力资源和社会保障厅 人事专用章"),
])
def test_own_unit_matches(unit, read):
    assert match_unit(unit, read).matched, match_unit(unit, read).detail


@pytest.mark.parametrize("unit, read", [
    ("阿克苏地区水利局", "温宿县水利局"),                            # another county's bureau
    ("温宿县水利局", "阿克苏地区水利局"),
    ("阿克苏地区水利局", "阿克苏地区林业局"),                        # a sibling bureau
    ("阿克苏地区第一人民医院", "阿克苏地区第二人民医院"),            # numerals never "misread"
    ("佛山市禅城区盈恒置业有限公司", "广州市盈恒置业有限公司"),       # same name, another city
    ("阿克苏地区人力资源和社会保障局", "新疆维吾尔自治区人力资源和社会保障厅"),
    ("新疆维吾尔自治区水利厅", "甘肃省水利厅"),
    ("新疆大学", "喀什大学"),
    ("阿克苏地区水利局", "阿克苏地区专业技术人员继续教育基地"),
    ("阿克苏地区水利局", ""),
    ("新和县水利局", "新河县水利局"),                                # one character: another county
    ("沙雅县水利局", "沙雅县水秘局"),                                # 利/秘 is not a look-alike
    ("库车市灌溉管理站", "岸车市益溉管理站"),    # 益 for 灌: as likely a namesake's word as a misreading
])
def test_other_units_do_not_match(unit, read):
    assert not match_unit(unit, read).matched, match_unit(unit, read).detail


def test_inner_lines_count():
    # an invoice-supervision seal whose ring did not read, but its inner lines name the unit
    assert match_unit("国家税务总局天津市税务局", "全发", ["国家税务总局", "天津市税务局"]).matched


def test_readings_combined():
    # each rendering lost different characters: together they spell the unit
    m = match_unit_readings("交通银行股份有限公司佛山分行", ["交通银行股分有限会司佛出分程", "交通黑行股份有限公司佛山分行"])
    assert m.matched
    # but readings of a sibling never combine into the unit
    assert not match_unit_readings("阿克苏地区水利局", ["阿克苏地区林业局", "阿克苏地区水业局"]).matched


def test_normalise_and_places():
    assert normalise("新疆维吾尔自治区 阿克苏地区（水利局）") == "新疆阿克苏地区水利局"
    assert strip_places("佛山市禅城区盈恒置业有限公司") == ("盈恒置业有限公司", ["佛山市", "禅城区"])


@pytest.mark.parametrize("unit, read", [
    ("新疆天河水利水电工程有限公司", "新墨天河水利水电"),            # the right half off the page
    ("阿克苏地区水利局", "水利局阿克苏"),                            # the top off the page: end, then start
    ("温宿县水利局", "宿县水利局"),
    ("佛山市禅城区盈恒置业有限公司", "城区盈恒置业有限公司"),
    # a third of the distinctive part, from its start: what a namesake (规划设计院) may show too —
    # masked, with a warning from the finder (the unit's stamp is the likelier on its own papers)
    ("阿克苏地区水利水电勘察设计院", "阿克苏地区水利水电"),
    ("阿克苏地区水利局", "阿克苏地区水"),
])
def test_visible_part_of_a_cut_stamp_matches(unit, read):
    assert match_visible_part(unit, [read]).matched, match_visible_part(unit, [read]).detail


@pytest.mark.parametrize("unit, read", [
    ("阿克苏地区水利局", "阿克苏地区财"),                            # the sibling's distinctive part
    ("阿克苏地区水利局", "阿克苏地区水利水电"),                      # the reading goes on: another unit
    ("阿克苏地区水利局", "阿克苏地区水利水电勘察"),
    ("阿克苏地区水利局", "地区水利局"),                              # which prefecture's? not shown
    ("温宿县水利局", "县水利局"),                                    # too short
    ("温宿县水利局", "沙雅县水利局"),
    ("阿克苏地区人力资源和社会保障局", "新疆人力资源和社会保障厅"),
    ("佛山市禅城区盈恒置业有限公司", "广州市盈恒置业"),
    ("喀什大学", "喀什大"),
    ("阿克苏地区水利水电勘察设计院", "阿克苏地区水利"),               # less than a third of 水利水电勘察设计
])
def test_visible_part_of_another_units_stamp_does_not_match(unit, read):
    assert not match_visible_part(unit, [read]).matched, match_visible_part(unit, [read]).detail


def test_match_reports_what_the_distinctive_part_read_as():
    m = match_unit("喀什大学", "略大学")           # a look-alike and a lost character: nothing else
    assert not m.matched and m.distinctive_other == 0 and m.distinctive_read == 1 and not m.place_conflict
    m = match_unit("阿克苏地区水利局", "阿克苏地区财政局")
    assert m.distinctive_other == 2
    assert match_unit("温宿县水利局", "沙雅县水利局").place_conflict


def test_readings_combined_count_characters_the_name_lacks():
    # both readings have the whole of 新疆大学 in place, and 农业 in its middle: another university
    assert not match_unit_readings("新疆大学", ["新疆农业大学继续教育学院", "新疆农业大学继续教育学"]).matched


def test_renderings_agreeing_on_a_namesakes_word_are_not_combined():
    # a pale 勘察设计院 stamp: the scan and the cleaned rendering both read 察 where 规划 has 划, and
    # the cleaned and red ones 起 for 规
    readings = ["河克苏地区作科求电起察设计院", "阿克莎地区角與水电起察设甘院", "网美多地天水科不电起春设于股"]
    sources = ["scan", "clean", "red"]
    assert not match_unit_readings("阿克苏地区水利水电规划设计院", readings, sources=sources).matched


def test_pale_readings_combined_without_a_sibling():
    # noisy renderings of a pale stamp: each character of the unit read in place by one of them,
    # but 勘, read as 匙 or not at all (one such place is tolerated in a long distinctive part)
    readings = ["河克苏地区作科求电察设计院", "阿克莎地区角與水电匙泰设甘院", "网美多地天水利不电起器皮母股"]
    assert match_unit_readings("阿克苏地区水利水电勘察设计院", readings).matched
    # two such places are not: 规划 is not 勘察
    assert not match_unit_readings("阿克苏地区水利水电规划设计院", readings).matched
    # but noisy readings of a sibling do not add up to the unit
    assert not match_unit_readings("阿克苏地区水利局", ["阿克苏地区财政局", "网克苏地天财政局", "阿克苏地区财攻局"]).matched


@pytest.mark.parametrize("unit, read", [
    ("阿克苏地区水利水电规划设计院", "阿克苏地区水利水电勘察设计院"),   # two characters of a long name
    ("阿克苏新河水利建设有限公司", "阿克苏新禾水利建设有限公司"),       # one character
    ("新疆天山水利水电工程有限公司", "新疆天河水利水电工程有限公司"),
])
def test_a_confident_reading_of_a_near_namesake_does_not_match(unit, read):
    # read cleanly, the differing characters are what the stamp says, not misreadings
    assert not match_unit(unit, read, confident=True).matched
    assert match_unit(unit, read, confident=True).contradicted
    assert not match_unit_readings(unit, [read, read[:-3]], scores=[0.98, 0.7]).matched
    # a cut stamp showing the part that differs does not match either
    k = next(j for j, (a, b) in enumerate(zip(unit, read)) if a != b)
    assert not match_visible_part(unit, [read[: k + 2]]).matched


def test_one_misread_character_in_a_long_distinctive_part_is_tolerated():
    # the price of tolerance: an unsure 天通 passes for 天河 — and for a namesake 天山 alike; only a
    # clean reading of the namesake (see above) or a short distinctive part tells them apart
    assert match_unit("新疆天河水利水电工程有限公司", "新疆天通水利水电工程有限公司").matched
    assert not match_unit("阿克苏地区水利局", "阿克苏地区水科局").matched


def test_an_unsure_reading_keeps_its_tolerance():
    # lost characters and look-alikes pass in an unsure reading; a clear other character never does
    assert match_unit("库车市灌溉管理站", "岸车市溉管理站", confident=False).matched
    assert match_unit("喀什大学", "略什大学", confident=True).matched
    # print misread as ring text, however sure, says nothing about the name
    assert not match_unit("喀什大学", "有关规定", confident=True).contradicted


def test_a_ring_that_names_a_unit_is_told_from_one_that_names_none():
    # a ring read surely as another unit's name is not read further (its inner lines cannot make
    # it the applicant's); an invoice-supervision seal's ring names no unit: its inside does
    from masker.seals.match import names_a_unit

    assert names_a_unit("阿克苏地区林业和草原局")
    assert names_a_unit("新疆农业大学继续教育学院")
    assert names_a_unit("天津瑞佳讯贸易有限公司")
    assert not names_a_unit("全国统一发票监制章")
    assert not names_a_unit("新疆维吾尔自治区人力资源和社会")  # cut short: may go on inside
    assert not names_a_unit("局")


def test_a_worn_character_read_surely_as_its_look_alike_vetoes_nothing_when_the_ring_and_inner_lines_are_joined():
    # stress seed 31, page 15: 客 (0.98) for a worn 喀 in a sure reading of 客什大学; the ring
    # followed by its inner line is compared too, and there the ring's characters keep their own
    # confidences (and 客 shares most of 喀's strokes): no veto; a namesake's clean 新河 still vetoes
    from masker.seals.match import match_unit

    assert not match_unit("喀什大学", "客什大学", ["10年4月8"], confident=True,
                          confs=[0.98, 0.99, 1.0, 1.0]).contradicted
    assert match_unit("阿克苏新禾水利建设有限公司", "阿克苏新河水利建设有限公司", ["财务专用章"], confident=True,
                      confs=[1.0] * 13).contradicted


def test_a_remembered_comparison_hands_out_its_own_lists():
    # fuzzy_find is remembered (the finder compares each reading again after every new one): a
    # caller changing what it got must not change what the next caller gets
    from masker.seals.match import fuzzy_find

    got, at = [], []
    dist, a, b, wrong = fuzzy_find("阿克苏地区水利局", "阿克苏地区水科局", got, at)
    assert (dist, wrong[6], got[6], at[6]) == (1.0, True, "科", 6)
    wrong[6], got[6] = False, "利"
    got2: list = []
    assert fuzzy_find("阿克苏地区水利局", "阿克苏地区水科局", got2)[3][6] is True and got2[6] == "科"
    assert fuzzy_find("水利", "") == (2.0, 0, 0, [True, True])


def test_a_ring_naming_another_place_vetoes_the_unit_name_without_its_places_read_inside():
    # stress seed 61, sibling run, page 19: the ring of 库车市's station read 库车市港海管理站 and a
    # line inside read 灌溉管理站; given 沙雅县灌溉管理站 that inner line matched the name without
    # its places — but the ring names 库车市 right before its reading of that name
    from masker.seals.match import match_unit

    inner = ["灌溉管理站", "3年9月24日"]
    assert not match_unit("沙雅县灌溉管理站", "库车市港海管理站", inner).matched
    assert not match_unit("沙雅县灌溉管理站", "港海管理站库车市", inner).matched  # read from anywhere on the ring
    assert match_unit("库车市灌溉管理站", "库车市港海管理站", inner).matched
    assert match_unit("库车市灌溉管理站", "港海管理站", ["灌溉管理站"]).matched  # the place lost: no veto


def test_the_name_without_its_places_is_no_match_where_another_reading_or_the_printed_line_names_another_place():
    # the same page read on the command line: one ring reading was just 市, another 库车市港海管理站;
    # the line printed under the stamp read 库车市灌溉管理站 (that, read well, decides; the ring's
    # readings are too noisy to veto one another: 同艺地区 in one reading of the ring of
    # 阿克苏地区水利水电勘察设计院, stress seed 11 page 18)
    from masker.seals.match import match_unit, placed_elsewhere

    inner = ["灌溉管理站", "3年9月24日"]
    assert match_unit("沙雅县灌溉管理站", "市", inner).matched  # alone, the inner line matches
    # the reading that names 库车市 is no match; another, noisier, reading (市) decides nothing
    assert not match_unit("沙雅县灌溉管理站", "库车市港海管理站", inner).matched
    m = match_unit("沙雅县灌溉管理站", "市", inner)
    assert placed_elsewhere(m, "沙雅县灌溉管理站", ["2023年9月24日", "，库车市灌溉管理站"])
    assert not placed_elsewhere(m, "沙雅县灌溉管理站", ["2023年9月24日", "沙雅县灌溉管理站"])
    assert not placed_elsewhere(match_unit("库车市灌溉管理站", "市", inner), "库车市灌溉管理站", ["库车市灌溉管理站"])


def test_what_precedes_a_match_on_the_ring_is_the_rest_of_the_ring_not_the_match_s_own_tail():
    # stress seed 47, page 22: 县农村供水管理站 read from the ring of 阿瓦提县农村供水管理总站 (阿瓦提
    # lost); read twice round the ring, the text before the second copy's match ended 管理站县,
    # which looked like a place of its own
    from masker.seals.match import names_other_place_before, normalise

    u = normalise("阿瓦提县农村供水管理总站")
    assert not names_other_place_before("农村供水管理总站", "县农村供水管理站" * 2, u, cyclic=True)
    assert names_other_place_before("灌溉管理站", "库车市港海管理站" * 2, normalise("沙雅县灌溉管理站"), cyclic=True)
    assert names_other_place_before("灌溉管理站", "港海管理站库车市" * 2, normalise("沙雅县灌溉管理站"), cyclic=True)


def test_readings_are_not_combined_into_a_shorter_name_that_one_of_them_holds_with_others_between():
    # stress seed 71, namesake run, page 23: 新疆大学 given, the stamp of 新疆农业大学继续教育学院
    # read 新业大学继续教育学院 once and 新疆农业大学… once; combined, 新 + 疆 + 大学 made 新疆大学
    from masker.seals.match import match_unit_readings

    readings = ["新业大学继续教育学院", "新疆农业大学继续教育学院"]
    assert not match_unit_readings("新疆大学", readings, scores=[0.8, 0.8], sources=["a", "b"]).matched
    assert match_unit_readings("新疆农业大学继续教育学院", readings, scores=[0.8, 0.8], sources=["a", "b"]).matched


def test_a_place_set_where_two_lost_characters_were_is_no_namesakes_word():
    # stress seed 71 page 3: 库车市灌溉管理站 read 车市理站 surely; lined up with 灌溉管理站, the
    # place's 车市 stands where 灌溉 was lost — the unit's own characters, two places off
    m = match_unit_readings("库车市灌溉管理站", ["车市理站", "车市管理站"], sources=["red", "scan"],
                            scores=[0.99, 0.9], confs=[[0.99] * 4, [0.9] * 5])
    assert not m.contradicted
    # a namesake's word read surely still is one
    assert match_unit("阿克苏地区水利局", "阿克苏地区财政局", confs=[0.99] * 8).contradicted
    assert not match_unit("库车市灌溉管理站", "沙雅县灌溉管理站", confs=[0.99] * 8).matched
