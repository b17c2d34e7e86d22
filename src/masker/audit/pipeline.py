"""The audit of one document: read each masked page (and its original), find the masks, judge.

Per page:
1. analyse the masked page exactly as ``propose`` does (``Masker.analyse``: OCR, orientation) and
   run the same finders (name; seal and signature where installed) — whatever they still find is
   readable;
2. find the masks on the page (``masks_found``);
3. with the original: analyse it once too, register it on the masked page (``align``), take
   what changed as the masks (the detector's boxes refine them; what the detector saw but did not
   change — a table cell, a photo — is dropped), and map the original's names, seals and text
   into the masked page;
4. judge (``judge``) and map every box back into the file's own frame.
"""
from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..finders.base import PageContext, Query
from ..geometry import Box, area, coverage, rotate_box, scale as scale_box, union
from ..io import Document, PageSource
from ..results import Finding
from .align import Alignment, align, changed_map, changed_regions
from .judge import ERROR, WARNING, Judge, OrigInfo, Seen, median_line_height
from .masks_found import FoundMask, find_masks, merge
from .result import AuditPage, AuditResult, MaskFound

log = logging.getLogger("masker.audit")


@dataclass
class View:
    ctx: PageContext
    seen: Seen


def _digest(doc: Document) -> str:
    d = getattr(doc, "_audit_digest", None)
    if d is None:
        d = hashlib.sha1(doc.data).hexdigest()
        try:
            doc._audit_digest = d  # type: ignore[attr-defined]
        except AttributeError:
            pass
    return d


def _finders(masker) -> dict:
    try:
        fs = {getattr(f, "name", ""): f for f in masker.finders}
    except Exception:  # noqa: BLE001 - a finder that cannot load must not stop the audit
        log.exception("finders failed to load")
        fs = {}
    if "name" not in fs:
        from ..finders.name import NameFinder

        fs["name"] = NameFinder()
    return fs


def view_of(masker, doc: Document, page: PageSource, query: Query, cache: dict | None = None) -> View:
    """Analyse a page and run the finders on it, once (``cache``: any dict kept by the caller).

    The analysis is focused on the query (``Masker.analyse``: lines that cannot hold the name or
    the unit keep the cheap first reading), as ``propose``'s is: the audit looks for the same name
    and unit, and reads what lies beside each mask again on its own (``judge``)."""
    key = (_digest(doc), page.index, id(masker), query.name, query.unit)
    ctx = cache.get(("ctx", key)) if cache is not None else None
    if ctx is None:
        ctx = masker.analyse(page, query)
        _ = ctx.image  # render now: the document may be closed before a cached view is used again
        if cache is not None:
            cache[("ctx", key)] = ctx
    fkey = ("seen", key)
    seen = cache.get(fkey) if cache is not None else None
    if seen is None:
        fs = _finders(masker)
        seen = Seen(names=fs["name"].find(ctx, query))
        for attr in ("seal", "signature"):
            f = fs.get(attr)
            if f is None:
                continue
            try:
                setattr(seen, attr + "s", f.find(ctx, query))
            except Exception:  # noqa: BLE001 - one finder failing must not stop the audit
                log.exception("%s finder failed on page %d", attr, page.index + 1)
        if cache is not None:
            cache[fkey] = seen
    return View(ctx, seen)


def run_audit(masker, doc: Document, query: Query, original: Document | None = None,
              annotate: str | Path | None = None, *, cache: dict | None = None) -> AuditResult:
    t0 = time.perf_counter()
    res = AuditResult(input=doc.name, pages=[], with_original=original is not None,
                      original=original.name if original is not None else None)
    if original is not None and len(original.pages) != len(doc.pages):
        res.warnings.append(Finding(
            "ORIGINAL_MISMATCH", WARNING,
            f"原件 {len(original.pages)} 页，遮盖件 {len(doc.pages)} 页，按页序比对 / the original has "
            f"{len(original.pages)} page(s), the masked file {len(doc.pages)}: pages compared in order"))
    for page in doc.pages:
        tp = time.perf_counter()
        v = view_of(masker, doc, page, query, cache)
        ov = None
        if original is not None and page.index < len(original.pages):
            ov = view_of(masker, original, original.pages[page.index], query, cache)
        ap = audit_page(masker, v, ov, query)
        ap.seconds = time.perf_counter() - tp
        res.pages.append(ap)
        log.debug("audit page %d: %d masks, %d findings, %.2fs", page.index + 1, len(ap.masks_found),
                  len(ap.findings), ap.seconds)
    res.seconds = time.perf_counter() - t0
    if annotate:
        from .annotate import draw_document

        draw_document(doc, res, annotate)
    return res


def _px_lines(lines, s: float):
    from ..ocr.base import Char, TextLine

    if s == 1.0:
        return lines
    return [TextLine(l.text, scale_box(l.box, s), l.score, [Char(c.text, scale_box(c.box, s), c.score) for c in l.chars],
                     l.source) for l in lines]


def audit_page(masker, v: View, ov: View | None, query: Query) -> AuditPage:
    ctx = v.ctx
    page = ctx.page
    policy = masker.policy
    s = float(ctx.scale or 1.0)
    img = ctx.image
    lines_px = _px_lines(ctx.lines, s)
    chars_px = [c for l in lines_px for c in l.chars]
    lh_units = median_line_height(ctx.lines)
    th_px = (lh_units * s) if lh_units else max(12.0, img.shape[0] / 60.0)
    found = find_masks(img, th_px, chars_px, lines_px)
    ap = AuditPage(index=page.index, width=page.width, height=page.height, unit=page.unit,
                   orientation=ctx.orientation, with_original=ov is not None)
    extra: list[Finding] = []
    orig_info = None
    if ov is not None:
        oimg = ov.ctx.image
        al = align(img, oimg, exclude=[m.box for m in found])
        ap.alignment = al.to_dict()
        if al.ok:
            h, w = img.shape[:2]
            paper = tuple(int(v) for v in np.median(oimg[::8, ::8].reshape(-1, 3), axis=0)) if oimg.ndim == 3 else (255,) * 3
            warped = al.warp(oimg, (w, h), border=paper)
            chg = changed_map(img, warped, th_px)
            chg[~al.valid(oimg.shape, (w, h))] = 0
            diff = changed_regions(img, warped, th_px, chg)
            found = combine(found, diff, th_px, _blank_fn(warped), chars_px, _split_fn(img, warped, th_px, chg),
                            _changed_share_fn(chg))
            orig_info = _orig_info(ov, al, s)
            orig_info.ink_changed = _ink_changed_fn(chg, warped, s)
            orig_info.similarity = _similarity_fn(img, warped, s)
            orig_info.ink_box = _ink_box_fn(warped, s)
        else:
            ap.with_original = False
            extra.append(Finding(
                "ORIGINAL_MISMATCH", WARNING,
                f"原件与遮盖件第 {page.index + 1} 页对不上（相关度 {al.score:.2f}），按无原件审核 / page "
                f"{page.index + 1} of the original does not match the masked page (correlation {al.score:.2f}): "
                f"audited without it"))
    page_level = _page_level(ctx)
    if any(f.code == "ILLEGIBLE" for f in page_level):
        # a soft page looks blurred everywhere: what the blur test saw is the page, not masks
        found = [m for m in found if not (m.style == "blur" and m.source == "image")]
    masks = [FoundMask(scale_box(m.box, 1.0 / s), m.style, m.score, m.colour, m.source) for m in found]
    judge = Judge(ctx, query, policy, masks, v.seen, orig_info)
    findings = page_level + judge.run() + extra
    # back to the file's own frame
    W, H = page.width, page.height
    o = ctx.orientation
    for f in findings:
        if f.box is not None and o:
            f.box = rotate_box(f.box, o, W, H)
    ap.findings = findings
    ap.masks_found = [MaskFound(rotate_box(m.box, o, W, H) if o else m.box, m.style, m.source, m.score) for m in masks]
    return ap


def _blank_fn(warped: np.ndarray):
    """box (pixels) → True when the original holds no ink there."""
    import cv2

    g = cv2.cvtColor(warped, cv2.COLOR_BGR2GRAY) if warped.ndim == 3 else warped
    paper = float(np.percentile(g[::4, ::4], 90))
    ink = g < paper - 60

    def fn(b: Box) -> bool:
        x0, y0, x1, y1 = (int(round(v)) for v in b)
        reg = ink[max(0, y0):max(0, y1), max(0, x0):max(0, x1)]
        return reg.size == 0 or float(reg.mean()) < 0.002
    return fn


def _split_fn(img: np.ndarray, warped: np.ndarray, text_h: float, chg: np.ndarray):
    """(box, holes) → the changed regions inside ``box`` once ``holes`` are left out (pixels)."""
    def fn(box: Box, holes: list[Box]) -> list[FoundMask]:
        H, W = chg.shape[:2]
        m = np.zeros_like(chg)
        x0, y0 = max(0, int(box[0])), max(0, int(box[1]))
        x1, y1 = min(W, int(np.ceil(box[2]))), min(H, int(np.ceil(box[3])))
        m[y0:y1, x0:x1] = chg[y0:y1, x0:x1]
        g = int(max(3.0, 0.4 * text_h))  # the correlation window's halo around a fill
        for h in holes:
            hx0, hy0 = max(0, int(h[0]) - g), max(0, int(h[1]) - g)
            m[hy0:int(np.ceil(h[3])) + g, hx0:int(np.ceil(h[2])) + g] = 0
        return changed_regions(img, warped, text_h, m)
    return fn


def combine(detected: list[FoundMask], diff: list[FoundMask], text_h: float = 0.0, blank=None,
            chars: list | None = None, split=None, changed=None) -> list[FoundMask]:
    """With the original, the masks are what changed; the detector's boxes (exact for fills) and
    styles refine them. Detections where nothing changed (a table cell, a photo) are dropped, and
    so are changes that read as text on the masked page (text laid out again after a PDF
    redaction, a correction typed over): they are not masks. A changed area much larger than the
    solid fill found in it is that fill and other masks the grouping of changes joined to it (a
    seal's mask and the white-out of a name just below): with ``split`` (box, holes → changed
    regions) they are told apart, so that no box spans text that was never masked. With
    ``changed`` (box → share of its pixels changed), a detection whose own place changed is kept
    even when the grouped changes there were too small to count as a region (a light mosaic over
    a two-character name)."""
    def reads_as_text(region: Box, besides: list[Box]) -> bool:
        """Confident characters of the masked page cover most of ``region`` outside ``besides``."""
        if not chars:
            return False
        rest = area(region) - sum(area(b) * coverage(b, region) for b in besides)
        if rest <= 0.05 * area(region):
            return False
        read = sum(area(c.box) for c in chars if getattr(c, "score", 0.0) >= 0.8 and not c.text.isspace()
                   and coverage(c.box, region) >= 0.5 and not any(coverage(c.box, b) >= 0.5 for b in besides))
        return read >= 0.4 * rest

    out = []
    for d in diff:
        # a detection refines the changed area when they are the same place: the detection lies
        # within it, or it lies within a detection not much larger
        parts = [m for m in detected
                 if coverage(m.box, d.box) >= 0.6 or (coverage(d.box, m.box) >= 0.6 and area(m.box) <= 3 * area(d.box))]
        if reads_as_text(d.box, [m.box for m in parts]):
            # the change beside the masks is text (laid out again): keep the masks alone
            out += [FoundMask(m.box, m.style, m.score, m.colour, "diff") for m in parts]
            continue
        if len(parts) >= 2 and sum(area(m.box) for m in parts) >= 0.7 * area(d.box):
            # masks side by side (a seal's and a name's): each is judged on its own
            out += [FoundMask(m.box, m.style, m.score, m.colour, "diff") for m in parts]
            continue
        exact = [m for m in parts if m.style in ("solid", "scribble")]  # boxes of what is drawn there
        if split is not None and exact and area(d.box) > 1.5 * sum(area(m.box) for m in parts):
            out += [FoundMask(m.box, m.style, m.score, m.colour, "diff") for m in parts]
            out += split(d.box, [m.box for m in parts])
            continue
        if parts:
            big = max(parts, key=lambda m: area(m.box))
            out.append(FoundMask(union([d.box] + [m.box for m in parts]), big.style, max(d.score, big.score),
                                 big.colour, "diff"))
        else:
            out.append(d)
    if changed is not None:
        used = [m for m in detected if any(coverage(m.box, o.box) >= 0.5 for o in out)]
        out += [FoundMask(m.box, m.style, m.score, m.colour, "diff") for m in detected
                if m not in used and m.style != "white" and changed(m.box) >= 0.15]
    return merge(out, row_gap=2.5 * text_h, blank=blank)


def _changed_share_fn(chg: np.ndarray):
    """box (pixels) → the share of its pixels where the masked page differs from the original."""
    def fn(b: Box) -> float:
        x0, y0, x1, y1 = (max(0, int(round(v))) for v in b)
        reg = chg[y0:y1, x0:x1]
        return float(reg.mean()) if reg.size else 0.0
    return fn


def _ink_changed_fn(chg: np.ndarray, warped: np.ndarray, s: float):
    """For a box (masked page units): per column of the box, (ink pixels of the original, of which
    changed on the masked page) — what the masks removed, whatever their shape."""
    import cv2

    g = cv2.cvtColor(warped, cv2.COLOR_BGR2GRAY) if warped.ndim == 3 else warped
    paper = float(np.percentile(g[::4, ::4], 90))
    ink = g < paper - 60
    H, W = ink.shape

    def fn(box: Box):
        x0, y0 = max(0, int(box[0] * s)), max(0, int(box[1] * s))
        x1, y1 = min(W, int(np.ceil(box[2] * s))), min(H, int(np.ceil(box[3] * s)))
        if x1 <= x0 or y1 <= y0:
            return None
        ik = ink[y0:y1, x0:x1]
        return ik.sum(axis=0), (ik & (chg[y0:y1, x0:x1] > 0)).sum(axis=0)
    return fn


def _ink_box_fn(warped: np.ndarray, s: float):
    """For a box (masked page units): the tight box of the original's ink inside it, or None
    where it holds none. OCR line boxes run well above and below the glyphs; whether a mask hides
    a character is a question about its ink, not about the line's padding."""
    import cv2

    g = cv2.cvtColor(warped, cv2.COLOR_BGR2GRAY) if warped.ndim == 3 else warped
    paper = float(np.percentile(g[::4, ::4], 90))
    ink = g < paper - 60
    H, W = ink.shape

    def fn(box: Box) -> Box | None:
        x0, y0 = max(0, int(box[0] * s)), max(0, int(box[1] * s))
        x1, y1 = min(W, int(np.ceil(box[2] * s))), min(H, int(np.ceil(box[3] * s)))
        if x1 <= x0 or y1 <= y0:
            return None
        ik = ink[y0:y1, x0:x1]
        rows, cols = np.nonzero(ik.any(axis=1))[0], np.nonzero(ik.any(axis=0))[0]
        if rows.size == 0:
            return None
        return ((x0 + int(cols[0])) / s, (y0 + int(rows[0])) / s, (x0 + int(cols[-1]) + 1) / s,
                (y0 + int(rows[-1]) + 1) / s)
    return fn


def _similarity_fn(img: np.ndarray, warped: np.ndarray, s: float):
    """For a box (masked page units): how much the masked page there still looks like the
    original (best normalised correlation over shifts of two pixels), or None where the original
    shows nothing there."""
    import cv2

    def gray(x):
        g = cv2.cvtColor(x, cv2.COLOR_BGR2GRAY) if x.ndim == 3 else x
        return cv2.GaussianBlur(g, (0, 0), 1.0).astype(np.float32)

    ga, gb = gray(img), gray(warped)
    H, W = ga.shape

    def fn(box: Box) -> float | None:
        x0, y0 = max(2, int(box[0] * s)), max(2, int(box[1] * s))
        x1, y1 = min(W - 2, int(np.ceil(box[2] * s))), min(H - 2, int(np.ceil(box[3] * s)))
        if x1 - x0 < 4 or y1 - y0 < 4:
            return None
        tpl = gb[y0:y1, x0:x1]
        if float(tpl.std()) < 6.0:
            return None
        src = ga[y0 - 2:y1 + 2, x0 - 2:x1 + 2]
        if float(src.std()) < 1.0:
            return 0.0
        r = cv2.matchTemplate(src, tpl, cv2.TM_CCOEFF_NORMED)
        v = float(np.nanmax(r)) if r.size else 0.0
        return 0.0 if not np.isfinite(v) else v
    return fn


def _on_one_line(k, lines) -> bool:
    """The longer name was read within one line (not guessed across a line or cell break, where
    the next cell's text would make the applicant's own name look like a longer one)."""
    dots = set("·•・.．-‧∙⋅ \u3000")
    want = "".join(c for c in k.text if c not in dots)
    for l in lines:
        if coverage(k.box, l.box) >= 0.5 and want in "".join(c for c in l.text if c not in dots):
            return True
    return False


def _orig_info(ov: View, al: Alignment, s_m: float) -> OrigInfo:
    s_o = float(ov.ctx.scale or 1.0)

    def mp(b: Box) -> Box:
        return scale_box(al.map_box(scale_box(b, s_o)), 1.0 / s_m)

    seen = ov.seen
    info = OrigInfo()
    info.names = [(mp(m.box), m.text, m.rule) for m in seen.names.masks if m.kind == "name"]
    info.kept_names = [(mp(k.box), k.text) for k in seen.names.kept
                       if k.kind == "other_name" and _on_one_line(k, ov.ctx.lines)]
    if seen.seals is not None:
        info.own_seals = [mp(m.box) for m in seen.seals.masks if m.kind == "seal"]
        info.other_seals = [(mp(k.box), k.text) for k in seen.seals.kept]
    if seen.signatures is not None:
        info.signatures = [(mp(m.box), m.rule) for m in seen.signatures.masks]
        info.other_signatures = [(mp(k.box), k.text) for k in seen.signatures.kept if k.kind == "other_signature"]
    info.lines = [(mp(l.box), [(c.text, mp(c.box)) for c in l.chars]) for l in ov.ctx.lines]
    lh = median_line_height(ov.ctx.lines)
    if lh:
        k = float(np.sqrt(abs(np.linalg.det(al.o2m[:2, :2]))))
        info.line_height = lh * s_o * k / s_m
    return info


def _page_level(ctx: PageContext) -> list[Finding]:
    out: list[Finding] = []
    page = ctx.page
    if ctx.orientation:
        out.append(Finding(
            "NOT_UPRIGHT", ERROR,
            f"页面未摆正：内容顺时针旋转了 {ctx.orientation}°，请旋转后重新提交 / the page is not upright: its content is "
            f"turned {ctx.orientation}° clockwise; rotate it and submit again",
            box=(0.0, 0.0, float(page.width), float(page.height)), value={"orientation": ctx.orientation}))
    try:
        from ..compliance.legibility import legibility
    except ImportError:
        return out
    try:
        _sharp, fs = legibility(ctx)
    except Exception:  # noqa: BLE001 - legibility is advisory here; never stop the audit
        log.exception("legibility failed")
        return out
    errs = [f for f in fs if f.severity == ERROR]
    if errs:
        out.append(Finding(
            "ILLEGIBLE", ERROR,
            "页面难以辨认，无法审核遮盖 / the page is hard to read, the masking cannot be judged: "
            + "; ".join(f.message for f in errs),
            box=(0.0, 0.0, float(page.width), float(page.height)),
            value={"causes": [f.code for f in errs]}))
    return out
