"""Name-masking accuracy and speed: masker propose vs plain full-page OCR + str.find, on the
project's generated set ("main") and an independent set rendered with other templates and fonts.

    python benchmarks/bench_names.py --n 40 [--no-baseline]

Prints a markdown table (the numbers in README come from here).
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import HEADER, REPO, Score, generate

from masker import Masker
from masker.io import load


def run_family(family: str, n: int, seed: int, masker: Masker, baseline, out_root: Path, verbose: bool):
    gt = generate(out_root / f"{family}-{seed}-{n}", family, n, seed)
    folder = out_root / f"{family}-{seed}-{n}"
    ours, base = Score(), Score()
    for page in gt["pages"]:
        path = folder / page["file"]
        doc = load(path)
        try:
            src = doc.pages[page.get("page", 0)]
            from masker.finders.base import Query

            query = Query(page["name"], page.get("unit_name"))
            t0 = time.perf_counter()
            ctx = masker.analyse(src, query)
            res = masker.propose_page(ctx, query)
            dt = time.perf_counter() - t0
            ours.add_page(page, [m.box for m in res.masks if m.kind == "name"], dt)
            if baseline is not None and src.unit == "px":
                t0 = time.perf_counter()
                boxes = baseline.find(src.image, page["name"])
                base.add_page(page, boxes, time.perf_counter() - t0)
        finally:
            doc.close()
    if verbose:
        print(f"{family}: misses {ours.misses[:20]}\n{family}: false masks {ours.false_masks[:20]}")
    return ours, base


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--families", default="main,independent")
    ap.add_argument("--no-baseline", action="store_true")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "out"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    from masker.finders.name import NameFinder

    masker = Masker(finders=[NameFinder()])
    baseline = None
    if not args.no_baseline:
        from baseline import PlainOcrBaseline

        baseline = PlainOcrBaseline()
    print(HEADER)
    for fam in args.families.split(","):
        ours, base = run_family(fam, args.n, args.seed, masker, baseline, Path(args.out), args.verbose)
        print(ours.row(f"masker propose ({fam})"))
        if baseline is not None:
            print(base.row(f"plain OCR + str.find ({fam}, images only)"))


if __name__ == "__main__":
    main()
