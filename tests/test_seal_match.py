"""Whose seal is it: tolerant comparison of read seal text with the applicant's unit (no OCR)."""
from __future__ import annotations

import pytest

from masker.seals.match import match_unit, match_unit_readings, normalise, strip_places


@pytest.mark.parametrize("unit, read", [
    ("阿克苏地区水利局", "阿克苏地区水利局"),
    ("新疆维吾尔自治区阿克苏地区水利局", "阿克苏地区水利局"),        # province dropped on the seal
    ("阿克苏地区水利局", "新疆维吾尔自治区阿克苏地区水利局"),        # ... or in the unit given
    ("阿克苏地区水利局", "水利局阿克苏地区"),                        # reading started mid-ring
    ("阿克苏地区水利局", "阿苏地区水利局"),                          # a character lost
    ("库车市灌溉管理站", "岸车市益溉管理站"),                        # two misread
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
