"""Without the original: pieces of the applicant's name left readable beside glyphs that are gone.

Why a second way besides the found masks: a light mosaic or blur over one character, or white-out
at the start of a table cell, often leaves nothing the mask detector can be sure of (a single
character's mosaic is a few grey blocks; white-out at a cell edge interrupts no line). What the
page-level OCR does read is the rest of the name (``璟芳同志``, ``姓名 | 文忠``). So the audit looks
for the start or end of the applicant's name standing at a name boundary, and checks the pixels
where the missing characters should be: no glyph strokes there, and either a soft patch (grey
tones without strokes: blur, mosaic, grey fill) or blank paper inside a text line or in the
applicant's own name slot (white-out). Only then is the name partly visible.

Everything is in the masked page's upright units; pixels are read at ``scale``.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..finders.name_match import NamePattern
from ..geometry import Box
from ..text.chars import is_han
from ..text.confusions import alike
from ..text.context import OWN_LABELS, left_ok, right_ok

_DOTS = set("·•・.．-‧∙⋅")


@dataclass
class Remnant:
    """A readable piece of the applicant's name (``visible`` characters) beside the place
    (``gone``) where the rest of it is missing; ``how``: soft (a grey patch) or blank."""

    box: Box
    gone: Box
    visible: int
    how: str


@dataclass
class _Scan:
    """What every test along the lines needs."""

    rows: list            # per OCR line, its characters left to right (no dots, no blanks)
    lines: list
    px: "_Pixels"
    line_h: float
    core: list[str]
    dots: set[int]        # k in dots: a middle dot stands before core[k]
    masks: list[Box]      # masks found on the page


@dataclass
class _Pixels:
    gray: np.ndarray
    bgr: np.ndarray
    paper: float
    scale: float

    def crop(self, b: Box) -> tuple[np.ndarray, np.ndarray]:
        s = self.scale
        H, W = self.gray.shape
        x0, y0 = max(0, int(b[0] * s)), max(0, int(b[1] * s))
        x1, y1 = min(W, int(np.ceil(b[2] * s))), min(H, int(np.ceil(b[3] * s)))
        if x1 <= x0 or y1 <= y0:
            return np.zeros((0, 0), np.float32), np.zeros((0, 0, 3), np.uint8)
        return self.gray[y0:y1, x0:x1], self.bgr[y0:y1, x0:x1]


def _pixels(image: np.ndarray, scale: float) -> _Pixels:
    bgr = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    g = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return _Pixels(g, bgr, float(np.percentile(g[::4, ::4], 90)), scale)


def _no_rules(dark: np.ndarray, glyph_px: float) -> np.ndarray:
    """``dark`` (uint8 0/1) without table rules and fill-in underlines: horizontal or vertical
    runs longer than a glyph and a half are lines of the form, not glyphs."""
    L = max(5, int(round(1.5 * glyph_px)))
    rules = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((1, L), np.uint8))
    rules |= cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((L, 1), np.uint8))
    rules = cv2.dilate(rules, np.ones((3, 3), np.uint8))
    return dark & (1 - rules)


def _strokes(g: np.ndarray, paper: float, glyph_px: float) -> float:
    """Share of the area in thin dark strokes: glyph ink. Thick dark blobs (a mosaic's blocks,
    a fill) survive an opening about a third of a glyph wide; strokes do not; form lines are
    left out."""
    if g.size == 0:
        return 0.0
    dark = _no_rules((g < paper - 70).astype(np.uint8), glyph_px)
    k = max(3, int(round(0.3 * glyph_px)))
    thick = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((k, k), np.uint8))
    return float((dark & (1 - thick)).mean())


def _looks(px: _Pixels, b: Box, glyph_h: float) -> str:
    """What is at ``b``: ``glyph`` (strokes), ``soft`` (grey tones over most of it, no strokes,
    neutral colour), ``blank`` (paper) or ``other``. Paper is judged locally (shading, tint)."""
    g, c = px.crop(b)
    if g.size == 0:
        return "other"
    around, _ = px.crop((b[0] - 3 * glyph_h, b[1] - glyph_h, b[2] + 3 * glyph_h, b[3] + glyph_h))
    paper = float(np.percentile(around, 90)) if around.size else px.paper
    if _strokes(g, paper, glyph_h * px.scale) > 0.03:
        return "glyph"
    if float((g < paper - 15).mean()) >= 0.25:
        hsv = cv2.cvtColor(c, cv2.COLOR_BGR2HSV)
        return "soft" if float(np.median(hsv[..., 1])) < 50 else "other"
    if float((g < paper - 40).mean()) < 0.004:
        return "blank"
    return "other"


def _same(got: list[str], want: list[str]) -> bool:
    return len(got) == len(want) and all(alike(w, g) for g, w in zip(got, want))


def find_remnants(lines, image: np.ndarray, scale: float, name: str, line_h: float,
                  masks: list[Box] | None = None) -> list[Remnant]:
    """Readable starts or ends of the applicant's name whose missing characters are gone from the
    page (see the module docstring). ``lines``: the masked page's OCR lines; ``masks``: the masks
    found on it (upright units): a found mask over the missing characters' place counts too,
    whatever OCR made of it (a scribble read as 群議)."""
    pat = NamePattern.parse(name)
    core = pat.core
    n = len(core)
    if n < 2 or not lines:
        return []
    px = _pixels(image, scale)
    out: list[Remnant] = []
    rows = [sorted((c for c in l.chars if c.text.strip() and c.text not in _DOTS), key=lambda c: c.box[0])
            for l in lines]
    sc = _Scan(rows, list(lines), px, line_h, core, set(pat.dots), list(masks or []))
    for li, chars in enumerate(rows):
        if len(chars) == 0:
            continue
        pitch = _pitch(chars, line_h)
        for i in range(len(chars)):
            for k in range(1, n):  # k characters gone at the start: the end of the name is visible
                r = _suffix_at(sc, li, i, k, pitch)
                if r:
                    out.append(r)
                    break
            for k in range(1, n):  # the first k characters visible, the rest gone
                r = _prefix_at(sc, li, i, k, pitch)
                if r:
                    out.append(r)
                    break
    return out


def _pitch(chars, line_h: float) -> float:
    cs = [(c.box[0] + c.box[2]) / 2 for c in chars if is_han(c.text)]
    d = sorted(b - a for a, b in zip(cs, cs[1:]) if b > a)
    d = [x for x in d if x < 1.6 * line_h]
    return d[len(d) // 2] if len(d) >= 2 else 0.85 * line_h


def _band(chars, px: _Pixels, line_box: Box) -> tuple[float, float]:
    """The rows of the glyphs' ink (OCR line boxes run above and below them)."""
    b = (min(c.box[0] for c in chars), line_box[1], max(c.box[2] for c in chars), line_box[3])
    g, _ = px.crop(b)
    if g.size == 0:
        return line_box[1], line_box[3]
    glyph_px = (line_box[3] - line_box[1]) * px.scale * 0.6
    rows = np.nonzero(_no_rules((g < px.paper - 60).astype(np.uint8), glyph_px).any(axis=1))[0]
    if rows.size == 0:
        return line_box[1], line_box[3]
    return float(b[1] + rows[0] / px.scale), float(b[1] + (rows[-1] + 1) / px.scale)


def _own_slot(sc: _Scan, x: float, y0: float, y1: float) -> bool:
    """Text on the same row left of ``x`` (this line or a cell before it) ends with a label that
    introduces the applicant (姓名, 申报人)."""
    best = None
    for chars, l in zip(sc.rows, sc.lines):
        ov = min(l.box[3], y1) - max(l.box[1], y0)
        if ov < 0.5 * (y1 - y0):
            continue
        before = [c for c in chars if c.box[2] <= x + 1 and x - c.box[2] <= 12 * sc.line_h]
        if before:
            last = max(before, key=lambda c: c.box[2])
            if best is None or last.box[2] > best[0]:
                best = (last.box[2], "".join(c.text for c in before))
    if best is None:
        return False
    txt = best[1].rstrip(" \u3000:：_＿")
    return any(txt.endswith(lab) for lab in OWN_LABELS)


def _neighbour(sc: _Scan, region: Box, side: str, reach: float) -> bool:
    """Some text on the region's row within ``reach`` beyond its ``side``: the blank is inside a
    line, not at its end."""
    y0, y1 = region[1], region[3]
    for chars, l in zip(sc.rows, sc.lines):
        ov = min(l.box[3], y1) - max(l.box[1], y0)
        if ov < 0.5 * (y1 - y0):
            continue
        for c in chars:
            if side == "left" and region[0] - reach <= c.box[2] <= region[0] + 1:
                return True
            if side == "right" and region[2] - 1 <= c.box[0] <= region[2] + reach:
                return True
    return False


def _covered(b: Box, masks: list[Box]) -> float:
    """Share of ``b`` under the found masks (column sampling over its full height)."""
    n = 24
    hit = 0
    for i in range(n):
        x = b[0] + (i + 0.5) * (b[2] - b[0]) / n
        if any(m[0] <= x < m[2] and m[1] <= b[1] + 0.3 * (b[3] - b[1]) and m[3] >= b[3] - 0.3 * (b[3] - b[1])
               for m in masks):
            hit += 1
    return hit / n


def _gone(px: _Pixels, region: Box, beyond: Box, glyph_h: float, masks: list[Box]) -> str | None:
    """``mask`` (a found mask lies there), ``soft`` or ``blank`` when the missing characters'
    place holds no glyph, and the place beyond it is not the same mask or patch running on (a
    mask wider than the missing characters is another text's mask, as for ``■伟华``)."""
    if _covered(region, masks) >= 0.6:
        return None if _covered(beyond, masks) >= 0.6 else "mask"
    what = _looks(px, region, glyph_h)
    if what not in ("soft", "blank"):
        return None
    if what == "soft" and _looks(px, beyond, glyph_h) == "soft":
        return None
    return what


def _suffix_at(sc: _Scan, li: int, i: int, k: int, pitch: float) -> Remnant | None:
    chars, core, px = sc.rows[li], sc.core, sc.px
    texts = [c.text for c in chars]
    want = core[k:]
    m = len(want)
    got = texts[i:i + m]
    cut = False  # the piece runs to the line's end: the rest may be on the next line
    if len(got) < m:
        if len(got) < 2 or not _same(got, want[:len(got)]):
            return None
        m, cut = len(got), True
    elif not _same(got, want):
        return None
    piece = chars[i:i + m]
    if i + m < len(chars) and not cut:
        nxt = chars[i + m]
        after = "".join(texts[i + m:])
        if is_han(nxt.text) and nxt.box[0] - piece[-1].box[2] < 0.5 * pitch and not right_ok(after):
            return None  # the name runs on (■伟华): another, longer name
    if i > 0 and texts[i - 1] == core[k - 1] and piece[0].box[0] - chars[i - 1].box[2] < 1.5 * pitch:
        return None  # the whole name is there: the name finder's case
    y0, y1 = _band(piece, px, sc.lines[li].box)
    gh = y1 - y0
    pitch = min(pitch, 1.25 * gh)  # spaced labels (姓　名) stretch a line's pitch
    x1 = piece[0].box[0] - 0.12 * pitch
    w = (k + (0.5 if k in sc.dots else 0.0)) * pitch
    region = (x1 - w + 0.2 * pitch, y0, x1 - 0.1 * pitch, y1)
    beyond = (x1 - w - 0.9 * pitch, y0, x1 - w - 0.2 * pitch, y1)
    how = _gone(px, region, beyond, gh, sc.masks)
    if how is None:
        return None
    if how == "blank" and not (
            (m >= 2 and _neighbour(sc, region, "left", 1.5 * pitch))
            or _own_slot(sc, region[0], y0, y1)):
        return None
    box = (piece[0].box[0], y0, piece[-1].box[2], y1)
    return Remnant(box, (x1 - w, y0, x1, y1), m, how)


def _prefix_at(sc: _Scan, li: int, i: int, k: int, pitch: float) -> Remnant | None:
    chars, core, px = sc.rows[li], sc.core, sc.px
    texts = [c.text for c in chars]
    n = len(core)
    want = core[:k]
    got = texts[i:i + k]
    if len(got) < k or not _same(got, want):
        return None
    piece = chars[i:i + k]
    if i + k < len(chars) and texts[i + k] == core[k] and chars[i + k].box[0] - piece[-1].box[2] < 1.5 * pitch:
        return None  # the whole name is there
    before = "".join(texts[:i])
    if i > 0 and is_han(texts[i - 1]) and piece[0].box[0] - chars[i - 1].box[2] < 0.5 * pitch and not left_ok(before):
        return None  # a longer word or name (李张■)
    y0, y1 = _band(piece, px, sc.lines[li].box)
    gh = y1 - y0
    pitch = min(pitch, 1.25 * gh)
    x0 = piece[-1].box[2] + 0.12 * pitch
    w = (n - k + (0.5 if k in sc.dots else 0.0)) * pitch
    region = (x0 + 0.1 * pitch, y0, x0 + w - 0.2 * pitch, y1)
    beyond = (x0 + w + 0.2 * pitch, y0, x0 + w + 0.9 * pitch, y1)
    how = _gone(px, region, beyond, gh, sc.masks)
    if how is None:
        return None
    if how == "blank" and not (
            (k >= 2 and _neighbour(sc, region, "right", 1.5 * pitch))
            or _own_slot(sc, piece[0].box[0], y0, y1)):
        return None
    box = (piece[0].box[0], y0, piece[-1].box[2], y1)
    return Remnant(box, (x0, y0, x0 + w, y1), k, how)


