"""From what is on the masked page (and under its masks, when the original is given) to findings.

Everything here works in the masked page's *upright* frame, in page units (pixels for images,
points for PDFs); ``masker.audit`` maps boxes back to the file's own frame at the end. The rules
and their numbers are in ``masker.policy`` (the same policy ``propose`` follows).

Messages never print the applicant's name: where another person's name contains it (张伟华), the
applicant's characters are shown as ``＊``.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from ..finders.base import Findings, PageContext, Query
from ..finders.name_match import NamePattern, find_matches, tokens_from_chars
from ..geometry import Box, area, coverage, overlap_area, union
from ..ocr.base import Char
from ..policy import Policy
from ..results import Finding
from ..text.chars import char_class, is_han
from ..text.confusions import alike
from ..text.context import OTHER_PERSON_LABELS, left_ok, right_ok
from .masks_found import FoundMask

ERROR, WARNING = "error", "warning"

#: common surnames, for telling a hidden name from other hidden text (with the original)
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申耿关兰焦俞左柳"
    "甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解"
    "牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边"
    "卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝")
COMPOUND_SURNAMES = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "公孙", "夏侯", "慕容", "长孙", "令狐", "宇文")
#: words that follow a person's name in these documents
PERSON_AFTER = ("同志", "等", "先生", "女士", "老师", "教授", "工程师", "（签字）", "(签字)", "签字", "签名")
_DOTS = set("·•・.．-‧∙⋅")


@dataclass
class OrigInfo:
    """What the original shows, mapped into the masked page's upright units."""

    names: list[tuple[Box, str, str]] = field(default_factory=list)   # applicant occurrences (box, text, rule)
    kept_names: list[tuple[Box, str]] = field(default_factory=list)   # longer names containing the applicant's
    own_seals: list[Box] = field(default_factory=list)
    other_seals: list[tuple[Box, str]] = field(default_factory=list)
    signatures: list[tuple[Box, str]] = field(default_factory=list)   # the applicant's own (box, rule)
    other_signatures: list[tuple[Box, str]] = field(default_factory=list)
    #: text lines: (line box, [(char, box)])
    lines: list[tuple[Box, list[tuple[str, Box]]]] = field(default_factory=list)
    line_height: float | None = None
    #: box → per column (the original's ink pixels, of which changed on the masked page), or None
    ink_changed: object = None
    #: box → how much the masked page there still looks like the original (0..1), or None
    similarity: object = None
    #: box → the tight box of the original's ink inside it (None: no ink there), or None
    ink_box: object = None


@dataclass
class Seen:
    """What the finders see on the masked page itself (upright units)."""

    names: Findings
    seals: Findings | None = None
    signatures: Findings | None = None


def median_line_height(lines) -> float | None:
    hs = [l.box[3] - l.box[1] for l in lines if len((l.text or "").strip()) >= 2 and l.box[3] > l.box[1]]
    if not hs:
        hs = [l.box[3] - l.box[1] for l in lines if l.box[3] > l.box[1]]
    return float(statistics.median(hs)) if hs else None


def sanitize(text: str, applicant: str) -> str:
    """``text`` with the applicant's characters (where they occur as the applicant's name) shown as ＊."""
    core = [c for c in applicant if c not in _DOTS and not c.isspace()]
    if not core:
        return text
    idx = [i for i, c in enumerate(text) if c not in _DOTS and not c.isspace()]
    letters = [text[i] for i in idx]
    out = list(text)
    n = len(core)
    for s in range(0, len(letters) - n + 1):
        if letters[s:s + n] == core:
            for k in range(s, s + n):
                out[idx[k]] = "＊"
    return "".join(out)


# ---------------------------------------------------------------- coverage

def _hidden_profile(box: Box, masks: list[Box], samples: int = 64) -> list[float]:
    """For ``samples`` columns across ``box``: the share of the box's height masks cover."""
    x0, y0, x1, y1 = box
    h = max(1e-6, y1 - y0)
    out = []
    rel = [m for m in masks if overlap_area(m, box) > 0]
    for i in range(samples):
        x = x0 + (i + 0.5) * (x1 - x0) / samples
        ivs = sorted((max(y0, m[1]), min(y1, m[3])) for m in rel if m[0] <= x < m[2])
        cov, cur = 0.0, y0
        for a, b in ivs:
            a = max(a, cur)
            if b > a:
                cov += b - a
                cur = b
        out.append(cov / h)
    return out


def name_hidden(box: Box, n_chars: int, masks: list[Box], policy: Policy, ink_changed=None,
                similarity=None) -> tuple[float, list[bool]]:
    """(share of the width hidden, per character hidden?) for a name occurrence spread evenly
    over ``box``. A character is hidden when masks cover most of the height of most of its
    columns, or (with the original) when most of its ink is gone from the masked page — what a
    white-out, blur or mosaic does whatever the shape of the box found for it."""
    prof = _hidden_profile(box, masks)
    cols = [p >= 0.7 for p in prof]
    share = sum(cols) / len(cols)
    n = max(1, n_chars)
    ink = ink_changed(box) if ink_changed is not None else None
    per = []
    for k in range(n):
        a, b = int(round(k * len(cols) / n)), int(round((k + 1) * len(cols) / n))
        seg = cols[a:b] or [False]
        hid = sum(seg) / len(seg) >= policy.audit_hidden_coverage
        if not hid and ink is not None:
            tot, gone = ink
            m = len(tot)
            ia, ib = int(round(k * m / n)), int(round((k + 1) * m / n))
            t = int(tot[ia:ib].sum())
            hid = t > 0 and int(gone[ia:ib].sum()) >= policy.audit_hidden_coverage * t
        if not hid and similarity is not None:
            cb = (box[0] + k * (box[2] - box[0]) / n, box[1], box[0] + (k + 1) * (box[2] - box[0]) / n, box[3])
            sim = similarity(cb)
            hid = sim is not None and sim < policy.audit_hidden_similarity
        per.append(hid)
    if ink is not None or similarity is not None:
        share = max(share, sum(per) / n)
    return share, per


def box_covered(box: Box, masks: list[Box]) -> float:
    """Share of ``box``'s area covered by the union of ``masks`` (column sampling)."""
    prof = _hidden_profile(box, masks, samples=48)
    return sum(prof) / len(prof)


# ---------------------------------------------------------------- the judge

class Judge:
    def __init__(self, ctx: PageContext, query: Query, policy: Policy, masks: list[FoundMask],
                 seen: Seen, orig: OrigInfo | None = None):
        self.ctx = ctx
        self.query = query
        self.policy = policy
        self.masks = masks
        self.boxes = [m.box for m in masks]
        self.seen = seen
        self.orig = orig
        self.lh = (orig.line_height if orig and orig.line_height else None) or median_line_height(ctx.lines) \
            or max(8.0, (ctx.height or 800) / 60.0)
        self.pat = NamePattern.parse(query.name)
        self.findings: list[Finding] = []

    def add(self, code: str, severity: str, message: str, box: Box | None, value=None) -> None:
        self.findings.append(Finding(code=code, severity=severity, message=message, box=box, value=value))

    def run(self) -> list[Finding]:
        self.names()
        if self.orig is None:
            self.partly_without_original()
        self.seals()
        self.signatures()
        if self.orig is not None:
            self.under_masks()
        else:
            self.other_labels()
        self.sizes()
        return _dedupe(self.findings)

    # ------------------------------------------------------------ names
    def names(self) -> None:
        n = len(self.pat.core)
        # read again on the masked page: whatever the name finder still finds is readable
        for m in self.seen.names.masks:
            cov = box_covered(m.box, self.boxes)
            if m.rule.startswith("name.fuzzy") and cov >= 0.15:
                self._partly(m.box, "部分字符仍可辨认", "some characters can still be read")
            else:
                self._visible(m.box)
        if self.orig is None:
            return
        # what the original shows where: is every occurrence covered?
        for box, text, _rule in self.orig.names:
            chars = [c for c in text if c not in _DOTS and not c.isspace()]
            share, per = name_hidden(box, len(chars) or n, self.boxes, self.policy, self.orig.ink_changed,
                                     self.orig.similarity)
            if share >= self.policy.audit_covered_share:
                continue
            hidden = sum(per)
            visible = len(per) - hidden
            if hidden == 0:
                self._visible(box)
            elif visible >= self.policy.partly_visible_min_chars:
                self._partly(box, f"{visible} 个字未遮盖", f"{visible} character(s) left uncovered")

    def _visible(self, box: Box) -> None:
        self.add("NAME_VISIBLE", ERROR, "申报人姓名未遮盖 / the applicant's name is still visible", box)

    def _partly(self, box: Box, zh: str, en: str) -> None:
        self.add("NAME_PARTLY_VISIBLE", ERROR,
                 f"申报人姓名仅部分遮盖，{zh} / the applicant's name is only partly masked: {en}", box)

    def partly_without_original(self) -> None:
        """A mask on a text line with the rest of the name readable right next to it.

        The text beside each line-sized mask is read again from a crop of the page (page-level OCR
        often drops a short piece of text that touches a black box); on text-layer PDF pages the
        text layer's characters are used."""
        core = self.pat.core
        n = len(core)
        if n < 2:
            return
        self._remnants()
        cands = [m for m in self.masks if 0.4 * self.lh <= m.box[3] - m.box[1] <= 2.5 * self.lh]
        if not cands:
            return
        reads = self._read_beside_all([m.box for m in cands], n)
        for m, (right, left) in zip(cands, reads):
            b = m.box
            pitch = self._pitch_at(b)
            est = (b[2] - b[0]) / pitch
            self._slack = 0.5 if m.style in ("blur", "white") else 0.0  # their edges are soft
            hit = None
            if right is not None:
                hit = self._suffix_visible(right[0], est)
                if hit is not None:
                    k = hit
                    x0 = b[2] + right[1]
                    vis = (x0, b[1], x0 + k * pitch, b[3])
            if hit is None and left is not None:
                hit = self._prefix_visible(left[0], est)
                if hit is not None:
                    k = hit
                    x1 = b[0] - left[1]
                    vis = (x1 - k * pitch, b[1], x1, b[3])
            if hit is not None:
                self._partly(union([vis, b]), f"{k} 个字仍可辨认", f"{k} character(s) still readable")

    def _remnants(self) -> None:
        """The start or end of the name readable beside the place where the rest is gone, whether
        or not a mask was found there (``remnants``)."""
        if self.ctx.engine is None or self.ctx.facts.get("source") == "text_layer":
            return  # a text layer has no pixels to look at under a mask
        from .remnants import find_remnants

        for r in find_remnants(self.ctx.lines, self.ctx.image, float(self.ctx.scale or 1.0), self.query.name,
                               self.lh, self.boxes):
            self._partly(union([r.box, r.gone]), f"{r.visible} 个字仍可辨认", f"{r.visible} character(s) still readable")

    def _suffix_visible(self, text: str, est: float) -> int | None:
        """``text`` (read right of a mask) starts with the end of the name, and the mask is as wide
        as the characters missing before it: the number of visible characters, else None."""
        core = self.pat.core
        letters = [c for c in text if c not in _DOTS and not c.isspace()]
        tol = self.policy.audit_partly_width_tolerance
        for k in range(1, len(core)):  # k hidden characters at the start
            suf = core[k:]
            if len(suf) < self.policy.partly_visible_min_chars or len(letters) < len(suf):
                continue
            if not _same(letters[:len(suf)], suf):
                continue
            if abs(est - k) > tol + getattr(self, "_slack", 0.0) + (0.5 if k in self.pat.dots else 0.0):
                continue
            rest = "".join(letters[len(suf):])
            if rest and is_han(rest[0]) and not right_ok(rest):
                continue  # the name runs on: another, longer name (■伟华)
            return len(suf)
        return None

    def _prefix_visible(self, text: str, est: float) -> int | None:
        core = self.pat.core
        n = len(core)
        letters = [c for c in text if c not in _DOTS and not c.isspace()]
        tol = self.policy.audit_partly_width_tolerance
        for k in range(n - 1, 0, -1):  # k visible characters at the start, n - k hidden
            pre = core[:k]
            if k < self.policy.partly_visible_min_chars or len(letters) < k:
                continue
            if not _same(letters[-k:], pre):
                continue
            slack = tol + getattr(self, "_slack", 0.0) + (0.5 if k in self.pat.dots else 0.0)
            # a long name broken over two lines: the mask runs to the line's end, narrower than
            # everything missing (苏比■■ | ■■■ on the next line)
            broken = n >= 4 and k >= 2 and 0.7 <= est <= n - k + slack
            if abs(est - (n - k)) > slack and not broken:
                continue
            rest = "".join(letters[:-k])
            if rest and rest[-1] in SURNAMES and not left_ok(rest):
                continue  # a longer name (李张■)
            return k
        return None

    def _pitch_at(self, b: Box) -> float:
        """Character pitch on the mask's row (page units): from its OCR line, else the page's."""
        best = None
        for line in self.ctx.lines:
            lb = line.box
            ov = min(lb[3], b[3]) - max(lb[1], b[1])
            if ov >= 0.5 * min(lb[3] - lb[1], b[3] - b[1]):
                p = _pitch(line.chars)
                if p:
                    best = p
                    break
        if best is None:
            best = self.page_pitch
        return best

    @property
    def page_pitch(self) -> float:
        if getattr(self, "_page_pitch", None) is None:
            ps = [p for p in (_pitch(l.chars) for l in self.ctx.lines if len(l.chars) >= 4) if p]
            self._page_pitch = float(statistics.median(ps)) if ps else self.lh / 1.3
        return self._page_pitch

    def _read_beside_all(self, boxes: list[Box], n: int):
        """For each mask: ((text right of it, offset of its first ink), (text left, offset)) or
        None per side, offsets in page units."""
        ctx = self.ctx
        text_layer = ctx.facts.get("source") == "text_layer" or ctx.engine is None
        if text_layer:
            return [(self._beside_from_lines(b, "right"), self._beside_from_lines(b, "left")) for b in boxes]
        import cv2
        import numpy as np

        img = ctx.image
        s = float(ctx.scale or 1.0)
        H, W = img.shape[:2]
        crops, where = [], []
        for i, b in enumerate(boxes):
            pitch = self._pitch_at(b)
            bh = b[3] - b[1]
            y0, y1 = int(max(0, (b[1] - 0.12 * bh) * s)), int(min(H, (b[3] + 0.12 * bh) * s))
            width = (min(n, 8) + 1.5) * pitch * s
            for side in ("right", "left"):
                if side == "right":
                    x0, x1 = int(b[2] * s) + 1, int(min(W, b[2] * s + width))
                else:
                    x0, x1 = int(max(0, b[0] * s - width)), int(b[0] * s) - 1
                if x1 - x0 < 0.5 * pitch * s or y1 - y0 < 4:
                    continue
                crop = img[y0:y1, x0:x1].copy()
                for o in self.boxes:  # other masks inside the crop read as nothing
                    ox0, oy0, ox1, oy1 = int(o[0] * s) - x0, int(o[1] * s) - y0, int(o[2] * s) - x0, int(o[3] * s) - y0
                    if ox1 > 0 and oy1 > 0 and ox0 < crop.shape[1] and oy0 < crop.shape[0]:
                        crop[max(0, oy0):max(0, oy1), max(0, ox0):max(0, ox1)] = 255
                g = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY) if crop.ndim == 3 else crop
                paper = float(np.percentile(g, 90))
                cols = np.nonzero(((g < paper - 60).sum(axis=0)) > 0)[0]
                if cols.size == 0:
                    continue
                if side == "left":
                    cols = (crop.shape[1] - 1 - cols)[::-1]
                first = int(cols[0])
                if first / s > self.policy.audit_partly_max_gap * pitch:
                    continue
                # only the word next to the mask: cut at the first blank wider than a character
                end = int(cols[-1]) + 1
                for a_, b_ in zip(cols, cols[1:]):
                    if b_ - a_ > 1.0 * pitch * s:
                        end = int(a_) + 1
                        break
                pad = int(0.3 * pitch * s)
                if side == "right":
                    piece = crop[:, :min(crop.shape[1], end + pad)]
                else:
                    piece = crop[:, max(0, crop.shape[1] - end - pad):]
                piece = cv2.copyMakeBorder(piece, 6, 6, 8, 8, cv2.BORDER_CONSTANT, value=(255, 255, 255))
                crops.append(piece)
                where.append((i, side, first / s))
        out = [[None, None] for _ in boxes]
        if not crops:
            return out
        try:
            reads = ctx.engine.recognize(crops)
        except Exception:  # noqa: BLE001 - no second reading: fall back to the page's lines
            return [(self._beside_from_lines(b, "right"), self._beside_from_lines(b, "left")) for b in boxes]
        for (i, side, off), (txt, score) in zip(where, reads):
            if txt and score >= 0.5:
                out[i][0 if side == "right" else 1] = (txt, off)
        return out

    def _beside_from_lines(self, b: Box, side: str):
        lh = self.lh
        for line in self.ctx.lines:
            lb = line.box
            ov = min(lb[3], b[3]) - max(lb[1], b[1])
            if ov < 0.5 * min(lb[3] - lb[1], b[3] - b[1]) or not line.chars:
                continue
            if side == "right":
                seq = [c for c in sorted(line.chars, key=lambda c: c.box[0]) if (c.box[0] + c.box[2]) / 2 > b[2]]
                if not seq or seq[0].box[0] - b[2] > self.policy.audit_partly_max_gap * lh:
                    continue
                run = _contiguous(seq, lh)
                return "".join(c.text for c in run), max(0.0, run[0].box[0] - b[2])
            seq = [c for c in sorted(line.chars, key=lambda c: -c.box[2]) if (c.box[0] + c.box[2]) / 2 < b[0]]
            if not seq or b[0] - seq[0].box[2] > self.policy.audit_partly_max_gap * lh:
                continue
            run = list(reversed(_contiguous(seq, lh, leftwards=True)))
            return "".join(c.text for c in run), max(0.0, b[0] - run[-1].box[2])
        return None

    # ------------------------------------------------------------ seals and signatures
    def seals(self) -> None:
        share = self.policy.audit_seal_covered_share
        boxes: list[Box] = []
        if self.seen.seals is not None:
            boxes += [m.box for m in self.seen.seals.masks if m.kind == "seal"]
        if self.orig is not None:
            boxes += [b for b in self.orig.own_seals if not any(coverage(b, x) > 0.5 or coverage(x, b) > 0.5 for x in boxes)]
        for b in boxes:
            if self._covered(b) < share:
                self.add("OWN_SEAL_VISIBLE", ERROR, "现单位公章未遮盖 / the seal of the applicant's unit is still visible", b)

    def signatures(self) -> None:
        items: list[tuple[Box, str]] = []
        if self.seen.signatures is not None:
            items += [(m.box, m.rule) for m in self.seen.signatures.masks]
        if self.orig is not None:
            items += [s for s in self.orig.signatures if not any(coverage(s[0], x[0]) > 0.5 for x in items)]
        for b, rule in items:
            cov = self._covered(b)
            if cov >= 0.7 or any(overlap_area(b, m.box) > 0 for m in self.seen.names.masks):
                continue
            if rule == "signature.name" and cov >= 0.15:
                # a mask over part of it: the rest of the handwritten name can still be read
                self._partly(b, "签名部分字符仍可辨认", "part of the signature can still be read")
            elif rule == "signature.name":
                self.add("NAME_VISIBLE", ERROR, "申报人签名未遮盖 / the applicant's signature is still visible", b)
            else:
                self.add("SIGNATURE_VISIBLE", WARNING,
                         "申报人签名处可能未遮盖，请核对 / the applicant's signature may still be visible: please check", b)

    # ------------------------------------------------------------ without the original
    def other_labels(self) -> None:
        lh = self.lh
        for m in self.masks:
            b = m.box
            if b[3] - b[1] > 2.5 * lh:
                continue
            label = _label_left_of(self.ctx.lines, b, lh)
            if label:
                self.add("MASK_ON_OTHER_LABEL", WARNING,
                         f"遮盖位于“{label}”之后，可能遮住了他人姓名，请核对 / a mask sits after the label "
                         f"“{label}” (someone else's slot): what it hides cannot be checked without the original", b,
                         value={"label": label})

    # ------------------------------------------------------------ with the original
    def under_masks(self) -> None:
        o = self.orig
        assert o is not None
        # what may lie under a mask: the applicant's names and signatures, and whatever the own
        # seal was stamped over (a seal mask covers the seal's whole ring)
        seal_zone = [(b[0] - 0.15 * (b[2] - b[0]), b[1] - 0.15 * (b[3] - b[1]), b[2] + 0.15 * (b[2] - b[0]),
                      b[3] + 0.15 * (b[3] - b[1])) for b in o.own_seals]
        own_base = [x[0] for x in o.names] + list(o.own_seals) + [s[0] for s in o.signatures]
        for m in self.masks:
            b = m.box
            over_seal = any(coverage(sb, b) >= 0.5 for sb in o.own_seals)
            own = own_base + (seal_zone if over_seal else [])
            # other units' seals
            for sb, text in o.other_seals:
                if coverage(sb, b) >= 0.3:
                    self.add("MASK_OVER_OTHER_SEAL", WARNING, "遮盖了其他单位的印章 / a seal of another unit is masked",
                             b, value={"seal": text})
            hidden_names: list[str] = []
            other_text: list[str] = []
            for lbox, chars in o.lines:
                if overlap_area(lbox, b) <= 0:
                    continue
                idx = [i for i, (ch, cb) in enumerate(chars)
                       if not ch.isspace() and self._char_is_hidden(cb, lbox, b)]
                if not idx:
                    continue
                touched = {i for i, (ch, cb) in enumerate(chars)
                           if not ch.isspace() and coverage((cb[0], lbox[1], cb[2], lbox[3]), b) >= 0.25}
                for run in _runs(idx):
                    # a name cut by the mask's edge still counts: take in characters it touches
                    a, z = run[0], run[-1]
                    while a - 1 in touched:
                        a -= 1
                    while z + 1 in touched:
                        z += 1
                    run = list(range(a, z + 1))
                    keep = [i for i in run if not any(_centre_in(chars[i][1], ob) for ob in own)]
                    if not keep or not any(i in idx for i in keep):
                        continue  # nothing but the applicant's, or only touched at the edge
                    txt = "".join(chars[i][0] for i in keep)
                    kept = [t for kb, t in o.kept_names if any(_centre_in(chars[i][1], kb) for i in keep if i in idx)]
                    if kept:
                        hidden_names += kept
                        continue
                    if self._is_applicant(txt):
                        continue
                    # a name-sized mask is placed on a name; a block's edge cuts text anywhere
                    name = _person_in(chars, keep, self._is_applicant, cut_ok=b[3] - b[1] <= 1.6 * self.lh)
                    if name:
                        hidden_names.append(name)
                    elif any(char_class(chars[i][0]) in ("han", "latin", "digit") for i in keep if i in idx):
                        other_text.append("".join(chars[i][0] for i in keep if i in idx))
            # someone else's handwritten signature (read or not)
            for sb, _t in o.other_signatures:
                if coverage(sb, b) >= 0.5 and not any(coverage(sb, ob) >= 0.5 for ob in own):
                    hidden_names.append("（他人签名 / another person's signature）")
            for nm in dict.fromkeys(hidden_names):
                shown = sanitize(nm, self.query.name)
                self.add("OTHER_NAME_MASKED", ERROR, f"遮盖了他人姓名“{shown}” / another person's name is masked: {shown}",
                         b, value={"name": shown})
            if other_text and not hidden_names:
                shown = sanitize("".join(dict.fromkeys(other_text)), self.query.name)
                shown = shown if len(shown) <= 16 else shown[:15] + "…"
                self.add("MASK_OVER_OTHER_TEXT", WARNING, f"遮盖了姓名以外的内容“{shown}” / the mask hides text "
                         f"other than the name: {shown}", b, value={"text": shown})

    def _covered(self, b: Box) -> float:
        """Share of ``b`` hidden: covered by found masks, or (with the original) its ink gone."""
        c = box_covered(b, self.boxes)
        fn = self.orig.ink_changed if self.orig is not None else None
        if fn is not None and c < 1.0:
            r = fn(b)
            if r is not None and int(r[0].sum()) > 0:
                c = max(c, int(r[1].sum()) / int(r[0].sum()))
        return c

    def _char_is_hidden(self, cb: Box, lbox: Box, mask: Box) -> bool:
        """Masks cover most of the character's ink, or (it touches the mask and) most of its ink
        is gone or no longer looks like it. The glyph is the character's column over the line,
        narrowed to the original's ink there when known (an OCR line box runs well above and
        below the glyphs: a mask over the glyphs alone would cover too little of it, and a mask
        ending just above a line would seem to reach into it)."""
        thr = self.policy.audit_hidden_coverage
        glyph = (cb[0], lbox[1], cb[2], lbox[3])
        if glyph[2] <= glyph[0]:
            return False
        fb = self.orig.ink_box if self.orig is not None else None
        tight = fb(glyph) if fb is not None else None
        if tight is not None:
            glyph = tight
        if coverage(glyph, mask) >= thr:
            # unless the masked page there still shows the glyph as it was: the box found for a
            # mask can reach beyond what was drawn (changes near each other grouped as one)
            return not self._unchanged(glyph)
        fn = self.orig.ink_changed if self.orig is not None else None
        if fn is None or overlap_area(glyph, mask) <= 0:
            return False
        r = fn(glyph)
        if r is not None:
            tot, gone = int(r[0].sum()), int(r[1].sum())
            if tot > 0 and gone >= thr * tot:
                return True
        sim = self.orig.similarity(glyph) if self.orig.similarity is not None else None
        return sim is not None and sim < self.policy.audit_hidden_similarity and coverage(glyph, mask) >= 0.3

    def _unchanged(self, glyph: Box) -> bool:
        """The masked page at ``glyph`` is the original's glyph, unchanged: it still correlates
        closely and almost none of its ink changed."""
        o = self.orig
        if o is None or o.similarity is None:
            return False
        sim = o.similarity(glyph)
        if sim is None or sim < 0.85:
            return False
        r = o.ink_changed(glyph) if o.ink_changed is not None else None
        return r is None or int(r[1].sum()) <= 0.15 * max(1, int(r[0].sum()))

    def _is_applicant(self, txt: str) -> bool:
        chars = [Char(c, (i, 0, i + 1, 1), 1.0) for i, c in enumerate(txt)]
        return bool(find_matches(tokens_from_chars(chars, 0), self.pat))

    # ------------------------------------------------------------ sizes
    def sizes(self) -> None:
        W, H = self.ctx.width or 1.0, self.ctx.height or 1.0
        p = self.policy
        for m in self.masks:
            b = m.box
            kind = self._kind(b)
            reason = p.check_mask(kind, b, W, H, line_height=self.lh if kind == "name" else None)
            if reason is None and self.orig is not None and kind == "name":
                under = [nb for nb, _t, _r in self.orig.names if coverage(nb, b) >= 0.5]
                if under:
                    a_names = sum(area(x) for x in under)
                    if area(b) > p.audit_mask_area_factor * a_names:
                        reason = (f"遮盖面积为所遮姓名的 {area(b) / a_names:.1f} 倍（上限 {p.audit_mask_area_factor:g} 倍）/ "
                                  f"mask is {area(b) / a_names:.1f}× the name it covers (limit {p.audit_mask_area_factor:g}×)")
            if reason:
                self.add("MASK_TOO_LARGE", ERROR, f"遮盖范围过大：{reason}", b, value={"style": m.style})

    def _kind(self, b: Box) -> str:
        if self.orig is not None:
            if any(coverage(sb, b) >= 0.3 for sb in self.orig.own_seals):
                return "seal"
            if any(coverage(sb, b) >= 0.3 for sb, _t in self.orig.other_seals) and self._seal_shaped(b):
                return "seal"  # over another unit's seal (a warning of its own), sized as a seal
            return "name"
        if self.seen.seals is not None and any(coverage(k.box, b) >= 0.3 for k in self.seen.seals.kept):
            return "seal"
        return "seal" if self._seal_shaped(b) else "name"

    def _seal_shaped(self, b: Box) -> bool:
        """Roughly square and several lines on each side: a seal's mask, not a block of text."""
        w, h = b[2] - b[0], b[3] - b[1]
        p = self.policy
        return min(w, h) >= p.audit_seal_min_lines * self.lh and max(w, h) <= p.audit_seal_aspect * min(w, h)


# ---------------------------------------------------------------- helpers

def _pitch(chars: list[Char]) -> float | None:
    cs = sorted((c for c in chars if is_han(c.text)), key=lambda c: c.box[0])
    d = [(b.box[0] + b.box[2]) / 2 - (a.box[0] + a.box[2]) / 2 for a, b in zip(cs, cs[1:])]
    d = [x for x in d if x > 0]
    return float(statistics.median(d)) if len(d) >= 2 else None


def _contiguous(seq: list[Char], lh: float, leftwards: bool = False) -> list[Char]:
    """The run of characters from the first one on, stopping at a blank wider than a character."""
    out = [seq[0]]
    for c in seq[1:]:
        prev = out[-1]
        gap = (prev.box[0] - c.box[2]) if leftwards else (c.box[0] - prev.box[2])
        if gap > 0.9 * lh:
            break
        out.append(c)
    return out


def _same(got: list[str], want: list[str]) -> bool:
    return all(alike(w, g) for g, w in zip(got, want))


def _runs(idx: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for i in idx:
        if out and i == out[-1][-1] + 1:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def _centre_in(b: Box, box: Box) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _surname_len(s: str) -> int:
    if s[:2] in COMPOUND_SURNAMES:
        return 2
    return 1 if s[:1] in SURNAMES else 0


def _person_in(chars: list[tuple[str, Box]], keep: list[int], is_applicant=None, cut_ok: bool = True) -> str | None:
    """A person's name hidden under a mask (``_person_in_run``); also most of one whose first or
    last character the mask's edge left visible (秦|旭怡 under a block): at least two hidden
    characters, and at least 60% of the name."""
    name = _person_in_run(chars, keep, is_applicant, cut_ok)
    if name or not keep:
        return name
    hidden = sum(1 for i in keep if is_han(chars[i][0]))
    if not 2 <= hidden <= 3:
        return None  # only a short run can be most of one name
    for ext in ([keep[0] - 1] + list(keep), list(keep) + [keep[-1] + 1]):
        if ext[0] < 0 or ext[-1] >= len(chars) or not is_han(chars[ext[0]][0]) or not is_han(chars[ext[-1]][0]):
            continue
        name = _person_in_run(chars, ext, is_applicant, False)
        if name and hidden >= 2 and hidden >= 0.6 * sum(1 for c in name if is_han(c)):
            return name
    return None


def _person_in_run(chars: list[tuple[str, Box]], keep: list[int], is_applicant=None, cut_ok: bool = True) -> str | None:
    """A person's name among the hidden characters ``keep`` (indices into the line ``chars``):
    a Uyghur name (two runs of Han around a middle dot), or a surname plus one or two given
    characters standing between name boundaries (a label, punctuation, a gap, 同志/等…).
    ``cut_ok``: a three-character run that ends where the hidden run ends counts even when text
    follows (a mask over a name, the next word left visible) — not for a block, whose edge cuts
    through words (文化程|度)."""
    # punctuation the mask took along at either end (，祖丽胡玛尔·买买提) is no part of a name
    while keep and not is_han(chars[keep[0]][0]):
        keep = keep[1:]
    while keep and not is_han(chars[keep[-1]][0]):
        keep = keep[:-1]
    if not keep:
        return None
    text = [chars[i][0] for i in keep]
    s = "".join(text)
    # Uyghur: Han · Han — the whole word around the hidden part, as the line reads
    line = [c for c, _ in chars]
    a, z = keep[0], keep[-1]
    while a > 0 and (is_han(line[a - 1]) or line[a - 1] in _DOTS):
        a -= 1
    while z + 1 < len(line) and (is_han(line[z + 1]) or line[z + 1] in _DOTS):
        z += 1
    word = "".join(line[a:z + 1])
    for j, ch in enumerate(word):
        if ch in _DOTS and j >= 2 and len(word) - j - 1 >= 2 and is_han(word[j - 1]) and is_han(word[j + 1]):
            core = word.strip("".join(_DOTS))
            if is_applicant is not None and is_applicant(core):
                break  # the applicant's own name (its mask touched the neighbour)
            if sum(1 for c in s if is_han(c)) >= 0.3 * sum(1 for c in core if is_han(c)):
                return core
            break
    line_text = "".join(c for c, _ in chars)
    first = keep[0]
    for off in range(len(s)):
        sl = _surname_len(s[off:])
        if not sl:
            continue
        for L in (sl + 2, sl + 1):
            cand = s[off:off + L]
            if len(cand) < L or not all(is_han(c) for c in cand):
                continue
            start = first + off
            end = start + L
            before = "".join(c for c, _ in chars[:start]).rstrip()
            after = line_text[end:].lstrip()
            if any(c in (":", "：") for c in after[:3]) and not after.startswith(PERSON_AFTER):
                continue  # a label (作者简介：, 文化程度：), not a name
            lb = (not before or not is_han(before[-1]) or left_ok(before) or _gap_before(chars, start)
                  or any(before.endswith(w) for w in OTHER_PERSON_LABELS))
            rb = (not after or not is_han(after[0]) or after.startswith(PERSON_AFTER) or _gap_before(chars, end)
                  or (cut_ok and end >= first + len(s) and L == sl + 2))
            if lb and rb:
                return cand
    return None


def _gap_before(chars: list[tuple[str, Box]], i: int) -> bool:
    """A blank of at least half a character between characters ``i - 1`` and ``i`` of a line: a
    word boundary, as between names in a list of authors (岳淼  郭源桂  韦珏)."""
    if i <= 0 or i >= len(chars):
        return False
    ws = sorted(b[2] - b[0] for c, b in chars if is_han(c) and b[2] > b[0])  # digits are narrow
    if not ws:
        return False
    w = ws[len(ws) // 2]
    prev = i - 1
    while prev >= 0 and chars[prev][0].isspace():
        prev -= 1
    if prev < 0:
        return False
    return chars[i][1][0] - chars[prev][1][2] >= 0.5 * w or prev < i - 1


def _label_left_of(lines, b: Box, lh: float) -> str | None:
    """The other-person label (负责人, 审核人…) that ends right before the mask on its line."""
    for line in lines:
        lb = line.box
        ov = min(lb[3], b[3]) - max(lb[1], b[1])
        if ov < 0.5 * min(lb[3] - lb[1], b[3] - b[1]) or not line.chars:
            continue
        before = [c for c in line.chars if (c.box[0] + c.box[2]) / 2 < b[0]]
        if not before:
            continue
        last = max(before, key=lambda c: c.box[2])
        if b[0] - last.box[2] > 2.5 * lh:
            continue
        txt = "".join(c.text for c in sorted(before, key=lambda c: c.box[0])).rstrip(" \u3000:：_＿")
        for lab in sorted(OTHER_PERSON_LABELS, key=len, reverse=True):
            if txt.endswith(lab) or txt.endswith(lab + "签字") or txt.endswith(lab + "签名"):
                return lab
    return None


def _dedupe(fs: list[Finding]) -> list[Finding]:
    """One finding per place and kind of problem: NAME_VISIBLE wins over NAME_PARTLY_VISIBLE
    where both speak of the same occurrence."""
    order = {"NAME_VISIBLE": 0, "NAME_PARTLY_VISIBLE": 1}
    fs = sorted(fs, key=lambda f: order.get(f.code, 2))
    out: list[Finding] = []
    for f in fs:
        dup = False
        for o in out:
            if f.box is None or o.box is None:
                dup = f.code == o.code and f.box is None and o.box is None
            elif f.code in order and o.code in order:
                dup = coverage(f.box, o.box) > 0.3 or coverage(o.box, f.box) > 0.3
            elif f.code == o.code:
                dup = coverage(f.box, o.box) > 0.6 and coverage(o.box, f.box) > 0.6
            if dup:
                break
        if not dup:
            out.append(f)
    out.sort(key=lambda f: (f.severity != ERROR, (f.box or (0, 0, 0, 0))[1], (f.box or (0, 0, 0, 0))[0]))
    return out
