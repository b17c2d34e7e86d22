"""A stamp cut by the page edge shows only part of its ring: does the part that is visible read as
a long enough piece of the unit's name?

The ring strip of such a stamp starts in the widest gap, and the part off the page counts as gap,
so the visible ring text is one piece of the name read in order — a piece of the name taken
cyclically (when the cut falls in the middle of the name, what remains is its end followed by its
start). ``match_unit`` wants the whole name; here a piece is enough when

- it is long: at least half of the name and at least ``MIN_CHARS`` characters;
- it holds the unit's place and at least a third of the distinctive part (水 of 水利 of
  阿克苏地区水利局; less than most of it only from its start), read with the same tolerance as a
  whole name but with no character there read as another one, and no other place name where the
  unit's stands. A third, not most: a piece
  showing less of the distinctive part than a namesake differs in (阿克苏地区水利水电 of 勘察设计院
  or of 规划设计院) is masked for the unit all the same, and the finder asks a person to look
  (``SEAL_CUT_PARTIAL``). On the applicant's own papers the unit's stamp is far more common than a
  namesake's, and a stamp left visible gives the unit away; measured over 35 stress seeds and
  their namesake runs: 4 own stamps more, 2 namesake stamps more (both that very piece);
- the reading does not go on past the piece where the name would go on (阿克苏地区水利 followed by
  水电 is the 水利水电 institute, not the 水利局): the name must be cut where the reading stops.
"""
from __future__ import annotations

import math
from functools import lru_cache

from ..text.glyphs import looks_alike
from .match import (UnitMatch, allowed_errors, distinctive_allowance, distinctive_span, fuzzy_find, names_other_place,
                    normalise, strip_province)

MIN_CHARS = 5
#: the share of the distinctive part a piece must show (rounded up: one of 水利, two of 勘察设计院)
MIN_DISTINCTIVE_SHARE = 1 / 3
#: characters of generic place words (地区, 自治州, 县…): they do not say which place
_PLACE_WORDS = set("自治区州县市省地盟旗")
#: stray characters (print under the stamp, a misread star) allowed where the reading should stop
MAX_STRAY = 1


def _cjk(s: str) -> int:
    return sum(1 for ch in s if "\u4e00" <= ch <= "\u9fff")


def match_visible_part(unit: str, ring_texts: list[str]) -> UnitMatch:
    """Best match of a long enough cyclic piece of ``unit`` in any of ``ring_texts`` (readings of a
    stamp cut by the page edge)."""
    u = normalise(unit)
    texts = [normalise(t) for t in ring_texts if normalise(t)]
    best = UnitMatch(False, 0.0, detail="no piece of the name read")
    if not u or not texts:
        return best
    forms = [(u, "full")]
    core = strip_province(u)
    if core != u and len(core) >= 4:
        forms.append((core, "without province"))
    for form, label in forms:
        for t in texts:
            m = _longest_piece(form, label, t, u)
            if m is not None:
                return m
    return best


@lru_cache(maxsize=1024)
def _longest_piece(form: str, label: str, t: str, u: str) -> UnitMatch | None:
    """The match of the longest pieces of ``form`` that the reading ``t`` passes as (the best of
    equally long ones), or None. Remembered: the finder compares a cut stamp's readings again
    each time it reads one more, each with ~100 pieces of the name."""
    n = len(form)
    d0, d1 = distinctive_span(form)
    ff = form + form
    for k in range(n - 1, max(MIN_CHARS, math.ceil(0.5 * n)) - 1, -1):
        best = None
        for i in range(n):
            m = _judge_piece(form, ff[i:i + k], i, t, d0, d1, u, label)
            if m is not None and (best is None or m.similarity > best.similarity):
                best = m
        if best is not None:
            return best
    return None


def _judge_piece(form: str, piece: str, i: int, t: str, d0: int, d1: int, u: str, label: str) -> UnitMatch | None:
    """The piece ``form[i:i+len(piece)]`` (cyclic) of the name against the reading ``t``."""
    n, k = len(form), len(piece)
    pos = [(i + j) % n for j in range(k)]
    in_d = [j for j, p in enumerate(pos) if d0 <= p < d1]
    n_d = d1 - d0
    if len(in_d) < math.ceil(MIN_DISTINCTIVE_SHARE * n_d - 1e-9):
        return None
    if len(in_d) < math.ceil(2 * n_d / 3) and d0 not in pos:
        # less than most of it: the part that names the unit must show from its start (水 of 水利,
        # 灌 of 灌溉) — a piece of its generic middle (水利水电工程有限公 of 天河 or 天山) says nothing
        return None
    got: list = []
    dist, a, b, wrong = fuzzy_find(piece, t, got)
    alike = [bool(w and g is not None and looks_alike(p, g)) for p, w, g in zip(piece, wrong, got)]
    if dist > allowed_errors(k):
        return None
    bad_d = sum(wrong[j] for j in in_d) - 0.5 * sum(alike[j] for j in in_d)
    if bad_d > distinctive_allowance(len(in_d)):
        return None
    # half a name is less evidence than a whole one: in its distinctive part, lost characters and
    # look-alikes only, never another character (天山 is not 天河)
    if any(wrong[j] and got[j] is not None and not alike[j] for j in in_d):
        return None
    other_subs = sum(1 for j, p in enumerate(pos) if p < d0 and wrong[j] and got[j] is not None and not alike[j])
    if other_subs > (0 if d0 <= 3 else 1):
        return None
    starts_name, ends_name = pos[0] == 0, pos[-1] == n - 1
    wraps = any(pos[j + 1] < pos[j] for j in range(k - 1))
    # its first and last characters must be read (a shorter piece covers a lost one): a piece
    # ending in a lost character would pass for a name that goes on differently
    if (wrong[0] and not alike[0]) or (wrong[-1] and not alike[-1]):
        return None
    # where the name goes on beyond the piece, the reading must stop (the rest is off the page)
    if not (ends_name or wraps) and _cjk(t[b:]) > MAX_STRAY:
        return None
    if not (starts_name or wraps) and _cjk(t[:a]) > MAX_STRAY:
        return None
    if wraps and (_cjk(t[:a]) > MAX_STRAY or _cjk(t[b:]) > MAX_STRAY):
        return None
    if not starts_name and names_other_place(t, a, u):
        return None
    # the place (阿克苏 of 阿克苏地区水利局) must show: a cut-off 地区水利局 may be any prefecture's
    own_place = [p for p in range(d0) if form[p] not in _PLACE_WORDS]
    if own_place and not any(not wrong[j] or alike[j] for j, p in enumerate(pos) if p in own_place):
        return None
    sim = max(0.0, 1.0 - dist / k) * k / n
    return UnitMatch(True, sim, form=f"{label}, visible part", pattern=form, found=t[a:b],
                     detail=f"{label}, cut by the page edge: {piece} ({k}/{n} of {form}) ~ {t[a:b]} "
                            f"({dist:g} errors, {bad_d:g} in the distinctive part)",
                     distinctive_read=len(in_d), distinctive_len=n_d)
