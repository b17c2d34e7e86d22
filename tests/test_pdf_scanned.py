"""Scanned PDFs, with and without a hidden OCR text layer: after redaction the name can be read
neither from the rendered pixels nor from any text layer, and nothing else was erased."""
from __future__ import annotations

import json
from pathlib import Path

import pymupdf as fitz
import pytest

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "samples" / "demo"
PAGE = next(p for p in json.loads((DEMO / "ground_truth.json").read_text(encoding="utf-8"))["pages"]
            if p["file"] == "demo_employment_proof.png")
FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"


def scanned_pdf(hidden_text: bool) -> bytes:
    doc = fitz.open()
    page = doc.new_page(width=595, height=842)
    page.insert_image(page.rect, filename=str(DEMO / PAGE["file"]))
    if hidden_text:
        # an OCR layer as scanners write it: invisible text at the name's place on the picture
        page.insert_font(fontname="zh", fontfile=FONT)
        s = 595 / PAGE["width"]
        for n in PAGE["names"]:
            x0, y0, x1, y1 = (v * s for v in n["box"])
            page.insert_text((x0, y1), n["text"], fontname="zh", fontsize=(y1 - y0), render_mode=3)
    doc.set_metadata({"author": PAGE["name"]})
    data = doc.tobytes()
    doc.close()
    return data


@pytest.mark.slow
@pytest.mark.parametrize("hidden_text", [False, True])
def test_scanned_pdf_redaction(masker_real, hidden_text):
    src = scanned_pdf(hidden_text)
    data, res = masker_real.redact(src, PAGE["name"])
    assert res.pages[0].unit == "pt"
    assert len(res.pages[0].masks) >= len({n["occurrence"] for n in PAGE["names"]})
    out = fitz.open(stream=data, filetype="pdf")
    assert PAGE["name"] not in out[0].get_text()
    assert not out[0].search_for(PAGE["name"])
    assert PAGE["name"] not in " ".join(str(v) for v in out.metadata.values())
    out.close()
    # the pixels: OCR of the redacted page finds no occurrence of the name any more
    again = masker_real.propose(data, PAGE["name"])
    assert again.pages[0].masks == []
