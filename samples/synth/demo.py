"""Rebuild the committed demo files in samples/demo: ``python -m samples.synth.demo [OUT]``.

Four small files with their ground truth: an employment proof (Han name, own seal, PNG), a
roster (Uyghur name with a trap next to it, JPEG), a commitment letter as a text-layer PDF (the
applicant's name also in the PDF metadata) and a training sign-in sheet from the independent family
(handwritten signatures, JPEG).
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from PIL import Image

from .generate import make_layout
from .render import Degrade, encode_image, render_image, render_pdf

DEMO = Path(__file__).resolve().parents[1] / "demo"


def _first(template: str, family: str, kind: str, want, tries: int = 40, pdf: bool = False):
    for s in range(tries):
        lay = make_layout(template, family, f"demo-{template}-{s}", pdf=pdf, name_kind=kind)
        _, gt = render_image(lay, 150, Degrade(), seed=0)
        if want(gt):
            return lay
    raise RuntimeError(f"no demo layout for {template}")


def make_demo(out: Path = DEMO) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    pages = []
    # 1. employment proof, Han name, own seal, light scan look; PNG
    lay = _first("employment_proof", "main", "han", lambda g: len(g["names"]) >= 2 and g["seals"])
    img, gt = render_image(lay, 150, Degrade(angle=0.6, tint=(250, 248, 242), contrast=0.97), seed=1)
    # the lower half of a proof letter is blank paper: crop it (boxes keep the same origin)
    bottom = max(e["box"][3] for k in ("names", "other_names", "seals") for e in gt[k]) + 120
    img = img.crop((0, 0, img.width, min(img.height, bottom)))
    gt["height"] = img.height
    gt["cropped"] = True
    f = "demo_employment_proof.png"
    img.quantize(128, method=Image.Quantize.MEDIANCUT).save(out / f, optimize=True, dpi=(150, 150))
    pages.append({"file": f, "page": 0, **gt})
    # 2. roster with a Uyghur applicant and a trap next to them; JPEG
    lay = _first("roster", "main", "uyghur",
                 lambda g: any(e["contains_applicant"] for e in g["other_names"]) and any(e["broken"] for e in g["names"]))
    d = Degrade(angle=-1.2, blur=0.6, noise=2.5, tint=(248, 246, 238), contrast=0.95, brightness=-4, jpeg_quality=70)
    img, gt = render_image(lay, 150, d, seed=2)
    data, ext = encode_image(img, d.jpeg_quality)
    f = f"demo_roster_uyghur_trap.{ext}"
    (out / f).write_bytes(data)
    pages.append({"file": f, "page": 0, **gt})
    # 3. commitment letter as a text-layer PDF, the name in the metadata too
    lay = _first("commitment", "main", "han_rare", lambda g: len(g["names"]) >= 2, pdf=True)
    name = lay.meta["name"]
    data, gts = render_pdf([lay], "text", metadata={"author": name, "title": f"{name}个人承诺书"})
    f = "demo_commitment_text.pdf"
    (out / f).write_bytes(data)
    for pno, g in enumerate(gts):
        g["metadata_has_name"] = True
        pages.append({"file": f, "page": pno, **g})
    # 4. independent family: sign-in sheet with signatures; JPEG
    lay = _first("signin", "independent", "han2", lambda g: any(s["own"] for s in g["signatures"]))
    d = Degrade(angle=0.9, blur=0.4, noise=2.0, tint=(252, 250, 244), jpeg_quality=72)
    img, gt = render_image(lay, 150, d, seed=4)
    data, ext = encode_image(img, d.jpeg_quality)
    f = f"demo_signin_independent.{ext}"
    (out / f).write_bytes(data)
    pages.append({"file": f, "page": 0, **gt})
    doc = {"family": "demo", "seed": 0, "dpi": 150, "generator": "samples.synth.demo", "pages": pages}
    (out / "ground_truth.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return doc


if __name__ == "__main__":
    random.seed(0)
    make_demo(Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO)
