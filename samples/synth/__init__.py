"""Synthetic attachment scans with exact ground truth (the benchmark and test pages of masker).

    from samples.synth import generate_set, render_page
    generate_set("out/synth", n=60, seed=1, family="main")
    img, gt = render_page("employment_proof", seed=3)

or ``python -m samples.synth --out DIR --n 60 --seed 1 --family main``. See samples/README.md for
the ground-truth format.
"""
from .generate import generate_set, make_layout, render_page, template_names, validate
from .render import Degrade, random_degrade, render_image, render_pdf

__all__ = ["generate_set", "render_page", "make_layout", "template_names", "validate", "render_image",
           "render_pdf", "Degrade", "random_degrade"]
