"""Which parts of a cheap first reading need the full-strength reading.

Why: the recogniser is most of a page's time, and only the text that could hold the applicant's
name (or the unit name a seal is matched against) needs every character right. The first pass
reads every line narrowed (``LineRecognizer.read(squeeze=...)``). Then a *window* of a line — the
characters around a hit, as far as the whole name could reach from it either way — is read again
at full width and replaces the first reading there. A hit counts when another one is within the
name's length of it, or when it is near enough to an end of the line for the name to continue on
the next (or previous) line. A hit is a character
of the name, a known OCR confusion of one (``masker.text.confusions``), a look-alike glyph read
with low confidence (``masker.text.glyphs``), a Han character the first pass was unsure of (a
name character read as something else usually is), or a signature label. A line holding at least
half of the unit name's distinct characters is read again whole where a stamp may cover it (the
seal finder matches the whole unit name printed under a stamp, ≥ 0.85 alike; where a stamp may
be: ``masker.seals.hint``). A name split over two lines has a character of
the name on each, so both get a window. Digits and punctuation, which narrowing makes unsure, do
not count: names are Han characters.
"""
from __future__ import annotations

import math
import statistics
from dataclasses import dataclass, field, replace

from ..geometry import Box, overlap_area
from ..text.chars import char_class, is_han, normalize_name
from ..text.confusions import CONFUSABLE
from ..text.glyphs import looks_alike
from ..text.variants import variants
from .charboxes import Span
from .ctc import Reading
from .recognizer import REC_H, shared_width

#: below this a first-pass Han character counts as unsure
UNSURE_CONF = 0.8
#: below this a punctuation mark is a guess at something the first pass could not read (a
#: blurred glyph); narrowing leaves real marks unsure too, but rarely this unsure
GUESS_CONF = 0.5
#: labels the signature finder keys on (签名, 签字, 本人签章 ...)
_LABEL_CHARS = "签"
#: windows covering more than this share of a line: read the whole line again
WHOLE_LINE_SHARE = 0.6
#: neighbouring characters' centres further apart than this many pitches leave room for a glyph
#: the first pass dropped
HOLE = 1.6
#: a first reading scoring below this is read again whole (lines below 0.5 are dropped)
WHOLE_LINE_BELOW = 0.65
#: pitches a window reaches past where the name would end, seen from a character of the name at
#: a known place in it (so its end glyph is well clear of the half-character ``splice`` drops)
REACH_MARGIN = 1.5

Window = tuple[int, int]


@dataclass
class Focus:
    """What makes part of a line worth the strong reading."""

    chars: set[str] = field(default_factory=set)
    #: Han characters of the name: a low-confidence look-alike of one also counts
    han: tuple[str, ...] = ()
    #: characters a name can span (its core, plus the dot of a Uyghur name)
    name_len: int = 1
    #: for a character of the name (or a confusion or variant of one): how many characters of
    #: the name can stand before it and after it; other hits may be anywhere in the name
    reach: dict[str, tuple[int, int]] = field(default_factory=dict)
    #: distinct characters of the unit name, and how many of them make a line worth re-reading
    unit_chars: frozenset[str] = frozenset()
    unit_min: int = 0
    unsure_conf: float = UNSURE_CONF
    #: where the unit's printed name matters (boxes a stamp may cover, ``masker.seals.hint``);
    #: None: anywhere
    unit_near: list[Box] | None = None

    @classmethod
    def for_query(cls, name: str, unit: str | None = None) -> "Focus":
        core, dots = normalize_name(name or "")
        wanted = set(core) | set(_LABEL_CHARS)
        for ch in list(wanted):
            wanted |= CONFUSABLE.get(ch, set()) | variants(ch)
        unit_chars = frozenset(c for c in (unit or "") if is_han(c) or c.isalnum())
        return cls(chars=wanted, han=tuple(c for c in core if is_han(c)), name_len=len(core) + len(dots),
                   reach=_reaches(core, dots),
                   unit_chars=unit_chars, unit_min=max(2, (len(unit_chars) + 1) // 2))

    def is_hit(self, ch: str, conf: float) -> bool:
        if ch in self.chars:
            return True
        if conf < GUESS_CONF and char_class(ch) == "punct":
            return True  # a blurred glyph guessed as a mark (詹睿 read ：，at 0.24 and 0.41)
        return conf < 0.95 and is_han(ch) and (conf < self.unsure_conf or any(looks_alike(ch, c) for c in self.han))

    def near(self, regions: list[Box] | None) -> "Focus":
        """This focus, with the unit's lines read again only within ``regions``."""
        return replace(self, unit_near=regions)

    def whole_line(self, reading: Reading, box: Box | None = None) -> bool:
        """Read the whole line again: it may hold the unit's name where a stamp may be compared
        with it, or the first pass read it so poorly it would be dropped (``TEXT_SCORE``) or
        misplace its characters."""
        if reading.score < WHOLE_LINE_BELOW:
            return True
        if not self.unit_chars or len(self.unit_chars.intersection(reading.text)) < self.unit_min:
            return False
        return self.unit_near is None or box is None or any(overlap_area(box, r) > 0 for r in self.unit_near)

    def qualifying_hits(self, sp: list[Span], char_pitch: float | None = None) -> list[Span]:
        """Hits that could be part of the name: with another hit within the name's length, or
        close enough to an end of the line for the rest of the name to be on the next line (or
        the previous one), or beside a hole in the reading (given the line's ``char_pitch``): the
        narrowed first pass can drop a blurred glyph altogether (詹睿 read 詹), leaving its place
        empty. A one-character name: every hit."""
        idx = [k for k, s in enumerate(sp) if self.is_hit(s.ch, s.conf)]
        n = self.name_len
        if n <= 1:
            return [sp[k] for k in idx]
        hole = HOLE * char_pitch if char_pitch else float("inf")
        out = []
        for j, k in enumerate(idx):
            near = (j > 0 and k - idx[j - 1] < n) or (j + 1 < len(idx) and idx[j + 1] - k < n)
            gap = (k + 1 < len(sp) and sp[k + 1].centre - sp[k].centre > hole) or \
                (k > 0 and sp[k].centre - sp[k - 1].centre > hole)
            if near or gap or k < n - 1 or k > len(sp) - n:
                out.append(sp[k])
        return out

    def windows(self, reading: Reading, sp: list[Span], crop_w: int, crop_h: int,
                box: Box | None = None) -> list[Window]:
        """Parts of the line crop (x ranges, upright crop pixels) to read again; [] for none.
        ``box``: the line on the page, for ``unit_near``."""
        if self.whole_line(reading, box):
            return [(0, crop_w)]
        p = pitch(sp, crop_h)
        hits = self.qualifying_hits(sp, p)
        if not hits:
            return []
        n = self.name_len
        wins: list[list[float]] = []
        for s in sorted(hits, key=lambda s: s.x0):
            before, after = self.reach.get(s.ch, (n, n))
            a = max(0.0, s.x0 - min(n, before + REACH_MARGIN) * p)
            b = min(float(crop_w), s.x1 + min(n, after + REACH_MARGIN) * p)
            if wins and a <= wins[-1][1]:
                wins[-1][1] = max(wins[-1][1], b)
            else:
                wins.append([a, b])
        if sum(b - a for a, b in wins) > WHOLE_LINE_SHARE * crop_w:
            return [(0, crop_w)]
        out = [(int(a), int(round(b))) for a, b in wins]
        return [(a, b) for a, b in out if b - a >= 2 and a < crop_w]  # never an empty crop


def _reaches(core: list[str], dots: set[int]) -> dict[str, tuple[int, int]]:
    """For each character of the name, its confusions and variants: the most characters of the
    name (dots included) that can stand before and after it.

    Why: a window around a hit reached the name's whole length both ways; a hit that is the
    name's first character only needs the rest of the name after it. Never more than the whole
    length either way (``Focus.windows``)."""
    n = len(core) + len(dots)
    out: dict[str, tuple[int, int]] = {}
    for i, ch in enumerate(core):
        before = i + sum(1 for d in dots if d <= i)
        for c in {ch} | CONFUSABLE.get(ch, set()) | variants(ch):
            lo, hi = out.get(c, (0, 0))
            out[c] = (max(lo, before), max(hi, n - 1 - before))
    return out


def pitch(sp: list[Span], crop_h: int) -> float:
    """Advance of one Han character along the line: its boxes' median width, at least 0.7 of
    the crop's height (a detector box is ~1.4 glyph heights tall; CJK glyphs are square)."""
    ws = [s.x1 - s.x0 for s in sp if is_han(s.ch)]
    return max(statistics.median(ws) if ws else 0.0, 0.7 * crop_h)


def splice(first: list[Span], reads: list[tuple[Window, list[Span]]], crop_w: int, crop_h: int) -> list[Span]:
    """The first reading with each window's strong reading in its place.

    A window's edges cut through glyphs, which it then misreads: its characters centred within
    half a character of an edge that is not the line's own edge are dropped. The kept ones replace
    the first reading's characters centred inside their boxes' extent (boxes, not centres: the
    two passes place a glyph's centre a little differently)."""
    g = 0.5 * pitch(first, crop_h)
    out = list(first)
    for (a, b), sp in reads:
        lo = a + g if a > 0 else float("-inf")
        hi = b - g if b < crop_w else float("inf")
        kept = [s for s in sp if lo <= s.centre < hi]
        if not kept:
            continue
        x0, x1 = min(s.x0 for s in kept), max(s.x1 for s in kept)
        out = [s for s in out if not x0 <= s.centre < x1] + kept
    out.sort(key=lambda s: s.centre)
    return out


def widen(a: int, b: int, crop_w: int, crop_h: int) -> Window:
    """Window ``a:b`` of a line crop widened with the line's own pixels, as evenly as the line's
    ends allow, until its width at the recogniser's height is a shared width (``shared_width``).

    Why: the runtime prepares its kernels per input shape, and a new shape costs up to as much
    as the reading itself; windows of exact widths were nearly all new shapes. Wider by a few
    pixels of the same line, a window reads what it read before (its edges are cut through
    glyphs anyway and ``splice`` drops what lies near them); what the line's ends leave short is
    stretched (``LineRecognizer.read(widths=...)``)."""
    w = max(1, math.ceil(REC_H * (b - a) / max(1, crop_h)))
    extra = int((shared_width(w) - w) * crop_h / REC_H)
    left = min(a, extra // 2)
    right = min(crop_w - b, extra - left)
    left = min(a, extra - right)
    return a - left, b + right
