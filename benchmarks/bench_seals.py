"""Seal benchmark: own-unit seal recall, other seals masked, false seal masks on red things that
are not seals, and seconds per page with and without the seal stage.

Three sets:
- ``generated``: pages from the project's sample generator (samples.synth, templates with
  seals: title certificates with the HR bureau's seal, continuing-education certificates with a
  training unit's seal, employment proofs and assessments with the applicant's unit's seal);
- ``stress``: ``samples.synth.seals.seal_test_page`` — text pages with own and other units'
  stamps over the print (round/oval/square, pale, dropouts, rotated, cut by the edge, tinted
  paper, phone photos) next to red titles, red table rules, fingerprints, emblems, red ID photos
  and red annotations;
- ``real``: the labelled real seals in ../shared/realworld (each legible seal's unit used as
  ``--unit`` once — it must be masked — and an unrelated unit once — nothing may be masked).

Timing: per page, OCR analysis + name finder (the page without the seal stage), and the seal
stage on top; the machine is shared, so read the ratio.

    python benchmarks/bench_seals.py            # default sizes (a few minutes on 2 cores)
    python benchmarks/bench_seals.py --skip generated,real --stress-seeds 7,11,23,31
    python benchmarks/bench_seals.py --quick    # a smoke run
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for p in (REPO, REPO / "src"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

from benchmarks.common import covered_share  # noqa: E402
from masker.geometry import overlap_area  # noqa: E402

REALWORLD = REPO.parent / "shared" / "realworld"
SEAL_TEMPLATES = "title_cert,cont_edu,employment_proof,assessment,commitment"

from realworld_units import REAL_UNITS  # noqa: E402
UNRELATED_UNIT = "阿克苏地区水利局"


def real_unit(text: str) -> str | None:
    for k, v in REAL_UNITS.items():
        if k in text:
            return v
    return None


@dataclass
class Tally:
    own: int = 0
    own_masked: int = 0
    other: int = 0
    other_masked: int = 0
    detected: int = 0
    non_seals: int = 0
    non_seal_masked: int = 0
    stray_masks: int = 0
    pages: int = 0
    base_s: list[float] = field(default_factory=list)
    seal_s: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false: list[str] = field(default_factory=list)

    def add(self, label: str, seals: list[dict], non_seals: list[dict], masks: list, seal_boxes: list,
            base_s: float | None, seal_s: float) -> None:
        """``seals``: [{box, own, text}], ``masks``: seal mask boxes, ``seal_boxes``: every seal the
        stage reported (masked or kept)."""
        self.pages += 1
        if base_s is not None:
            self.base_s.append(base_s)
        self.seal_s.append(seal_s)
        for s in seals:
            b = tuple(s["box"])
            if any(overlap_area(b, tuple(k)) > 0.3 * _area(b) for k in seal_boxes):
                self.detected += 1
            if s["own"]:
                self.own += 1
                share = covered_share(b, masks)
                if share >= 0.9:
                    self.own_masked += 1
                else:  # a mask too small (rim left out) is told apart from a stamp not masked
                    self.misses.append(f"{label}: {s['text']}" + (f" (mask covers {share:.2f})" if share > 0 else ""))
            else:
                self.other += 1
                if covered_share(b, masks) >= 0.3:
                    self.other_masked += 1
                    self.false.append(f"{label}: other seal {s['text']} masked")
        for n in non_seals:
            self.non_seals += 1
            nb = tuple(n["box"])
            hits = [m for m in masks if overlap_area(nb, tuple(m)) > 0.3 * _area(tuple(m))
                    and not any(overlap_area(tuple(m), tuple(s["box"])) > 0.3 * _area(tuple(m)) for s in seals)]
            if hits:
                self.non_seal_masked += 1
                self.false.append(f"{label}: {n['what']} masked")
        for m in masks:
            if not any(overlap_area(tuple(m), tuple(s["box"])) > 0.3 * _area(tuple(m)) for s in seals):
                self.stray_masks += 1

    def row(self, name: str) -> str:
        rec = self.own_masked / max(1, self.own)
        oth = self.other_masked / max(1, self.other)
        det = self.detected / max(1, self.own + self.other)
        b = statistics.median(self.base_s) if self.base_s else float("nan")
        sl = statistics.median(self.seal_s) if self.seal_s else float("nan")
        mean_b = statistics.mean(self.base_s) if self.base_s else float("nan")
        mean_s = statistics.mean(self.seal_s) if self.seal_s else float("nan")
        return (f"| {name} | {self.pages} | {self.own_masked}/{self.own} = {rec:.3f} | "
                f"{self.other_masked}/{self.other} = {oth:.3f} | {det:.3f} | "
                f"{self.non_seal_masked}/{self.non_seals} | {self.stray_masks} | {b:.2f} | {b + sl:.2f} | "
                f"{(mean_s / mean_b if mean_b == mean_b and mean_b > 0 else float('nan')):+.0%} |")


HEADER = ("| set | pages | own-seal recall | other seals masked | seals detected | red non-seals masked | "
          "stray seal masks | s/page without seal stage | s/page with | seal stage adds |\n"
          "|---|---|---|---|---|---|---|---|---|---|")


def _area(b) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])


class Runner:
    def __init__(self, verbose: bool = False):
        from masker import Masker
        from masker.finders.seal import SealFinder
        from masker.ocr.rapid import RapidOcrEngine

        self.engine = RapidOcrEngine()
        # loading a model is start-up, not a page's time: the stock models load with the engine,
        # the ring model on first use (~0.18 s), which would otherwise fall on the first page
        getattr(self.engine, "ring_recognizer", None)
        self.masker = Masker(engine=self.engine)
        self.seal = SealFinder()
        self.base_finders = []
        try:
            from masker.finders.name import NameFinder

            self.base_finders.append(NameFinder())
        except ImportError:
            pass
        self.verbose = verbose

    def page(self, page_source, name: str, unit: str | None, ctx=None, policy: bool = True):
        """(seal masks, all seal boxes, seconds without the seal stage, seconds of the seal stage).
        ``policy=False``: the finder's decisions as they are, before the page's size policy (the
        real set holds seal crops, where a seal fills the picture and the policy refuses it)."""
        from masker.finders.base import Query

        q = Query(name=name, unit=unit)
        t0 = time.perf_counter()
        if ctx is None:
            ctx = self.masker.analyse(page_source)
            for f in self.base_finders:
                f.find(ctx, q)
            base = time.perf_counter() - t0
        else:
            base = None
        t1 = time.perf_counter()
        found = self.seal.find(ctx, q)
        seal_s = time.perf_counter() - t1
        masks = []
        for m in found.masks:
            if not policy or self.masker.policy.check_mask("seal", m.box, ctx.width, ctx.height) is None:
                masks.append(m.box)
        boxes = [m.box for m in found.masks] + [k.box for k in found.kept if k.kind.endswith("seal")]
        if ctx.orientation:
            from masker.geometry import rotate_box

            W, H = ctx.page.width, ctx.page.height
            masks = [rotate_box(b, ctx.orientation, W, H) for b in masks]
            boxes = [rotate_box(b, ctx.orientation, W, H) for b in boxes]
        if self.verbose:
            for m in found.masks:
                print(f"    MASK {[round(v) for v in m.box]} {m.text} ({m.reason})", file=sys.stderr)
            for k in found.kept:
                print(f"    KEPT {k.kind} {[round(v) for v in k.box]} {k.text}", file=sys.stderr)
        return masks, boxes, base, seal_s, ctx


def run_generated(r: Runner, n: int, seed: int, out: Path) -> Tally:
    from benchmarks.common import generate

    gt = generate(out / f"gen_{n}_{seed}", "main", n, seed, ["--templates", SEAL_TEMPLATES])
    t = Tally()
    folder = out / f"gen_{n}_{seed}"
    for p in gt["pages"]:
        doc = r.masker.load(folder / p["file"])
        try:
            pg = doc.pages[p.get("page", 0)] if len(doc.pages) > 1 else doc.pages[0]
            masks, boxes, base, seal_s, _ = r.page(pg, p["name"], p["unit_name"])
        finally:
            doc.close()
        t.add(p["file"], p.get("seals", []), [], masks, boxes, base, seal_s)
    return t


def run_stress(r: Runner, n: int, seed: int, sibling: bool = False) -> Tally:
    """``sibling``: the same pages with a sibling of the own unit given (every stamp is another's)."""
    from masker.io import load
    from samples.synth.seals import STRESS_SIBLING, stress_jpeg

    t = Tally()
    for i in range(n):
        own, data, gt = stress_jpeg(seed, i)
        doc = load(data, name=f"stress_{i}.jpg")
        unit = STRESS_SIBLING[own] if sibling else own
        seals = [dict(s, own=False) for s in gt["seals"]] if sibling else gt["seals"]
        if r.verbose:
            print(f"  stress {i}: unit={unit} seals={[(s['text'], s['shape'], s['own']) for s in seals]}",
                  file=sys.stderr)
        masks, boxes, base, seal_s, _ = r.page(doc.pages[0], "张三", unit)
        t.add(f"stress_{i}", seals, gt["red_non_seals"], masks, boxes, base, seal_s)
    return t


def run_real(r: Runner) -> tuple[Tally, Tally]:
    """(own runs: each legible seal's unit given; other runs: an unrelated unit given)."""
    from masker.io import load

    labels = json.loads((REALWORLD / "labels.json").read_text(encoding="utf-8"))
    own_t, other_t = Tally(), Tally()
    for fn, v in labels.items():
        seals = v.get("seals", [])
        non = v.get("red_non_seals", [])
        doc = load(REALWORLD / fn)
        page = doc.pages[0]
        # pages with no seals still count for false masks and timing
        units = sorted({u for s in seals if s.get("legible") and (u := real_unit(s["text"]))})
        # the page is analysed once; each run with a unit counts as a page processed, with the
        # page's time without the seal stage (a row's ratio is then of the same pages' times)
        ctx, page_base = None, None
        for u in units:
            gts = [{"box": s["box"], "text": s["text"], "own": real_unit(s["text"]) == u} for s in seals
                   if s.get("legible") and s.get("color", "red") == "red"]
            masks, boxes, base, seal_s, ctx = r.page(page, "张三", u, ctx, policy=False)
            page_base = base if base is not None else page_base
            own_t.add(f"{fn} as {u}", gts, non, masks, boxes, page_base, seal_s)
        gts = [{"box": s["box"], "text": s["text"], "own": False} for s in seals if s.get("color", "red") == "red"]
        masks, boxes, base, seal_s, ctx = r.page(page, "张三", UNRELATED_UNIT, ctx, policy=False)
        other_t.add(f"{fn} as {UNRELATED_UNIT}", gts, non, masks, boxes, base if base is not None else page_base,
                    seal_s)
    return own_t, other_t


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n-gen", type=int, default=16)
    ap.add_argument("--n-stress", type=int, default=24)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--stress-seeds", default="",
                    help="comma list of seeds for the stress set, one row each (default: --seed)")
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks" / "out" / "seals")
    ap.add_argument("--quick", action="store_true", help="4 generated + 4 stress pages + the real set")
    ap.add_argument("--skip", default="", help="comma list of sets to skip: generated,stress,real")
    ap.add_argument("--sibling", action="store_true",
                    help="also run the stress pages with a sibling of the own unit given (nothing may be masked)")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args(argv)
    if a.quick:
        a.n_gen, a.n_stress = 4, 4
    skip = set(filter(None, a.skip.split(",")))
    a.out.mkdir(parents=True, exist_ok=True)
    r = Runner(verbose=a.verbose)
    rows, notes = [], []
    if "generated" not in skip and a.n_gen > 0:
        t = run_generated(r, a.n_gen, a.seed, a.out)
        rows.append(t.row("generated (samples.synth)"))
        notes += t.misses + t.false
    totals = [0, 0, 0, 0]  # own stamps masked, own stamps, namesake stamps masked, namesake stamps
    if "stress" not in skip and a.n_stress > 0:
        for seed in [int(x) for x in a.stress_seeds.split(",") if x.strip()] or [a.seed]:
            t = run_stress(r, a.n_stress, seed)
            rows.append(t.row(f"stress (seal_test_page), seed {seed}"))
            notes += [f"seed {seed} {n}" for n in t.misses + t.false]
            totals[0] += t.own_masked
            totals[1] += t.own
            if a.sibling:
                t = run_stress(r, a.n_stress, seed, sibling=True)
                rows.append(t.row(f"stress, seed {seed}, a sibling unit given"))
                notes += [f"seed {seed}, sibling: {n}" for n in t.false]
                totals[2] += t.other_masked
                totals[3] += t.other
    if "real" not in skip and REALWORLD.is_dir():
        own_t, other_t = run_real(r)
        rows.append(own_t.row("real, seal's own unit given (finder decision)"))
        rows.append(other_t.row("real, unrelated unit given (finder decision)"))
        notes += own_t.misses + own_t.false + other_t.misses + other_t.false
    print(HEADER)
    for row in rows:
        print(row)
    if totals[1]:  # the stress seeds together (the README quotes these)
        print(f"\nall stress seeds: own-seal recall {totals[0]}/{totals[1]} = {totals[0] / totals[1]:.3f}"
              + (f"; namesake stamps masked {totals[2]}/{totals[3]} = {totals[2] / totals[3]:.3f}" if totals[3] else ""))
    if notes:
        print("\nmisses and false masks:")
        for n in notes:
            print(f"- {n}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
