"""Is this seal the applicant's unit's? A tolerant comparison of read seal text with ``--unit``.

What it tolerates:
- the reading starting anywhere on the ring (the ring text is matched cyclically);
- missing or misread characters (ink dropouts, print under the stamp): an edit distance that
  grows with the name's length (none up to 3 characters, one up to 6, a quarter beyond);
- the usual forms of a unit name: with or without the province/region in front
  (新疆维吾尔自治区阿克苏地区水利局 = 阿克苏地区水利局), short province names (新疆, 广西),
  有限责任公司 = 有限公司, brackets and spaces;
- a stamp cut by the page edge: the name without its place prefixes may match on its own when
  what remains is distinctive (盈恒置业有限公司), unless the seal names another place.

What it refuses: numerals and directions are never "misread" into each other (第一 ≠ 第二,
东城 ≠ 西城), and a generic remainder (水利局, 大学) never matches without its place
(温宿县水利局 ≠ 阿克苏地区水利局).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from ..text.glyphs import NEVER_ALIKE as _HARD
from ..text.glyphs import glyph_similarity, looks_alike

_PROVINCES = [
    ("新疆维吾尔自治区", "新疆"), ("广西壮族自治区", "广西"), ("宁夏回族自治区", "宁夏"),
    ("内蒙古自治区", "内蒙古"), ("西藏自治区", "西藏"), ("香港特别行政区", "香港"), ("澳门特别行政区", "澳门"),
    ("北京市", "北京"), ("天津市", "天津"), ("上海市", "上海"), ("重庆市", "重庆"),
] + [(p + "省", p) for p in (
    "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
    "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾")]
_PROVINCE_SHORT = sorted({s for _, s in _PROVINCES}, key=len, reverse=True)

# generic kinds of unit at the end of a name: what is left without them must be distinctive
_GENERIC_TAIL = ("股份有限公司", "有限公司", "公司", "委员会", "管理局", "局", "厅", "委", "办公室", "中心",
                 "医院", "大学", "学院", "中学", "小学", "学校", "研究院", "研究所", "院", "所", "站", "队",
                 "分行", "支行", "银行", "合作社", "厂", "集团", "协会", "学会", "处", "部", "馆", "社")

# characters that name *which* unit: never accepted as a misreading of one another

#: the suffixes that end a place name (阿克苏**地区**, 温宿**县**)
_PLACE_SUFFIX = r"(?:自治区|自治州|自治县|地区|省|市|州|盟|县|区|旗)"
_PLACE = re.compile(r"^[\u4e00-\u9fff]{1,6}?" + _PLACE_SUFFIX)


def normalise(text: str) -> str:
    """Comparable form: NFKC, no spaces/punctuation, upper-case Latin, usual name variants."""
    t = unicodedata.normalize("NFKC", text or "")
    t = "".join(ch for ch in t if ch.isalnum()).upper()
    t = t.replace("有限责任公司", "有限公司")
    for full, short in _PROVINCES:
        t = t.replace(full, short)
    return t


def normalise_confs(text: str, confs: list[float]) -> tuple[str, list[float]]:
    """``normalise`` that carries each character's recogniser confidence along (the usual name
    variants keep some of the characters of the longer form, with their confidences)."""
    chars: list[tuple[str, float]] = []
    padded = list(confs) + [0.0] * max(0, len(text or "") - len(confs))
    for ch, c in zip(text or "", padded):
        chars += [(x.upper(), c) for x in unicodedata.normalize("NFKC", ch) if x.isalnum()]
    for full, short in [("有限责任公司", "有限公司")] + _PROVINCES:
        keep = _subsequence(full, short)
        t = "".join(ch for ch, _ in chars)
        i = t.find(full)
        while i >= 0:
            chars[i:i + len(full)] = [chars[i + k] for k in keep]
            t = "".join(ch for ch, _ in chars)
            i = t.find(full, i + len(short))
    return "".join(ch for ch, _ in chars), [c for _, c in chars]


def _subsequence(full: str, short: str) -> list[int]:
    """Indices in ``full`` of the characters of ``short``, in order (有限公司 in 有限责任公司)."""
    out, j = [], 0
    for i, ch in enumerate(full):
        if j < len(short) and ch == short[j]:
            out.append(i)
            j += 1
    return out


def strip_province(t: str) -> str:
    for s in _PROVINCE_SHORT:
        if t.startswith(s) and len(t) > len(s):
            return t[len(s):]
    return t


def strip_places(t: str, max_tokens: int = 3) -> tuple[str, list[str]]:
    """Remove leading place names (province, city, prefecture, county, district)."""
    places = []
    t = strip_province_keep(t, places)
    for _ in range(max_tokens):
        m = _PLACE.match(t)
        if not m or len(t) - m.end() < 2:
            break
        places.append(m.group(0))
        t = t[m.end():]
    return t, places


def strip_province_keep(t: str, places: list[str]) -> str:
    r = strip_province(t)
    if r != t:
        places.append(t[: len(t) - len(r)])
    return r


def names_a_unit(text: str) -> bool:
    """Does a ring reading end the way a unit's name does (…局, …学院, …有限公司)? A seal's ring
    names its unit; one whose ring names none (全国统一发票监制章) carries the unit inside."""
    t = normalise(text)
    return len(t) >= 4 and t.endswith(_GENERIC_TAIL)


def distinctive_len(core: str) -> int:
    for g in _GENERIC_TAIL:
        if core.endswith(g):
            return len(core) - len(g)
    return len(core)


def allowed_errors(n: int) -> float:
    if n <= 3:
        return 0
    if n <= 6:
        return 1
    return n / 4.0


@lru_cache(maxsize=65536)
def _cost(pc: str, tc: str) -> float:
    """Substitution cost: a look-alike misreading (喀→略) is half an error — it is what OCR does to
    the right name — and numerals/directions are never taken for one another. Remembered: the
    edit distances ask for the same few pairs ~100,000 times on a page of stamps."""
    if pc == tc:
        return 0.0
    if pc in _HARD or tc in _HARD:
        return 3.0
    return 0.5 if looks_alike(pc, tc) else 1.0


def fuzzy_find(pattern: str, text: str, subs: list | None = None,
               at: list | None = None) -> tuple[float, int, int, list[bool]]:
    """Best approximate occurrence of ``pattern`` in ``text`` (semi-global edit distance).

    Returns (distance, start, end, wrong) where ``wrong[i]`` says pattern character ``i`` was
    not read as itself. Numerals/directions cost 3 to substitute, drop or add, so they are never
    taken for one another. ``subs``, when given, receives per pattern character the text character
    it was read as (None where it was dropped); ``at`` its index in ``text`` (None likewise)."""
    if not pattern:
        return 0.0, 0, 0, []
    if not text:
        return float(len(pattern)), 0, 0, [True] * len(pattern)
    dist, start, end, wrong, got, where = _fuzzy(pattern, text)
    if subs is not None:
        subs[:] = got
    if at is not None:
        at[:] = where
    return dist, start, end, list(wrong)


@lru_cache(maxsize=4096)
def _fuzzy(pattern: str, text: str) -> tuple[float, int, int, tuple[bool, ...], tuple, tuple]:
    """``fuzzy_find`` remembered (with what each character was read as, and where): the finder
    compares every reading of a stamp again each time it reads one more, and a stamp cut by the
    edge has each reading compared with ~100 pieces of the name (``partial``) — an edit distance
    in Python each, ~5% of the seal stage on stress pages when computed anew."""
    n, m = len(pattern), len(text)
    D = [[0.0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        gap_p = 3.0 if pattern[i - 1] in _HARD else 1.0
        D[i][0] = D[i - 1][0] + gap_p
        row, up = D[i], D[i - 1]
        pc = pattern[i - 1]
        for j in range(1, m + 1):
            tc = text[j - 1]
            gap_t = 3.0 if tc in _HARD else 1.0
            row[j] = min(up[j - 1] + _cost(pc, tc), up[j] + gap_p, row[j - 1] + gap_t)
    j = min(range(m + 1), key=lambda k: D[n][k])
    dist, end = D[n][j], j
    wrong = [False] * n
    got: list = [None] * n
    where: list = [None] * n
    i = n
    while i > 0 and j > 0:
        pc, tc = pattern[i - 1], text[j - 1]
        gap_p = 3.0 if pc in _HARD else 1.0
        if D[i][j] == D[i - 1][j - 1] + _cost(pc, tc):
            wrong[i - 1] = pc != tc
            got[i - 1] = tc
            where[i - 1] = j - 1
            i, j = i - 1, j - 1
        elif D[i][j] == D[i - 1][j] + gap_p:
            wrong[i - 1] = True
            i -= 1
        else:
            j -= 1
    for k in range(i):
        wrong[k] = True
    return dist, j, end, tuple(wrong), tuple(got), tuple(where)


@dataclass
class UnitMatch:
    matched: bool
    #: 1 - errors / length of the form that matched best (0..1)
    similarity: float
    form: str = ""
    #: the form of the unit's normalised name that was looked for (the name itself, or it without
    #: its province or places); empty where no form matched
    pattern: str = ""
    found: str = ""
    detail: str = ""
    #: the reading names another place where the unit's place name stands (沙雅县 for 温宿县)
    place_conflict: bool = False
    #: characters of the distinctive part read as themselves or as a look-alike (喀→略)
    distinctive_read: int = 0
    #: characters of the distinctive part read as some other, unrelated character (水利 → 财政)
    distinctive_other: int = 0
    distinctive_len: int = 0
    #: a confident reading has another character in the distinctive part: another unit's stamp
    #: (新河 for 新禾), not a misreading of this one
    contradicted: bool = False
    #: which characters of the unit's name (indices in its normalised form) were read so
    contradicted_at: frozenset = frozenset()

    @property
    def spotted(self) -> bool:
        """Matched by the recogniser's probabilities (``masker.seals.spotting``), not by a string:
        no string match's checks (another place printed before a form without places, a
        substituted character confirmed in every rendering) apply to it."""
        return self.form.startswith("spotted")


def other_allowance(n_d: int) -> int:
    """Characters of the distinctive part that may be read as another (non look-alike) character."""
    return 0 if n_d < 6 else 1


def distinctive_allowance(n_d: int) -> float:
    """Errors allowed in the distinctive part: one look-alike misreading in a short one."""
    return 0.5 if n_d <= 3 else 1.0 if n_d <= 6 else n_d / 4.0


def _texts(ring_text: str, inner_texts: list[str] | None,
           ring_confs: list[float] | None = None) -> list[tuple[str, list[float] | None]]:
    """The texts to look for the name in, each with its characters' confidences where known:
    the ring twice (the reading may start anywhere on the ring), the inner lines, both."""
    if ring_confs is not None:
        ring, rc = normalise_confs(ring_text, ring_confs)
    else:
        ring, rc = normalise(ring_text), None
    out: list[tuple[str, list[float] | None]] = [(ring + ring, rc + rc if rc is not None else None)] if ring else []
    inner = [normalise(t) for t in (inner_texts or []) if normalise(t)]
    out += [(t, None) for t in inner]
    if ring and inner:
        # the ring's characters keep their own confidences here too (a sure 客 for a worn 喀 is
        # a misreading whatever follows the ring); the inner lines' are not known: none is sure
        joined = "".join(inner)
        out.append((ring + joined, rc + [0.0] * len(joined) if rc is not None else None))
    return out


def distinctive_span(form: str) -> tuple[int, int]:
    """Where the part of the name that says *which* unit lies: without places and generic tail."""
    deep, _ = strip_places(form)
    start = len(form) - len(deep)
    if distinctive_len(deep) == 0:  # the place is the name (新疆大学): the places are distinctive
        return 0, distinctive_len(form) or len(form)
    return start, start + distinctive_len(deep)


#: recogniser confidence above which a reading's characters are taken as read: a character there
#: that differs from the unit's (and is no look-alike) is a different character, not a misreading
CONFIDENT = 0.93
#: mean character confidence of a reading good enough that a sure character in it is taken as read
READING_SURE = 0.9
#: confidence of one character, in such a reading, above which it is taken as read (禾 at 0.92 in
#: a reading of 0.96 is 禾; 术 at 0.37 is a misread 禾)
CHAR_SURE = 0.9


def match_unit(unit: str, ring_text: str, inner_texts: list[str] | None = None,
               confident: bool = False, confs: list[float] | None = None) -> UnitMatch:
    """Does the seal whose ring reads ``ring_text`` (and whose inner lines read
    ``inner_texts``) belong to ``unit``? ``confident``: the recogniser was sure of this reading
    (score ≥ ``CONFIDENT``), so the distinctive part may hold lost characters and look-alikes
    but no other character: 阿克苏新河水利建设 read cleanly is not 阿克苏新禾水利建设.
    ``confs``: the recogniser's confidence in each character of ``ring_text``; then it is the
    other character's own confidence that decides (术 read at 0.37 in a line scoring 0.94 is a
    misread 禾; 河 read at 0.99 is 河)."""
    u = normalise(unit)
    texts = _texts(ring_text, inner_texts, confs)
    if not u or not texts:
        return UnitMatch(False, 0.0, detail="nothing to compare")
    forms: list[tuple[str, str]] = [(u, "full")]
    core = strip_province(u)
    if core != u and len(core) >= 4:
        forms.append((core, "without province"))
    deep, places = strip_places(u)
    if deep not in (u, core) and distinctive_len(deep) >= 4:
        forms.append((deep, "without place names"))
    best = UnitMatch(False, 0.0)
    ring = normalise(ring_text)
    vetoed: set[int] = set()  # characters of the unit (indices in ``u``) read surely as others
    for form, label in forms:
        d0, d1 = distinctive_span(form)
        # the ring naming another place before the form without its places: no match anywhere,
        # an inner line's included (nothing stands before it there)
        ring_other = label != "full" and bool(ring) and names_other_place_before(form, ring + ring, u, cyclic=True)
        for t, tconfs in texts:
            got: list = []
            at: list = []
            dist, a, b, wrong = fuzzy_find(form, t, got, at)
            # a misreading into a look-alike (喀→略) counted half in the distance already
            alike = [bool(w and g is not None and looks_alike(p, g)) for p, w, g in zip(form, wrong, got)]
            sim = max(0.0, 1.0 - dist / len(form))
            ok = dist <= allowed_errors(len(form))
            # the distinctive part (水利 of 阿克苏地区水利局) must be read nearly exactly:
            # siblings differ exactly there (and not in look-alikes: 水利 vs 林业)
            n_d = d1 - d0
            bad_d = sum(wrong[d0:d1]) - 0.5 * sum(alike[d0:d1])
            if bad_d > distinctive_allowance(n_d):
                ok = False
            # in short place names before it (新和县 vs 新河县) only look-alikes and lost characters
            # pass: another character there is another place; a long one (阿瓦提县) may have one
            other_subs = sum(1 for w, g, al in zip(wrong[:d0], got[:d0], alike[:d0]) if w and g is not None and not al)
            conflict = other_subs > (0 if d0 <= 3 else 1)
            if conflict:
                ok = False
            elif not ok and _place_half_lost(wrong, d0, d1, bad_d, dist, len(form)):
                ok = True
            if label != "full" and (ring_other or names_other_place(t, a, u)):
                conflict, ok = True, False
            d_other = sum(1 for w, g, al in zip(wrong[d0:d1], got[d0:d1], alike[d0:d1]) if w and g is not None and not al)
            d_read = sum(1 for w, al in zip(wrong[d0:d1], alike[d0:d1]) if not w or al)
            # another character in the distinctive part: in a short one (水利 vs 财政) that is
            # another unit; a long one (天河水利水电工程) may have one misread, no more — two units
            # whose long names differ in one character are told apart only by a clean reading
            if d_other > other_allowance(n_d):
                ok = False
            # read with confidence, it names another unit (only for a reading of a name like this
            # one: print misread as ring text says nothing); so does another place read surely
            # (车市 of 库车市 for 沙雅县)
            if tconfs is not None:
                off = len(u) - len(form)
                sure = _sure_positions(form, wrong, got, at, alike, d0, d1, tconfs, CHAR_SURE, u, off)
                sure_place = _sure_positions(form, wrong, got, at, alike, 0, d0, tconfs, CONFIDENT, u, off)
                if label == "full" and len(sure_place) > (0 if d0 <= 3 else 1):  # as for ``conflict``
                    sure += sure_place
            else:
                sure = [i for i in range(d0, d1) if confident and wrong[i] and got[i] is not None and not alike[i]]
            contradicted = bool(sure) and sim >= 0.5
            if contradicted:
                ok = False
                vetoed |= {len(u) - len(form) + i for i in sure}
            cand = UnitMatch(ok, sim, form=label, pattern=form, found=t[a:b],
                             detail=f"{label}: {form} ~ {t[a:b]} ({dist:g} errors, {bad_d} in {form[d0:d1]})"
                                    + ("; read with confidence as another name" if contradicted else ""),
                             place_conflict=conflict, distinctive_read=d_read, distinctive_other=d_other,
                             distinctive_len=n_d, contradicted=contradicted)
            if (cand.matched, cand.similarity) > (best.matched, best.similarity):
                best = cand
    if vetoed:  # the ring, read surely, names another unit: a partial match elsewhere (an inner line) is moot
        return replace(best, matched=False, contradicted=True, contradicted_at=frozenset(vetoed))
    return best


def names_other_place_before(form: str, text: str, unit_norm: str, cyclic: bool = False) -> bool:
    """Does ``text`` name another place right before its (even poorly read) reading of ``form``,
    the unit's name without its places? 库车市港海管理站 on a ring, or 库车市灌溉管理站 printed
    under the stamp, with 灌溉管理站 read inside: 库车市's station, not 沙雅县's (stress seed 61,
    sibling run, page 19). ``cyclic``: ``text`` is a ring read twice; what precedes the match is
    the rest of the ring, from the match's end round to its start (not the match's own tail:
    县农村供水管理站 read from the ring of 阿瓦提县农村供水管理总站 has 县, not 管理站县, before
    农村供水管理站)."""
    t = normalise(text)
    if not form or not t:
        return False
    dist, a, b, _wrong = fuzzy_find(form, t)
    if 1.0 - dist / len(form) < 0.5:
        return False
    if cyclic:
        n = len(t) // 2
        a0 = a % n
        t = (t[:n] * 3)[a0 + (b - a): a0 + n]
        a = len(t)
    return names_other_place(t, a, unit_norm)


def placed_elsewhere(m: "UnitMatch", unit: str, texts: Iterable[str]) -> bool:
    """Is a string match of the unit's name without its places (or province) contradicted by one
    of ``texts`` naming another place right before that name? (A match by spotting held the name
    with its places, or without the province only.)"""
    u = normalise(unit)
    return (m.matched and not m.spotted and bool(m.pattern) and m.pattern != u
            and any(names_other_place_before(m.pattern, t, u) for t in texts))


def _place_half_lost(wrong: list[bool], d0: int, d1: int, bad_d: float, dist: float, n: int) -> bool:
    """A place name partly lost under print costs half an error more than ``allowed_errors``
    (宿暑水利局 for 温宿县水利局: 温 lost, 县 read as its look-alike 暑): only when the distinctive
    part and the generic tail are read exactly, some of the place is read as itself, and (checked
    by the caller) nothing in the place is read as another character — a namesake county
    (乌什县, 沙雅县) differs in a character read there, never only in lost or look-alike ones."""
    return (d0 > 0 and bad_d == 0 and not any(wrong[d1:]) and not all(wrong[:d0])
            and dist <= allowed_errors(n) + 0.5)


def _sure_positions(form: str, wrong: list[bool], got: list, at: list, alike: list[bool], lo: int, hi: int,
                    confs: list[float], level: float, unit: str = "", offset: int = 0) -> list[int]:
    """Characters of the name in ``lo:hi`` read, with confidence ≥ ``level`` each, as another
    character (not a look-alike): a namesake's word, not a misreading. Only in a reading that
    is good as a whole (``READING_SURE``): in a pale stamp's noisy reading the recogniser is sure of
    the odd damaged glyph too (科 at 0.94 for a 利 that lost strokes). Nor is a character whose
    glyph shares most of the unit's one (``_resembles``: 科 and 利 share 禾) read surely: a worn
    利 reads as 科 at 0.99. Nor is a character that is the unit's own neighbour there (``unit``:
    the whole normalised name, ``form`` starting at ``offset`` in it): where the reading lost a
    character, the alignment may set the one next to it in its place (区利水电 for 水利水电 of
    阿克苏地区水利水电…: 区 is 地区's, read rightly, not a namesake's word)."""
    if not _reading_sure(confs):
        return []
    return [i for i in range(lo, hi)
            if wrong[i] and got[i] is not None and not alike[i] and at[i] is not None
            and at[i] < len(confs) and confs[at[i]] >= level and not _resembles(form[i], got[i])
            and not _own_neighbour(unit, offset + i, got[i])]


def _own_neighbour(unit: str, k: int, ch: str, reach: int = 2) -> bool:
    """Is ``ch`` one of the ``reach`` characters before or after position ``k`` of the unit's
    name? Two: where a reading lost two characters (灌溉 of 库车市灌溉管理站, read 车市理站 surely
    in stress seed 71 page 3), the alignment may set the place's 车市 in their place."""
    return bool(unit) and any(0 <= j < len(unit) and j != k and unit[j] == ch for j in range(k - reach, k + reach + 1))


#: glyph correlation (``masker.text.glyphs``) above which two characters share most of their
#: strokes (科/利 0.73, 庆/天 0.71), below the look-alike bar (0.8); namesakes' words differ more
#: (河/禾 0.61, 察/划 0.68, 车/雅 0.67)
RESEMBLES = 0.7


def _resembles(a: str, b: str) -> bool:
    """Do two characters share most of their strokes, so that a worn glyph of one may read
    surely as the other? Numerals and directions never do."""
    if a in _HARD or b in _HARD or not ("\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff"):
        return False
    sim = glyph_similarity(a, b)
    return sim is not None and sim >= RESEMBLES


def _reading_sure(confs: list[float] | None) -> bool:
    """Is a reading good as a whole (mean character confidence ≥ ``READING_SURE``)?"""
    return bool(confs) and sum(confs) / len(confs) >= READING_SURE


def names_other_place(text: str, start: int, unit_norm: str) -> bool:
    """Does the seal name a place right before the match that is not in the unit's name?"""
    before = text[max(0, start - 8):start]
    # the place name ending right before the match
    m = re.search(r"([\u4e00-\u9fff]{2,5}?" + _PLACE_SUFFIX + ")$", before)
    if not m:  # a place cut down to one character and its suffix (车市 of 库车市)
        m1 = re.search(r"([\u4e00-\u9fff])" + _PLACE_SUFFIX + "$", before)
        if m1 and m1.group(1) not in unit_norm:
            return True
    if m:
        place = m.group(1)
        # compare on the place's own name (e.g. 广州 of 广州市), tolerating a partly read one
        stem = re.sub(_PLACE_SUFFIX + "$", "", place)
        suffix = place[len(stem):]
        stem = stem[-2:]
        if len(stem) >= 2 and stem not in unit_norm and not _partly_own_place(stem + suffix, unit_norm):
            return True
    for p in _PROVINCE_SHORT:
        if p in before and p not in unit_norm:
            return True
    return False



def _partly_own_place(place: str, unit_norm: str) -> bool:
    """Is a place name read before the match the end of the unit's own, longer place name with
    one character lost or misread (事苏地区 for the 克苏地区 of 阿克苏地区, 苏德区 for its
    苏地区)? Compared from the end: at most one character differs, none a numeral or direction,
    and a character of the place's own name (苏, not just 地区) agrees. Only for a unit whose
    place's own name has three or more characters, so the rest of it still says which place it
    is; a two-character one (东城区) may differ from another (西城区) in just that character."""
    deep, _ = strip_places(unit_norm)
    own = unit_norm[: len(unit_norm) - len(deep)]
    own_suffix = re.search(_PLACE_SUFFIX + "$", own)
    if own_suffix is None:
        return False
    own_stem = re.split(_PLACE_SUFFIX, own[: own_suffix.start()])[-1]
    k = min(len(place), len(own))
    if len(own_stem) < 3 or k < 3:
        return False
    a, b = place[-k:], own[-k:]
    diff = [i for i in range(k) if a[i] != b[i]]
    stem_agrees = any(a[i] == b[i] for i in range(k - len(own_suffix.group(0))))
    return len(diff) <= 1 and stem_agrees and not any(a[i] in _HARD or b[i] in _HARD for i in diff)


@lru_cache(maxsize=512)
def _match_one(unit: str, text: str, inner: tuple[str, ...], confident: bool,
               confs: tuple[float, ...] | None) -> UnitMatch:
    """``match_unit`` remembered: the finder matches a seal's readings again each time it reads
    one more, and the comparison (an edit distance in Python) is the costly part."""
    return match_unit(unit, text, list(inner), confident=confident, confs=list(confs) if confs is not None else None)


def _read_as_itself(unit: str, ring_texts: list[str]) -> set[int]:
    """Characters of the unit's name (indices in its normalised form) that some reading of the
    name has in place, as themselves or as a look-alike."""
    u = normalise(unit)
    if not u:
        return set()
    n = len(ring_texts)  # which rendering each came from does not matter here
    return {i for r in _aligned(u, ring_texts, [""] * n, [None] * n) for i in range(len(u)) if r.in_place(u, i)}


#: an other character read in the distinctive part counts towards renderings agreeing on a
#: namesake's word only when the recogniser gave it at least this confidence
AGREE_CONF = 0.6

#: a reading joins the character-by-character consensus when this much of the name is in it, in
#: place: a pale stamp's noisier renderings still carry the odd character the others lost
CONSENSUS_MIN_SIMILARITY = 0.3


@dataclass(frozen=True)
class _Aligned:
    """One reading of a stamp lined up with a form of the unit's name (``fuzzy_find``)."""
    span: str
    wrong: tuple[bool, ...]
    got: tuple
    at: tuple
    confs: tuple[float, ...] | None
    rendering: str
    #: characters of the reading inside the match that stand for none of the name's
    inserted: int
    #: characters of the whole reading (one turn of the ring) that stand for none of the name's
    unexplained: int

    def in_place(self, form: str, i: int) -> bool:
        """Is character ``i`` of the form read as itself or as a look-alike?"""
        return not self.wrong[i] or (self.got[i] is not None and looks_alike(form[i], self.got[i]))

    def others(self, form: str, d0: int, d1: int) -> list[int]:
        """Positions of the distinctive part read as another, unrelated character."""
        return [i for i in range(d0, d1)
                if self.wrong[i] and self.got[i] is not None and not looks_alike(form[i], self.got[i])]

    def sure_other(self, i: int) -> bool:
        """A glyph the recogniser itself doubts is a damaged one, not a namesake's word."""
        return self.confs is None or self.confs[self.at[i] % len(self.confs)] >= AGREE_CONF


def _aligned(form: str, ring_texts: list[str], renderings: list[str],
             confs: list[list[float] | None]) -> list[_Aligned]:
    """The readings that are of this name at all, each lined up with it (cyclically: a ring's
    reading may start anywhere)."""
    out = []
    for t, rendering, cf in zip(ring_texts, renderings, confs):
        tt, tc = normalise_confs(t, cf) if cf is not None else (normalise(t), None)
        if not tt:
            continue
        got: list = []
        at: list = []
        dist, a, b, wrong = fuzzy_find(form, tt + tt, got, at)
        if 1.0 - dist / len(form) < CONSENSUS_MIN_SIMILARITY:
            continue
        out.append(_Aligned((tt + tt)[a:b], tuple(wrong), tuple(got), tuple(at),
                            tuple(tc) if tc is not None else None, rendering,
                            (b - a) - sum(g is not None for g in got), len(tt) - sum(g is not None for g in got)))
    return out


def _agreed_others(form: str, aligned: list[_Aligned], d0: int, d1: int) -> set[int]:
    """Positions of the distinctive part that two renderings read as the same other character,
    surely: one degraded glyph may look alike in every rendering, a namesake's word does too."""
    seen: dict[tuple[int, str], set[str]] = {}
    for r in aligned:
        for i in r.others(form, d0, d1):
            if r.sure_other(i):
                seen.setdefault((i, r.got[i]), set()).add(r.rendering)
    return {i for (i, _ch), v in seen.items() if len(v) >= 2}


@dataclass(frozen=True)
class ReadingsEvidence:
    """What all the readings of a stamp together say about the distinctive part of one form of
    the unit's name."""
    #: characters some reading has in place, as themselves or as a look-alike
    read: int
    #: positions two renderings read as the same other character, surely
    agreed_other: int
    #: how many renderings (scan, clean, red) gave a reading of this name at all
    renderings: int


def readings_evidence(form: str, ring_texts: list[str], sources: list[str],
                      confs: list[list[float] | None]) -> ReadingsEvidence:
    """The distinctive part of ``form`` (a form of the unit's normalised name, see
    ``UnitMatch.pattern``) across a stamp's readings: each rendering loses different strokes, so
    a character one of them has is read, and only renderings that agree on another character
    say it is another."""
    d0, d1 = distinctive_span(form)
    aligned = _aligned(form, ring_texts, [v.split("@")[0] for v in sources], confs)
    # a short distinctive part with a character lost, in a reading with characters the name does
    # not explain, may be a namesake's read with a look-alike: 新疆大学 lines up with 喀什大学 as
    # 喀→疆 and 什 lost, its 新 left over. Such a reading counts for nothing there
    clear = [r for r in aligned if d1 - d0 > 3 or not (r.unexplained and None in r.got[d0:d1])]
    read = {i for r in clear for i in range(d0, d1) if r.in_place(form, i)}
    return ReadingsEvidence(len(read), len(_agreed_others(form, aligned, d0, d1)),
                            len({r.rendering for r in aligned}))


def match_unit_readings(unit: str, ring_texts: list[str], inner_texts: list[str] | None = None,
                        scores: list[float] | None = None, sources: list[str] | None = None,
                        confs: list[list[float]] | None = None) -> UnitMatch:
    """``match_unit`` over several readings of the same seal (renderings, variants): the best
    single reading, or their consensus — a character of the unit counts as read when any reading
    has it in place (each rendering loses different strokes under print or in pale ink).
    ``scores``: the recogniser's confidence per reading; a confident reading that names another
    unit (see ``match_unit``) rules the consensus out, and so do renderings (``sources``: the
    rendering each reading came from) that agree on other characters in the distinctive part —
    in two places of a long one (察 of 勘察 for 划 of 规划, 起 for 规): one degraded glyph may
    look alike in every rendering, a namesake's word does too. ``confs``: per reading, the
    recogniser's confidence in each character (see ``match_unit``)."""
    sure = [sc >= CONFIDENT for sc in scores] if scores is not None else [False] * len(ring_texts)
    srcs = list(sources) if sources is not None else [str(i) for i in range(len(ring_texts))]
    cfs = list(confs) if confs is not None else [None] * len(ring_texts)
    pairs = [(t, c, v, cf) for t, c, v, cf in zip(ring_texts, sure, srcs, cfs) if normalise(t)]
    ring_texts = [p[0] for p in pairs]
    renderings = [p[2].split("@")[0] for p in pairs]
    inner = tuple(inner_texts or ())
    singles = ([_match_one(unit, t, inner, c, tuple(cf) if cf is not None else None) for t, c, _v, cf in pairs]
               or [match_unit(unit, "", inner_texts)])
    best = max(singles, key=lambda m: (m.matched, m.similarity))
    contra = set().union(*(m.contradicted_at for m in singles if m.contradicted))
    if any(m.contradicted for m in singles) and (not contra or contra - _read_as_itself(unit, ring_texts)):
        # one clear reading names another unit, and no reading has the unit's own character there:
        # noisier readings never outvote it (where one reads it, 电 at 0.91 for 山 is a misreading)
        return replace(best, matched=False, contradicted=True)
    if best.matched or len(ring_texts) < 2:
        return best
    u = normalise(unit)
    forms: list[tuple[str, str]] = [(u, "full")]
    core = strip_province(u)
    if core != u and len(core) >= 4:
        forms.append((core, "without province"))
    for form, label in forms:
        d0, d1 = distinctive_span(form)
        aligned = _aligned(form, ring_texts, renderings, [p[3] for p in pairs])
        if len(aligned) < 2:
            continue
        wrong_all = [all(w) for w in zip(*(r.wrong for r in aligned))]
        spans = [r.span for r in aligned]
        inserted = [r.inserted for r in aligned]
        # every character of the name, in order, with others between them
        longer = any(r.inserted > 0 and not any(r.wrong) for r in aligned)
        other = {i for r in aligned for i in r.others(form, d0, d1)}
        n_d = d1 - d0
        # distinctive characters no reading has, read as another character by some: as for a
        # single reading, none in a short distinctive part and one in a long one
        unresolved = {i for i in other if wrong_all[i]}
        if len(unresolved) > other_allowance(n_d):
            continue
        if len(_agreed_others(form, aligned, d0, d1)) >= max(1, n_d // 4):
            continue  # renderings agree on other characters there: a namesake's stamp
        if min(inserted) > 0 or longer:
            # every reading has characters in the middle of the name that it lacks, or one has all
            # of the name with others between: a longer name (新疆农业大学 is not 新疆大学, however
            # another reading, 新业大学, lines up with it; stress seed 71, namesake run, page 23)
            continue
        errors = sum(wrong_all)
        bad_d = sum(wrong_all[d0:d1])
        ok = errors <= allowed_errors(len(form)) and bad_d <= distinctive_allowance(n_d)
        sim = 1.0 - errors / len(form)
        if ok and sim > best.similarity:
            return UnitMatch(True, sim, form=label + " (readings combined)", pattern=form, found=" / ".join(spans),
                             distinctive_other=len(unresolved), distinctive_len=n_d,
                             detail=f"{label}, {len(spans)} readings combined: {form} ~ {' / '.join(spans)} "
                                    f"({errors} errors, {bad_d} in {form[d0:d1]})")
    return best
