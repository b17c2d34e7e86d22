"""Device-independent page layout: drawing operations in PDF points (A4, origin top-left).

A template builds a :class:`Layout` from text *parts*: plain strings and :class:`Tok` tokens for
person names. Every name that reaches the page is tagged with its role (the applicant, or another
person) and an occurrence id, through line wrapping and table cells, so the renderers
(``render.py``: raster image, text-layer PDF) can compute exact ground-truth boxes from the
glyphs they actually draw.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Iterable, Sequence, Union

from . import fonts as F

__all__ = ["Tok", "TextOp", "LineOp", "RectOp", "SealOp", "SigOp", "PhotoOp", "Layout", "Table",
           "A4_W", "A4_H", "Part"]

A4_W, A4_H = 595.28, 841.89

BLACK = (20, 20, 20)

# characters that may not start a line (they hang in the margin instead) / may not end one
_NO_START = set("，。、；：？！）》」』”’）】〕,.;:?!%)")
_NO_END = set("（《「『“‘（【〔(")


def _is_word(c: str) -> bool:
    return c.isascii() and (c.isalnum() or c in "-._/@")


@dataclass(frozen=True, eq=False)
class Tok:
    """A person's name as written on the page. ``role``: applicant or other. Identity matters:
    each Tok placed once is one occurrence."""

    text: str
    role: str = "other"
    contains_applicant: bool = False
    trap: str | None = None  # suffix, prefix, compound, patronymic, contained
    padded: bool = False

    @property
    def is_applicant(self) -> bool:
        return self.role == "applicant"


Part = Union[str, Tok]


@dataclass
class Span:
    start: int
    end: int
    tok: Tok
    occ: int  # occurrence id (per page); a name broken over two lines keeps one id
    broken: bool = False


@dataclass
class TextOp:
    x: float
    y: float  # baseline
    text: str
    font: str
    size: float
    color: tuple = BLACK
    spans: list[Span] = field(default_factory=list)
    bold: bool = False  # fake bold (PDF stroke / raster double draw) for faces without a bold


@dataclass
class LineOp:
    x0: float
    y0: float
    x1: float
    y1: float
    width: float = 0.6
    color: tuple = BLACK


@dataclass
class RectOp:
    x0: float
    y0: float
    x1: float
    y1: float
    fill: tuple | None = None
    outline: tuple | None = None
    width: float = 0.6
    radius: float = 0.0


@dataclass
class PhotoOp:
    """A grey placeholder where an ID photo would be (never a real face)."""

    x0: float
    y0: float
    x1: float
    y1: float


@dataclass
class SealOp:
    cx: float
    cy: float
    size: float  # width in points
    text: str
    center_text: str = ""
    shape: str = "round"
    own: bool = False
    angle: float = 0.0
    seed: int = 0


@dataclass
class SigOp:
    """A handwritten signature; (x, y) is the left end of the baseline it sits on."""

    x: float
    y: float
    text: str
    size: float
    own: bool
    color: tuple = (25, 35, 110)
    seed: int = 0


class Layout:
    """Collects drawing ops for one page. ``fonts``: role → font key for this page."""

    def __init__(self, rng: random.Random, fonts: dict[str, str], width: float = A4_W,
                 height: float = A4_H, template: str = "", family: str = ""):
        self.rng = rng
        self.fonts = fonts
        self.width = width
        self.height = height
        self.template = template
        self.family = family
        self.ops: list = []
        self._occ = 0
        self.meta: dict = {}
        self.app = None  # the Applicant the page was laid out for

    # ------------------------------------------------------------------ text primitives
    def font(self, role_or_key: str) -> str:
        return self.fonts.get(role_or_key, role_or_key)

    def _flatten(self, parts: Iterable[Part], key: str) -> tuple[str, list[Span]]:
        text = ""
        spans: list[Span] = []
        for p in parts:
            if isinstance(p, Tok):
                t = self._sanitize(p.text, key)
                if t != p.text:
                    p = Tok(t, p.role, p.contains_applicant, p.trap, p.padded)
                spans.append(Span(len(text), len(text) + len(t), p, self._new_occ()))
                text += t
            else:
                text += self._sanitize(str(p), key)
        return text, spans

    def _new_occ(self) -> int:
        self._occ += 1
        return self._occ - 1

    @staticmethod
    def _sanitize(text: str, key: str) -> str:
        out = []
        for c in text:
            if not F.has_glyph(key, c):
                c = {"•": "·", "・": "·"}.get(c, "·" if c in "•・" else c)
            out.append(c)
        return "".join(out)

    def measure(self, text: str, font: str, size: float) -> float:
        return F.measure(text, self.font(font), size)

    def text(self, x: float, y: float, parts: Sequence[Part] | Part, font: str = "body",
             size: float = 12.0, color: tuple = BLACK, align: str = "left", bold: bool = False,
             spacing: float = 0.0) -> tuple[float, float]:
        """One line of text with its baseline at ``y``. ``align``: left (x = left end), center
        (x = centre), right (x = right end). ``spacing``: extra points after every character
        (for 证 明 style titles; names are never spaced). Returns (x0, x1)."""
        key = self.font(font)
        if isinstance(parts, (str, Tok)):
            parts = [parts]
        txt, spans = self._flatten(parts, key)
        if spacing and not spans:
            w = F.measure(txt, key, size) + spacing * (len(txt) - 1)
            x0 = x if align == "left" else (x - w / 2 if align == "center" else x - w)
            cx = x0
            for c in txt:
                self.ops.append(TextOp(cx, y, c, key, size, color, [], bold))
                cx += F.char_width(c, key, size) + spacing
            return x0, x0 + w
        w = F.measure(txt, key, size)
        x0 = x if align == "left" else (x - w / 2 if align == "center" else x - w)
        self.ops.append(TextOp(x0, y, txt, key, size, color, spans, bold))
        return x0, x0 + w

    def wrap(self, parts: Sequence[Part], width: float, font: str, size: float,
             first_indent: float = 0.0) -> list[tuple[str, list[Span], float]]:
        """Greedy CJK line breaking (any character may break, closing punctuation hangs).
        Returns lines as (text, spans, x offset); a name cut by a break becomes two spans that
        share the occurrence id and are marked broken."""
        key = self.font(font)
        txt, spans = self._flatten(parts, key)
        return self._wrap_flat(txt, spans, width, key, size, first_indent)

    def _wrap_flat(self, txt, spans, width, key, size, first_indent):
        breaks: list[int] = []  # indices where a new line starts
        x = first_indent
        i = 0
        n = len(txt)
        line_start = 0
        while i < n:
            c = txt[i]
            if c == "\n":
                breaks.append(i + 1)
                line_start = i + 1
                x = 0.0
                i += 1
                continue
            w = F.char_width(c, key, size)
            if x + w > width + 0.01 and i > line_start:
                if c in _NO_START:  # hang it
                    x += w
                    i += 1
                    continue
                b = i
                if txt[b - 1] in _NO_END and b - 1 > line_start:
                    b -= 1
                # keep numbers and Latin words whole (an ID number moves to the next line)
                k = b
                while k > line_start and _is_word(txt[k - 1]) and _is_word(txt[k]):
                    k -= 1
                if k > line_start and k < b and _is_word(txt[b]):
                    b = k
                breaks.append(b)
                line_start = b
                x = 0.0
                i = b
                continue
            x += w
            i += 1
        lines = []
        starts = [0] + breaks
        ends = breaks + [n]
        for li, (s, e) in enumerate(zip(starts, ends)):
            seg = txt[s:e]
            strip_nl = seg.endswith("\n")
            if strip_nl:
                seg = seg[:-1]
            e2 = s + len(seg)
            lspans = []
            for sp in spans:
                a, b = max(sp.start, s), min(sp.end, e2)
                if a < b:
                    broken = a > sp.start or b < sp.end
                    lspans.append(Span(a - s, b - s, sp.tok, sp.occ, broken))
            lines.append((seg, lspans, first_indent if li == 0 else 0.0))
        return lines

    def para(self, x: float, y: float, width: float, parts: Sequence[Part], font: str = "body",
             size: float = 12.0, leading: float = 1.75, indent: float = 2.0, color: tuple = BLACK,
             break_applicant: bool | None = None, max_y: float | None = None) -> float:
        """A paragraph whose first baseline is at ``y``; ``indent`` in characters. With
        ``break_applicant`` True the right edge is moved by up to three characters so that a line
        break falls inside the applicant's name (False: so that none does). Returns the
        baseline after the last line."""
        key = self.font(font)
        txt, spans = self._flatten(parts, key)
        ind = indent * size
        lines = self._wrap_flat(txt, spans, width, key, size, ind)
        if break_applicant is not None and any(s.tok.is_applicant for s in spans):
            def is_broken(ls):
                return any(sp.broken and sp.tok.is_applicant for _, lsp, _ in ls for sp in lsp)
            if is_broken(lines) != break_applicant:
                for k in range(1, 13):
                    cand = self._wrap_flat(txt, spans, width - k * size * 0.25, key, size, ind)
                    if is_broken(cand) == break_applicant:
                        lines = cand
                        break
        for seg, lspans, off in lines:
            if max_y is not None and y > max_y:
                break  # the page ends here; the text would go on overleaf
            if seg:
                self.ops.append(TextOp(x + off, y, seg, key, size, color, lspans))
            y += size * leading
        return y

    # ------------------------------------------------------------------ graphics
    def line(self, x0, y0, x1, y1, width=0.6, color=BLACK):
        self.ops.append(LineOp(x0, y0, x1, y1, width, color))

    def rect(self, x0, y0, x1, y1, fill=None, outline=BLACK, width=0.6, radius=0.0):
        self.ops.append(RectOp(x0, y0, x1, y1, fill, outline, width, radius))

    def photo(self, x0, y0, x1, y1):
        self.ops.append(PhotoOp(x0, y0, x1, y1))

    def seal(self, cx, cy, size, text, own, center_text="", shape="round", angle=None):
        ang = self.rng.uniform(-18, 18) if angle is None else angle
        self.ops.append(SealOp(cx, cy, size, text, center_text, shape, own, ang,
                               self.rng.randrange(1 << 30)))

    def signature(self, x, y, text, size, own, color=None, max_w: float | None = None):
        """A handwritten signature starting at x on baseline y; shrunk to fit ``max_w`` (default:
        up to the right page margin)."""
        col = color or self.rng.choice([(25, 35, 110), (20, 30, 90), (30, 30, 30), (15, 15, 15)])
        mw = max_w if max_w is not None else self.width - 40 - x
        est = size * (0.87 * len(text) + 0.6)
        if est > mw:
            size = max(9.0, size * mw / est)
        self.ops.append(SigOp(x, y, text, size, own, col, self.rng.randrange(1 << 30)))

    # ------------------------------------------------------------------ introspection
    def text_ops(self) -> list[TextOp]:
        return [o for o in self.ops if isinstance(o, TextOp)]


@dataclass
class Cell:
    parts: list
    align: str = "center"
    font: str = "body"
    size: float | None = None
    valign: str = "middle"
    color: tuple = BLACK


class Table:
    """A ruled table: column widths and row heights in points; cells may span rows/columns.
    Each cell's border is drawn, so merged cells come out right."""

    def __init__(self, lay: Layout, x: float, y: float, col_widths: Sequence[float],
                 row_heights: Sequence[float], size: float = 11.0, font: str = "body",
                 line_width: float = 0.6, outer_width: float | None = None, pad: float = 3.0):
        self.lay, self.x, self.y = lay, x, y
        self.cw, self.rh = list(col_widths), list(row_heights)
        self.size, self.fontname, self.lw = size, font, line_width
        self.outer = outer_width if outer_width is not None else line_width
        self.pad = pad
        self.filled: set[tuple[int, int]] = set()

    @property
    def width(self) -> float:
        return sum(self.cw)

    @property
    def height(self) -> float:
        return sum(self.rh)

    @property
    def bottom(self) -> float:
        return self.y + self.height

    def rect(self, r: int, c: int, rs: int = 1, cs: int = 1) -> tuple[float, float, float, float]:
        x0 = self.x + sum(self.cw[:c])
        y0 = self.y + sum(self.rh[:r])
        return x0, y0, x0 + sum(self.cw[c:c + cs]), y0 + sum(self.rh[r:r + rs])

    def cell(self, r: int, c: int, parts: Sequence[Part] | Part = "", rs: int = 1, cs: int = 1,
             align: str = "center", size: float | None = None, font: str | None = None,
             valign: str = "middle", leading: float = 1.3, indent: float = 0.0) -> tuple:
        for i in range(r, r + rs):
            for j in range(c, c + cs):
                self.filled.add((i, j))
        x0, y0, x1, y1 = self.rect(r, c, rs, cs)
        lay = self.lay
        lay.rect(x0, y0, x1, y1, outline=BLACK, width=self.lw)
        if isinstance(parts, (str, Tok)):
            parts = [parts]
        if not parts or parts == [""]:
            return (x0, y0, x1, y1)
        sz = size or self.size
        key = lay.font(font or self.fontname)
        lines = lay.wrap(parts, x1 - x0 - 2 * self.pad, key, sz, first_indent=indent * sz)
        if (len(lines) > 1 and not any(isinstance(p, Tok) for p in parts)
                and sz * (leading * (len(lines) - 1) + 1.1) > y1 - y0):
            # a label that does not fit: set it smaller, on one line, as people do in Word
            plain = "".join(str(p) for p in parts)
            if "\n" not in plain:
                fit = (x1 - x0 - 2 * self.pad) / max(1e-6, F.measure(plain, key, 1.0))
                if fit >= 0.65 * sz:
                    sz = min(sz, fit * 0.98)
                    lines = lay.wrap(parts, x1 - x0 - 2 * self.pad, key, sz, first_indent=indent * sz)
        lh = sz * leading
        total = lh * (len(lines) - 1)
        if valign == "middle":
            by = (y0 + y1) / 2 - total / 2 + sz * 0.36
        else:
            by = y0 + self.pad + sz * 0.95
        for seg, spans, off in lines:
            w = F.measure(seg, key, sz)
            if align == "center":
                lx = (x0 + x1) / 2 - w / 2
            elif align == "right":
                lx = x1 - self.pad - w
            else:
                lx = x0 + self.pad + off
            if seg:
                lay.ops.append(TextOp(lx, by, seg, key, sz, BLACK, spans))
            by += lh
        return (x0, y0, x1, y1)

    def finish(self):
        """Empty cells get their borders; the outer frame is drawn (thicker when asked)."""
        for i in range(len(self.rh)):
            for j in range(len(self.cw)):
                if (i, j) not in self.filled:
                    x0, y0, x1, y1 = self.rect(i, j)
                    self.lay.rect(x0, y0, x1, y1, outline=BLACK, width=self.lw)
        if self.outer > self.lw:
            self.lay.rect(self.x, self.y, self.x + self.width, self.y + self.height,
                          outline=BLACK, width=self.outer)
