"""Pure matching of the applicant's name against a run of OCR tokens (no images, no OCR).

Tolerances, each with its score so results say how sure they are:
- the middle dot of a Uyghur name in any form (· • ・ . - …), misread (、 一) or missing;
- padding inside the name (``张　伟``, ``张 伟``): space tokens are skipped;
- one OCR confusion from ``masker.text.confusions``, or a look-alike glyph where OCR was itself
  unsure (rare name characters: 淏 read as 溴 at 0.43) (score × 0.92 each, at most one per 4 chars);
- for long dotted names (≥ 6 core chars), one substitution where OCR was itself unsure, or one
  dropped/extra character (score × 0.82).
"""
from __future__ import annotations

from dataclasses import dataclass

from ..text.chars import DOT_STANDINS, char_class, normalize_name
from ..text.confusions import CONFUSION_SCORE, UNSURE_SUB_SCORE, confusable
from ..text.variants import same_char
from ..text.glyphs import looks_alike as _look_alike


@dataclass
class Token:
    ch: str
    cls: str
    box: tuple[float, float, float, float]
    score: float = 1.0
    line: int = 0       # index of the line the token came from (cross-line matching)
    pos: int = 0        # index in that line's token list


@dataclass
class NamePattern:
    raw: str
    core: list[str]
    dots: set[int]

    @classmethod
    def parse(cls, name: str) -> "NamePattern":
        core, dots = normalize_name(name)
        return cls(raw=name, core=core, dots=dots)

    @property
    def dotted(self) -> bool:
        return bool(self.dots)

    @property
    def edit_budget(self) -> int:
        return 1 if (self.dotted and len(self.core) >= 6) else 0

    @property
    def confusion_budget(self) -> int:
        return max(1, len(self.core) // 4)


@dataclass
class Match:
    start: int
    end: int          # exclusive token index
    score: float
    rule: str         # "exact", "confusion", "fuzzy"


def tokens_from_chars(chars, line_index: int) -> list[Token]:
    return [Token(c.text, char_class(c.text), c.box, c.score, line_index, i) for i, c in enumerate(chars)]


UNSURE = 0.85


def match_at(toks: list[Token], i: int, pat: NamePattern) -> Match | None:
    """Best match of the pattern starting exactly at token ``i`` (which must be a real char)."""
    n = len(toks)
    core = pat.core
    if i >= n or toks[i].cls in ("space", "dot"):
        return None
    best: Match | None = None

    def rec(j: int, k: int, score: float, conf_left: int, edits_left: int, rule: str) -> None:
        nonlocal best
        if k == len(core):
            if best is None or score > best.score:
                best = Match(i, j, score, rule)
            return
        if k > 0:
            while j < n and toks[j].cls == "space":
                j += 1
            if k in pat.dots and j < n and toks[j].ch in DOT_STANDINS:
                # the dot is present (in any form): consume it; also try without (misread as a char)
                jj = j + 1
                while jj < n and toks[jj].cls == "space":
                    jj += 1
                rec_char(jj, k, score, conf_left, edits_left, rule)
                if edits_left <= 0:
                    return
        rec_char(j, k, score, conf_left, edits_left, rule)

    def rec_char(j: int, k: int, score: float, conf_left: int, edits_left: int, rule: str) -> None:
        if j >= n:
            # a dropped final character of a long name
            if edits_left > 0 and k == len(core) - 1 and k > 0:
                rec(j, k + 1, score * UNSURE_SUB_SCORE, conf_left, edits_left - 1, "fuzzy")
            return
        t = toks[j]
        if t.cls in ("space",):
            return
        c = core[k]
        if same_char(c, t.ch):
            rec(j + 1, k + 1, score * (1.0 if t.score >= 0.5 else 0.95), conf_left, edits_left, rule)
            return
        if conf_left > 0 and (confusable(c, t.ch) or (t.score < UNSURE and _look_alike(c, t.ch))):
            rec(j + 1, k + 1, score * CONFUSION_SCORE, conf_left - 1, edits_left,
                "confusion" if rule == "exact" else rule)
        if edits_left > 0 and 0 < k < len(core) and t.cls == "han":
            if t.score < UNSURE:
                rec(j + 1, k + 1, score * UNSURE_SUB_SCORE, conf_left, edits_left - 1, "fuzzy")
            # a character OCR dropped (not the first) / an extra one it inserted
            rec(j, k + 1, score * UNSURE_SUB_SCORE, conf_left, edits_left - 1, "fuzzy")
            if k + 1 < len(core) and j + 1 < n and toks[j + 1].ch == core[k]:
                rec(j + 1, k, score * UNSURE_SUB_SCORE, conf_left, edits_left - 1, "fuzzy")

    rec(i, 0, 1.0, pat.confusion_budget, pat.edit_budget, "exact")
    return best


def find_matches(toks: list[Token], pat: NamePattern) -> list[Match]:
    """All non-overlapping matches, best first where they overlap."""
    if not pat.core:
        return []
    first = pat.core[0]
    found = []
    for i in range(len(toks)):
        ch = toks[i].ch
        if not same_char(first, ch) and not confusable(first, ch) and not (toks[i].score < UNSURE and _look_alike(first, ch)):
            continue  # the first character is never edited away
        m = match_at(toks, i, pat)
        if m is not None:
            found.append(m)
    found.sort(key=lambda m: (-m.score, m.start))
    chosen: list[Match] = []
    for m in found:
        if all(m.end <= c.start or m.start >= c.end for c in chosen):
            chosen.append(m)
    chosen.sort(key=lambda m: m.start)
    return chosen
