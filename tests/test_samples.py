"""The synthetic page generator (samples.synth): determinism, exact ground truth, traps, PDFs.

Fast: no OCR. Clean renders (no degradation) are compared with renders that leave the
applicant's name out, so the pixels that make up the name are known independently of the
ground-truth code.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from samples.synth import generate_set, make_layout, render_image, render_page, render_pdf, template_names  # noqa: E402
from samples.synth import names as N  # noqa: E402
from samples.synth.render import Degrade, items_to_gt, rasterize  # noqa: E402

MAIN = template_names("main")
INDEP = template_names("independent")


def _img_arr(img) -> np.ndarray:
    return np.asarray(img.convert("RGB"), dtype=np.int16)


# ----------------------------------------------------------------------------- names
def test_traps_contain_the_applicant():
    rng = random.Random(0)
    traps = dict((k, t) for t, k in N.traps_for("张伟", rng))
    assert traps["suffix"].startswith("张伟") and len(traps["suffix"]) == 3
    assert traps["prefix"].endswith("张伟") and len(traps["prefix"]) == 3
    t, kind = N.traps_for("古丽米拉·买买提", rng)[0]
    assert kind == "patronymic" and t.startswith("古丽米拉·买买提") and len(t) > len("古丽米拉·买买提")
    kinds = {k for _, k in N.traps_for("马建国", rng)}
    assert {"compound", "contained"} <= kinds  # 司马建国 contains it, 马建 is contained in it


def test_other_people_never_collide_with_the_applicant():
    rng = random.Random(1)
    for app in ["张伟", "王建国", "古丽米拉·买买提", "李喆"]:
        others = N.other_people(rng, app, 40)
        assert len(set(others)) == 40
        a = N.normalize(app)
        for o in others:
            assert a not in N.normalize(o) and N.normalize(o) not in a


def test_name_pools():
    rng = random.Random(2)
    kinds = {N.random_person(rng).kind for _ in range(200)}
    assert kinds == {"han", "han_rare", "uyghur"}
    ug = N.uyghur_name(rng)[0]
    assert "·" in ug
    assert any(c in N.RARE_CHARS for c in N.rare_han_name(rng))
    assert {N.written("阿依古丽·吐尔逊", random.Random(s))[4] for s in range(60)} > {"·"}


# ----------------------------------------------------------------------------- determinism
def test_render_is_deterministic():
    a_img, a_gt = render_page("employment_proof", seed=11)
    b_img, b_gt = render_page("employment_proof", seed=11)
    assert a_gt == b_gt
    assert np.array_equal(np.asarray(a_img), np.asarray(b_img))
    c_img, c_gt = render_page("employment_proof", seed=12)
    assert c_gt != a_gt


def test_generate_set_is_deterministic(tmp_path):
    d1 = generate_set(tmp_path / "a", n=3, seed=5, family="main", pdf_share=0.0)
    d2 = generate_set(tmp_path / "b", n=3, seed=5, family="main", pdf_share=0.0)
    assert d1 == d2
    for p in d1["pages"]:
        assert (tmp_path / "a" / p["file"]).read_bytes() == (tmp_path / "b" / p["file"]).read_bytes()
    saved = json.loads((tmp_path / "a" / "ground_truth.json").read_text(encoding="utf-8"))
    assert saved["family"] == "main" and saved["seed"] == 5 and len(saved["pages"]) == 3


# ----------------------------------------------------------------------------- exact boxes
def _name_coverage(lay, dpi=150):
    """Estimated glyph coverage (0..1) of the applicant's name per pixel, from two renders."""
    with_name, items = rasterize(lay, dpi)
    without, _ = rasterize(lay, dpi, skip_applicant=True)
    a, b = _img_arr(with_name), _img_arr(without)
    cov = (b - a) / np.maximum(b - 20, 1)
    return cov.max(axis=2), with_name, items


@pytest.mark.parametrize("family,template", [("main", t) for t in MAIN] + [("independent", t) for t in INDEP])
def test_name_boxes_are_exact(family, template):
    lay = make_layout(template, family, f"exact-{template}", name_kind=["han", "uyghur", "han_rare"][len(template) % 3])
    cov, img, items = _name_coverage(lay)
    W, H = img.size
    gt = {"width": W, "height": H, **items_to_gt(items, W, H)}
    assert gt["width"] == W and gt["height"] == H
    assert gt["names"], "the applicant's name is on every page"
    inside = np.zeros(cov.shape, bool)
    for e in gt["names"]:
        x0, y0, x1, y1 = e["box"]
        assert 0 <= x0 < x1 <= W and 0 <= y0 < y1 <= H
        assert all(isinstance(v, int) for v in e["box"])
        box = cov[y0:y1, x0:x1]
        # on ink: every edge of the box touches the name's glyphs (the box is tight)
        assert box[0].max() > 0.1 and box[-1].max() > 0.1, e
        assert box[:, 0].max() > 0.1 and box[:, -1].max() > 0.1, e
        assert (box > 0.5).mean() > 0.08, e  # and it is mostly ink, not air
        inside[y0:y1, x0:x1] = True
        ys, xs = np.nonzero(np.asarray(img.convert("L"))[y0:y1, x0:x1] < 130)
        assert len(xs) > 10  # dark enough to read
    # every solid pixel of the name lies in a box
    assert not ((cov > 0.4) & ~inside).any()


def test_other_names_and_traps_are_boxed():
    lay = make_layout("roster", "main", "traps-roster", name_kind="han")
    _, gt = render_image(lay, 150, Degrade(), seed=0)
    assert len(gt["other_names"]) >= 10
    # a roster names everyone in the 姓名 column: every row but the applicant's is an other name
    traps = [e for e in gt["other_names"] if e["contains_applicant"]]
    name = gt["name"]
    for e in traps:
        assert name in "".join(e["full"].split())
    found_trap = False
    for seed in range(8):
        lay = make_layout("roster", "main", f"traps-{seed}", name_kind="han")
        _, gt = render_image(lay, 150, Degrade(), seed=0)
        found_trap |= any(e["contains_applicant"] for e in gt["other_names"])
    assert found_trap


def test_broken_and_padded_names():
    broken = padded = 0
    for seed in range(12):
        for tpl in ("employment_proof", "assessment"):
            lay = make_layout(tpl, "main", f"bp-{seed}", name_kind="uyghur" if seed % 2 else "han2")
            _, gt = render_image(lay, 150, Degrade(), seed=0)
            occ = {}
            for e in gt["names"]:
                occ.setdefault(e["occurrence"], []).append(e)
            for parts in occ.values():
                if len(parts) > 1:
                    assert all(p["broken"] for p in parts)
                    assert "".join(p["text"] for p in parts) == parts[0]["full"]
                    assert parts[1]["box"][1] > parts[0]["box"][1]  # on the next line
                    broken += 1
            padded += sum(e["padded"] for e in gt["names"])
    assert broken >= 2 and padded >= 1


def test_rotation_moves_boxes_with_the_page():
    lay = make_layout("commitment", "main", "rot", name_kind="han")
    _, up = render_image(lay, 150, Degrade(), seed=0)
    for o in (90, 180, 270):
        img, gt = render_image(lay, 150, Degrade(orientation=o), seed=0)
        W, H = up["width"], up["height"]
        assert gt["orientation"] == o
        assert (gt["width"], gt["height"]) == ((H, W) if o in (90, 270) else (W, H))
        for a, b in zip(up["names"], gt["names"]):
            x0, y0, x1, y1 = a["box"]
            want = {90: [H - y1, x0, H - y0, x1], 180: [W - x1, H - y1, W - x0, H - y0],
                    270: [y0, W - x1, y1, W - x0]}[o]
            assert b["box"] == want


def test_degraded_page_boxes_follow_the_skew():
    lay = make_layout("employment_proof", "main", "skew", name_kind="han")
    _, flat = render_image(lay, 150, Degrade(), seed=0)
    _, skew = render_image(lay, 150, Degrade(angle=1.8, blur=0.6, noise=3, jpeg_quality=70), seed=0)
    for a, b in zip(flat["names"], skew["names"]):
        ca = ((a["box"][0] + a["box"][2]) / 2, (a["box"][1] + a["box"][3]) / 2)
        cb = ((b["box"][0] + b["box"][2]) / 2, (b["box"][1] + b["box"][3]) / 2)
        assert abs(ca[0] - cb[0]) < 40 and abs(ca[1] - cb[1]) < 40
        assert b["box"][3] - b["box"][1] >= a["box"][3] - a["box"][1]  # a turned box is taller


def test_seals_and_signatures():
    lay = make_layout("commitment", "main", "sig", name_kind="han")
    _, gt = render_image(lay, 150, Degrade(), seed=0)
    own = [s for s in gt["signatures"] if s["own"]]
    assert own and own[0]["text"] == gt["name"]
    lay = make_layout("employment_proof", "main", "seal")
    _, gt = render_image(lay, 150, Degrade(), seed=0)
    from samples.synth.render import seals_module
    if seals_module() is not None:
        assert any(s["own"] and s["text"] == gt["unit_name"] for s in gt["seals"])
    lay = make_layout("cont_edu", "main", "seal2")
    _, gt = render_image(lay, 150, Degrade(), seed=0)
    if seals_module() is not None:
        assert gt["seals"] and not any(s["own"] for s in gt["seals"])


# ----------------------------------------------------------------------------- PDF
def test_text_pdf_has_names_at_the_boxes():
    pymupdf = pytest.importorskip("pymupdf")
    lays = [make_layout("employment_proof", "main", "pdf1", pdf=True, name_kind="uyghur"),
            make_layout("minutes", "independent", "pdf2", pdf=True, name_kind="han")]
    data, gts = render_pdf(lays, "text", metadata={"author": lays[0].meta["name"], "title": "在职证明"})
    doc = pymupdf.open("pdf", data)
    assert doc.page_count == 2 and lays[0].meta["name"] in doc.metadata["author"]
    for pno, gt in enumerate(gts):
        page = doc[pno]
        assert gt["unit"] == "pt" and gt["pdf_kind"] == "text"
        assert gt["names"]
        for e in gt["names"] + gt["other_names"]:
            r = pymupdf.Rect(e["box"])
            assert page.rect.contains(r)
            got = page.get_textbox(r + (0.5, 0.5, -0.5, -0.5))
            assert "".join(got.split()) == "".join(e["text"].split()), (got, e)


def test_scanned_pdf_boxes_in_points():
    pymupdf = pytest.importorskip("pymupdf")
    lay = make_layout("assessment", "main", "scan1")
    data, gts = render_pdf([lay], "scan", dpi=150)
    doc = pymupdf.open("pdf", data)
    page = doc[0]
    assert not page.get_text().strip()  # a scan: no text layer
    gt = gts[0]
    assert gt["pdf_kind"] == "scan" and gt["unit"] == "pt"
    assert abs(gt["width"] - page.rect.width) < 0.5 and abs(gt["height"] - page.rect.height) < 0.5
    for e in gt["names"]:
        assert page.rect.contains(pymupdf.Rect(e["box"]))


# ----------------------------------------------------------------------------- CLI and demo
def test_cli(tmp_path):
    out = tmp_path / "set"
    r = subprocess.run([sys.executable, "-m", "samples.synth", "--out", str(out), "--n", "2", "--seed", "3",
                        "--family", "independent", "--pdf-share", "0"], cwd=ROOT, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    gt = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert gt["family"] == "independent" and len(gt["pages"]) == 2
    for p in gt["pages"]:
        assert (out / p["file"]).exists()
        for key in ("names", "other_names", "seals", "signatures", "name", "unit_name", "template",
                    "width", "height", "unit", "dpi", "orientation"):
            assert key in p


def test_demo_samples():
    demo = ROOT / "samples" / "demo"
    gt = json.loads((demo / "ground_truth.json").read_text(encoding="utf-8"))
    files = {p["file"] for p in gt["pages"]}
    assert 3 <= len(files) <= 5
    for f in files:
        assert (demo / f).stat().st_size < 250_000
