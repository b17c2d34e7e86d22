"""SignatureFinder: the applicant's own signature next to their signing labels is masked, other
people's signatures are kept; pages without signing labels cost nothing."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from masker.finders.base import PageContext, Query
from masker.finders.signature import _RE_LABEL, SignatureFinder, reads_as_name
from masker.io import PageSource
from masker.ocr.base import Char, TextLine


@pytest.mark.parametrize("text, kind", [
    ("本人签字：", "own"), ("申报人（签字）：", "own"), ("承诺人：", "own"), ("本人签名", "own"),
    ("签名：", "generic"), ("单位负责人：", "other"), ("负责人（签名）：", "other"), ("审核人：", "other"),
    ("经办人：", "other"), ("法定代表人（签章）：", "other"),
])
def test_labels(text, kind):
    m = [(x.lastgroup or "").rstrip("2") for x in _RE_LABEL.finditer(text)]
    assert m == [kind]


@pytest.mark.parametrize("text", ["经本人签字确认后生效", "日期：2024年7月1日", "申报材料真实有效"])
def test_running_text_is_not_a_label(text):
    assert list(_RE_LABEL.finditer(text)) == []


def test_reads_as_name():
    assert reads_as_name("张伟", "张伟")
    assert reads_as_name("艾合买提阿不都热依木", "艾合买提·阿不都热依木")
    assert reads_as_name("王文志", "王文忠")           # one misread character in a 3-char name
    assert not reads_as_name("王文", "王文忠")
    assert not reads_as_name("李强", "张伟")


def _line(text, x0, y0, ch=24.0):
    chars = [Char(c, (x0 + i * ch, y0, x0 + (i + 1) * ch, y0 + ch), 0.99) for i, c in enumerate(text)]
    return TextLine.from_chars(chars, "ocr")


def test_page_without_labels_never_touches_the_image():
    class NoImage(PageContext):
        @property
        def image(self):
            raise AssertionError("the image is not needed without signing labels")

    lines = [_line("关于公布评审结果的通知", 100, 100), _line("申报材料真实有效", 100, 200)]
    ctx = NoImage(page=PageSource(0, 1240, 1754, "px"), raster=None, lines=lines, width=1240, height=1754)
    assert SignatureFinder().find(ctx, Query("张伟")).masks == []


def test_handwriting_in_an_own_slot_is_masked_and_others_kept():
    """A drawn page: 本人签字： with ink after it, 审核人：（签名） with ink after it."""
    import cv2

    img = np.full((600, 900, 3), 255, np.uint8)
    lines = [_line("本人签字：", 100, 100), _line("审核人签名：", 100, 300)]
    for y0 in (100, 300):   # scribbles right of each label (not OCR'd, like most signatures)
        pts = np.array([[250, y0 + 20], [275, y0 - 5], [300, y0 + 25], [330, y0 - 8], [360, y0 + 22]], np.int32)
        cv2.polylines(img, [pts], False, (30, 30, 30), 3)
    ctx = PageContext(page=PageSource(0, 900, 600, "px", _image=img), raster=img, lines=lines,
                      width=900, height=600)
    out = SignatureFinder().find(ctx, Query("张伟"))
    assert len(out.masks) == 1 and out.masks[0].kind == "signature"
    x0, y0, x1, y1 = out.masks[0].box
    assert 240 <= x0 <= 252 and x1 >= 360 and y0 <= 92 and y1 >= 124
    assert [k.kind for k in out.kept] == ["other_signature"]


@pytest.mark.slow
def test_generated_signatures(masker_real, tmp_path, repo_dir):
    """Generated 承诺书 and 考核表: the applicant's signatures masked, other people's not."""
    subprocess.run([sys.executable, "-m", "samples.synth", "--out", str(tmp_path), "--n", "2", "--seed", "5",
                    "--templates", "commitment,assessment", "--pdf-share", "0"], check=True, cwd=repo_dir,
                   capture_output=True)
    gt = json.loads((tmp_path / "ground_truth.json").read_text(encoding="utf-8"))
    finder = SignatureFinder()
    own_n = own_ok = other_masked = 0
    for p in gt["pages"]:
        doc = masker_real.load(tmp_path / p["file"])
        ctx = masker_real.analyse(doc.pages[0])
        out = finder.find(ctx, Query(p["name"], p.get("unit_name")))
        for s in p.get("signatures", []):
            b = s["box"]
            covered = [m for m in out.masks if m.box[0] <= b[0] + 3 and m.box[1] <= b[1] + 3
                       and m.box[2] >= b[2] - 3 and m.box[3] >= b[3] - 3]
            if s["own"]:
                own_n += 1
                own_ok += bool(covered)
            else:
                other_masked += any(min(m.box[2], b[2]) > max(m.box[0], b[0]) and
                                    min(m.box[3], b[3]) > max(m.box[1], b[1]) for m in out.masks)
        for m in out.masks:  # tight: a signature, not a paragraph
            assert (m.box[2] - m.box[0]) * (m.box[3] - m.box[1]) < 0.01 * ctx.width * ctx.height
    assert own_n >= 2 and own_ok == own_n
    assert other_masked == 0
