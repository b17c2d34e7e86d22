"""``masker check`` benchmark (issue 4): orientation accuracy, blur flag rates, seconds per page.

- Orientation: rendered Chinese pages (``masker.compliance.testpages``: letters, forms,
  certificates, ID cards, sparse pages; JPEG q60 + noise; tilts up to ±2°) turned 0/90/180/270,
  through both paths — ``check``'s (text detector boxes only) and ``Masker.analyse``'s (a first
  OCR pass, then ``detect_orientation``) — and the labelled real images of shared/realworld
  (rotated/, docs/, seals/).
- Blur: the same pages at 14/18/22/28 px text (150 dpi) and 40 px (300 dpi). Sharp: a scan with
  JPEG q60 and noise σ 3, scanner blur σ 0.6, JPEG q50 with noise σ 4. Clearly blurred: Gaussian
  σ = 0.12 and 0.16 × the font size, horizontal motion blur over 0.6 × the font size.
- Time: ``check`` against ``propose`` on the same 150-dpi A4 pages, run alternately on one
  engine, medians.

    python benchmarks/bench_check.py --pages 8
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from masker.compliance import testpages as tp  # noqa: E402
from masker.compliance.check import check_page  # noqa: E402
from masker.compliance.orientation import detect_orientation, detect_quads, orient_from_quads  # noqa: E402

LAYOUTS = ("letter", "form", "certificate", "card", "sparse")


def orientation_generated(m, n_pages: int, n_analyse: int):
    det_ok = det_n = an_ok = an_n = 0
    wrong = []
    for s in range(n_pages):
        layout = LAYOUTS[s % len(LAYOUTS)]
        base = tp.scan_like(tp.tilt(tp.render_page(200 + s, layout=layout), (-2.0, -1.0, 0.0, 1.0, 2.0)[s % 5]), s)
        for a in (0, 90, 180, 270):
            img = tp.turn(base, a)
            o = orient_from_quads(img, detect_quads(m.engine, img), m.engine)
            det_n += 1
            det_ok += o.angle == a
            if o.angle != a:
                wrong.append(("detector", layout, s, a, o.angle))
            if s < n_analyse:
                o2 = detect_orientation(img, m.engine.read(img), m.engine)
                an_n += 1
                an_ok += o2.angle == a
                if o2.angle != a:
                    wrong.append(("analyse", layout, s, a, o2.angle))
    return det_ok, det_n, an_ok, an_n, wrong


def orientation_real(m, realworld: Path):
    from masker.io import load

    labels = json.loads((realworld / "labels.json").read_text(encoding="utf-8"))
    ok = n = 0
    wrong = []
    for key, lab in labels.items():
        if lab["kind"] != "document":
            continue
        img = load(realworld / key).pages[0].image
        o = orient_from_quads(img, detect_quads(m.engine, img), m.engine)
        o2 = detect_orientation(img, m.engine.read(img), m.engine)
        for path, got in (("detector", o.angle), ("analyse", o2.angle)):
            n += 1
            ok += got == lab["orientation"]
            if got != lab["orientation"]:
                wrong.append((path, key, lab["orientation"], got))
    return ok, n, wrong


def blur_rates(m, sizes):
    sharp_n = sharp_flag = blur_n = blur_flag = 0
    misses = []
    for i, (px, dpi) in enumerate(sizes):
        page = tp.render_page(300 + i, dpi=dpi, layout=LAYOUTS[i % 3], text_px=px)
        cases = [("scan q60 noise 3", tp.scan_like(page, i), False),
                 ("scanner blur 0.6", tp.scan_like(tp.blur(page, 0.6), i), False),
                 ("q50 noise 4", tp.jpeg(tp.noise(page, 4, i), 50), False),
                 ("gauss 0.12×size", tp.scan_like(tp.blur(page, 0.12 * px), i), True),
                 ("gauss 0.16×size", tp.scan_like(tp.blur(page, 0.16 * px), i), True),
                 ("motion 0.6×size", tp.scan_like(tp.motion_blur(page, int(0.6 * px))), True)]
        for name, img, blurred in cases:
            doc = m.load(tp.encode_png(img))
            pc, _ = check_page(m, doc.pages[0])
            flagged = any(f.code == "BLURRY" for f in pc.findings)
            if blurred:
                blur_n += 1
                blur_flag += flagged
            else:
                sharp_n += 1
                sharp_flag += flagged
            if flagged != blurred:
                misses.append((px, dpi, name, pc.sharpness))
    return sharp_flag, sharp_n, blur_flag, blur_n, misses


def timing(m, n: int):
    check_t, propose_t = [], []
    for s in range(n):
        data = tp.encode_png(tp.scan_like(tp.render_page(400 + s, layout=("letter", "form")[s % 2]), s))
        t0 = time.perf_counter()
        m.check(data)
        check_t.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m.propose(data, "张伟")
        propose_t.append(time.perf_counter() - t0)
    return statistics.median(check_t), statistics.median(propose_t)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pages", type=int, default=10, help="generated pages for orientation (× 4 turns)")
    ap.add_argument("--analyse-pages", type=int, default=5, help="of those, read in full for the analyse path")
    ap.add_argument("--timing-pages", type=int, default=4)
    ap.add_argument("--realworld", default=str(REPO.parent / "shared" / "realworld"))
    ap.add_argument("--skip-real", action="store_true")
    args = ap.parse_args(argv)

    from masker import Masker
    from masker.ocr.rapid import RapidOcrEngine

    m = Masker(engine=RapidOcrEngine())
    m.check(tp.encode_png(tp.render_page(0, layout="card")))  # warm up the models

    rows = []
    det_ok, det_n, an_ok, an_n, wrong = orientation_generated(m, args.pages, args.analyse_pages)
    rows.append(("orientation, generated pages, check path (detector)", f"{det_ok}/{det_n} = {det_ok / det_n:.3f}"))
    if an_n:
        rows.append(("orientation, generated pages, analyse path (first OCR pass)", f"{an_ok}/{an_n} = {an_ok / an_n:.3f}"))
    real = Path(args.realworld)
    if not args.skip_real and real.is_dir():
        ok, n, w2 = orientation_real(m, real)
        wrong += w2
        rows.append(("orientation, real documents (rotated/, docs/, seals/; both paths)", f"{ok}/{n} = {ok / n:.3f}"))
    sf, sn, bf, bn, misses = blur_rates(m, ((14, 150), (18, 150), (22, 150), (28, 150), (40, 300)))
    rows.append(("BLURRY on clearly blurred pages", f"{bf}/{bn} = {bf / bn:.0%}"))
    rows.append(("BLURRY on sharp pages (q60 + noise, scanner blur, q50)", f"{sf}/{sn} = {sf / sn:.0%}"))
    ct, pt = timing(m, args.timing_pages)
    rows.append(("seconds per 150-dpi A4 page: check (median)", f"{ct:.2f}"))
    rows.append(("seconds per 150-dpi A4 page: propose (median)", f"{pt:.2f}"))
    rows.append(("check / propose", f"{ct / pt:.2f}"))

    print("| measure | value |\n|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    if wrong:
        print("\norientation errors:", *wrong, sep="\n  ")
    if misses:
        print("\nblur misses (px, dpi, case, sharpness):", *misses, sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
