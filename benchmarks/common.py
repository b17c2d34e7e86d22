"""Shared benchmark helpers: generate a sample set, score masks against ground truth."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
if str(REPO / "src") not in sys.path:
    sys.path.insert(0, str(REPO / "src"))

from masker.geometry import area, overlap_area  # noqa: E402


def generate(out: Path, family: str, n: int, seed: int, extra: list[str] | None = None) -> dict:
    """Render a sample set with the project's generator (cached by folder)."""
    gt = out / "ground_truth.json"
    if not gt.exists():
        out.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "samples.synth", "--out", str(out), "--n", str(n), "--seed", str(seed),
                        "--family", family, *(extra or [])], check=True, cwd=REPO)
    return json.loads(gt.read_text(encoding="utf-8"))


def covered_share(box, masks) -> float:
    """Share of ``box`` covered by the union of ``masks`` (exact, by rasterising on a grid)."""
    import numpy as np

    x0, y0, x1, y1 = [int(round(v)) for v in box]
    if x1 <= x0 or y1 <= y0:
        return 0.0
    grid = np.zeros((y1 - y0, x1 - x0), bool)
    for m in masks:
        a0, b0 = max(x0, int(m[0])), max(y0, int(m[1]))
        a1, b1 = min(x1, int(np.ceil(m[2]))), min(y1, int(np.ceil(m[3])))
        if a1 > a0 and b1 > b0:
            grid[b0 - y0:b1 - y0, a0 - x0:a1 - x0] = True
    return float(grid.mean())


@dataclass
class Score:
    occurrences: int = 0
    found: int = 0
    other_names: int = 0
    other_masked: int = 0
    area_ratios: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    misses: list[str] = field(default_factory=list)
    false_masks: list[str] = field(default_factory=list)

    def add_page(self, page: dict, masks: list, seconds: float, cover: float = 0.9) -> None:
        """``masks``: list of boxes (same units as the GT page) proposed for names."""
        self.seconds.append(seconds)
        occ: dict = {}
        for n in page["names"]:
            occ.setdefault(n.get("occurrence", id(n)), []).append(n)
        for parts in occ.values():
            self.occurrences += 1
            ok = all(covered_share(p["box"], masks) >= cover for p in parts)
            if ok:
                self.found += 1
                for p in parts:
                    over = [m for m in masks if overlap_area(tuple(m), tuple(p["box"])) > 0]
                    if over and area(tuple(p["box"])) > 0:
                        self.area_ratios.append(sum(area(tuple(m)) for m in over) / area(tuple(p["box"])))
            else:
                self.misses.append(f"{page['file']}:{parts[0]['text']}")
        others = page.get("other_names", []) + [s for s in page.get("signatures", []) if not s.get("own")]
        for o in others:
            self.other_names += 1
            ob = tuple(o["box"])
            if any(overlap_area(tuple(m), ob) >= 0.25 * max(area(ob), 1e-6) for m in masks):
                self.other_masked += 1
                self.false_masks.append(f"{page['file']}:{o['text']}")

    def row(self, label: str) -> str:
        rec = self.found / max(1, self.occurrences)
        oth = self.other_masked / max(1, self.other_names)
        med_area = statistics.median(self.area_ratios) if self.area_ratios else float("nan")
        med_s = statistics.median(self.seconds) if self.seconds else float("nan")
        p95 = sorted(self.seconds)[int(0.95 * (len(self.seconds) - 1))] if self.seconds else float("nan")
        return (f"| {label} | {self.found}/{self.occurrences} = {rec:.3f} | {self.other_masked}/{self.other_names} = "
                f"{oth:.3f} | {med_area:.2f} | {med_s:.2f} | {p95:.2f} |")


HEADER = ("| method | name recall | other names masked | median mask area / glyph box | s/page median | s/page p95 |\n"
          "|---|---|---|---|---|---|")
