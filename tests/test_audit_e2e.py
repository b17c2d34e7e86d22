"""End-to-end audit with the real OCR engine on a rendered page: masked variants built from real
``propose`` output, judged with and without the original, and the ``masker audit`` command line."""
from __future__ import annotations

import json

import cv2
import pytest

from masker.audit import run_audit
from masker.audit.pipeline import view_of
from masker.audit.testpages import build_variants, encode, fonts, make_page
from masker.finders.base import Query

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not fonts(), reason="no CJK font")]

NAME = "张伟"


@pytest.fixture(scope="module")
def cache() -> dict:
    return {}


@pytest.fixture(scope="module")
def setup(masker_real, cache):
    page = make_page(11, name=NAME, photo=True, shaded_header=True)
    q = Query(page.name, page.unit)
    orig = masker_real.load(encode(page.image, ".png"), "orig.png")
    v = view_of(masker_real, orig, orig.pages[0], q, cache)
    prop = masker_real.propose_page(v.ctx, q)
    masks = [(m.kind, tuple(m.box)) for m in prop.masks]
    assert sum(k == "name" for k, _ in masks) >= 3, masks
    others = [(it.box, it.text, it.role == "trap") for it in page.items if it.role in ("other", "trap")]
    variants = {v.kind: v for v in build_variants(page.image, masks, others, seed=5, name=page.name,
                                                  styles=("solid", "grey", "mosaic"))}
    return page, q, orig, variants, masks


def audit(masker, image, q, orig=None, cache=None, name="masked.jpg", **kw):
    doc = masker.load(encode(image, ".jpg", 85), name)
    return run_audit(masker, doc, q, original=orig, cache=cache, **kw)


def codes(res, severity="error"):
    return {f.code for p in res.pages for f in p.findings if f.severity == severity}


def boxes_of(res, code):
    return [f.box for p in res.pages for f in p.findings if f.code == code]


def centre_in(box, target, grow=0.3):
    h = target[3] - target[1]
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return target[0] - grow * h <= cx <= target[2] + grow * h and target[1] - grow * h <= cy <= target[3] + grow * h


def test_correct_masking_passes_with_and_without_original(masker_real, setup, cache):
    page, q, orig, variants, _ = setup
    v = variants["correct"]
    for o in (None, orig):
        res = audit(masker_real, v.image, q, o, cache)
        assert res.verdict == "pass", [(f.code, f.message) for p in res.pages for f in p.findings]
        d = res.to_dict()
        assert d["pages"][0]["masks_found"], "the masks themselves must be found"
        assert all(m["style"] in ("solid", "white", "mosaic", "blur", "scribble") for m in d["pages"][0]["masks_found"])


def test_name_left_visible(masker_real, setup, cache):
    page, q, orig, variants, _ = setup
    v = variants["left"]
    target = v.targets["NAME_VISIBLE"][0]
    for o in (None, orig):
        res = audit(masker_real, v.image, q, o, cache)
        assert codes(res) == {"NAME_VISIBLE"}
        assert any(centre_in(b, target) for b in boxes_of(res, "NAME_VISIBLE"))
        assert all(NAME not in f.message for p in res.pages for f in p.findings)


def test_only_surname_masked_is_partly_visible(masker_real, setup, cache):
    page, q, orig, variants, _ = setup
    v = variants["partly"]
    for o in (None, orig):
        res = audit(masker_real, v.image, q, o, cache)
        assert codes(res) == {"NAME_PARTLY_VISIBLE"}, [(f.code, f.box) for p in res.pages for f in p.findings]
        assert any(centre_in(b, v.targets["NAME_PARTLY_VISIBLE"][0]) for b in boxes_of(res, "NAME_PARTLY_VISIBLE"))


def test_other_name_masked_needs_the_original(masker_real, setup, cache):
    page, q, orig, variants, _ = setup
    v = variants["other"]
    res = audit(masker_real, v.image, q, orig, cache)
    assert codes(res) == {"OTHER_NAME_MASKED"}
    msgs = [f.message for p in res.pages for f in p.findings if f.code == "OTHER_NAME_MASKED"]
    assert msgs and all(NAME not in m for m in msgs)
    assert any(centre_in(b, v.targets["OTHER_NAME_MASKED"][0]) for b in boxes_of(res, "OTHER_NAME_MASKED"))
    res = audit(masker_real, v.image, q, None, cache)
    assert res.verdict == "pass"  # without the original nobody can tell


def test_oversized_mask(masker_real, setup, cache):
    page, q, orig, variants, _ = setup
    v = variants["large"]
    res = audit(masker_real, v.image, q, None, cache)
    assert "MASK_TOO_LARGE" in codes(res)
    assert any(centre_in(b, v.targets["MASK_TOO_LARGE"][0]) for b in boxes_of(res, "MASK_TOO_LARGE"))


def test_own_seal_left_visible(masker_real, setup, cache):
    page, q, orig, variants, masks = setup
    if "seal" not in variants:
        pytest.skip("the seal finder did not propose the seal on this page")
    res = audit(masker_real, variants["seal"].image, q, orig, cache)
    assert codes(res) == {"OWN_SEAL_VISIBLE"}


def test_turned_page_is_not_upright(masker_real, setup, cache):
    page, q, orig, variants, _ = setup
    img = cv2.rotate(variants["correct"].image, cv2.ROTATE_90_CLOCKWISE)
    res = audit(masker_real, img, q, None, cache, name="turned.jpg")
    assert "NOT_UPRIGHT" in codes(res)
    # boxes stay in the file's own frame
    h, w = img.shape[:2]
    for p in res.pages:
        for m in p.masks_found:
            assert 0 <= m.box[0] < m.box[2] <= w + 1 and 0 <= m.box[1] < m.box[3] <= h + 1


def test_cli_exit_codes_json_and_annotation(masker_real, setup, tmp_path, monkeypatch):
    from masker import cli

    monkeypatch.setattr(cli, "_masker", lambda args: masker_real)
    page, q, orig, variants, _ = setup
    good = tmp_path / "good.png"
    bad = tmp_path / "left.png"
    good.write_bytes(encode(variants["correct"].image, ".png"))
    bad.write_bytes(encode(variants["left"].image, ".png"))
    ann = tmp_path / "ann.png"
    assert cli.run(["audit", str(good), "--name", NAME, "--unit", page.unit]) == 0
    import io
    from contextlib import redirect_stdout

    buf = io.StringIO()
    with redirect_stdout(buf):
        rc = cli.run(["audit", str(bad), "--name", NAME, "--json", "--annotate", str(ann)])
    assert rc == 1
    d = json.loads(buf.getvalue())
    assert d["verdict"] == "fail" and d["input"] == "left.png"
    assert {"index", "masks_found", "findings"} <= set(d["pages"][0])
    assert any(f["code"] == "NAME_VISIBLE" and f["severity"] == "error" for f in d["pages"][0]["findings"])
    img = cv2.imread(str(ann))
    assert img is not None and img.shape[1] >= 400
    # red was drawn (an error) on the annotated page
    assert ((img[..., 2] > 180) & (img[..., 1] < 80) & (img[..., 0] < 80)).sum() > 50
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    assert cli.run(["audit", str(empty), "--name", NAME]) == 2
