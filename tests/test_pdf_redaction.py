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


def _hostile_pdf(folder) -> bytes:
    """The name hidden everywhere a PDF can hold text besides the page: a note annotation, a form
    field, an embedded file (name and content), an outline entry — and an earlier revision kept by
    an incremental save (the name in the first version's metadata)."""
    doc = fitz.open(stream=make_pdf(), filetype="pdf")
    page = doc[0]
    page.add_text_annot((400, 60), f"{NAME} 本人材料")
    widget = fitz.Widget()
    widget.field_name = "applicant"
    widget.field_type = fitz.PDF_WIDGET_TYPE_TEXT
    widget.field_value = NAME
    widget.rect = fitz.Rect(72, 400, 300, 420)
    page.add_widget(widget)
    doc.embfile_add(f"{NAME}.txt", f"申报人：{NAME}".encode(), desc=f"{NAME} 附件")
    doc.set_toc([[1, f"{NAME} 在职证明", 1]])
    path = folder / "hostile.pdf"
    doc.save(path)
    doc.close()
    # an incremental update on top: the first revision (with everything above) stays in the bytes
    doc = fitz.open(path)
    doc.set_metadata({**{k: v for k, v in doc.metadata.items() if k not in ("format", "encryption")},
                      "subject": "修订"})
    doc.saveIncr()
    doc.close()
    return path.read_bytes()


def _every_string(pdf) -> str:
    """All decoded text of every object and stream, so a name in any dictionary or stream shows."""
    parts = []
    for x in range(1, pdf.xref_length()):
        try:
            parts.append(pdf.xref_object(x))
            if pdf.xref_is_stream(x):
                parts.append(pdf.xref_stream(x).decode("utf-8", "ignore"))
        except Exception:  # noqa: BLE001 - free or broken entries
            continue
    return "\n".join(parts)


def test_redact_leaves_no_name_in_annotations_fields_attachments_outline_or_history(text_masker, tmp_path):
    src = _hostile_pdf(tmp_path)
    assert fitz.open(stream=src, filetype="pdf").version_count == 2  # the test file really has history
    data, _ = text_masker.redact(src, NAME)
    out = fitz.open(stream=data, filetype="pdf")
    core = "阿不都热依木"
    assert out.version_count == 1, "the output was not rewritten from scratch"
    assert data.count(b"%%EOF") == 1
    assert not any(core in (a.info.get("content", "") + a.info.get("title", "")) for a in out[0].annots())
    assert not any(core in str(w.field_value or "") for w in out[0].widgets())
    for ename in out.embfile_names():
        assert core not in ename and core not in out.embfile_get(ename).decode("utf-8", "ignore")
    assert not any(core in t[1] for t in out.get_toc())
    everything = _every_string(out)
    hex_name = core.encode("utf-16-be").hex()
    assert core not in everything and hex_name not in everything.lower()
    # what is not the applicant's survives
    assert "艾合买提·阿不都热依木江" in out[0].get_text()
    out.close()
