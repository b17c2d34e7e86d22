"""``python -m samples.synth --out DIR --n 60 --seed 1 --family main|independent``"""
from __future__ import annotations

import argparse
import sys
import time

from .generate import generate_set, template_names


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m samples.synth",
                                 description="Render synthetic attachment scans with exact ground truth.")
    ap.add_argument("--out", required=True, help="output folder (files + ground_truth.json)")
    ap.add_argument("--n", type=int, default=60, help="number of files (default 60)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--family", choices=["main", "independent"], default="main")
    ap.add_argument("--dpi", type=int, default=150, help="150 (default) or 300")
    ap.add_argument("--pdf-share", type=float, default=0.15, help="share of files written as PDF (default 0.15)")
    ap.add_argument("--rotate", action="store_true", help="turn about 30%% of the images by 90/180/270")
    ap.add_argument("--clean", action="store_true", help="no scan degradations")
    ap.add_argument("--templates", help="comma-separated subset of: " + ", ".join(
        template_names("main") + template_names("independent")))
    a = ap.parse_args(argv)
    t0 = time.time()
    doc = generate_set(a.out, a.n, a.seed, a.family, a.dpi, a.pdf_share, a.rotate, not a.clean,
                       a.templates.split(",") if a.templates else None)
    n_names = sum(len(p["names"]) for p in doc["pages"])
    print(f"{len(doc['pages'])} pages, {n_names} name boxes -> {a.out}/ground_truth.json "
          f"({time.time() - t0:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
