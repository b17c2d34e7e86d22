"""Generate a set of pages with ground truth: ``generate_set(out_dir, n, seed, family)``.

Each page gets its own applicant, template, fonts and degradations, all drawn from
``random.Random(f"{seed}:{family}:{index}")``, so a seed always gives the same set. Every layout is
checked before it is rendered: the applicant's name must not appear anywhere on the page except
where it is tagged (as the applicant, or inside a trap name).
"""
from __future__ import annotations

import json
import random
from pathlib import Path

from . import content as C
from .layout import Layout
from .names import normalize
from .render import Degrade, encode_image, random_degrade, render_image, render_pdf
from .templates import FAMILIES, build_page

__all__ = ["generate_set", "render_page", "validate", "make_layout", "template_names"]

_NAME_KINDS = {"han": 45, "han_rare": 20, "uyghur": 35}


def template_names(family: str) -> list[str]:
    return list(FAMILIES()[family])


def validate(lay: Layout) -> None:
    """Raise ValueError when the page shows the applicant's name (dots and spaces ignored)
    anywhere it is not tagged, or tags a name as a non-trap that contains it."""
    target = normalize(lay.meta["name"])
    found = 0
    for op in lay.text_ops():
        chars = list(op.text)
        for sp in op.spans:
            t = normalize(sp.tok.text)
            if sp.tok.is_applicant:
                found += 1
            elif (target in t) != sp.tok.contains_applicant:
                raise ValueError(f"{sp.tok.text!r}: contains_applicant should be {target in t}")
            if sp.tok.is_applicant or sp.tok.contains_applicant:
                for i in range(sp.start, sp.end):
                    chars[i] = "\x00"
            else:  # a name that is not a trap must not be read as part of the applicant's
                for i in range(sp.start, sp.end):
                    chars[i] = "\x01" if i in (sp.start, sp.end - 1) else chars[i]
        if target in normalize("".join(chars)):
            raise ValueError(f"untagged applicant name in {op.text!r}")
    if not found:
        raise ValueError("the applicant's name is not on the page")
    # no name may be overprinted by other text (long names running into the next field)
    from . import fonts as F
    ops = [o for o in lay.text_ops() if o.text.strip()]
    rects = [(o.x, o.y - 0.85 * o.size, o.x + F.measure(o.text, o.font, o.size), o.y + 0.1 * o.size) for o in ops]
    for i, o in enumerate(ops):
        for sp in o.spans:
            x0 = o.x + F.measure(o.text[:sp.start], o.font, o.size)
            x1 = o.x + F.measure(o.text[:sp.end], o.font, o.size)
            r = (x0, o.y - 0.85 * o.size, x1, o.y + 0.1 * o.size)
            for j, q in enumerate(rects):
                if j != i and r[0] < q[2] - 0.5 and q[0] < r[2] - 0.5 and r[1] < q[3] - 0.5 and q[1] < r[3] - 0.5:
                    raise ValueError(f"{sp.tok.text!r} overlaps {ops[j].text!r}")


def make_layout(template: str, family: str, seed, pdf: bool = False, name_kind: str | None = None,
                applicant: C.Applicant | None = None, tries: int = 8) -> Layout:
    """A validated layout for ``template``; ``seed`` may be any hashable (it seeds
    ``random.Random``)."""
    err = None
    for k in range(tries):
        rng = random.Random(f"{seed}" if k == 0 else f"{seed}/{k}")
        app = applicant or C.make_applicant(rng, name_kind or rng.choices(list(_NAME_KINDS),
                                                                          weights=list(_NAME_KINDS.values()))[0])
        lay = build_page(template, family, rng, app, pdf=pdf)
        lay.meta["name_kind"] = app.person.kind
        lay.app = app
        try:
            validate(lay)
            return lay
        except ValueError as e:  # pragma: no cover - rare collisions, tried again
            err = e
    raise RuntimeError(f"could not lay out {template} ({seed}): {err}")


def render_page(template: str, seed=0, family: str = "main", dpi: int = 150, degrade: bool | Degrade = True,
                orientation: int = 0, name_kind: str | None = None):
    """One rendered page: (PIL image, ground-truth page dict). ``degrade=False`` gives the clean
    render (useful for tests of box tightness)."""
    lay = make_layout(template, family, seed, name_kind=name_kind)
    rng = random.Random(f"{seed}:degrade")
    if isinstance(degrade, Degrade):
        d = degrade
    elif degrade:
        d = random_degrade(rng, orientation)
    else:
        d = Degrade(orientation=orientation)
    return render_image(lay, dpi, d, seed=rng.randrange(1 << 30))


def generate_set(out_dir: str | Path, n: int = 60, seed: int = 1, family: str = "main", dpi: int = 150,
                 pdf_share: float = 0.15, rotate: bool = False, degrade: bool = True,
                 templates: list[str] | None = None, name_kinds: list[str] | None = None) -> dict:
    """Write ``n`` files (pages; a PDF may hold two) and ``ground_truth.json`` to ``out_dir``;
    returns the ground-truth document."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    master = random.Random(f"{seed}:{family}:plan")
    names = templates or template_names(family)
    order: list[str] = []
    while len(order) < n:
        block = names[:]
        master.shuffle(block)
        order += block
    pages: list[dict] = []
    for i in range(n):
        tpl = order[i]
        prng = random.Random(f"{seed}:{family}:{i}")
        kind = name_kinds[i % len(name_kinds)] if name_kinds else None
        is_pdf = prng.random() < pdf_share
        base = f"p{i:03d}_{tpl}"
        if is_pdf:
            pdf_kind = "text" if prng.random() < 0.6 else "scan"
            lay = make_layout(tpl, family, f"{seed}:{family}:{i}:layout", pdf=pdf_kind == "text", name_kind=kind)
            lays = [lay]
            if prng.random() < 0.25:  # a second page for the same applicant
                tpl2 = prng.choice([t for t in names if t != tpl] or names)
                lays.append(make_layout(tpl2, family, f"{seed}:{family}:{i}:layout2", pdf=pdf_kind == "text",
                                        applicant=lay.app))
            meta = None
            if prng.random() < 0.5:
                meta = {"author": lay.meta["name"], "title": f"{lay.meta['name']}{prng.choice(['职称申报材料', '附件', ''])}",
                        "subject": "职称申报"}
            degs = [random_degrade(prng, 0) for _ in lays] if (pdf_kind == "scan" and degrade) else None
            data, gts = render_pdf(lays, pdf_kind, dpi, degs, meta, seed=prng.randrange(1 << 30))
            fname = base + ".pdf"
            (out / fname).write_bytes(data)
            for pno, gt in enumerate(gts):
                gt["metadata_has_name"] = bool(meta)
                pages.append({"file": fname, "page": pno, **gt})
            continue
        lay = make_layout(tpl, family, f"{seed}:{family}:{i}:layout", name_kind=kind)
        orient = prng.choice([90, 180, 270]) if (rotate and prng.random() < 0.3) else 0
        d = random_degrade(prng, orient) if degrade else Degrade(orientation=orient)
        img, gt = render_image(lay, dpi, d, seed=prng.randrange(1 << 30))
        data, ext = encode_image(img, d.jpeg_quality, dpi)
        fname = f"{base}.{ext}"
        (out / fname).write_bytes(data)
        pages.append({"file": fname, "page": 0, **gt})
    doc = {"family": family, "seed": seed, "dpi": dpi, "generator": "samples.synth", "pages": pages}
    (out / "ground_truth.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
    return doc

