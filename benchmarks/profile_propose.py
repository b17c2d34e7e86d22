"""Per-stage profile of ``propose`` on generated 150-dpi A4 pages: load, OCR detection, OCR
recognition (the cascade: narrowed first pass, windows read again), orientation, each finder,
policy; and the full-page OCR baseline (rapidocr defaults) in the same process, so the numbers
compare on a busy machine. Also the unfocused analysis (every line read at full width, as check
and audit do) for comparison.

    python benchmarks/profile_propose.py --n 12 [--family independent] [--baseline-openvino] [--verbs] [--text-pdf 100]

Python's allocations are traced only with ``--trace-memory`` (tracing slows masker's Python parts
down, not the models, so it would bias the ratio against masker).
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
from masker.finders.base import Query
from masker.io import load


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=12)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--family", default="main")
    ap.add_argument("--baseline-openvino", action="store_true",
                    help="also time plain full-page OCR with rapidocr's defaults on OpenVINO")
    ap.add_argument("--trace-memory", action="store_true")
    ap.add_argument("--text-pdf", type=int, default=0, metavar="PAGES",
                    help="also time propose on a text-layer PDF of this many pages (no OCR)")
    ap.add_argument("--verbs", action="store_true",
                    help="also time propose, check and audit end to end (file bytes in, result out)")
    args = ap.parse_args()
    prefix = "profile" if args.family == "main" else f"profile-{args.family}"
    folder = REPO / "benchmarks" / "out" / f"{prefix}-{args.seed}-{args.n}"
    gt = generate(folder, args.family, args.n, args.seed, ["--pdf-share", "0"])
    m = Masker()
    times: dict[str, list[float]] = defaultdict(list)
    from baseline import PlainOcrBaseline

    base = PlainOcrBaseline()
    base_ov = PlainOcrBaseline("openvino") if args.baseline_openvino else None
    shares: list[float] = []
    if args.trace_memory:
        tracemalloc.start()
    if args.verbs:
        verbs(m, folder, gt["pages"], times)
    for page in gt["pages"]:
        t0 = time.perf_counter()
        doc = load(folder / page["file"])
        src = doc.pages[0]
        _ = src.image
        times["load"].append(time.perf_counter() - t0)
        q = Query(page["name"], page.get("unit_name"))
        t0 = time.perf_counter()
        ctx = m.analyse(src, q)
        times["analyse (OCR + orientation), focused on the query"].append(time.perf_counter() - t0)
        det, _, rec = (list(getattr(m.engine, "last_elapse", None) or []) + [0, 0, 0])[:3]
        times["  of which OCR detection"].append(det or 0.0)
        times["  of which OCR recognition (first pass + windows)"].append(rec or 0.0)
        counts = getattr(m.engine, "last_counts", None)
        if counts:
            shares.append(counts[2])
        for f in m.finders:
            t0 = time.perf_counter()
            f.find(ctx, q)
            times[f"find.{f.name}"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m.propose_page(ctx, q)
        times["find + policy (all finders)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m.analyse(src)
        times["analyse, unfocused (every line at full width: check, audit)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base.find(src.image, page["name"])
        times["baseline: plain full-page OCR"].append(time.perf_counter() - t0)
        if base_ov is not None:
            t0 = time.perf_counter()
            base_ov.find(src.image, page["name"])
            times["plain full-page OCR, rapidocr defaults on OpenVINO"].append(time.perf_counter() - t0)
        times["propose total (load + focused analyse + find + policy)"].append(
            times["load"][-1] + times["analyse (OCR + orientation), focused on the query"][-1]
            + times["find + policy (all finders)"][-1])
        doc.close()
    _, peak = tracemalloc.get_traced_memory() if args.trace_memory else (0, 0)
    tot = times["propose total (load + focused analyse + find + policy)"]
    ratios = sorted(a / b for a, b in zip(tot, times["baseline: plain full-page OCR"]))
    for verb in [k for k in times if k.startswith("verb: ")]:
        r = sorted(a / b for a, b in zip(times[verb], times["baseline: plain full-page OCR"]))
        print(f"{verb[6:]} / plain OCR per page: median {statistics.median(r):.2f}, p95 {r[int(0.95 * (len(r) - 1))]:.2f}")
    print(f"propose / plain OCR per page: median {statistics.median(ratios):.2f}, "
          f"p95 {ratios[int(0.95 * (len(ratios) - 1))]:.2f}; share of line width read again "
          f"at full width: median {statistics.median(shares) if shares else 0:.2f}\n")
    if base_ov is not None:
        r_ov = sorted(a / b for a, b in zip(tot, times["plain full-page OCR, rapidocr defaults on OpenVINO"]))
        print(f"propose / plain OCR on OpenVINO per page: median {statistics.median(r_ov):.2f}, "
              f"p95 {r_ov[int(0.95 * (len(r_ov) - 1))]:.2f}\n")
    print("| stage | median s/page | p95 s/page |\n|---|---|---|")
    for k, v in times.items():
        v = sorted(v)
        print(f"| {k} | {statistics.median(v):.3f} | {v[int(0.95 * (len(v) - 1))]:.3f} |")
    if args.text_pdf:
        text_pdf_rate(m, args.text_pdf)
    import resource

    if args.trace_memory:
        print(f"\npeak traced Python memory: {peak / 1e6:.0f} MB (the runtimes' own memory not included)")
    print(f"\npeak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB (baseline engine included)")


def text_pdf_rate(m: Masker, pages: int) -> None:
    """Pages per second of ``propose`` on a text-layer PDF (a CJK font; the name on every one of
    the 30 lines of each page, among other names that contain it)."""
    import pymupdf

    font = next((f for f in ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                             "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc") if Path(f).exists()), None)
    name = "艾合买提·阿不都热依木"
    doc = pymupdf.open()
    for _ in range(pages):
        page = doc.new_page(width=595, height=842)
        page.insert_font(fontname="zh", fontfile=font)
        for i in range(30):
            page.insert_text((60, 60 + i * 25), f"第{i}行：{name}同志，合作者张伟华、艾合买提·阿不都热依木江。",
                             fontname="zh", fontsize=11)
    data = doc.tobytes()
    doc.close()
    t0 = time.perf_counter()
    res = m.propose(data, name, "阿克苏地区水利局", input_name="text.pdf")
    dt = time.perf_counter() - t0
    masks = sum(len(p.masks) for p in res.pages)
    print(f"\ntext-layer PDF, {pages} pages: {pages / dt:.0f} pages/s ({masks} masks)")


def verbs(m: Masker, folder: Path, pages: list[dict], times: dict) -> None:
    """The three verbs as a user calls them: propose and check on each page, then audit of each
    page masked by redact (without the original, as the committee mostly has it).

    Each verb meets its page the way a user's call does: before anything else in this process read
    it (propose, check), and the masked pages only after all of them were made (audit). Why: the
    runtime keeps kernels prepared for the input shapes it saw lately (the line widths of a page),
    and a page read again right after its first reading runs ~30% faster than a new one: timed
    that way (as this script did before), propose looked 0.42 s a page instead of 0.59."""
    data = [(folder / p["file"]).read_bytes() for p in pages]
    m.propose(REPO / "samples" / "demo" / "demo_employment_proof.png", "向飞雅")  # load the models first
    for page, raw in zip(pages, data):
        t0 = time.perf_counter()
        m.propose(raw, page["name"], page.get("unit_name"), input_name=page["file"])
        times["verb: propose (end to end, a new page)"].append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        m.check(raw, input_name=page["file"])
        times["verb: check (end to end)"].append(time.perf_counter() - t0)
    masked = [m.redact(raw, p["name"], p.get("unit_name"), input_name=p["file"], verify=False)[0]
              for p, raw in zip(pages, data)]
    for page, out in zip(pages, masked):
        t0 = time.perf_counter()
        m.audit(out, page["name"], page.get("unit_name"), input_name=page["file"])
        times["verb: audit of the masked page (end to end)"].append(time.perf_counter() - t0)
    for page, raw in zip(pages, data):  # and, for comparison, propose on a page read just before
        m.propose(raw, page["name"], page.get("unit_name"), input_name=page["file"])
        t0 = time.perf_counter()
        m.propose(raw, page["name"], page.get("unit_name"), input_name=page["file"])
        times["verb: propose again on the page just read"].append(time.perf_counter() - t0)


if __name__ == "__main__":
    main()
