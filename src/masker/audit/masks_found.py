"""Find the masks already on a page, from the pixels alone.

What counts as a mask, and why each test:

- **solid** — a fill of one colour (black, grey, any colour) that is flat (local standard
  deviation near the paper's own noise), clearly not the paper's colour, rectangular (fills most
  of its bounding box), at least half a text line tall and wide, and *empty*: a shaded table cell
  or a coloured banner carries text, which leaves text-sized holes in the flat area; a mask
  does not. Flat bands along the image border (scanner bed, dark margins) are not masks. A fill
  that touches a flat area of another colour (a photo's background) is cut out as the dense
  rectangle of its main colour; a blank band of a tinted card (the same colour around its text)
  is not.
- **white** — white-out or a paper-coloured box. On paper it looks like blank paper, so it is only
  reported where it *interrupts a text line*: a blank gap, free of any ink, between two pieces of
  text on the same baseline, about a character or wider, with no table rule at either end and not
  a gap of the layout (a blank that runs on above and below, between columns).
- **mosaic** — pixelation: most pixels lie inside flat blocks of in-between tones, and the tone
  changes happen in straight steps. Normal text has in-between tones only on its antialiased
  edges, never flat.
- **blur** — a heavy blur patch: in-between tones with no sharp edge anywhere in the patch. A whole
  page that is soft (out of focus) is not a mask: then no blur patch is reported.
- **scribble** — pen strokes dense enough to hide text: ink over most of a line-sized window with
  paper still showing between the strokes, not readable as text (confident OCR characters there
  mean it is text). Red seal ink does not count as ink here.

Photos are not masks: their noise and colour keep them out of the flat tests, their edges keep
them out of the blur test, and their many colours (far from one ink mixed with paper) out of the
scribble test. Pieces of one mosaic or blur over a block (broken where it covered only paper)
join. All boxes are in pixels of the raster given.
"""
from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from ..geometry import Box, area, coverage, iou, overlap_area, union

#: priority when two detections overlap (the first style wins)
STYLE_PRIORITY = ("solid", "mosaic", "scribble", "blur", "white")


@dataclass
class FoundMask:
    box: Box                    # pixels of the raster analysed
    style: str                  # solid | white | mosaic | blur | scribble
    score: float = 1.0
    colour: tuple[int, int, int] | None = None  # mean BGR of a fill
    source: str = "image"       # image: seen on the page; diff: changed from the original


@dataclass
class _Page:
    img: np.ndarray
    gray: np.ndarray            # float32
    paper: float                # paper grey level
    paper_bgr: np.ndarray
    noise: float                # paper noise (std)
    text_h: float


def _local_std(ch: np.ndarray, k: int) -> np.ndarray:
    m = cv2.boxFilter(ch, cv2.CV_32F, (k, k), borderType=cv2.BORDER_REFLECT)
    sq = cv2.boxFilter(ch * ch, cv2.CV_32F, (k, k), borderType=cv2.BORDER_REFLECT)
    return np.sqrt(np.maximum(sq - m * m, 0.0))


def _prepare(image: np.ndarray, text_h: float) -> _Page:
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    sub = gray[::4, ::4]
    paper = float(np.percentile(sub, 90))
    near = sub >= paper - 12
    paper_bgr = (np.median(image[::4, ::4][near], axis=0) if near.any()
                 else np.array([255, 255, 255], np.float32))
    # paper noise: local std over paper-coloured pixels (on a sample, for speed)
    sub2 = gray[::2, ::2].astype(np.float32)
    s = _local_std(sub2, 5)
    sel = (sub2 >= paper - 12) & (sub2 <= paper + 12)
    noise = float(np.median(s[sel][::7])) if sel.any() else 0.0
    return _Page(image, gray.astype(np.float32), paper, paper_bgr.astype(np.float32), noise, max(6.0, float(text_h)))


def find_masks(image: np.ndarray, text_h: float, chars_px: list | None = None,
               lines_px: list | None = None) -> list[FoundMask]:
    """Masks on one page raster. ``text_h``: typical text line height in pixels; ``chars_px`` /
    ``lines_px``: OCR characters and lines in the same pixels (used to tell text from scribbles and
    to find white-out inside lines)."""
    pg = _prepare(image, text_h)
    found = _solid(pg)
    found += _mosaic_blur(pg, found, lines_px or [])
    found += _scribble(pg, found, chars_px or [])
    found += _whiteout(pg, lines_px or [], found)
    return merge(found, row_gap=1.0 * pg.text_h)


def merge(masks: list[FoundMask], touch: float = 3.0, row_gap: float = 0.0, blank=None) -> list[FoundMask]:
    """One detection per masked area: overlapping or touching detections join; the style of the
    larger part wins (ties: ``STYLE_PRIORITY``). With ``row_gap``, pieces side by side on one row
    at most that far apart join too (a blur or mosaic over a spaced line breaks into pieces where
    there was only paper under it). ``blank(box)``: with the original, pieces of any style join
    across a gap that held nothing in the original."""
    def rank(m: FoundMask) -> int:
        return STYLE_PRIORITY.index(m.style) if m.style in STYLE_PRIORITY else 9

    items = [[FoundMask(m.box, m.style, m.score, m.colour, m.source), {m.style: area(m.box)}] for m in masks]
    changed = True
    while changed:
        changed = False
        for i in range(len(items)):
            for j in range(i + 1, len(items)):
                a, b = items[i][0], items[j][0]
                near = overlap_area(_grow(a.box, touch, 1e9, 1e9), b.box) > 0
                grid = False
                soft = (row_gap > 0 and _same_row(a.box, b.box)
                        and overlap_area((a.box[0] - row_gap, a.box[1], a.box[2] + row_gap, a.box[3]), b.box) > 0)
                if soft and not {a.style, b.style} <= {"blur", "mosaic", "white"}:
                    # two fills are found exactly: side by side they are two masks (a name's and
                    # the longer name's after it), judged each on its own
                    soft = (blank is not None and not (a.style == b.style == "solid")
                            and blank(_gap_between(a.box, b.box)))
                # one mosaic (or blur) over several lines breaks where blocks are paper-light
                pa, pb = set(items[i][1]), set(items[j][1])
                same = a.style == b.style and a.style in ("mosaic", "blur")
                mixed = "mosaic" in pa | pb and (pa | pb) <= {"mosaic", "solid"}
                # a mosaic's dark blocks read as small fills and join it when close; a fill lines
                # away (another name's mask) is another mask
                reach = 1.2 * row_gap if same else 0.5 * row_gap
                grid = (row_gap > 0 and (same or mixed)
                        and overlap_area(_grow(a.box, reach, 1e9, 1e9), b.box) > 0)
                if grid:
                    soft = True
                if not (near or soft):
                    continue
                if not (iou(a.box, b.box) > 0.3 or coverage(a.box, b.box) > 0.6 or coverage(b.box, a.box) > 0.6
                        or _same_row(a.box, b.box) or grid):
                    continue
                a.box = union([a.box, b.box])
                for k, v in items[j][1].items():
                    items[i][1][k] = items[i][1].get(k, 0.0) + v
                a.score = max(a.score, b.score)
                a.source = a.source if a.source == b.source else "image"
                if a.colour is None:
                    a.colour = b.colour
                del items[j]
                changed = True
                break
            if changed:
                break
    out = []
    for m, parts in items:
        if "mosaic" in parts and set(parts) <= {"mosaic", "solid"} and len(parts) > 1:
            m.style = "mosaic"  # flat blocks of a mosaic read as small fills
        else:
            m.style = min(parts, key=lambda s: (-parts[s], STYLE_PRIORITY.index(s) if s in STYLE_PRIORITY else 9))
        out.append(m)
    out.sort(key=lambda m: (m.box[1], m.box[0]))
    return out


def _gap_between(a: Box, b: Box) -> Box:
    left, right = (a, b) if a[0] <= b[0] else (b, a)
    return (left[2], max(a[1], b[1]), max(left[2] + 1, right[0]), min(a[3], b[3]))


def _same_row(a: Box, b: Box) -> bool:
    """Side by side on one text row: they overlap vertically by most of the smaller height, and
    neither is much taller (a name's mask beside a seal's is not on one row with it)."""
    ha, hb = a[3] - a[1], b[3] - b[1]
    ov = min(a[3], b[3]) - max(a[1], b[1])
    return ov >= 0.7 * min(ha, hb) and max(ha, hb) <= 2.5 * min(ha, hb)


# ---------------------------------------------------------------- solid fills

def _solid(pg: _Page) -> list[FoundMask]:
    H, W = pg.gray.shape
    chans = cv2.split(pg.img)
    thr = max(6.0, 2.5 * pg.noise)
    flat = None
    far = None
    for c, ch in enumerate(chans):
        f = _local_std(ch.astype(np.float32), 5) <= thr
        flat = f if flat is None else (flat & f)
        d = cv2.absdiff(ch, np.full_like(ch, int(round(float(pg.paper_bgr[c]))))) >= 45
        far = d if far is None else (far | d)
    cand = (flat & far).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    min_side = max(6.0, 0.45 * pg.text_h)
    out = []
    for i in range(1, n):
        x, y, w, h, a = stats[i]
        if w + 4 < min_side or h + 4 < min_side:
            continue
        if a >= 0.8 * w * h:
            m = _solid_component(pg, lab[y:y + h, x:x + w] == i, x, y, min_side)
            if m is not None:
                out.append(m)
            continue
        # not rectangular: a fill may touch a flat area of another colour (a photo's
        # background, a shaded cell); look for the dense rectangle inside, rows first then
        # columns, and the other way round
        comp = lab[y:y + h, x:x + w] == i
        seen = []
        for rx0, ry0, rx1, ry1 in (_dense_rect(comp), _dense_rect(comp.T, transpose=True)):
            if rx1 - rx0 + 4 < min_side or ry1 - ry0 + 4 < min_side or (rx0, ry0, rx1, ry1) in seen:
                continue
            seen.append((rx0, ry0, rx1, ry1))
            sub = comp[ry0:ry1, rx0:rx1]
            if sub.mean() < 0.8 or sub.sum() < 0.5 * a:
                continue  # not the main part of the flat area (a band of a photo's background)
            # only where the rest was another colour: a blank band cut from a tinted card or
            # cell (the same colour around its text) is no mask
            rest = comp.copy()
            rest[ry0:ry1, rx0:rx1] = False
            if rest.any():
                c_in = pg.img[y + ry0:y + ry1, x + rx0:x + rx1][sub].astype(np.float32).mean(axis=0)
                c_out = pg.img[y:y + h, x:x + w][rest].astype(np.float32).mean(axis=0)
                if float(np.abs(c_in - c_out).max()) < 12:
                    continue
            m = _solid_component(pg, sub, x + rx0, y + ry0, min_side)
            if m is not None:
                out.append(m)
    return out


def _longest_run_idx(v: np.ndarray) -> tuple[int, int]:
    best, start = (0, 0), None
    for i, ok in enumerate(list(v) + [False]):
        if ok and start is None:
            start = i
        if not ok and start is not None:
            if i - start > best[1] - best[0]:
                best = (start, i)
            start = None
    return best


def _dense_rect(mask: np.ndarray, transpose: bool = False, share: float = 0.7) -> tuple[int, int, int, int]:
    """The rectangle of rows mostly in ``mask`` (longest run), narrowed to its columns mostly in
    ``mask``: (x0, y0, x1, y1) in ``mask`` (or, with ``transpose``, in its transpose's original)."""
    r0, r1 = _longest_run_idx(mask.mean(axis=1) >= share)
    if r1 <= r0:
        return (0, 0, 0, 0)
    c0, c1 = _longest_run_idx(mask[r0:r1].mean(axis=0) >= share)
    return (r0, c0, r1, c1) if transpose else (c0, r0, c1, r1)


def _solid_component(pg: _Page, comp: np.ndarray, x: int, y: int, min_side: float) -> FoundMask | None:
    """One flat, rectangular, empty area of one colour (``comp`` at (x, y)) → a solid mask."""
    H, W = pg.gray.shape
    h, w = comp.shape
    x0, y0, x1, y1 = max(0, x - 2), max(0, y - 2), min(W, x + w + 2), min(H, y + h + 2)
    # flat bands along the image border: scanner bed, dark margins
    touches = [(x0 <= 1, (y1 - y0) / H), (y0 <= 1, (x1 - x0) / W), (x1 >= W - 1, (y1 - y0) / H),
               (y1 >= H - 1, (x1 - x0) / W)]
    if any(t and share > 0.4 for t, share in touches):
        return None
    pix = pg.img[y:y + h, x:x + w][comp].astype(np.float32)
    if float(pix.std(axis=0).max()) > 9:
        return None  # a gradient, not a fill
    fill = pix.mean(axis=0)
    if _has_content(comp, pg.img[y:y + h, x:x + w], fill, pg.text_h):
        return None  # shaded cell or banner with text on it
    lum = float(np.dot(fill, (0.114, 0.587, 0.299)))
    if lum >= pg.paper - 12:
        return None
    return FoundMask((float(x0), float(y0), float(x1), float(y1)), "solid", 1.0, tuple(int(v) for v in fill))


def _has_content(comp: np.ndarray, region: np.ndarray, fill: np.ndarray, text_h: float) -> bool:
    """True when something the size of text is printed on the flat area: pixels inside its box,
    outside the flat part, clearly unlike the fill colour."""
    diff = np.abs(region.astype(np.float32) - fill).max(axis=2) >= 60
    content = (diff & ~comp).astype(np.uint8)
    if not content.any():
        return False
    content = cv2.dilate(content, np.ones((3, 3), np.uint8))
    n, lab, stats, _ = cv2.connectedComponentsWithStats(content, connectivity=8)
    lim = 0.22 * text_h
    return any(stats[i][2] >= lim and stats[i][3] >= lim for i in range(1, n))


# ---------------------------------------------------------------- mosaic and blur

def _mosaic_blur(pg: _Page, solids: list[FoundMask], lines_px: list) -> list[FoundMask]:
    g = pg.gray
    H, W = g.shape
    k3 = np.ones((3, 3), np.uint8)
    rng3 = cv2.dilate(g, k3) - cv2.erode(g, k3)
    flat3 = rng3 <= max(7.0, 2.5 * pg.noise + 3)
    mid = (g > 40) & (g < pg.paper - 12)
    near_dark = cv2.dilate((g < 90).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    cand = (flat3 & mid & ~near_dark).astype(np.uint8)
    for m in solids:
        x0, y0, x1, y1 = (int(v) for v in _grow(m.box, 2, W, H))
        cand[y0:y1, x0:x1] = 0
    # speck removal, then join the blocks of one patch
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, k3)
    ks = int(max(3, 0.5 * pg.text_h)) | 1
    joined = cv2.morphologyEx(cand, cv2.MORPH_CLOSE, np.ones((ks, ks), np.uint8))
    joined[near_dark] = 0  # never across a table rule or a dark stroke
    n, lab, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out: list[FoundMask] = []
    min_side = 0.5 * pg.text_h
    for i in range(1, n):
        x, y, w, h, a = stats[i]
        if w < min_side or h < min_side:
            continue
        raw = int(cand[y:y + h, x:x + w].sum())
        if raw < 0.1 * w * h or raw < (0.4 * pg.text_h) ** 2:
            continue
        x0, y0, x1, y1 = x, y, x + w, y + h
        region = g[y0:y1, x0:x1]
        comp = lab[y0:y1, x0:x1] == i
        contrast = pg.paper - float(region[comp].min())
        if contrast < 20:
            continue
        if _colour_residual(pg.img[y0:y1, x0:x1], pg.paper_bgr) > 22:
            continue  # many colours: a photo or a picture, not a patch over text
        step = max(5.0, 0.12 * contrast)
        # steps over two pixels: JPEG spreads a block edge over two
        sx = np.abs(region[:, 2:] - region[:, :-2]) >= step
        sy = np.abs(region[2:, :] - region[:-2, :]) >= step
        core = cv2.erode(comp.astype(np.uint8), k3, iterations=2).astype(bool)
        n_pix = float(comp.sum())
        n_core_steps = int((sx & core[:, 2:] & core[:, :-2]).sum() + (sy & core[2:, :] & core[:-2, :]).sum())
        if n_core_steps <= 0.004 * n_pix:
            tones = region[comp & flat3[y0:y1, x0:x1]]
            hist = np.bincount(np.clip(tones // 12, 0, 21).astype(np.int32), minlength=22) if tones.size else np.zeros(22)
            one_tone = hist.max() / max(1, hist.sum())
            vals = region[comp]
            spread = float(np.percentile(vals, 90) - np.percentile(vals, 10))
            if contrast >= 35 and one_tone <= 0.75 and spread >= 8 and _neutral_or_red(pg.img[y0:y1, x0:x1][comp]):
                out.append(FoundMask((float(x0), float(y0), float(x1), float(y1)), "blur", 0.8))
            continue
        # mosaic: the steps run straight along block edges (a step continues on the next row /
        # column) on a few columns and rows only (the block grid), most pixels are flat, and the
        # steps are between flat in-between tones (text on a tinted card steps to dark ink)
        cin = cand[y0:y1, x0:x1].astype(bool)
        # flat on both sides, a pixel beyond the step (a step spoils the flatness next to it)
        cx = np.pad(cin, ((0, 0), (1, 1)))
        cy = np.pad(cin, ((1, 1), (0, 0)))
        between = int((sx & cx[:, :-4] & cx[:, 4:]).sum() + (sy & cy[:-4, :] & cy[4:, :]).sum())
        sx &= comp[:, 2:] & comp[:, :-2]
        sy &= comp[2:, :] & comp[:-2, :]
        conts = []
        if sx.sum() >= 4:
            conts.append((sx[1:, :] & sx[:-1, :]).sum() / max(1, sx[1:, :].sum()))
        if sy.sum() >= 4:
            conts.append((sy[:, 1:] & sy[:, :-1]).sum() / max(1, sy[:, 1:].sum()))
        col_frac = float(sx.any(axis=0).sum()) / max(1, int(comp.any(axis=0).sum()))
        row_frac = float(sy.any(axis=1).sum()) / max(1, int(comp.any(axis=1).sum()))
        flat_share = float(flat3[y0:y1, x0:x1][comp].mean())
        n_steps = int(sx.sum() + sy.sum())
        if not conts or n_steps == 0:
            continue
        if (min(conts) >= 0.6 and flat_share >= 0.55 and max(col_frac, row_frac) <= 0.45
                and between >= 0.3 * n_steps and between >= 0.01 * n_pix):
            out.append(FoundMask((float(x0), float(y0), float(x1), float(y1)), "mosaic", 0.9))
    blurs = [m for m in out if m.style == "blur"]
    if len(blurs) > 8 or sum(area(m.box) for m in blurs) > 0.08 * H * W:  # a soft page, not blur masks
        out = [m for m in out if m.style != "blur"]
    return out


def _neutral_or_red(pix: np.ndarray) -> bool:
    """Blur patches hide black text or red seals: grey, or red-hued (not skin or sky)."""
    if pix.size == 0:
        return False
    hsv = cv2.cvtColor(pix.reshape(-1, 1, 3).astype(np.uint8), cv2.COLOR_BGR2HSV).reshape(-1, 3)
    sat = float(np.median(hsv[:, 1]))
    if sat < 50:
        return True
    hue = float(np.median(hsv[:, 0]))
    return hue <= 6 or hue >= 170


def _colour_residual(region: np.ndarray, paper: np.ndarray) -> float:
    """How far the non-paper pixels stray from one ink colour mixed with paper (median distance
    from the paper–ink line, 0–255). Text, pen, seal ink and masks over them stay near the line;
    photos do not."""
    px = region.reshape(-1, 3).astype(np.float32) - paper  # any shape of BGR pixels
    d = np.abs(px).max(axis=1)
    px = px[d >= 30]
    if len(px) < 20:
        return 0.0
    norms = np.linalg.norm(px, axis=1)
    dark = px[norms >= np.percentile(norms, 80)]
    v = dark.mean(axis=0)
    nv = float(np.linalg.norm(v))
    if nv < 1e-6:
        return 0.0
    v /= nv
    proj = px @ v
    res = np.linalg.norm(px - proj[:, None] * v[None, :], axis=1)
    return float(np.median(res))


def _saturation(region: np.ndarray) -> float:
    if region.size == 0:
        return 0.0
    hsv = cv2.cvtColor(region, cv2.COLOR_BGR2HSV)
    return float(np.mean(hsv[..., 1]))


def _grow(b: Box, d: float, W: int, H: int) -> Box:
    return (max(0.0, b[0] - d), max(0.0, b[1] - d), min(float(W), b[2] + d), min(float(H), b[3] + d))


# ---------------------------------------------------------------- scribbles

def _ink(pg: _Page) -> np.ndarray:
    img = pg.img.astype(np.int16)
    b, gch, r = img[..., 0], img[..., 1], img[..., 2]
    red = (r > gch + 60) & (r > b + 60)
    return (pg.gray < min(pg.paper - 100, 150)) & ~red


def _scribble(pg: _Page, found: list[FoundMask], chars_px: list) -> list[FoundMask]:
    ink = _ink(pg).astype(np.float32)
    H, W = ink.shape
    inside = np.zeros((H, W), bool)
    for m in found:  # the ink of masks already found is not a scribble's
        x0, y0, x1, y1 = (int(v) for v in _grow(m.box, 2, W, H))
        ink[y0:y1, x0:x1] = 0
        inside[y0:y1, x0:x1] = True
    s = int(max(5, 0.8 * pg.text_h))
    dens = cv2.boxFilter(ink, cv2.CV_32F, (s, s), borderType=cv2.BORDER_CONSTANT)
    cand = (dens >= 0.5).astype(np.uint8)
    n, lab, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, a = stats[i]
        box = _grow((x, y, x + w, y + h), s / 2, W, H)
        bw, bh = box[2] - box[0], box[3] - box[1]
        if bw < 0.6 * pg.text_h or bh < 0.6 * pg.text_h:
            continue
        x0, y0, x1, y1 = (int(v) for v in box)
        reg_ink = ink[y0:y1, x0:x1]
        ys, xs = np.nonzero((reg_ink > 0) & (dens[y0:y1, x0:x1] >= 0.4))
        if xs.size == 0:
            continue
        x0, y0, x1, y1 = x0 + int(xs.min()), y0 + int(ys.min()), x0 + int(xs.max()) + 1, y0 + int(ys.max()) + 1
        box = (float(x0), float(y0), float(x1), float(y1))
        bw, bh = x1 - x0, y1 - y0
        if bw < 0.6 * pg.text_h or bh < 0.6 * pg.text_h:
            continue
        reg_ink = ink[y0:y1, x0:x1]
        f_ink = float(reg_ink.mean())
        reg = pg.gray[y0:y1, x0:x1]
        f_mid = float(((reg < pg.paper - 25) & (reg >= pg.paper - 70)).mean())
        if not (0.3 <= f_ink <= 0.97) or f_mid > 0.4:
            continue
        if _colour_residual(pg.img[y0:y1, x0:x1][~inside[y0:y1, x0:x1]], pg.paper_bgr) > 22:
            continue  # a photo or picture
        # readable text is not a scribble
        conf = [c for c in chars_px if getattr(c, "score", 0) >= 0.85 and _centre_in(c.box, box)]
        if conf and sum(overlap_area(c.box, box) for c in conf) >= 0.3 * bw * bh:
            continue
        out.append(FoundMask(box, "scribble", 0.8))
    return out


def _centre_in(b: Box, box: Box) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


# ---------------------------------------------------------------- white-out

def _whiteout(pg: _Page, lines_px: list, found: list[FoundMask]) -> list[FoundMask]:
    """Blank gaps that interrupt a text line: between two characters of one OCR line, or between
    two OCR lines on the same baseline."""
    if not lines_px:
        return []
    H, W = pg.gray.shape
    ink = pg.gray < pg.paper - 45
    segs = []  # (x0, x1, y0, y1, line height, pitch) pieces of text along rows
    for ln in lines_px:
        lh = ln.box[3] - ln.box[1]
        if lh <= 0:
            continue
        chars = sorted((c for c in ln.chars if c.text.strip()), key=lambda c: c.box[0])
        if not chars:
            segs.append((ln.box[0], ln.box[2], ln.box[1], ln.box[3], lh, 0.75 * lh))
            continue
        cs = [(c.box[0] + c.box[2]) / 2 for c in chars]
        steps = sorted(b - a for a, b in zip(cs, cs[1:]) if b > a)
        pitch = steps[len(steps) // 2] if len(steps) >= 2 else 0.75 * lh
        start = chars[0].box[0]
        prev = chars[0].box[2]
        for c in chars[1:]:
            if c.box[0] - prev > 0.7 * pitch:
                segs.append((start, prev, ln.box[1], ln.box[3], lh, pitch))
                start = c.box[0]
            prev = max(prev, c.box[2])
        segs.append((start, prev, ln.box[1], ln.box[3], lh, pitch))
    segs.sort(key=lambda s: s[0])
    out = []
    for i, a in enumerate(segs):
        # the nearest piece to the right on the same row
        best = None
        for b in segs:
            if b is a or b[0] < a[1]:
                continue
            ha, hb = a[4], b[4]
            if max(ha, hb) > 1.4 * min(ha, hb):
                continue
            if abs((a[2] + a[3]) / 2 - (b[2] + b[3]) / 2) > 0.3 * ha:
                continue
            if best is None or b[0] < best[0]:
                best = b
        if best is None:
            continue
        lh = max(a[4], best[4])
        pitch = min(a[5], best[5])
        gap = best[0] - a[1]
        if not (0.7 * pitch <= gap <= 12 * lh):
            continue
        y0 = int(max(0, min(a[2], best[2])))
        y1 = int(min(H, max(a[3], best[3])))
        # the gap between the ink of the two pieces must hold no ink at all
        xa, xb = int(max(0, a[1] - 0.5 * lh)), int(min(W, best[0] + 0.5 * lh))
        band = ink[y0:y1, xa:xb]
        if band.size == 0:
            continue
        cols = np.nonzero(band.sum(axis=0) > 0)[0]
        left = xa + (int(cols[cols < (a[1] - xa + 0.5 * lh)].max()) + 1 if (cols < (a[1] - xa + 0.5 * lh)).any() else 0)
        rcols = cols[cols > (best[0] - xa - 0.5 * lh)]
        right = xa + (int(rcols.min()) if rcols.size else band.shape[1])
        if right - left < 0.8 * pitch:
            continue
        inner = ink[y0:y1, left + 2:right - 2]
        if inner.size == 0 or inner.mean() > 0.002:
            continue
        # a table rule at either end is a cell boundary, not the edge of a glyph: its ink runs
        # unbroken for about the height of the line or more
        ry0, ry1 = int(max(0, y0 - lh)), int(min(H, y1 + lh))
        if any(_longest_run(ink[ry0:ry1, max(0, c0):c1]) >= 0.9 * (y1 - y0)
               for c0, c1 in ((left - 3, left + 1), (right - 1, right + 3))):
            continue
        # a blank running on above and below is a gap of the layout (between columns), not white-out
        cx0, cx1 = int(left + 2), int(right - 2)
        span = int(1.5 * lh)
        above = ink[max(0, y0 - span):y0, cx0:cx1].sum(axis=0) if y0 > 0 else np.zeros(max(0, cx1 - cx0))
        below = ink[y1:min(H, y1 + span), cx0:cx1].sum(axis=0) if y1 < H else np.zeros(max(0, cx1 - cx0))
        if above.size and _longest_true((above == 0) & (below == 0)) >= min(0.4 * lh, 0.5 * (cx1 - cx0)):
            continue
        inset = min(0.15 * lh, 0.1 * pitch)
        box = (float(left + inset), float(y0), float(right - inset), float(y1))
        if any(overlap_area(box, m.box) > 0 for m in found):
            continue
        out.append(FoundMask(box, "white", 0.6))
    return out


def _longest_run(block: np.ndarray) -> int:
    """Longest vertical run of ink in any column of ``block``."""
    if block.size == 0:
        return 0
    best = 0
    for col in block.T:
        run = 0
        for v in col:
            run = run + 1 if v else 0
            best = max(best, run)
    return best


def _longest_true(v: np.ndarray) -> int:
    best = run = 0
    for x in v:
        run = run + 1 if x else 0
        best = max(best, run)
    return best
