"""End to end with the real OCR on generated pages with known ground truth: every occurrence of
the applicant's name covered, no other person's name touched, masks tight."""
from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

from common import Score  # noqa: E402

from masker.finders.base import Query  # noqa: E402
from masker.io import load  # noqa: E402


def _score_set(masker, folder: Path) -> Score:
    gt = json.loads((folder / "ground_truth.json").read_text(encoding="utf-8"))
    score = Score()
    for page in gt["pages"]:
        doc = load(folder / page["file"])
        try:
            ctx = masker.analyse(doc.pages[page.get("page", 0)])
            res = masker.propose_page(ctx, Query(page["name"], page.get("unit_name")))
            score.add_page(page, [m.box for m in res.masks if m.kind == "name"], 0.0)
        finally:
            doc.close()
    return score


def _generate(tmp: Path, family: str, n: int, seed: int) -> Path:
    subprocess.run([sys.executable, "-m", "samples.synth", "--out", str(tmp), "--n", str(n), "--seed", str(seed),
                    "--family", family], check=True, cwd=REPO, capture_output=True)
    return tmp


def test_demo_samples(masker_real):
    score = _score_set(masker_real, REPO / "samples" / "demo")
    assert score.occurrences >= 4
    assert score.found == score.occurrences, score.misses
    assert score.other_masked == 0, score.false_masks


@pytest.mark.slow
@pytest.mark.parametrize("family,seed", [("main", 101), ("independent", 202)])
def test_generated_pages(masker_real, tmp_path, family, seed):
    folder = _generate(tmp_path / family, family, 8, seed)
    score = _score_set(masker_real, folder)
    assert score.found / score.occurrences >= 0.95, score.misses
    assert score.other_masked == 0, score.false_masks
    assert statistics.median(score.area_ratios) <= 1.6
