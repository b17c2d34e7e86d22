"""The seal stage alone (``SealFinder.find``) on the stress pages of one seed, seconds a page.

``bench_seals.py`` gives the stage's share of a page's time; this compares the stage of two
versions of the code side by side. The pages are analysed once (OCR), then the stage runs over
all of them ``--repeat`` times; run each version in its own process, alternated, on an idle
machine. Another checkout is measured by putting its ``src`` first on ``PYTHONPATH`` (masker is
imported before the benchmark's helpers, so theirs is the one used):

    python benchmarks/bench_seal_stage.py --seed 101 --sibling
    PYTHONPATH=/tmp/old/src python benchmarks/bench_seal_stage.py --seed 101 --sibling
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import masker  # noqa: F401  (first: the checkout on PYTHONPATH, if any, is the one measured)

sys.path.append(str(Path(__file__).resolve().parents[1]))  # samples/, after the measured masker
from masker.finders.base import Query  # noqa: E402
from masker.finders.seal import SealFinder  # noqa: E402
from masker.io import load  # noqa: E402
from masker.masker import Masker  # noqa: E402
from samples.synth.seals import STRESS_SIBLING, stress_jpeg  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=101)
    ap.add_argument("--n", type=int, default=24, help="stress pages")
    ap.add_argument("--sibling", action="store_true", help="a namesake of the own unit given")
    ap.add_argument("--repeat", type=int, default=2)
    a = ap.parse_args()
    mk, finder, pages = Masker(), SealFinder(), []
    for i in range(a.n):
        own, data, _gt = stress_jpeg(a.seed, i)
        q = Query(name="张三", unit=STRESS_SIBLING[own] if a.sibling else own)
        pages.append((mk.analyse(load(data, name=f"stress_{i}.jpg").pages[0], q), q))
    for ctx, q in pages[:3]:  # the recogniser's strip shapes prepared, as in a running process
        finder.find(ctx, q)
    runs = []
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        for ctx, q in pages:
            finder.find(ctx, q)
        runs.append((time.perf_counter() - t0) / len(pages))
    print(f"{masker.__file__}: seed {a.seed}{' (namesake given)' if a.sibling else ''}, {len(pages)} pages: "
          f"seal stage {', '.join(f'{t:.3f}' for t in runs)} s a page")


if __name__ == "__main__":
    main()
