"""Seal detection alone (colour and shape, no OCR) on the stress pages: how many stamps are found
at all, which are not, and how many candidates are no stamp.

A stamp the detector misses is the worst miss of the seal stage: it is neither masked nor listed
for a person to look at. This runs in about two seconds a seed (no recogniser), so detection
changes can be checked on every seed at once. Pages are made as ``bench_seals.py`` makes them
(``samples.synth.seals.stress_page``, JPEG quality 92); the detector runs without the finder's
size bound from the page's text (which needs OCR).

    python benchmarks/bench_seal_detect.py --seeds 7,11,23
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for p in (REPO, REPO / "src"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


def _overlaps(a, b, share: float) -> bool:
    """``b`` covers at least ``share`` of ``a``'s width and of its height."""
    return (min(a[2], b[2]) - max(a[0], b[0]) > share * (a[2] - a[0])
            and min(a[3], b[3]) - max(a[1], b[1]) > share * (a[3] - a[1]))


def main(argv=None) -> int:
    import numpy as np
    from PIL import Image

    from masker.seals.detect import detect_seals
    from samples.synth.seals import stress_jpeg

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seeds", required=True, help="comma-separated stress seeds")
    ap.add_argument("--pages", type=int, default=24)
    a = ap.parse_args(argv)
    missed, total, stray, seconds, pages = [], 0, 0, 0.0, 0
    for seed in (int(x) for x in a.seeds.split(",")):
        for i in range(a.pages):
            _own, data, gt = stress_jpeg(seed, i)
            pages += 1
            bgr = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))[:, :, ::-1].copy()
            t0 = time.perf_counter()
            cands = detect_seals(bgr)
            seconds += time.perf_counter() - t0
            for s in gt["seals"]:
                total += 1
                if not any(_overlaps(s["box"], c.box, 0.5) for c in cands):
                    missed.append(f"seed {seed} p{i}: {'own' if s['own'] else 'other'} {s['shape']}"
                                  f"{' cut' if s['cut'] else ''}{' photo' if gt.get('photo') else ''} {s['text']}")
            stray += sum(not any(_overlaps(c.box, s["box"], 0.0) for s in gt["seals"]) for c in cands)
    print(f"stamps detected: {total - len(missed)}/{total}; candidates on no stamp: {stray}; "
          f"detection {1000 * seconds / max(1, pages):.0f} ms a page")
    for m in missed:
        print("  missed:", m)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
