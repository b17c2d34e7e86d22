"""The applicant's handwritten signature next to their own signing labels.

Labels are found in the OCR lines (cheap: a page without any signing label costs one regex pass):
- the applicant's own: 本人签字/签名, 申报人（签字）, 申请人签字, 承诺人, 个人签名 ...;
- other people's: 单位负责人, 负责人（签名）, 审核人, 经办人, 法定代表人, 领导签字 ...;
- generic 签名/签字: whose it is comes from the nearest cue around it (本人意见 vs 主管领导评语,
  the applicant's printed name vs 单位/负责人).
The signature is looked for in the label's slot (to the right on the same row, else below it):
an OCR line there that reads the applicant's name (a signature in a legible hand), or else the
handwriting ink itself, i.e. dark or pen-blue connected ink in the slot that is not part of a
printed line, with the blank's underline removed. Own → ``Mask(kind="signature")``; other
people's → ``Kept(kind="other_signature")``. A handwritten name that reads as the applicant's is
masked whatever the label says (the applicant signed there).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import Box
from ..ocr.base import TextLine
from ..results import Kept, Mask
from .base import Findings, PageContext, Query

_OTHER = (r"(?:单位负责人|负责人|审核人|审批人|复核人|经办人|法定代表人|法人代表|领导|主管领导|部门负责人|"
          r"校长|院长|局长|主任|书记|推荐人|证明人|考核人|制表人|填表人|审查人|见证人|监护人|评审人|专家)")
_SIGN = r"(?:签字|签名|签章|签发|手签)"

_RE_LABEL = re.compile(
    r"(?P<own>(?:本人|申报人|申请人|承诺人|个人|当事人|参评人|申报者)\s*[（(]?\s*(?:亲笔)?(?:签字|签名|签章|手签)?\s*[)）]?\s*[:：])"
    r"|(?P<own2>(?:本人|申报人|申请人|个人)\s*[（(]?\s*(?:亲笔)?(?:签字|签名|签章|手签)\s*[)）]?(?=[\s_＿]*$))"
    r"|(?P<other>" + _OTHER + r"\s*[（(]?\s*(?:签字|签名|签章|签发)?\s*[)）]?\s*[:：])"
    r"|(?P<other2>" + _OTHER + r"\s*[（(]?\s*(?:签字|签名|签章|签发)\s*[)）]?(?=[\s_＿]*$))"
    r"|(?P<generic>" + _SIGN + r"\s*[:：])"
    r"|(?P<generic2>" + _SIGN + r"(?=[\s_＿]*$))")

_OWN_CUES = ("本人", "申报人", "申请人", "承诺人", "个人意见", "个人总结", "本人意见", "自我评价")
_OTHER_CUES = ("领导", "负责人", "单位意见", "审核", "审批", "评语", "主管", "推荐", "组织", "考核委员会", "经办",
               "法定代表", "盖章", "盖印", "学校意见", "部门意见", "专家")
_DOTS = "·•・.．-‧∙⋅"


@dataclass
class _Label:
    line: TextLine
    kind: str          # own | other | generic
    text: str
    box: Box           # the label's own characters (page units)
    end: int           # index in the line's text just past the label
    signs: bool        # the label says 签 (a bare 申报人：/承诺人： may head a printed name)

    @property
    def after(self) -> str:
        return self.line.text[self.end:].strip()


def _norm_name(s: str) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return "".join(ch for ch in s if ch.isalnum() and ch not in _DOTS)


def _edit(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def reads_as_name(text: str, name: str) -> bool:
    """Does an OCR reading of handwriting say the applicant's name (a misread char allowed for
    names of three characters or more)?"""
    t, n = _norm_name(text), _norm_name(name)
    if not t or not n:
        return False
    if n in t:
        return True
    if len(n) < 3:
        return False
    sizes = (len(n), len(n) + 1) + ((len(n) - 1,) if len(n) >= 4 else ())
    best = min((_edit(n, t[i:i + k]) for k in sizes if k <= len(t)
                for i in range(0, len(t) - k + 1)), default=99)
    return best <= 1


class SignatureFinder:
    name = "signature"
    needs_graphics = True

    def find(self, ctx: PageContext, query: Query) -> Findings:
        out = Findings()
        labels = self._labels(ctx.lines)
        if not labels:
            return out
        lh = float(np.median([l.box[3] - l.box[1] for l in ctx.lines])) if ctx.lines else 20.0
        for lab in labels:
            kind = lab.kind
            if kind == "generic":
                kind = self._context(ctx.lines, lab, query.name, lh)
            hit = self._signature_in_slot(ctx, lab, query.name, lh)
            if hit is None:
                continue
            box, text, by_name = hit
            if kind == "generic" and not by_name and _looks_like_name(text):
                kind = "other"  # the hand there reads as somebody else's name
            if by_name or kind == "own":
                why = "读作申报人姓名" if by_name else f"“{lab.text}”旁"
                out.masks.append(Mask(kind="signature", box=box, text=text or query.name,
                                      score=0.9 if by_name else 0.75,
                                      reason=f"申报人本人签名（{why}）/ the applicant's own signature "
                                             f"({'reads as the name' if by_name else 'next to ' + lab.text})",
                                      rule=f"signature.{'name' if by_name else 'label'}"))
            else:
                out.kept.append(Kept("other_signature", box, text,
                                     f"他人签名（{lab.text}）/ someone else's signature ({lab.text})", None))
        return out

    # ------------------------------------------------------------------ labels
    @staticmethod
    def _labels(lines: list[TextLine]) -> list[_Label]:
        found: list[_Label] = []
        for line in lines:
            t = line.text
            if not any(k in t for k in ("签", "承诺人", "申报人", "申请人")):
                continue
            for m in _RE_LABEL.finditer(t):
                g = m.lastgroup or ""
                kind = "own" if g.startswith("own") else "other" if g.startswith("other") else "generic"
                a, b = m.span()
                # 承诺人/申报人 alone (no 签) followed by a printed name is a name field, not a blank:
                # only a signing label if nothing but handwriting follows
                found.append(_Label(line, kind, m.group(0).strip(), _span_box(line, a, b), b, "签" in m.group(0)))
        return found

    @staticmethod
    def _context(lines: list[TextLine], lab: _Label, name: str, lh: float) -> str:
        """Whose is a generic 签名/签字? The nearest own/other cue to the left or above it."""
        x0, y0, x1, y1 = lab.box
        best = (1e18, "other")
        for l in lines:
            lx0, ly0, lx1, ly1 = l.box
            if ly0 > y1 + 0.5 * lh or ly1 < y0 - 10 * lh:
                continue
            cues = [(c, "own") for c in _OWN_CUES] + [(c, "other") for c in _OTHER_CUES]
            if name and _norm_name(name) and _norm_name(name) in _norm_name(l.text) and l is not lab.line:
                cues.append((l.text, "own"))
            for c, k in cues:
                if c in l.text:
                    # distance from the cue line to the label (above counts more than beside)
                    dy = max(0.0, y0 - ly1)
                    dx = max(0.0, lx0 - x1, x0 - lx1)
                    d = dy + 0.1 * dx   # a row header far to the left is close in the form's sense
                    if l is lab.line:
                        d = -1.0
                    if d < best[0]:
                        best = (d, k)
        return best[1]

    # ------------------------------------------------------------------ slot
    def _signature_in_slot(self, ctx: PageContext, lab: _Label, name: str, lh: float):
        x0, y0, x1, y1 = lab.box
        lh = max(lh, y1 - y0)
        W, H = ctx.width or 1e9, ctx.height or 1e9
        # 1. OCR read something after the label on the same line, or a line in the slot
        right = (x1, y0 - 1.0 * lh, min(W, x1 + 9 * lh), y1 + 0.7 * lh)
        below = (max(0.0, x0 - 1.0 * lh), y1, min(W, x1 + 6 * lh), min(H, y1 + 2.6 * lh))
        printed: list[Box] = []
        for slot in (right, below):
            cands: list[tuple[Box, str]] = []
            if slot is right and lab.after:
                cands.append((_span_box(lab.line, lab.end, len(lab.line.text)), lab.after))
            stop_x = slot[2]
            for l in ctx.lines:
                if l is lab.line:
                    continue
                if _overlap(l.box, slot) <= 0.3 * _area(l.box):
                    continue
                if _printed(l.text):
                    printed.append(l.box)
                    if slot is right and l.box[0] > x1:
                        stop_x = min(stop_x, l.box[0])
                    continue
                cands.append((l.box, l.text))
            if not lab.signs and cands:
                return None  # 申报人：张三 — a printed name field, the name finder's business
            for b, t in cands:
                if reads_as_name(t, name) and b[0] < stop_x:
                    own_line = slot is right and lab.after and b[0] >= lab.box[2] - 1
                    others = [l.box for l in ctx.lines
                              if not (own_line and l is lab.line) and _overlap(l.box, b) < 0.5 * _area(l.box)]
                    if own_line:
                        others.append(lab.box)
                    ink = self._ink_box(ctx, b, lh, others)
                    box = _union(ink, b) if ink else b
                    return box, t, True
            s = (slot[0], slot[1], stop_x, slot[3])
            if s[2] - s[0] < 1.5 * lh:
                continue
            ink = self._ink_in(ctx, s, lh, printed + [lab.line.box])
            if ink is not None:
                text = next((t for b, t in cands if _overlap(b, ink) > 0), "")
                return ink, text, False
        return None

    @staticmethod
    def _ink_box(ctx: PageContext, b: Box, lh: float, printed: list[Box]) -> Box | None:
        """The handwriting around an OCR box: its ink, which runs wider than OCR's box."""
        s = (b[0] - 0.6 * lh, b[1] - 0.6 * lh, b[2] + 0.6 * lh, b[3] + 0.6 * lh)
        return SignatureFinder._ink_in(ctx, s, lh, printed, min_h=0.3)

    @staticmethod
    def _ink_in(ctx: PageContext, slot: Box, lh: float, exclude: list[Box], min_h: float = 0.6) -> Box | None:
        """Union box (page units) of the handwriting ink in ``slot``, or None."""
        try:
            img = ctx.image
        except Exception:
            return None
        if img is None:
            return None
        s = ctx.scale or 1.0
        Hh, Ww = img.shape[:2]
        X0, Y0 = int(max(0, slot[0] * s)), int(max(0, slot[1] * s))
        X1, Y1 = int(min(Ww, slot[2] * s)), int(min(Hh, slot[3] * s))
        if X1 - X0 < 4 or Y1 - Y0 < 4:
            return None
        crop = img[Y0:Y1, X0:X1]
        if crop.ndim == 2:
            crop = cv2.cvtColor(crop, cv2.COLOR_GRAY2BGR)
        f = crop.astype(np.int16)
        b, g, r = f[..., 0], f[..., 1], f[..., 2]
        gray = (b + g + r) // 3
        dark = gray < 185
        blue = (b - r > 40) & (gray < 215)
        red = (r - np.maximum(g, b)) > 50        # seal ink is not handwriting
        ink = ((dark | blue) & ~red).astype(np.uint8)
        # printed lines (and the label) are not handwriting
        for e in exclude:
            ex0, ey0 = int(e[0] * s) - X0 - 1, int(e[1] * s) - Y0 - 1
            ex1, ey1 = int(np.ceil(e[2] * s)) - X0 + 1, int(np.ceil(e[3] * s)) - Y0 + 1
            ink[max(0, ey0):max(0, ey1), max(0, ex0):max(0, ex1)] = 0
        lhp = lh * s
        # the blank's underline / table rules
        k = max(8, int(lhp * 2.5))
        rules = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)) | \
            cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k, 1), np.uint8))
        ink &= 1 - cv2.dilate(rules, np.ones((3, 3), np.uint8))
        if int(ink.sum()) < max(12, lhp * lhp * 0.08):
            return None
        n, lab, st, _ = cv2.connectedComponentsWithStats(cv2.dilate(ink, np.ones((3, 3), np.uint8)), 8)
        comps = [tuple(int(v) for v in st[i, :4]) for i in range(1, n) if st[i, cv2.CC_STAT_AREA] >= max(6, lhp * 0.3)]
        if not comps:
            return None
        # one signature: start at the ink nearest the label (left edge of the slot, or its top
        # for a slot below) and take the strokes that follow with gaps under ~1.2 line heights
        comps.sort(key=lambda c: c[0] + 0.5 * c[1])
        gap = 1.2 * lhp
        x0c, y0c, x1c, y1c = comps[0][0], comps[0][1], comps[0][0] + comps[0][2], comps[0][1] + comps[0][3]
        changed = True
        while changed:
            changed = False
            for c in comps:
                cx0, cy0, cx1, cy1 = c[0], c[1], c[0] + c[2], c[1] + c[3]
                if cx0 >= x0c and cy0 >= y0c and cx1 <= x1c and cy1 <= y1c:
                    continue
                if cx0 <= x1c + gap and cx1 >= x0c - gap and cy0 <= y1c + 0.6 * gap and cy1 >= y0c - 0.6 * gap:
                    x0c, y0c, x1c, y1c = min(x0c, cx0), min(y0c, cy0), max(x1c, cx1), max(y1c, cy1)
                    changed = True
        xs0, ys0, xs1, ys1 = x0c, y0c, x1c, y1c
        if (ys1 - ys0) < min_h * lhp or (xs1 - xs0) < 0.8 * lhp:
            return None
        m = 3
        return ((X0 + xs0 - m) / s, (Y0 + ys0 - m) / s, (X0 + xs1 + m) / s, (Y0 + ys1 + m) / s)


def _looks_like_name(text: str) -> bool:
    t = _norm_name(text)
    return 2 <= len(t) <= 8 and all("\u4e00" <= ch <= "\u9fff" for ch in t)


def _printed(text: str) -> bool:
    """Printed labels, dates and the like: never handwriting."""
    t = text.strip()
    return bool(re.search(r"[:：]|\d{4}\s*年|年\s*\d{1,2}\s*月|月\s*\d{1,2}\s*日|日期|盖章|签字|签名", t)) or len(t) > 12


def _span_box(line: TextLine, a: int, b: int) -> Box:
    """Box of characters a..b of ``line`` (from its char boxes, else proportional)."""
    if line.chars and len(line.chars) == len(line.text):
        cs = line.chars[a:b] or line.chars[-1:]
        return (min(c.box[0] for c in cs), min(c.box[1] for c in cs), max(c.box[2] for c in cs), max(c.box[3] for c in cs))
    x0, y0, x1, y1 = line.box
    n = max(1, len(line.text))
    return (x0 + (x1 - x0) * a / n, y0, x0 + (x1 - x0) * b / n, y1)


def _union(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _overlap(a: Box, b: Box) -> float:
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    return ix * iy


def _area(b: Box) -> float:
    return max(0.0, b[2] - b[0]) * max(0.0, b[3] - b[1])
