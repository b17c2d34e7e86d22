"""Text-layer PDFs: exact boxes from the text layer, real redaction, nothing left behind."""
from __future__ import annotations

import pymupdf as fitz
import pytest

from masker import Masker
from masker.finders.name import NameFinder

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NAME = "艾合买提·阿不都热依木"


def make_pdf() -> bytes:
    doc = fitz.open()
    page = doc.new_page(width=595, height=842)
    page.insert_font(fontname="zh", fontfile=FONT)
    rows = [
        "在职证明",
        f"兹证明{NAME}同志系我单位职工，现任水利工程师。",
        "身份证号：652901198503150000，参加工作时间：2008年7月。",
        "作者：艾合买提·阿不都热依木江，王明，张伟华",
        "单位负责人：李建国        经办人：王芳",
    ]
    for i, t in enumerate(rows):
        page.insert_text((72, 100 + i * 22), t, fontname="zh", fontsize=12)
    doc.set_metadata({"author": NAME, "title": f"{NAME} 在职证明", "subject": "证明"})
    doc.set_xml_metadata(f"<x:xmpmeta xmlns:x='adobe:ns:meta/'><dc>{NAME}</dc></x:xmpmeta>")
    data = doc.tobytes()
    doc.close()
    return data


@pytest.fixture(scope="module")
def text_masker():
    # text-layer pages need no OCR: a null engine proves it
    return Masker(engine="null", finders=[NameFinder()])


def test_propose_uses_text_layer(text_masker):
    res = text_masker.propose(make_pdf(), NAME)
    page = res.pages[0]
    assert page.unit == "pt" and page.source == "text_layer"
    assert [m.text for m in page.masks] == [NAME]
    assert [k.text for k in page.kept] == ["艾合买提·阿不都热依木江"]
    x0, y0, x1, y1 = page.masks[0].box
    assert 9 < y1 - y0 < 16  # one 12-pt line plus a small margin


def test_redact_removes_text_and_metadata_keeps_neighbours(text_masker):
    data, res = text_masker.redact(make_pdf(), NAME)
    out = fitz.open(stream=data, filetype="pdf")
    text = out[0].get_text()
    assert "兹证明" in text and "同志系我单位职工" in text
    assert "阿不都热依木同志" not in text
    # the other person's longer name and the neighbouring lines survive intact
    assert "艾合买提·阿不都热依木江" in text
    assert "身份证号：652901198503150000" in text
    assert "单位负责人：李建国" in text
    meta = " ".join(str(v) for v in out.metadata.values())
    assert "阿不都热依木" not in meta
    assert "阿不都热依木" not in (out.get_xml_metadata() or "")
    assert not out[0].search_for("合买提·阿不都热依木同")
    out.close()
