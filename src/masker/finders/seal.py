"""The applicant's unit's official seal (现单位公章): find every stamp, read it, mask only the
unit's own; other units' seals stay visible for the reviewers, each listed with what it reads.

Cheap first: stamps are found from colour and shape alone (``masker.seals.detect``, tens of
milliseconds a page, nothing at all on a page without red ink); only the candidates found are
read, and reading stops as soon as the owner is clear (``masker.seals.read``):
1. the ring strip in the rendering that suits the stamp (as scanned, or without the print under it);
2. if that did not settle it: the horizontal lines inside (专用章, the unit written across);
3. if still unsure: the ring again in the other rendering.
"""
from __future__ import annotations

import logging
import statistics
import time
from collections.abc import Iterator
from dataclasses import replace

from ..geometry import overlap_area
from ..results import Finding, Kept, Mask
from ..seals.color import mostly_stamp_ink
from ..seals.detect import SealCandidate, detect_seals
from ..seals.match import (CHAR_SURE, UnitMatch, match_unit, match_unit_readings, names_a_unit, normalise,
                           placed_elsewhere, readings_evidence)
from ..seals.partial import match_visible_part
from ..seals.read import SealReader
from ..seals.spotting import replaced_characters, spot_unit
from .base import Findings, PageContext, Query

log = logging.getLogger("masker.seal")

#: a piece of the name shown by a cut stamp counts only if no more than this share of the ring
#: where the rest of the name would go is on the image and the sheet (the character next to the
#: edge is often cut through: a sliver of 什 shows beside the sheet's edge, unreadable)
MAX_VISIBLE_GONE = 0.5

REASON_OTHER = "seal of another unit / 其他单位印章"
REASON_NO_UNIT = "未提供 --unit，未遮盖印章 / no --unit given: seals not masked"
REASON_UNREADABLE = "印章文字无法识别，请人工核对 / seal text cannot be read: please check by hand"
REASON_UNSURE = ("印章文字与申报单位部分相符，未遮盖，请人工核对 / seal text partly matches the unit: "
                 "not masked, please check by hand")


class SealFinder:
    name = "seal"
    needs_graphics = True

    def __init__(self, max_seals: int = 8, min_readable_chars: int = 3):
        self.max_seals = max_seals
        self.min_readable_chars = min_readable_chars

    # ------------------------------------------------------------------ find
    def find(self, ctx: PageContext, query: Query) -> Findings:
        t0 = time.perf_counter()
        out = Findings()
        try:
            img = ctx.image
        except Exception as e:  # a page that cannot be rasterised has no stamps we can see
            log.debug("seal: no raster (%s)", e)
            return out
        if img is None or img.size == 0:
            return out
        if img.ndim == 2:
            import cv2

            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        cands = detect_seals(img, min_diameter=self._min_diameter(ctx))[: self.max_seals]
        ctx.facts["seal_candidates"] = len(cands)
        if not cands:
            ctx.facts["seal_seconds"] = time.perf_counter() - t0
            return out
        unit = (query.unit or "").strip()
        for cand in cands:
            box = self._page_box(ctx, cand)
            reader = SealReader(img, cand, ctx.engine, focus=normalise(unit)) if ctx.engine is not None else None
            if not unit:
                text, score = self._read_plain(reader)
                out.kept.append(Kept("unchecked_seal", box, text, REASON_NO_UNIT, score))
                continue
            m, text, score = self._read_and_match(reader, unit, cand.cut_by_edge)
            if placed_elsewhere(m, unit, _printed_lines(ctx, img, box)):
                # the name without its places, under a stamp whose printed line names another place
                m = replace(m, matched=False, place_conflict=True)
            if not m.matched and m.similarity >= 0.5:
                m = self._corroborate(ctx, box, unit, m, reader)
            if not m.matched and not m.contradicted and cand.cut_by_edge and reader is not None:
                m = self._cut_piece(ctx, box, unit, reader) or m
            if not m.matched and not m.place_conflict and reader is not None:
                m = self._spotted(unit, m, reader)
            if m.matched:
                out.masks.append(Mask(kind="seal", box=box, text=text, score=min(1.0, 0.5 * score + 0.5 * m.similarity),
                                      reason=f"本单位印章 / seal of the applicant's unit ({m.detail})",
                                      rule=f"seal.{cand.shape}.{m.form.replace(' ', '_')}"))
                if m.form.endswith("visible part") and m.distinctive_read < m.distinctive_len:
                    # a piece a namesake's cut stamp may show too (阿克苏地区水利水电 of 勘察 or 规划设计院)
                    out.warnings.append(Finding(
                        code="SEAL_CUT_PARTIAL", severity="warning", box=box,
                        message=(f"印章被页边截断，仅见“{m.found}”，已按本单位印章遮盖，请人工核对 / seal cut by "
                                 f"the page edge shows only “{m.found}”: masked as the unit's, please check")))
            elif self._readable(text, score):
                if m.similarity >= 0.5:
                    out.kept.append(Kept("other_seal", box, text, REASON_UNSURE, score))
                    out.warnings.append(Finding(
                        code="SEAL_UNSURE", severity="warning", box=box,
                        message=(f"印章“{text}”与申报单位“{unit}”部分相符，请人工核对 / seal reading "
                                 f"“{text}” partly matches the unit “{unit}”: please check")))
                else:
                    out.kept.append(Kept("other_seal", box, text, REASON_OTHER, score))
            else:
                out.kept.append(Kept("unreadable_seal", box, text, REASON_UNREADABLE, score))
                out.warnings.append(Finding(
                    code="SEAL_UNREADABLE", severity="warning", box=box,
                    message="印章文字无法识别，未遮盖，请人工核对是否为本单位印章 / seal text cannot be read: "
                            "not masked; please check whether it is the applicant's unit's seal"))
        if not unit:
            out.warnings.append(Finding(
                code="SEAL_UNIT_MISSING", severity="warning",
                message=f"页面上有 {len(cands)} 枚印章，未提供 --unit，未遮盖 / {len(cands)} seal(s) on the page "
                        f"but no --unit given: seals not masked"))
        ctx.facts["seal_seconds"] = time.perf_counter() - t0
        return out

    # ------------------------------------------------------------------ parts
    @staticmethod
    def _min_diameter(ctx: PageContext) -> float | None:
        """A seal is several text lines tall: bound the size from the page's own text. A line's
        height is its characters' (median), not its box's: on a photo turned by a few degrees a
        long line's box is tall (1000 px at 3° adds 50 px), which had put the bound above an oval
        stamp's short side (stress seed 67 page 0: 154 px against 187)."""
        hs = [_text_height(l) for l in ctx.lines if len(l.text) >= 2 and l.box[3] > l.box[1]]
        if len(hs) < 5:
            return None
        return 2.2 * statistics.median(hs) * ctx.scale

    @staticmethod
    def _page_box(ctx: PageContext, cand: SealCandidate):
        s = ctx.scale or 1.0
        x0, y0, x1, y1 = (v / s for v in cand.box)
        return (max(0.0, x0), max(0.0, y0), min(ctx.width or x1, x1), min(ctx.height or y1, y1))

    def _readable(self, text: str, score: float) -> bool:
        return len(normalise(text)) >= self.min_readable_chars and score >= 0.5

    @staticmethod
    def _corroborate(ctx: PageContext, box, unit: str, m: UnitMatch, reader: SealReader | None) -> UnitMatch:
        """A stamp half read as the unit, pressed over the unit's name printed on the page (单位
        （盖章）：阿克苏地区水利局): that is the unit's own stamp. Only when the readings have at
        least half of the part of the name that tells the unit from its siblings (水利 of
        阿克苏地区水利局; a look-alike misreading such as 喀→略 counts), nothing in a short
        distinctive part and at most a quarter of a long one read as some other character, and no
        other place name — so another unit's stamp pressed near the applicant's unit line
        (财政局, 沙雅县水利局, a clean reading of 新河 for 新禾) never qualifies.

        Read across all renderings of the stamp, not the best one alone: each loses different
        strokes (stress seed 71 page 6: 农村水 in one reading, 总 in another, of 农村供水管理总站),
        and a character counts as another only where two renderings agree on it, surely — a worn
        喀 read 喜, 召 and 赛 is a worn 喀 (seed 73 page 15), a namesake's 新疆 reads 新疆 in each."""
        n_d = m.distinctive_len
        if m.place_conflict or m.contradicted or n_d == 0:
            return m
        read, other = m.distinctive_read, m.distinctive_other
        if reader is not None and m.pattern:
            # lined up with the whole name where the readings are of it (a ring holds its places:
            # 车市 of 库车市 before a lost 灌溉 is the place, not 灌溉 read as others — stress 71
            # page 3), with the form that matched where they are of that form only
            rings = (reader.ring_texts, reader.ring_sources, list(reader.ring_confs))
            ev = readings_evidence(normalise(unit), *rings)
            if ev.renderings == 0 and m.pattern != normalise(unit):
                ev = readings_evidence(m.pattern, *rings)
            if ev.renderings >= 1:  # the ring read as the name at all (not an inner line alone)
                read = ev.read
            if ev.renderings >= 2:
                other = ev.agreed_other
        if other > (0 if n_d <= 3 else n_d // 4) or read < max(1, (n_d + 1) // 2):
            return m
        printed = _printed_name_under(ctx, box, unit)
        if printed is not None:
            text, lm = printed
            return UnitMatch(True, (m.similarity + lm.similarity) / 2, form=m.form + " + printed name",
                             found=m.found, detail=f"{m.detail}; the unit's name is printed under the stamp "
                                                   f"(“{text}”)")
        return m

    @staticmethod
    def _spotted(unit: str, m: UnitMatch, reader: SealReader) -> UnitMatch:
        """Not matched by the strings, no other place named: does the ring hold every character
        of the name where it stands, in the recogniser's own probabilities
        (``masker.seals.spotting``)? A worn 喀 read 客 still has 喀 at 0.4 there; a namesake's 新疆
        gives 喀 nothing. Asked of a stamp read surely as another name too (``contradicted``): a
        worn 禾 read 木 at 0.99 (stress seed 61 page 12) keeps 禾 at 0.007 where it stands, a
        namesake's clean 河 leaves 禾 < 0.001; and of one read as less than half the name (喀什大学
        read 略学, stress seed 151 page 23: 什 and 大 at 0.1 and more where the greedy reading
        kept nothing)."""
        ev = spot_unit(unit, reader.ring_focus, reader.ring_cyclic, reader.spots)
        if ev is None or not ev.holds:
            return m
        return replace(m, matched=True, form=f"spotted {ev.label}", detail=f"{m.detail}; {ev.describe()}")

    @staticmethod
    def _cut_piece(ctx: PageContext, box, unit: str, reader: SealReader) -> UnitMatch | None:
        """A stamp cut by the edge that shows only the start or the end of the unit's name (大学 of
        喀什大学), each character read exactly and surely, pressed over the unit's printed name — and
        the ring where the rest of the name would go lies beyond the image's or the sheet's edge
        (measured on the strip from where the characters read are). A piece whose missing part
        would show is a stamp that says less than the name, not a cut one."""
        u = normalise(unit)
        for i, ((t, _sc, _v), confs, cols) in enumerate(zip(reader.ring_reads, reader.ring_confs, reader.ring_cols)):
            if not (2 <= len(t) < len(u) and len(cols) == len(t) and normalise(t) == t and min(confs) >= CHAR_SURE):
                continue
            pitch = (cols[-1] - cols[0]) / (len(t) - 1)
            k = len(u) - len(t)
            if u.endswith(t):
                gone = (cols[0] - (k + 0.5) * pitch, cols[0] - 0.5 * pitch)
            elif u.startswith(t):
                gone = (cols[-1] + 0.5 * pitch, cols[-1] + (k + 0.5) * pitch)
            else:
                continue
            if pitch <= 0 or reader.visible_share(i, *gone) > MAX_VISIBLE_GONE:
                continue
            printed = _printed_name_under(ctx, box, unit)
            if printed is None:
                return None
            return UnitMatch(True, 0.5 * (len(t) / len(u) + printed[1].similarity), form="cut piece + printed name",
                             found=t, detail=f"cut by the edge: {t} of {u}, the rest beyond the edge; the unit's "
                                             f"name is printed under the stamp (“{printed[0]}”)")
        return None

    @staticmethod
    def _confirm(reader: SealReader, best_match) -> UnitMatch:
        """A match that takes a character of the distinctive part, read as another one with little
        confidence, for a misreading (术 for 禾) holds only if no other rendering reads that
        character, with confidence, as another one: a namesake's stamp (新河 for 新禾) misread once
        reads cleanly in the next rendering."""
        done = set(reader.ring_sources)
        for v in dict.fromkeys(reader.order):
            if v not in done:
                reader.read_ring(v)
        return best_match()

    @staticmethod
    def _read_plain(reader: SealReader | None) -> tuple[str, float]:
        if reader is None:
            return "", 0.0
        reader.read_ring(reader.order[0])
        reader.read_inner()
        r = reader.result()
        return r.text, r.score

    def _read_and_match(self, reader: SealReader | None, unit: str,
                        cut_by_edge: bool = False) -> tuple[UnitMatch, str, float]:
        if reader is None:
            return UnitMatch(False, 0.0, detail="no OCR engine"), "", 0.0

        def best_match() -> UnitMatch:
            rings = reader.ring_texts
            m = match_unit_readings(unit, rings, reader.inner_texts or [], [sc for _t, sc, _v in reader.ring_reads],
                                    reader.ring_sources, reader.ring_confs)
            if not m.matched and cut_by_edge:
                part = match_visible_part(unit, rings)
                if part.matched:
                    return part
            return m

        def clearly_other(m: UnitMatch) -> bool:
            t, sc, _ = max(reader.ring_reads, key=lambda z: z[1])
            return m.contradicted or (sc >= 0.93 and len(normalise(t)) >= 4 and m.similarity < 0.45)

        first, _sc = reader.read_ring(reader.order[0])
        m = best_match()
        if not m.matched and not (clearly_other(m) and names_a_unit(first)):
            # the inner lines (专用章, a number; the unit itself on an invoice-supervision seal,
            # whose ring names none): not read when the ring surely names another unit
            reader.read_inner()
            m = best_match()
        if not m.matched and not clearly_other(m):
            reader.read_ring(reader.order[1])
            m = best_match()
        if not m.matched and m.similarity >= 0.5:
            # half read as the unit: a third rendering, whose misreadings differ again
            reader.read_ring(reader.order[2])
            m = best_match()
        if not m.matched and m.similarity >= 0.5 and not m.contradicted and reader.second_opinion:
            # still half read as the unit: the first rendering by the stock recogniser too. The
            # ring model reads generated stamps better (fresh stress seeds 229-241: 86 -> 92 of
            # 96), but on the real set lost a character the stock model knows (盈 of a phone
            # photo read as 邑); each reading only adds to what the others hold
            reader.read_ring(reader.order[0], stock=True)
            m = best_match()
        if (not m.matched and m.similarity >= 0.5 and not m.contradicted
                and m.distinctive_other <= max(1, m.distinctive_len // 2)
                and not replaced_characters(unit, reader.ring_focus, reader.ring_cyclic, reader.spots)):
            # still close, the part that names the unit not clearly read as another (财政 for
            # 水利), and no character of the name replaced by another where it stands (a
            # namesake's 山 for 河, in the recogniser's probabilities): every rendering once more
            # in narrower bands, the readings combined character by character — unless the
            # renderings read so far already hold the name (spotting, which the finder would ask
            # after the second look anyway, and which more renderings only make surer): the
            # second look is the stage's costliest step (nine strips, ~0.15 s)
            spotted = m if m.place_conflict else self._spotted(unit, m, reader)
            if spotted.matched:
                m = spotted
            else:
                reader.read_more()
                m = best_match()
        if m.matched and m.distinctive_other > 0 and not m.spotted:
            m = self._confirm(reader, best_match)
        r = reader.result()
        if m.matched:
            # report the reading that matched
            for t, sc, _v in reader.ring_reads:
                if match_unit(unit, t, reader.inner_texts or []).matched or (
                        cut_by_edge and match_visible_part(unit, [t]).matched):
                    return m, " ".join([t] + (reader.inner_texts or [])).strip(), sc
        return m, r.text, r.score


def _printed_name_under(ctx: PageContext, box, unit: str) -> tuple[str, UnitMatch] | None:
    """The unit's name printed under the stamp (单位（盖章）：阿克苏地区水利局), read as the unit
    exactly up to look-alikes: (the line's text, its match), or None."""
    x0, y0, x1, y1 = box
    for line in ctx.lines:
        lx0, ly0, lx1, ly1 = line.box
        ix = min(lx1, x1) - max(lx0, x0)
        iy = min(ly1, y1) - max(ly0, y0)
        if ix <= 0 or iy <= 0.5 * (ly1 - ly0):
            continue
        lm = match_unit(unit, line.text, confident=True)  # print reads cleanly: 新河 is not 新禾
        if lm.matched and lm.similarity >= 0.85:
            return line.text, lm
    return None


def _printed_lines(ctx: PageContext, img, box) -> Iterator[str]:
    """The texts of the page's lines over the stamp that are print, not the stamp's own ring read
    by the page's OCR: 是县农村供水管 over an oval 阿瓦提县农村供水管理总站 (stress seed 239 page 6),
    低捷县农封作水管理 (seed 179 page 22) name a place (是县, 低捷县) only because the page's OCR
    misread the ring's 提; no print there names it. Lazy: ``placed_elsewhere`` looks at them only
    for a match without places."""
    s = ctx.scale or 1.0
    for line in ctx.lines:
        if overlap_area(line.box, box) <= 0:
            continue
        x0, y0, x1, y1 = (int(round(v * s)) for v in line.box)
        crop = img[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
        if not (crop.size and mostly_stamp_ink(crop)):
            yield line.text


def _text_height(line) -> float:
    """The height of a line's characters (its box's height where it has no character boxes)."""
    box_h = line.box[3] - line.box[1]
    hs = [c.box[3] - c.box[1] for c in line.chars if c.box[3] > c.box[1]]
    return min(box_h, statistics.median(hs)) if hs else box_h
