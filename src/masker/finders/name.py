"""The applicant's-name finder.

For each text line (and each pair of lines a name can break across) it matches the name
tolerantly (``name_match``), then decides *whose* name it is from the boundaries: a match that
runs straight into more name characters (张伟华, 李张伟, 古丽米拉·买买提江) is another person and
is kept visible with the reason; a match bounded by punctuation, a blank gap, a cell edge, a line
end or a word that conventionally stands next to names (姓名, 同志, 作者…) is the applicant's.
Boxes are fitted to the ink of the name's glyphs (``masker.ink``) plus a small margin that never
reaches the neighbouring glyphs.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..geometry import Box, union
from ..ink import fit_span
from ..ocr.base import TextLine
from ..results import Kept, Mask
from ..text.context import OTHER_PERSON_LABELS, label_before, left_ok, right_ok, surname_like
from .base import Findings, PageContext, Query
from .name_match import Match, NamePattern, Token, find_matches, tokens_from_chars

#: a blank run at least this many glyph heights wide separates words even where OCR gives no space
#: (glyphs of one word sit ≤ 0.3 apart; a half-width space adds 0.5)
GAP_BOUNDARY = 0.6
MARGIN = 0.10


@dataclass
class _Side:
    ok: bool
    reason: str           # why it is (not) a boundary
    extra: str = ""       # characters of a longer name on this side, if any


def _line_tokens(lines: list[TextLine]) -> list[list[Token]]:
    return [tokens_from_chars(l.chars, i) if l.chars else [] for i, l in enumerate(lines)]


def _continuations(lines: list[TextLine]) -> list[tuple[int, int, str]]:
    """Pairs (a, b, kind) where line b may continue line a: ``below``, the next line of a
    paragraph or table cell, or ``right``, the next box on the same row (OCR splits padded names
    like ``张　　伟``)."""
    pairs = []
    for a, la in enumerate(lines):
        ha = la.box[3] - la.box[1]
        if ha <= 0:
            continue
        below, right = None, None
        cands: list[tuple[float, int, float, int]] = []
        for b, lb in enumerate(lines):
            if b == a:
                continue
            hb = lb.box[3] - lb.box[1]
            if hb <= 0 or max(ha, hb) > 1.8 * min(ha, hb):
                continue
            cy_a, cy_b = (la.box[1] + la.box[3]) / 2, (lb.box[1] + lb.box[3]) / 2
            # same row, to the right, close
            if abs(cy_a - cy_b) < 0.45 * ha and 0 <= lb.box[0] - la.box[2] < 2.6 * ha:
                if right is None or lb.box[0] < lines[right].box[0]:
                    right = b
                continue
            vgap = lb.box[1] - la.box[3]
            # OCR line boxes are padded, so a wrapped cell line may overlap the one above
            if -0.6 * ha <= vgap < 2.0 * ha and cy_b > cy_a + 0.5 * ha:
                if lb.box[2] <= la.box[0] and cy_b - cy_a < ha:
                    continue  # a cell to the left on the same row (a row number centred lower)
                x_overlap = min(la.box[2], lb.box[2]) - max(la.box[0], lb.box[0])
                if x_overlap > 0.5 * ha or abs(lb.box[0] - la.box[0]) < 3 * ha:
                    cands.append((lb.box[1], 0 if x_overlap > 0.5 * ha else 1, abs(lb.box[0] - la.box[0]), b))
        if cands:
            # the next line down; among lines at that height, the one under a (same cell/column)
            top = min(c[0] for c in cands)
            below = min((c for c in cands if c[0] < top + 0.5 * ha), key=lambda c: (c[1], c[2]))[3]
        if right is not None:
            pairs.append((a, right, "right"))
        if below is not None:
            pairs.append((a, below, "below"))
    return pairs


class NameFinder:
    """Finds the applicant's name; keeps longer names that contain it."""

    name = "name"

    def find(self, ctx: PageContext, query: Query) -> Findings:
        pat = NamePattern.parse(query.name)
        self._dotted = pat.dotted
        out = Findings()
        if not pat.core:
            return out
        lines = ctx.lines
        # cheap pre-filter: a page none of whose lines holds any character of the name (in either
        # script form, or a known confusion of one) has nothing to find
        from ..text.confusions import CONFUSABLE
        from ..text.variants import variants

        wanted = set(pat.core) | {c for ch in pat.core for c in CONFUSABLE.get(ch, set()) | variants(ch)}
        if not any(ch in wanted for l in lines for ch in l.text):
            return out
        toks = _line_tokens(lines)
        pairs = _continuations(lines)
        margin = _right_margin(lines)
        self._below = {a: b for a, b, kind in pairs if kind == "below"}
        self._para_next = {a: b for a, b in self._below.items() if _is_paragraph_wrap(lines[a], lines[b], margin)}
        self._para_prev = {b: a for a, b in self._para_next.items()}
        seen: set[tuple[int, int]] = set()  # (line, token) already used by a match
        results: list[tuple[list[Token], Match, list[Token], int]] = []

        # 1) within one line
        for li, tl in enumerate(toks):
            for m in find_matches(tl, pat):
                results.append((tl, m, tl, li))
        # 2) across a line break / a split box
        for a, b, _ in pairs:
            ta, tb = toks[a], toks[b]
            if not ta or not tb:
                continue
            tail, head = ta[-(len(pat.core) + 6):], tb[:len(pat.core) + 6]
            joined = tail + head
            for m in find_matches(joined, pat):
                if not (m.start < len(tail) < m.end):
                    continue
                # contiguous: the part in line a runs to a's end, the part in b starts b
                results.append((joined, m, ta, a))
        # 3) over three lines of a narrow cell (祖丽胡玛 / 尔·艾合买 / 提): the middle line whole
        for a, b, c in _chains(self._below, toks, len(pat.core) + len(pat.dots)):
            tail, mid, head = toks[a][-(len(pat.core) + 6):], toks[b], toks[c][:len(pat.core) + 6]
            joined = tail + mid + head
            for m in find_matches(joined, pat):
                if m.start < len(tail) and m.end > len(tail) + len(mid):
                    results.append((joined, m, toks[a], a))

        for joined, m, _, li in sorted(results, key=lambda r: -r[1].score):
            used = {(t.line, t.pos) for t in joined[m.start:m.end]}
            if used & seen:
                continue
            seen |= used
            self._decide(ctx, lines, toks, joined, m, pat, out)
        return out

    # ---------------------------------------------------------------- decision
    def _decide(self, ctx: PageContext, lines: list[TextLine], toks: list[list[Token]],
                joined: list[Token], m: Match, pat: NamePattern, out: Findings) -> None:
        span = [t for t in joined[m.start:m.end] if t.cls != "space"]
        first, last = span[0], span[-1]
        parts = _split_by_line(span)
        order = sorted(parts)
        fits = {}
        for n, li in enumerate(order):
            # a dotted name broken at its dot: the dot glyph may sit at the end of the first part or
            # the start of the next, and OCR often drops it there; the mask still covers it
            ext_l = n > 0 and _dot_boundary(pat, parts, order, n) and parts[li][0].cls != "dot"
            ext_r = n < len(order) - 1 and _dot_boundary(pat, parts, order, n + 1) and parts[li][-1].cls != "dot"
            fits[li] = self._fit(ctx, lines[li], toks[li], parts[li], ext_l, ext_r)
        left = self._left_side(ctx, lines, toks, first, fits[first.line])
        right = self._right_side(ctx, lines, toks, last, fits[last.line])
        text = "".join(t.ch for t in span)
        before = _text_before(lines, toks, first)
        label = label_before(before)
        boxes = [fits[li][0] for li in sorted(parts)]
        if not left.ok or not right.ok:
            longer = left.extra + text + right.extra
            reason = "包含申报人姓名的更长姓名 / longer name that contains the applicant's name"
            out.kept.append(Kept("other_name", union(boxes), longer, reason, m.score))
            return
        if m.rule != "exact" and label in OTHER_PERSON_LABELS:
            out.kept.append(Kept("other_name", union(boxes), text,
                                 f"近似匹配且位于他人标签“{label}”后，保留待人工确认 / approximate match after "
                                 f"another person's label, kept for a person to check", m.score))
            return
        ocr_score = min((t.score for t in span), default=1.0)
        score = round(m.score * (0.5 + 0.5 * min(1.0, ocr_score)), 4)
        why = {"exact": "申报人姓名 / applicant's name",
               "confusion": "申报人姓名（含常见识别混淆字）/ applicant's name (with a known OCR confusion)",
               "fuzzy": "申报人姓名（近似匹配）/ applicant's name (approximate match)"}[m.rule]
        for box in boxes:
            out.masks.append(Mask("name", box, text, score, reason=why,
                                  rule=f"name.{m.rule}" + (".broken" if len(parts) > 1 else "")))

    def _fit(self, ctx: PageContext, line: TextLine, ltoks: list[Token], ptoks: list[Token],
             extend_left: bool = False, extend_right: bool = False):
        """Mask box (page units) for the part of the name on one line, plus the ink gaps."""
        p0, p1 = ptoks[0].pos, ptoks[-1].pos
        prev = next((ltoks[i] for i in range(p0 - 1, -1, -1) if ltoks[i].cls != "space"), None)
        nxt = next((ltoks[i] for i in range(p1 + 1, len(ltoks)) if ltoks[i].cls != "space"), None)
        ocr_box = union(t.box for t in ptoks)
        lh = line.box[3] - line.box[1]
        if extend_left and prev is None:
            ocr_box = (ocr_box[0] - 0.45 * lh, ocr_box[1], ocr_box[2], ocr_box[3])
        if extend_right and nxt is None:
            ocr_box = (ocr_box[0], ocr_box[1], ocr_box[2] + 0.45 * lh, ocr_box[3])
        if line.source == "pdf":
            return _pdf_box(ocr_box, line, prev, nxt), _pdf_gap(ocr_box, prev, lh), _pdf_gap_r(ocr_box, nxt, lh)
        s = ctx.scale
        img = ctx.image
        lb = tuple(v * s for v in line.box)
        fit = fit_span(img, lb, ocr_box[0] * s, ocr_box[2] * s,
                       prev.box[2] * s if prev else None, nxt.box[0] * s if nxt else None)
        if fit is None:
            m = MARGIN * lh
            return (ocr_box[0] - m, line.box[1], ocr_box[2] + m, line.box[3]), 0.0, 0.0
        x0, y0, x1, y1 = fit.box
        h = max(y1 - y0, 0.6 * (lb[3] - lb[1]))
        mg = MARGIN * h
        x0 = max(x0 - mg, fit.left_limit)
        x1 = min(x1 + mg, fit.right_limit)
        box = (x0 / s, (y0 - mg) / s, x1 / s, (y1 + mg) / s)
        # gaps relative to the glyph height (PP-OCR's line box is padded, so it would halve them);
        # an untranscribed punctuation mark between counts as a boundary
        gl = float("inf") if fit.punct_left else fit.gap_left / h
        gr = float("inf") if fit.punct_right else fit.gap_right / h
        return box, gl, gr

    # ---------------------------------------------------------------- boundaries
    def _left_side(self, ctx, lines, toks, first: Token, fit) -> _Side:
        ltoks = toks[first.line]
        i = first.pos - 1
        saw_space = False
        while i >= 0 and ltoks[i].cls == "space":
            saw_space, i = True, i - 1
        if i < 0:
            a = self._para_prev.get(first.line)
            if a is not None and toks[a] and toks[a][-1].cls == "han":
                before = "".join(x.ch for x in toks[a] if x.cls != "space")
                if not left_ok(before) and surname_like(before[-1], self._dotted):
                    return _Side(False, "han before (previous line)", extra=_han_run_left(toks[a], len(toks[a]) - 1, 2))
            return _Side(True, "line start")
        t = ltoks[i]
        gap_ratio = fit[1]
        if saw_space or gap_ratio >= GAP_BOUNDARY:
            return _Side(True, "gap")
        if t.cls == "dot":
            j = i - 1
            if j >= 0 and ltoks[j].cls == "han":
                return _Side(False, "name continues before a dot", extra=_han_run_left(ltoks, j) + t.ch)
            return _Side(True, "punct")
        if t.cls != "han":
            return _Side(True, t.cls)
        before = "".join(x.ch for x in ltoks[:first.pos] if x.cls != "space")
        if left_ok(before):
            return _Side(True, "word")
        if not surname_like(t.ch, self._dotted):
            return _Side(True, "not a name character")
        # t may be a surname starting a longer name (李张伟) or the end of a word (关于张伟):
        # a name starts after a boundary or a word that introduces names; a word-final character
        # follows other text
        j = i - 1
        if j < 0 or ltoks[j].cls != "han" or left_ok(before[:-1]) or _blank_between(ltoks, j, i):
            return _Side(False, "surname before", extra=t.ch)
        return _Side(True, "end of a word")

    def _right_side(self, ctx, lines, toks, last: Token, fit) -> _Side:
        ltoks = toks[last.line]
        i = last.pos + 1
        saw_space = False
        while i < len(ltoks) and ltoks[i].cls == "space":
            saw_space, i = True, i + 1
        if i >= len(ltoks):
            b = self._below.get(last.line)
            if b is not None and toks[b] and toks[b][0].cls in ("han", "dot"):
                after = "".join(x.ch for x in toks[b] if x.cls != "space")
                extra = _Side(False, "name continues on the next line", extra=_han_run_right(toks[b], 0, 2))
                if toks[b][0].cls == "dot":
                    return extra
                if right_ok(after) or _label_tail(after):
                    return _Side(True, "line end")
                if self._para_next.get(last.line) == b:
                    return extra  # a sentence wrapped in the middle of a longer name
                # the next line of the same table cell: a short piece of a longer name (…买买提 / 江)
                # rather than the next entry of a list (张伟 / 李明华) or the next row (a rule between)
                # (the tail is short, sits under the name, and no rule separates the two)
                name_x = (min(t.box[0] for t in ltoks if t.cls != "space"), last.box[2])
                under = min(name_x[1], lines[b].box[2]) - max(name_x[0], lines[b].box[0]) > 0
                if (len(after) <= 3 and under and not _looks_like_a_name(after)
                        and not _ruled_between(ctx, lines[last.line], lines[b])):
                    return extra
            return _Side(True, "line end")
        t = ltoks[i]
        gap_ratio = fit[2]
        if saw_space or gap_ratio >= GAP_BOUNDARY:
            return _Side(True, "gap")
        if t.cls == "dot":
            j = i + 1
            if j < len(ltoks) and ltoks[j].cls == "han":
                return _Side(False, "name continues after a dot", extra=t.ch + _han_run_right(ltoks, j))
            return _Side(True, "punct")
        if t.cls != "han":
            return _Side(True, t.cls)
        after = "".join(x.ch for x in ltoks[last.pos + 1:] if x.cls != "space")
        if right_ok(after):
            return _Side(True, "word")
        return _Side(False, "han after", extra=_han_run_right(ltoks, i, limit=2))


def _chains(below: dict[int, int], toks: list[list[Token]], name_len: int) -> list[tuple[int, int, int]]:
    """Lines (a, b, c), each the next line down of the one before, whose middle line is short
    enough to be wholly inside a name of ``name_len`` characters: a long name wrapped twice in a
    narrow table cell."""
    out = []
    for a, b in below.items():
        c = below.get(b)
        n_mid = sum(1 for t in toks[b] if t.cls != "space")
        if c is not None and toks[a] and toks[c] and 0 < n_mid <= name_len - 2:
            out.append((a, b, c))
    return out


def _right_margin(lines: list[TextLine]) -> float:
    """Where the page's wide lines end: a line reaching it was wrapped by the layout."""
    ends = [l.box[2] for l in lines if l.box[2] - l.box[0] >= 6 * (l.box[3] - l.box[1])]
    return max(ends) if ends else float("inf")


def _is_paragraph_wrap(a: TextLine, b: TextLine, right_margin: float) -> bool:
    """Line b continues line a's sentence: a is a wide line that runs to the right margin (the
    layout wrapped it, rather than a list that simply ended) and b starts under a's start."""
    h = a.box[3] - a.box[1]
    return ((a.box[2] - a.box[0]) >= 6 * h and a.box[2] >= right_margin - 0.8 * h
            and abs(b.box[0] - a.box[0]) < 2.5 * h and b.box[1] > a.box[1] + 0.5 * h)


def _blank_between(toks: list[Token], j: int, i: int) -> bool:
    """A blank wider than the line's usual spacing between tokens j and i, where OCR gave no
    space: token i starts a word (彭峰 朱彭峰 read 彭峰朱彭峰: 朱 starts the next name, bench_names
    fresh seed 97)."""
    a, b = toks[j], toks[i]
    gaps = [toks[k + 1].box[0] - toks[k].box[2] for k in range(len(toks) - 1)
            if toks[k].cls == "han" and toks[k + 1].cls == "han"]
    usual = sorted(gaps)[len(gaps) // 2] if gaps else 0.0
    return b.box[0] - a.box[2] - usual >= 0.3 * (b.box[3] - b.box[1])


def _label_tail(text: str) -> bool:
    """The next line starts a form field (别:女, the 性 of 性别 boxed apart): a character or two
    and a colon, which no name has."""
    return re.match(r"[\u3400-\u9fff]{1,2}\s*[:：]", text) is not None


def _looks_like_a_name(text: str) -> bool:
    """A line that is a whole name of its own (the next entry of a list), not a name's tail."""
    from ..text.chars import DOT_LIKE, is_han
    from ..text.context import SURNAME_CHARS

    t = "".join(ch for ch in text if not ch.isspace())
    core = t.split("（")[0].split("(")[0]
    if any(d in core[1:-1] for d in DOT_LIKE) and is_han(core[0]) and is_han(core[-1]):
        return True
    return 2 <= len(core) <= 4 and all(is_han(c) for c in core) and core[0] in SURNAME_CHARS


def _ruled_between(ctx: PageContext, a: TextLine, b: TextLine) -> bool:
    """A table rule between two lines (they are in different cells)."""
    from ..ink import ink_mask

    if ctx.raster is None and ctx.page.unit == "pt" and not ctx.page.has_graphics:
        return False
    img = ctx.image
    s = ctx.scale
    x0 = max(a.box[0], b.box[0]) * s
    x1 = min(a.box[2], b.box[2]) * s
    if x1 - x0 < 4:
        x0, x1 = a.box[0] * s, a.box[2] * s
    y0 = (a.box[1] + a.box[3]) / 2 * s
    y1 = (b.box[1] + b.box[3]) / 2 * s
    H, W = img.shape[:2]
    r = img[int(max(0, y0)):int(min(H, y1)), int(max(0, x0)):int(min(W, x1))]
    if r.size == 0 or r.shape[0] < 2:
        return False
    ink = ink_mask(r)
    # a rule may run over two pixel rows on a slightly skewed scan
    both = ink[:-1] | ink[1:]
    return bool((both.mean(axis=1) > 0.7).any())


def _dot_boundary(pat: NamePattern, parts: dict[int, list[Token]], order: list[int], n: int) -> bool:
    """Does the break before part ``n`` fall where the name has its dot?"""
    k = sum(sum(1 for t in parts[li] if t.cls not in ("space", "dot")) for li in order[:n])
    return k in pat.dots


def _split_by_line(span: list[Token]) -> dict[int, list[Token]]:
    parts: dict[int, list[Token]] = {}
    for t in span:
        parts.setdefault(t.line, []).append(t)
    return parts


def _text_before(lines, toks, first: Token) -> str:
    return "".join(t.ch for t in toks[first.line][:first.pos] if t.cls != "space")


def _han_run_left(ltoks: list[Token], i: int, limit: int = 8) -> str:
    out = []
    while i >= 0 and ltoks[i].cls == "han" and len(out) < limit:
        out.append(ltoks[i].ch)
        i -= 1
    return "".join(reversed(out))


def _han_run_right(ltoks: list[Token], i: int, limit: int = 8) -> str:
    out = []
    while i < len(ltoks) and ltoks[i].cls == "han" and len(out) < limit:
        if out and right_ok("".join(t.ch for t in ltoks[i:i + 4])):
            break
        out.append(ltoks[i].ch)
        i += 1
    return "".join(out)


def _pdf_box(box: Box, line: TextLine, prev: Token | None, nxt: Token | None) -> Box:
    """Text-layer boxes are exact glyph cells: add the margin, never past the neighbours' cells."""
    h = box[3] - box[1]
    m = MARGIN * h
    x0, x1 = box[0] - m, box[2] + m
    if prev is not None:
        x0 = max(x0, min(prev.box[2], box[0]))
    if nxt is not None:
        x1 = min(x1, max(nxt.box[0], box[2]))
    return (x0, box[1] - m, x1, box[3] + m)


def _pdf_gap(box: Box, prev: Token | None, lh: float) -> float:
    return float("inf") if prev is None else max(0.0, box[0] - prev.box[2]) / max(lh, 1e-6)


def _pdf_gap_r(box: Box, nxt: Token | None, lh: float) -> float:
    return float("inf") if nxt is None else max(0.0, nxt.box[0] - box[2]) / max(lh, 1e-6)
