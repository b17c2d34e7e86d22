"""Seal ownership by spotting (``masker.seals.spotting``): how far apart the unit's own stamps and
everyone else's lie, on the stress pages (``bench_seals``' own pages, each also with a namesake of
the unit given).

For every seal candidate the finder reads, it keeps the ring readings' focus probabilities and
the string matcher's verdict, then scores the spotting rule on the candidates the strings left
unmasked: own stamps it would bring back, other stamps it would take (there must be none), and
the other stamps nearest to passing, by each of the rule's two measures.

    python benchmarks/bench_spotting.py --seeds 7,11 [--pages 24] [--save run.pkl] [--load run.pkl ...]
"""
from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for p in (REPO, REPO / "src", REPO / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))


def collect(seeds: list[int], pages: int = 24) -> list[dict]:
    """One record per seal candidate on each stress page and its namesake run, read with spotting
    and the second look's gate both off: what the strings alone decide, every half-read stamp given
    its second look — so that the rule and the gate can each be scored on what they would change."""
    from bench_seals import Runner

    from masker.finders import seal as seal_finder
    from masker.geometry import overlap_area
    from masker.io import load
    from samples.synth.seals import STRESS_SIBLING, stress_jpeg

    seen: list = []
    spotted, gate = seal_finder.SealFinder._spotted, seal_finder.replaced_characters

    def no_spotting(unit, m, reader):
        seen.append((reader, m))
        return m

    seal_finder.SealFinder._spotted = staticmethod(no_spotting)
    seal_finder.replaced_characters = lambda *_args: []
    read_and_match = seal_finder.SealFinder._read_and_match

    def remember(self, reader, unit, cut_by_edge=False):
        out = read_and_match(self, reader, unit, cut_by_edge)
        seen.append((reader, None))
        return out

    seal_finder.SealFinder._read_and_match = remember
    r = Runner()
    recs: list[dict] = []
    try:
        for seed in seeds:
            for sibling in (False, True):
                for i in range(pages):
                    own, data, gt = stress_jpeg(seed, i)
                    unit = STRESS_SIBLING[own] if sibling else own
                    seen.clear()
                    masks, _boxes, _b, _s, ctx = r.page(load(data, name="s.jpg").pages[0], "张三", unit)
                    asked = {id(rd) for rd, m in seen if m is not None}  # reached the spotting step
                    readers = list(dict.fromkeys(rd for rd, _m in seen))
                    for rd in readers:
                        s = ctx.scale or 1.0
                        pb = tuple(v / s for v in rd.cand.box)
                        area = (pb[2] - pb[0]) * (pb[3] - pb[1])
                        truth, text = "none", ""
                        for g in gt["seals"]:
                            if overlap_area(pb, tuple(g["box"])) > 0.3 * area:
                                truth = ("namesake" if sibling else "own") if g["own"] else "other"
                                text = g["text"]
                        masked = any(overlap_area(pb, tuple(b)) > 0.3 * area for b in masks)
                        recs.append(dict(seed=seed, page=i, sibling=sibling, unit=unit, truth=truth, text=text,
                                         masked=masked, asked=id(rd) in asked, focus=list(rd.ring_focus),
                                         cyclic=rd.ring_cyclic, readings=rd.ring_texts))
    finally:
        seal_finder.SealFinder._spotted = spotted
        seal_finder.replaced_characters = gate
        seal_finder.SealFinder._read_and_match = read_and_match
    return recs


def report(recs: list[dict]) -> None:
    from masker.seals.spotting import replaced_characters, spot_unit

    def label(r):
        return f"seed {r['seed']} p{r['page']}{' (namesake run)' if r['sibling'] else ''}"

    own = [r for r in recs if r["truth"] == "own"]
    print(f"own stamps: {len(own)}, masked by the strings: {sum(r['masked'] for r in own)}")
    rows = []
    for r in recs:
        if r["masked"] or not r["asked"]:
            continue
        ev = spot_unit(r["unit"], r["focus"], r["cyclic"])
        if ev is not None:
            rows.append((r, ev))
    gained = [(r, ev) for r, ev in rows if ev.holds]
    print(f"left unsure by the strings and asked: {len(rows)}; the spotting rule takes "
          f"{sum(r['truth'] == 'own' for r, _ in gained)} own stamps and "
          f"{sum(r['truth'] != 'own' for r, _ in gained)} others")
    for r, ev in gained:
        print(f"  {r['truth']:8} {label(r)}: {ev.describe()} | read {r['readings'][0]!r}")
    others = [(r, ev) for r, ev in rows if r["truth"] != "own"]
    for name, key in (("cost", lambda z: -z[1].log_ratio), ("weakest character", lambda z: -z[1].weakest)):
        print(f"other stamps nearest to passing, by {name}:")
        for r, ev in sorted(others, key=key)[:4]:
            print(f"  {r['truth']:8} {label(r)} {r['text']}: weakest {ev.weakest:.4f}, cost {ev.log_ratio:.1f} "
                  f"({ev.form})")
    # the second look's gate: a character of the name replaced by another, in the first three
    # renderings (what the finder has read when it decides)
    rep: dict[str, list[int]] = {}
    for r in recs:
        if len(r["focus"]) >= 3:
            k = f"{r['truth']}{' masked' if r['masked'] else ''}"
            rep.setdefault(k, [0, 0])[1] += 1
            if replaced_characters(r["unit"], r["focus"][:3], r["cyclic"][:3]):
                rep[k][0] += 1
    print("stamps read in three renderings or more, with a character of the name replaced in the first three: "
          + ", ".join(f"{k} {a}/{b}" for k, (a, b) in sorted(rep.items())))
    import time

    long = [r for r in recs if len(r["focus"]) >= 12][:40]
    if long:
        t0 = time.perf_counter()
        for r in long:
            spot_unit(r["unit"], r["focus"], r["cyclic"])
        t1 = time.perf_counter()
        for r in long:
            replaced_characters(r["unit"], r["focus"][:3], r["cyclic"][:3])
        t2 = time.perf_counter()
        print(f"cost on {len(long)} stamps read in twelve renderings: spotting {1000 * (t1 - t0) / len(long):.1f} ms "
              f"a stamp, the gate over three renderings {1000 * (t2 - t1) / len(long):.1f} ms")
    missed = [r for r in own if not r["masked"]]
    print(f"own stamps the strings missed: {len(missed)}")
    for r in missed:
        ev = spot_unit(r["unit"], r["focus"], r["cyclic"])
        print(f"  {label(r)} {r['text']}: " + ("not asked (read as another unit, or less than half)" if not r["asked"]
                                               else f"weakest {ev.weakest:.3f}, cost {ev.log_ratio:.1f}" if ev else "-"))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="7")
    ap.add_argument("--pages", type=int, default=24, help="pages a seed (the benchmark's 24)")
    ap.add_argument("--save", type=Path)
    ap.add_argument("--load", type=Path, nargs="*")
    a = ap.parse_args(argv)
    if a.load:
        recs = [r for f in a.load for r in pickle.loads(f.read_bytes())]
    else:
        recs = collect([int(x) for x in a.seeds.split(",") if x.strip()], a.pages)
        if a.save:
            a.save.write_bytes(pickle.dumps(recs))
    report(recs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
