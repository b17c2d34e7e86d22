"""A long-lived process's first pages, cold or warmed up at start (``MASKER_OCR_WARM_UP``).

Runs ``propose`` on each page of a generated set once, each page new to the process (as the HTTP
API's and batch workers' pages are), and reports seconds a page, CPU a page and peak RSS. Run it
once per setting, each in its own process, on an idle machine:

    python benchmarks/bench_warm_up.py benchmarks/out/main-37-40
    MASKER_OCR_WARM_UP=1 python benchmarks/bench_warm_up.py benchmarks/out/main-37-40

(the folder comes from ``bench_names.py --seed 37 --n 40``.)
"""
from __future__ import annotations

import argparse
import json
import resource
import statistics
import time
from pathlib import Path

from masker import Masker
from masker.ocr.runtime import kernel_cache, warm_up_wanted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("folder", type=Path, help="a generated set with ground_truth.json")
    a = ap.parse_args()
    pages = json.loads((a.folder / "ground_truth.json").read_text())["pages"]
    m = Masker()
    t0 = time.perf_counter()
    m.warm_up()
    start = time.perf_counter() - t0
    c0 = time.process_time()
    ts = []
    for p in pages:
        raw = (a.folder / p["file"]).read_bytes()
        t0 = time.perf_counter()
        m.propose(raw, p["name"], p.get("unit_name"), input_name=p["file"])
        ts.append(time.perf_counter() - t0)
    cpu = (time.process_time() - c0) / len(ts)
    s = sorted(ts)
    print(f"warm-up {warm_up_wanted()} (kernel cache {kernel_cache()}): start {start:.2f} s; {len(ts)} pages: "
          f"median {statistics.median(ts):.3f} s, mean {statistics.mean(ts):.3f}, p95 {s[int(0.95 * (len(s) - 1))]:.3f}, "
          f"first five {statistics.mean(ts[:5]):.3f}; CPU {cpu:.3f} s a page; "
          f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB")


if __name__ == "__main__":
    main()
