"""``masker check`` end to end (issue 4): the contract's JSON, verdicts on real documents, turned
pages, the Masker.check entry point and the text-layer shortcut."""
from __future__ import annotations

import json

import numpy as np
import pytest

from masker.compliance import testpages as tp
from masker.compliance.check import run_check
from masker.compliance.types import PAGE_CODES, PHOTO_CODES, CheckResult, PageCheck, PhotoCheck
from masker.ocr.base import NullEngine
from masker.results import Finding

needs_font = pytest.mark.skipif(not tp.have_cjk_font(), reason="no CJK font on this machine")


def test_to_dict_has_the_contract_fields():
    r = CheckResult(input="photo.jpg", expect="photo",
                    pages=[PageCheck(index=0, orientation=0, skew_deg=0.4, kind="photo", sharpness=0.82,
                                     findings=[Finding("BLURRY", "error", "模糊 / blurred")])],
                    photo=PhotoCheck(295, 413, "red", 1, [Finding("BACKGROUND_NOT_RED", "error", "x")]))
    d = r.to_dict()
    assert d["verdict"] == "fail" and d["input"] == "photo.jpg"
    p = d["pages"][0]
    assert {"index", "orientation", "skew_deg", "kind", "sharpness", "findings"} <= set(p)
    assert p["findings"][0] == {"code": "BLURRY", "severity": "error", "message": "模糊 / blurred"}
    assert {"width_px", "height_px", "background", "faces", "findings"} <= set(d["photo"])
    json.dumps(d, ensure_ascii=False)
    assert CheckResult(input="a", pages=[PageCheck(index=0)]).to_dict()["verdict"] == "pass"
    assert "photo" not in CheckResult(input="a", pages=[PageCheck(index=0)]).to_dict()
    warn_only = CheckResult(input="a", pages=[PageCheck(index=0, findings=[Finding("SKEWED", "warning", "w")])])
    assert warn_only.verdict == "pass"


def test_codes_are_the_contracts():
    assert set(PAGE_CODES) == {"NOT_UPRIGHT", "SKEWED", "BLURRY", "LOW_RESOLUTION", "PHOTO_NOT_DOCUMENT"}
    assert {"WRONG_ASPECT", "TOO_SMALL", "BACKGROUND_NOT_RED", "BACKGROUND_UNEVEN", "NO_FACE", "MULTIPLE_FACES",
            "FACE_OFF_CENTRE", "HEAD_TOO_SMALL", "HEAD_TOO_LARGE"} <= set(PHOTO_CODES)


def test_text_layer_pdf_page_needs_no_ocr():
    import pymupdf as fitz

    from masker import Masker

    doc = fitz.open()
    page = doc.new_page()
    page.insert_text((72, 72), "Certificate of employment", fontsize=12)
    data = doc.tobytes()
    m = Masker(engine=NullEngine())
    d = run_check(m, m.load(data, "t.pdf")).to_dict()
    assert d["verdict"] == "pass" and d["pages"][0]["sharpness"] == 1.0 and d["pages"][0]["kind"] == "document"


@pytest.mark.slow
def test_real_documents_pass(masker_real, realworld_dir):
    for key in ("docs/doc_staff_table_names.png", "docs/doc_iso_certificate_no_red_seal.png",
                "docs/doc_exam_paper_blank_name.jpg", "rotated/exif_orientation3_textline.jpg"):
        r = masker_real.check(realworld_dir / key)
        d = r.to_dict()
        assert d["verdict"] == "pass", (key, d)
        assert d["pages"][0]["kind"] == "document" and d["pages"][0]["orientation"] == 0


@pytest.mark.slow
def test_turned_page_is_not_upright(masker_real, realworld_dir):
    d = masker_real.check(realworld_dir / "rotated" / "rot90ccw_math_table.jpg").to_dict()
    assert d["verdict"] == "fail"
    p = d["pages"][0]
    assert p["orientation"] == 270
    f = next(f for f in p["findings"] if f["code"] == "NOT_UPRIGHT")
    assert f["severity"] == "error" and "270" in f["message"]
    # legibility measured upright all the same
    assert p["sharpness"] is not None and p["sharpness"] > 0.4


@pytest.mark.slow
@needs_font
def test_skewed_and_low_resolution_pages(masker_real):
    page = tp.render_page(11, layout="letter", text_px=20)
    d = masker_real.check(tp.encode_png(tp.scan_like(tp.tilt(page, -7.0)))).to_dict()
    p = d["pages"][0]
    assert p["skew_deg"] == pytest.approx(7.0, abs=0.8)
    assert [f["severity"] for f in p["findings"] if f["code"] == "SKEWED"] == ["error"]
    low = tp.downscale(page, 0.45)  # 150 dpi → about 68 dpi
    codes = {f["code"] for f in masker_real.check(tp.encode_png(low)).to_dict()["pages"][0]["findings"]}
    assert "LOW_RESOLUTION" in codes


def test_bad_expect_is_an_option_error():
    from masker import Masker
    from masker.errors import OptionError

    m = Masker(engine=NullEngine())
    with pytest.raises(OptionError):
        run_check(m, m.load(tp.encode_png(np.full((50, 50, 3), 255, np.uint8))), "poster")


@pytest.mark.slow
@needs_font
def test_legibility_of_an_analysed_page_for_audit(masker_real):
    from masker.compliance.legibility import legibility
    from masker.compliance.photo import classify_kind

    card = tp.render_page(12, layout="card", text_px=20)  # 24 px text on the card
    sharp = masker_real.analyse(masker_real.load(tp.encode_png(tp.scan_like(card))).pages[0])
    s, findings = legibility(sharp)
    assert s is not None and s > 0.5 and findings == []
    assert classify_kind(sharp.image, sharp.lines) == "document"
    img = tp.scan_like(tp.blur(card, 0.13 * 24))
    blurred = masker_real.analyse(masker_real.load(tp.encode_png(img)).pages[0])
    s2, f2 = legibility(blurred)
    assert s2 is not None and s2 < s and [f.code for f in f2] == ["BLURRY"]
