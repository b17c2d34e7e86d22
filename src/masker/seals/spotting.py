"""Does a stamp's ring *hold* the unit's name, read or not? The recogniser's probabilities of the
name's own characters along the ring (``masker.ocr.spot``), over all renderings of the stamp.

Why: the string matcher (``masker.seals.match``) sees only what greedy decoding kept. A worn 喀 read
客 or 略, a pale 灌溉 read 海, still leave 喀 and 灌 a share of the probability where they stand — a
namesake's clean 新疆, 天山 or 规划 leaves the unit's characters almost none (measured on the stress
pages: a character of the unit missing from a namesake's stamp gets < 0.001 in every rendering).
The finder asks this of every stamp the strings did not match, unless it names another place
where the unit's stands: a worn glyph read surely as another (禾 as 木) or most of a short name
lost keeps the unit's characters a share a namesake never gives them.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..ocr.spot import Spot, spot
from .match import normalise, strip_province

#: each character of the name must get at least this probability, where the alignment puts it, in
#: some rendering of the stamp. A namesake's own character leaves the unit's < 0.001 in every
#: rendering (measured over 31 stress seeds and their namesake runs, 740 namesake stamps: the
#: highest 0.0013, at a cost of -23; with a cost above -10 none over 0.00022); a worn glyph of the
#: unit's own keeps 0.001-0.04 (喀 read 什大学's blank, 禾 read 木, 灌 read 汽)
MIN_CHAR_PROB = 0.001
#: and one rendering must read the whole name at no more than a cost against its own greedy
#: reading (log probability) of this much a character of the name, or ``MIN_LOG_RATIO`` where that
#: is less (a short name: one worn glyph of four costs more than a quarter of the name's share).
#: Measured as above: the unit's own stamps the strings missed cost 0.5-1.8 a character (a long
#: name keeps several worn glyphs: 阿克苏地区水利水电勘察设计院 at 18.7), everyone else's from 1.9
#: (a namesake's 天河 for 天山 at 23.0 over 12 characters; 新疆大学 held inside 新疆农业大学
#: 继续教育学院 at 8.5 over 4, its 农业 in between)
MAX_COST_PER_CHAR = 1.5
MIN_LOG_RATIO = -8.0
#: a character of the name *replaced*: no rendering gives it this much where it stands, and two
#: renderings read some other character there at ``REPLACED_BY`` or more (not a blank: a lost
#: glyph leaves the blank or a doubtful guess)
ABSENT_PROB = 1e-4
REPLACED_BY = 0.5


@dataclass(frozen=True)
class SpotEvidence:
    """How well the stamp's ring renderings read as one form of the unit's name."""

    form: str
    #: which form: "full" or "without province"
    label: str
    #: the best rendering's alignment cost (``Spot.log_ratio``: 0 where it reads the form itself)
    log_ratio: float
    #: per character of ``form``: its highest probability where any rendering's alignment puts it
    char_probs: tuple[float, ...]
    renderings: int

    @property
    def weakest(self) -> float:
        return min(self.char_probs, default=0.0)

    @property
    def max_cost(self) -> float:
        """The alignment cost allowed for this form (a positive number of nats)."""
        return max(-MIN_LOG_RATIO, MAX_COST_PER_CHAR * len(self.form))

    @property
    def holds(self) -> bool:
        """Every character present somewhere and one rendering close to reading the name."""
        return self.weakest >= MIN_CHAR_PROB and self.log_ratio >= -self.max_cost

    def describe(self) -> str:
        return (f"the ring holds “{self.form}” (each character ≥ {self.weakest:.2g} where it stands, "
                f"log-ratio {self.log_ratio:.1f} ≥ -{self.max_cost:.1f}, over {self.renderings} renderings)")


#: a stamp's alignments already made, by (rendering index, columns): the second look's gate and the
#: spotting rule align the same first renderings on the same columns (a reader's renderings are
#: only ever appended, so an index always means the same strip)
SpotCache = dict[tuple[int, bool, tuple[int, ...]], tuple[np.ndarray, Spot | None]]


def _rendering_spots(focus: Sequence[np.ndarray | None], cyclic: Sequence[bool], columns: list[int],
                     cache: SpotCache | None = None):
    """(the rendering's steps as aligned, its ``Spot``) for each rendering with probabilities;
    a strip round the whole ring is read as if it ran round twice."""
    for i, (f, round_ring) in enumerate(zip(focus, cyclic)):
        if f is None or f.shape[0] == 0:
            continue
        key = (i, round_ring, tuple(columns))
        if cache is None or key not in cache:
            f2 = np.concatenate([f, f]) if round_ring else f
            found = (f2, spot(f2, columns))
            if cache is not None:
                cache[key] = found
        else:
            found = cache[key]
        if found[1] is not None:
            yield found


def replaced_characters(unit: str, focus: Sequence[np.ndarray | None], cyclic: Sequence[bool],
                        cache: SpotCache | None = None) -> list[int]:
    """Positions of ``normalise(unit)`` that the stamp holds another character in: the namesake's
    word (山 of 天山 where a 天河 stamp shows 河, 乌什 where it shows 温宿). Measured on the stress
    pages (``benchmarks/bench_spotting.py``, the first three renderings of every stamp read that
    far, nineteen seeds with their namesake runs): 82 of 134 namesake stamps and 27 of 46 other
    units' stamps have such a position, 1 of 89 of the unit's own (a damaged 禾 read 天 three times,
    masked before the second look would come)."""
    u = normalise(unit)
    best = np.zeros(len(u))
    seen_other = np.zeros(len(u), int)
    for f, s in _rendering_spots(focus, cyclic, [2 + j for j in range(len(u))], cache):
        best = np.maximum(best, s.probs)
        for j, t in enumerate(s.steps):
            if t >= 0 and f[t, 0] >= REPLACED_BY and f[t, 1] < 0.5:
                seen_other[j] += 1
    return [j for j in range(len(u)) if best[j] < ABSENT_PROB and seen_other[j] >= 2]


def spot_forms(unit: str) -> list[tuple[str, str]]:
    """The forms of the unit's name a stamp may carry, each with its places, and their labels: the
    name as given and without the province (a namesake differs from the unit in its place as often
    as in its trade: 乌什县水利局 / 温宿县水利局 — a form without places would hold for both)."""
    u = normalise(unit)
    forms = [(u, "full")]
    core = strip_province(u)
    if core != u and len(core) >= 4:
        forms.append((core, "without province"))
    return forms


def spot_unit(unit: str, focus: Sequence[np.ndarray | None], cyclic: Sequence[bool],
              cache: SpotCache | None = None) -> SpotEvidence | None:
    """The best-supported form of ``unit`` in the ring renderings whose ``Reading.focus`` arrays
    (focus characters: ``normalise(unit)``'s, in order) are ``focus``. ``cyclic[i]``: rendering i's
    strip runs once round the whole ring, so the name may start anywhere. None where no rendering
    has probabilities."""
    u = normalise(unit)
    best: SpotEvidence | None = None
    for form, label in spot_forms(unit):
        spots = [s for _f, s in _rendering_spots(focus, cyclic, [2 + u.index(ch) for ch in form], cache)]
        if not spots:
            continue
        probs = np.max([s.probs for s in spots], axis=0)
        ev = SpotEvidence(form, label, max(s.log_ratio for s in spots), tuple(float(p) for p in probs), len(spots))
        if best is None or (ev.holds, ev.weakest, ev.log_ratio) > (best.holds, best.weakest, best.log_ratio):
            best = ev
    return best
