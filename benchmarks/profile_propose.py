"""Per-stage profile of ``propose`` on generated 150-dpi A4 pages: load, OCR detection, OCR
recognition (with character boxes), orientation, each finder, policy; and the full-page OCR
baseline (rapidocr defaults) in the same process, so the numbers compare on a busy machine.

    python benchmarks/profile_propose.py --n 12
"""
from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from collections import defaultdict
from pathlib import Path

from common import REPO, generate

from masker import Masker
from masker.finders.base import PageContext, Query
from masker.io import load


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    folder = REPO / "benchmarks" / "out" / f"profile-{args.seed}-{args.n}"
    gt = generate(folder, "main", args.n, args.seed, ["--pdf-share", "0"])
    m = Masker()
    times: dict[str, list[float]] = defaultdict(list)
    from baseline import PlainOcrBaseline

    base = PlainOcrBaseline()
    tracemalloc.start()
    for page in gt["pages"]:
        t0 = time.perf_counter()
        doc = load(folder / page["file"])
        src = doc.pages[0]
        _ = src.image
        times["load"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        ctx = m.analyse(src)
        times["analyse (OCR + orientation)"].append(time.perf_counter() - t0)
        det, _, rec = (list(getattr(m.engine, "last_elapse", None) or []) + [0, 0, 0])[:3]
        times["  of which OCR detection"].append(det or 0.0)
        times["  of which OCR recognition"].append(rec or 0.0)
        q = Query(page["name"], page.get("unit_name"))
        for f in m.finders:
            t0 = time.perf_counter()
            f.find(ctx, q)
            times[f"find.{f.name}"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m.propose_page(ctx, q)
        times["find + policy (all finders)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base.find(src.image, page["name"])
        times["baseline: plain full-page OCR"].append(time.perf_counter() - t0)
        doc.close()
    _, peak = tracemalloc.get_traced_memory()
    print("| stage | median s/page | p95 s/page |\n|---|---|---|")
    for k, v in times.items():
        v = sorted(v)
        print(f"| {k} | {statistics.median(v):.3f} | {v[int(0.95 * (len(v) - 1))]:.3f} |")
    print(f"\npeak traced Python memory: {peak / 1e6:.0f} MB (onnxruntime's own arenas not included)")


if __name__ == "__main__":
    main()
