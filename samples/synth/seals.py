"""Rendered Chinese official seals (公章) for tests, benchmarks and the page generator.

``render_seal`` draws a seal the way real ones look: an outer ring, the unit name along the upper
arc reading clockwise from the lower left, a five-pointed star in the middle, an optional
horizontal line below it (``center_text``: 专用章, 人事专用章 ...) and optional serial digits
along the lower arc; round, oval (invoice style) or square; with uneven ink, dropouts, pale or
faded variants and a slight blur. ``stamp_seal`` presses it onto a page with a multiply blend, so
printed text under it stays visible, and returns the box of the ink actually on the page.

Everything random comes from ``rng`` (None, an int seed, ``random.Random`` or a numpy
``Generator``), so a seed gives the same seal every time.
"""
from __future__ import annotations

import io
import math
import random as _random
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

__all__ = ["render_seal", "stamp_seal", "seal_fonts", "random_seal_params", "SEAL_COLORS"]

#: typical ink colours (RGB): bright vermilion, crimson, orange-red, dark red (old ink)
SEAL_COLORS = [(220, 30, 30), (200, 20, 40), (230, 60, 40), (180, 25, 30), (235, 45, 60)]

# (path, face index); preference order: song/serif faces first (most real seals use 宋体/仿宋)
_FONT_CANDIDATES = [
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/arphic/ukai.ttc", 0),
]


@lru_cache(maxsize=1)
def seal_fonts() -> tuple[tuple[str, int], ...]:
    """Installed CJK fonts usable for seals, as (path, face index)."""
    found = []
    for path, idx in _FONT_CANDIDATES:
        if Path(path).exists():
            try:
                ImageFont.truetype(path, 12, index=idx)
            except OSError:
                continue
            found.append((path, idx))
    if not found:
        raise RuntimeError("no CJK font found under /usr/share/fonts (install fonts-noto-cjk)")
    return tuple(found)


@lru_cache(maxsize=256)
def _font(path: str, index: int, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, max(4, int(size)), index=index)


def _as_rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, _random.Random):
        return np.random.default_rng(rng.getrandbits(63))
    return np.random.default_rng(rng)


# ---------------------------------------------------------------------------------- glyphs

_WEIGHT = [0.035]  # stroke thickening (share of the glyph height), set per seal by render_seal


def _glyph(ch: str, font: tuple[str, int], h: int, width_ratio: float) -> Image.Image:
    """One character as an 'L' image (255 = ink), ``h`` tall, squeezed to ``width_ratio``.
    Seal engravings are bold: strokes are thickened by ``_WEIGHT`` of the height."""
    f = _font(font[0], font[1], h)
    sw = max(0, int(round(h * _WEIGHT[0])))
    box = f.getbbox(ch, stroke_width=sw)
    gw, gh = max(1, box[2] - box[0]), max(1, box[3] - box[1])
    im = Image.new("L", (gw + 4, gh + 4), 0)
    ImageDraw.Draw(im).text((2 - box[0], 2 - box[1]), ch, fill=255, font=f, stroke_width=sw, stroke_fill=255)
    is_wide = ord(ch) > 0x2E80
    tw = max(1, int(round((h * width_ratio) if is_wide else gw * min(1.0, width_ratio + 0.1))))
    th = max(1, int(round(h if is_wide else h * 0.9)))
    return im.resize((tw, th), Image.LANCZOS)


def _paste_rotated(canvas: Image.Image, glyph: Image.Image, cx: float, cy: float, angle_cw: float) -> None:
    """Paste ``glyph`` centred at (cx, cy), turned clockwise by ``angle_cw`` degrees (max blend)."""
    g = glyph.rotate(-angle_cw, resample=Image.BICUBIC, expand=True)
    x, y = int(round(cx - g.width / 2)), int(round(cy - g.height / 2))
    region = canvas.crop((x, y, x + g.width, y + g.height))
    merged = Image.fromarray(np.maximum(np.asarray(region), np.asarray(g)))
    canvas.paste(merged, (x, y))


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r if k % 2 == 0 else r * 0.382
        pts.append((cx + rr * math.cos(a), cy + rr * math.sin(a)))
    draw.polygon(pts, fill=255)


def _hline(canvas: Image.Image, text: str, font, cx: float, cy: float, h: int, max_w: float,
           width_ratio: float = 0.9) -> None:
    """Horizontal text centred at (cx, cy), squeezed to fit ``max_w``."""
    if not text:
        return
    glyphs = [_glyph(c, font, h, width_ratio) for c in text]
    gap = h * 0.08
    total = sum(g.width for g in glyphs) + gap * (len(glyphs) - 1)
    sx = min(1.0, max_w / max(total, 1))
    x = cx - total * sx / 2
    for g in glyphs:
        if sx < 1.0:
            g = g.resize((max(1, int(g.width * sx)), g.height), Image.LANCZOS)
        _paste_rotated(canvas, g, x + g.width / 2, cy, 0.0)
        x += g.width + gap * sx


def _ellipse_arc_points(cx, cy, a, b, n=2000):
    t = np.linspace(-math.pi, math.pi, n, endpoint=False)
    return t, cx + a * np.cos(t), cy + b * np.sin(t)


def _arc_text(canvas: Image.Image, text: str, font, cx: float, cy: float, a: float, b: float,
              h: int, width_ratio: float, span_deg: float, centre_deg: float = -90.0,
              inward_up: bool = False) -> None:
    """Characters along an ellipse (a, b radii of the *character centres*), equally spaced by arc
    length, centred on ``centre_deg`` (image angle, y down: -90 = top). Top text reads clockwise
    with the glyph tops outward; ``inward_up`` (bottom serials) reads left to right, tops inward."""
    n = len(text)
    if n == 0:
        return
    # arc-length parametrisation of the ellipse
    t, xs, ys = _ellipse_arc_points(cx, cy, a, b)
    seg = np.hypot(np.diff(np.r_[xs, xs[0]]), np.diff(np.r_[ys, ys[0]]))
    s = np.r_[0.0, np.cumsum(seg)[:-1]]
    L = float(seg.sum())
    # arc length at the centre angle
    tc = math.radians(centre_deg)
    ic = int(np.argmin(np.abs(np.angle(np.exp(1j * (t - tc))))))
    span_len = L * span_deg / 360.0
    step = span_len / max(n - 1, 1) if n > 1 else 0.0
    for i, ch in enumerate(text):
        off = (i - (n - 1) / 2) * step
        if inward_up:
            off = -off
        si = (s[ic] + off) % L
        j = int(np.searchsorted(s, si) % len(s))
        px, py = xs[j], ys[j]
        # outward normal of the ellipse at t
        nx, ny = math.cos(t[j]) / a, math.sin(t[j]) / b
        ang = math.degrees(math.atan2(ny, nx))  # image angle of the normal
        g = _glyph(ch, font, h, width_ratio)
        rot = (ang - 90.0) if inward_up else (ang + 90.0)
        _paste_rotated(canvas, g, px, py, rot)


# ---------------------------------------------------------------------------------- ink

def _smooth_noise(rng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    import cv2

    small = rng.random((cells, cells)).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _apply_ink(mask: np.ndarray, rng: np.random.Generator, *, pale: float, dropouts: float,
               blur: float, bleed: float) -> np.ndarray:
    """Turn a clean 0..1 ink mask into realistic ink density 0..1."""
    import cv2

    h, w = mask.shape
    m = mask.astype(np.float32)
    if bleed > 0:
        k = max(1, int(round(bleed)))
        m = np.maximum(m, cv2.dilate(m, np.ones((k + 1, k + 1), np.uint8)) * 0.85)
    # uneven pressure: low-frequency density plus a tilt (one side pressed harder)
    dens = 0.62 + 0.38 * _smooth_noise(rng, (h, w), int(rng.integers(3, 7)))
    gx, gy = rng.normal(0, 0.18, 2)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dens *= 1.0 + gx * (xx / w - 0.5) + gy * (yy / h - 0.5)
    # fine paper grain
    grain = rng.random((h, w)).astype(np.float32)
    grain = cv2.GaussianBlur(grain, (0, 0), 0.8)
    dens *= 0.82 + 0.36 * grain
    # dropouts: blotches where the ink did not take
    if dropouts > 0:
        holes = _smooth_noise(rng, (h, w), int(rng.integers(8, 16)))
        cut = 1.0 - dropouts * 0.55
        # soft-edged holes: full ink below the cut, fading to 15% over a short band above it
        dens *= 1.0 - 0.85 * np.clip((holes - cut) / 0.06, 0.0, 1.0)
        speck = rng.random((h, w)) < dropouts * 0.08
        dens[speck] *= 0.2
    dens = np.clip(dens, 0, 1.15) * pale
    out = m * dens
    if blur > 0:
        out = cv2.GaussianBlur(out, (0, 0), blur)
    return np.clip(out, 0, 1)


# ---------------------------------------------------------------------------------- seal

def random_seal_params(rng=None) -> dict:
    """A random look (font, ink, geometry) for ``render_seal(**params)``."""
    r = _as_rng(rng)
    fonts = seal_fonts()
    # serif/song faces twice as likely as the others
    weights = np.array([2.0 if ("Serif" in p or "uming" in p) else 1.0 for p, _ in fonts])
    font = fonts[int(r.choice(len(fonts), p=weights / weights.sum()))]
    u = r.random()
    pale = 1.0 if u < 0.7 else float(r.uniform(0.75, 0.95)) if u < 0.9 else float(r.uniform(0.5, 0.7))
    u = r.random()
    drop = 0.0 if u < 0.5 else float(r.uniform(0.1, 0.35)) if u < 0.85 else float(r.uniform(0.3, 0.55))
    light = any(k in font[0] for k in ("uming", "Regular", "microhei"))
    return {
        "font": font,
        "pale": pale,
        "weight": float(r.uniform(0.015, 0.035) if light else r.uniform(0.0, 0.02)),
        "dropouts": drop,
        "blur": float(r.uniform(0.3, 1.0)),
        "bleed": float(r.choice([0.0, 0.0, 1.0])),
        "ring": float(r.uniform(0.035, 0.06)),
        "width_ratio": float(r.uniform(0.62, 0.92)),
        "color": tuple(int(c) for c in SEAL_COLORS[int(r.integers(len(SEAL_COLORS)))]),
    }


def render_seal(text: str, center_text: str = "", shape: str = "round", size_px: int = 200,
                color=(220, 30, 30), rng=None, *, serial: str | None = None, star: bool | None = None,
                font: tuple[str, int] | None = None, pale: float | None = None,
                dropouts: float | None = None, blur: float | None = None, bleed: float | None = None,
                ring: float | None = None, width_ratio: float | None = None,
                inner_ring: bool | None = None, weight: float | None = None,
                clean: bool = False) -> Image.Image:
    """Render an official seal as an RGBA image (transparent background, ink in ``color``).

    ``text``: the unit name along the upper arc (square seals: in columns, right to left);
    ``center_text``: horizontal text below the star (专用章); ``serial``: digits along the lower
    arc (round) or a horizontal line in the middle (oval, e.g. a tax number); ``shape``: round,
    oval or square; ``size_px``: the seal's width (oval: height ≈ 0.68 × width). Unset look
    options are drawn from ``rng``; ``clean=True`` gives solid, unblurred ink (for reading tests).
    """
    r = _as_rng(rng)
    look = random_seal_params(r)
    font = font or look["font"]
    pale = look["pale"] if pale is None else float(pale)
    dropouts = look["dropouts"] if dropouts is None else float(dropouts)
    blur = look["blur"] if blur is None else float(blur)
    bleed = look["bleed"] if bleed is None else float(bleed)
    ring = look["ring"] if ring is None else float(ring)
    width_ratio = look["width_ratio"] if width_ratio is None else float(width_ratio)
    _WEIGHT[0] = look["weight"] if weight is None else float(weight)
    if clean:
        pale, dropouts, blur, bleed = 1.0, 0.0, 0.35, 0.0
    shape = shape.lower()
    if shape not in ("round", "oval", "square"):
        raise ValueError(f"shape must be round, oval or square, not {shape!r}")

    k = 3  # supersampling
    W = int(size_px)
    H = int(round(size_px * 0.68)) if shape == "oval" else int(size_px)
    S_w, S_h = W * k, H * k
    canvas = Image.new("L", (S_w, S_h), 0)
    d = ImageDraw.Draw(canvas)
    cx, cy = S_w / 2, S_h / 2
    margin = 2 * k
    if shape == "round":
        R = min(S_w, S_h) / 2 - margin
        t = max(2 * k, R * ring)
        d.ellipse((cx - R, cy - R, cx + R, cy + R), outline=255, width=int(t))
        n = len(text)
        ch = R * float(np.clip(0.36 - 0.008 * n, 0.22, 0.31))
        rt = R - t - R * 0.05 - ch / 2
        span = float(np.clip(n * (ch * width_ratio * 1.12) / rt * 180 / math.pi, 120, 275 if n > 14 else 250))
        _arc_text(canvas, text, font, cx, cy, rt, rt, int(ch), width_ratio, span)
        has_star = True if star is None else star
        sr = R * (0.27 if center_text else 0.31)
        sy = cy - (R * 0.04 if center_text else 0.0)
        if has_star:
            _star(d, cx, sy, sr)
        if center_text:
            hh = int(R * 0.2)
            _hline(canvas, center_text, font, cx, cy + R * 0.5, hh, R * 1.25, width_ratio + 0.05)
        if serial:
            sh = int(R * 0.12)
            srt = R - t - R * 0.04 - sh / 2
            sspan = min(110.0, len(serial) * sh * 0.62 / srt * 180 / math.pi)
            _arc_text(canvas, serial, font, cx, cy, srt, srt, sh, 0.55, sspan, centre_deg=90.0, inward_up=True)
    elif shape == "oval":
        a, b = S_w / 2 - margin, S_h / 2 - margin
        t = max(2 * k, b * ring * 1.1)
        d.ellipse((cx - a, cy - b, cx + a, cy + b), outline=255, width=int(t))
        if inner_ring if inner_ring is not None else bool(r.random() < 0.3):
            gi = t + b * 0.05
            d.ellipse((cx - a + gi, cy - b + gi, cx + a - gi, cy + b - gi), outline=255, width=max(k, int(t * 0.3)))
            t = gi + t * 0.3
        n = len(text)
        ch = b * float(np.clip(0.42 - 0.008 * n, 0.26, 0.36))
        ra, rb = a - t - b * 0.06 - ch / 2, b - t - b * 0.06 - ch / 2
        span = float(np.clip(n * 14.0, 110, 230))
        _arc_text(canvas, text, font, cx, cy, ra, rb, int(ch), width_ratio, span)
        if serial:
            _hline(canvas, serial, font, cx, cy + b * 0.05, int(b * 0.2), a * 1.3, 0.55)
        elif star:
            _star(d, cx, cy, b * 0.3)
        if center_text:
            _hline(canvas, center_text, font, cx, cy + b * 0.52, int(b * 0.26), a * 0.95, width_ratio + 0.05)
    else:  # square
        side = min(S_w, S_h) - 2 * margin
        t = max(2 * k, side * ring * 1.4)
        x0, y0 = cx - side / 2, cy - side / 2
        d.rectangle((x0, y0, x0 + side, y0 + side), outline=255, width=int(t))
        chars = list(text + center_text) or ["印"]
        rows = max(1, math.ceil(math.sqrt(len(chars))))
        cols = math.ceil(len(chars) / rows)
        inner = side - 2 * t - side * 0.06
        cw, chh = inner / cols, inner / rows
        for i, c in enumerate(chars):
            col, row = i // rows, i % rows
            gx = x0 + side - t - side * 0.03 - (col + 0.5) * cw  # columns right to left
            gy = y0 + t + side * 0.03 + (row + 0.5) * chh
            g = _glyph(c, font, int(chh * 0.92), min(1.0, cw / chh * 0.92))
            _paste_rotated(canvas, g, gx, gy, 0.0)

    small = canvas.resize((W, H), Image.LANCZOS)
    ink = np.asarray(small, dtype=np.float32) / 255.0
    dens = _apply_ink(ink, r, pale=pale, dropouts=dropouts, blur=blur, bleed=bleed)
    rgba = np.zeros((H, W, 4), np.uint8)
    col = np.array(color, dtype=np.float32)
    # pale ink also looks lighter/pinker, not only thinner
    rgba[..., :3] = np.clip(col + (255 - col) * (1 - min(1.0, pale)) * 0.35, 0, 255).astype(np.uint8)
    rgba[..., 3] = np.clip(dens * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def stamp_seal(page: Image.Image, seal: Image.Image, center: Sequence[float], angle: float = 0.0,
               opacity: float = 1.0) -> tuple[int, int, int, int] | None:
    """Press ``seal`` onto ``page`` (RGB, modified in place) centred at ``center``, turned
    ``angle`` degrees counter-clockwise, with a multiply blend so whatever is under it stays
    visible. Returns the box (x0, y0, x1, y1), x1/y1 exclusive, of the seal's ink that landed on
    the page (clipped where the seal runs off the edge), or None when none did."""
    if page.mode != "RGB":
        raise ValueError("stamp_seal needs an RGB page image")
    s = seal.rotate(angle, resample=Image.BICUBIC, expand=True) if angle else seal
    arr = np.asarray(s, dtype=np.float32)
    alpha = arr[..., 3:4] / 255.0 * float(opacity)
    x0 = int(round(center[0] - s.width / 2))
    y0 = int(round(center[1] - s.height / 2))
    W, H = page.size
    px0, py0, px1, py1 = max(0, x0), max(0, y0), min(W, x0 + s.width), min(H, y0 + s.height)
    if px1 <= px0 or py1 <= py0:
        return None
    pg = np.asarray(page, dtype=np.float32).copy()
    sub = pg[py0:py1, px0:px1]
    a = alpha[py0 - y0:py1 - y0, px0 - x0:px1 - x0]
    c = arr[py0 - y0:py1 - y0, px0 - x0:px1 - x0, :3] / 255.0
    sub *= 1.0 - a * (1.0 - c)  # multiply blend weighted by the ink density
    pg[py0:py1, px0:px1] = sub
    page.paste(Image.fromarray(np.clip(pg, 0, 255).astype(np.uint8), "RGB"))
    ys, xs = np.nonzero(a[..., 0] > 0.08)
    if len(xs) == 0:
        return None
    return (px0 + int(xs.min()), py0 + int(ys.min()), px0 + int(xs.max()) + 1, py0 + int(ys.max()) + 1)


# ---------------------------------------------------------------------------------- test pages
# Red things that are not seals, and pages that mix them with seals, for detector tests and the
# seal benchmark (benchmarks/bench_seals.py).

def render_fingerprint(size_px: int = 60, color=(200, 30, 40), rng=None) -> Image.Image:
    """A red fingerprint (按手印): an oval of ridge whorls, denser and without a seal's ring."""
    import cv2

    r = _as_rng(rng)
    w, h = int(size_px * 0.75), int(size_px)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = w / 2 + r.uniform(-2, 2), h * 0.55
    u, v = (xx - cx) / (w / 2), (yy - cy) / (h / 2)
    rad = np.sqrt(u ** 2 + (v * 0.9) ** 2)
    ang = np.arctan2(v, u)
    period = max(2.5, size_px / 22)
    ridge = 0.5 + 0.5 * np.sin(rad * (h / 2) / period * 2 * np.pi + 1.5 * np.sin(2 * ang) + r.uniform(0, 6))
    edge = np.clip((1.0 - rad) / 0.12, 0, 1)
    press = 0.6 + 0.4 * _smooth_noise(r, (h, w), 4)
    dens = np.clip((ridge - 0.35) * 2.0, 0, 1) * edge * press
    dens = cv2.GaussianBlur(dens.astype(np.float32), (0, 0), 0.6)
    rgba = np.zeros((h, w, 4), np.uint8)
    rgba[..., :3] = color
    rgba[..., 3] = np.clip(dens * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(rgba, "RGBA")


def render_emblem(size_px: int = 120, color=(215, 25, 30), rng=None) -> Image.Image:
    """A red logo/emblem: a solid disc with white stars and rays (not a seal: no ring of text)."""
    r = _as_rng(rng)
    k = 3
    S = size_px * k
    m = Image.new("L", (S, S), 0)
    d = ImageDraw.Draw(m)
    d.ellipse((2 * k, 2 * k, S - 2 * k, S - 2 * k), fill=255)
    hole = Image.new("L", (S, S), 0)
    dh = ImageDraw.Draw(hole)
    _star(dh, S / 2, S * 0.42, S * 0.2)
    for i in range(4):
        a = math.radians(200 + i * 35)
        _star(dh, S / 2 + S * 0.3 * math.cos(a), S * 0.42 + S * 0.3 * math.sin(a), S * 0.06)
    for i in range(int(r.integers(3, 6))):
        y = S * (0.68 + 0.05 * i)
        dh.line((S * 0.25, y, S * 0.75, y), fill=255, width=2 * k)
    arr = np.asarray(m, np.float32) * (1 - np.asarray(hole, np.float32) / 255.0)
    small = Image.fromarray(arr.astype(np.uint8)).resize((size_px, size_px), Image.LANCZOS)
    rgba = np.zeros((size_px, size_px, 4), np.uint8)
    rgba[..., :3] = color
    rgba[..., 3] = np.asarray(small)
    return Image.fromarray(rgba, "RGBA")


def _paste_rgba(page: Image.Image, im: Image.Image, x: int, y: int) -> tuple[int, int, int, int]:
    page.paste(im.convert("RGB"), (x, y), im)
    a = np.asarray(im)[..., 3]
    ys, xs = np.nonzero(a > 20)
    return (x + int(xs.min()), y + int(ys.min()), x + int(xs.max()) + 1, y + int(ys.max()) + 1)


def seal_test_page(seed: int, own_unit: str, other_units: Sequence[str], *, width: int = 1240,
                   height: int = 1754, n_own: int = 1, n_other: int = 1, negatives: bool = True,
                   photo: bool | None = None) -> tuple[Image.Image, dict]:
    """A page of printed text with stamps over it and red things that are not stamps.

    Returns the RGB page and its ground truth: ``seals`` [{box, text, own, shape, pale, cut}]
    and ``red_non_seals`` [{box, what}], boxes in page pixels. ``photo`` (default: random, 25%)
    turns the page into a phone photo (perspective, uneven light, JPEG); boxes then follow."""
    r = _as_rng(seed)
    tint = [(255, 255, 255), (250, 246, 232), (242, 242, 240), (252, 248, 240)][int(r.integers(4))]
    page = Image.new("RGB", (width, height), tint)
    d = ImageDraw.Draw(page)
    fonts = seal_fonts()
    body = _font(*fonts[int(r.integers(len(fonts)))], int(width * r.uniform(0.015, 0.02)))
    sz = body.size
    filler = "根据有关规定经研究决定同意该同志申报专业技术职务任职资格特此证明本单位对所提交材料的真实性负责"
    gt: dict = {"seals": [], "red_non_seals": []}
    y = int(height * 0.1)
    if negatives and r.random() < 0.6:  # red title text (红头)
        tf = _font(*fonts[int(r.integers(len(fonts)))], int(width * 0.045))
        title = ["关于公布专业技术职务任职资格评审结果的通知", "阿克苏地区水利局文件", "荣誉证书", "聘 书"][int(r.integers(4))]
        tw = d.textlength(title, font=tf)
        x0 = int((width - tw) / 2)
        d.text((x0, y), title, font=tf, fill=(210, 20, 25))
        bb = d.textbbox((x0, y), title, font=tf)
        gt["red_non_seals"].append({"box": list(bb), "what": "red title text"})
        y = bb[3] + int(sz * 0.8)
        if r.random() < 0.6:
            d.line((width * 0.08, y, width * 0.92, y), fill=(210, 20, 25), width=3)
            gt["red_non_seals"].append({"box": [int(width * 0.08), y - 2, int(width * 0.92), y + 3], "what": "red rule"})
            y += int(sz * 1.2)
    lines = []
    # body text over the upper part; the stamps go mostly over unit/date blocks below it, the
    # way real attachments are stamped (a hard share lands on the paragraphs)
    while y < height * r.uniform(0.45, 0.6):
        n = int(r.integers(18, 40))
        off = int(r.integers(0, len(filler)))
        txt = (filler * 3)[off:off + n]
        x = int(width * 0.08)
        ink = int(r.integers(15, 70))
        d.text((x, y), txt, font=body, fill=(ink, ink, ink))
        lines.append((x, y))
        y += int(sz * r.uniform(1.9, 2.6))
    if negatives and r.random() < 0.5:  # red table rules
        tx0, ty0 = int(width * 0.1), int(height * r.uniform(0.55, 0.7))
        rows, cols, cw, rh = 4, 4, int(width * 0.2), int(sz * 2.2)
        for i in range(rows + 1):
            d.line((tx0, ty0 + i * rh, tx0 + cols * cw, ty0 + i * rh), fill=(190, 30, 35), width=2)
        for j in range(cols + 1):
            d.line((tx0 + j * cw, ty0, tx0 + j * cw, ty0 + rows * rh), fill=(190, 30, 35), width=2)
        gt["red_non_seals"].append({"box": [tx0 - 1, ty0 - 1, tx0 + cols * cw + 2, ty0 + rows * rh + 2],
                                    "what": "red table rules"})
    # stamps
    placed: list[tuple[float, float, float]] = []

    body_end = y

    def spot(size: float, allow_cut: bool) -> tuple[float, float]:
        for _ in range(200):
            if allow_cut:  # 10-30% of the stamp off the page
                f = r.uniform(0.1, 0.3)
                cx = r.choice([(0.5 - f) * size, width - (0.5 - f) * size])
            else:
                cx = r.uniform(size * 0.6, width - size * 0.6)
            on_text = r.random() < 0.2
            cy = r.uniform(height * 0.15, body_end) if on_text else r.uniform(body_end + size * 0.5, height * 0.93)
            if all(math.hypot(cx - px, cy - py) > (size + ps) * 0.62 for px, py, ps in placed):
                placed.append((cx, cy, size))
                return cx, cy
        placed.append((cx, cy, size))
        return cx, cy

    specs = [(own_unit, True) for _ in range(n_own)] + \
        [(other_units[int(r.integers(len(other_units)))], False) for _ in range(n_other)]
    for text, own in specs:
        shape = str(r.choice(["round"] * 7 + ["oval"] * 2 + ["square"] * (1 if len(text) <= 6 else 0)))
        size = float(width * (r.uniform(0.16, 0.2) if shape != "square" else r.uniform(0.11, 0.14)))
        center = ""
        if shape == "round" and r.random() < 0.35:
            center = str(r.choice(["人事专用章", "专用章", "合同专用章", "培训专用章"]))
        if shape == "oval":
            center = str(r.choice(["专用章", "发票专用章", "财务专用章"]))
        serial = "".join(str(int(v)) for v in r.integers(0, 10, 13)) if r.random() < 0.3 else None
        seal = render_seal(text, center, shape, size_px=int(size), color=SEAL_COLORS[int(r.integers(len(SEAL_COLORS)))],
                           rng=r, serial=serial if shape != "square" else None)
        cut = r.random() < 0.1
        cx, cy = spot(size, cut)
        if cy > body_end and r.random() < 0.8:  # the unit's name and the date under the stamp
            ink = int(r.integers(15, 70))
            ux = int(min(max(width * 0.05, cx - size * r.uniform(0.3, 0.7)), width * 0.6))
            d.text((ux, int(cy - sz * 1.2)), text, font=body, fill=(ink, ink, ink))
            d.text((ux + int(sz * 2), int(cy + sz * 0.6)),
                   f"{int(r.integers(2019, 2025))}年{int(r.integers(1, 13))}月{int(r.integers(1, 29))}日",
                   font=body, fill=(ink, ink, ink))
        angle = float(r.uniform(-25, 25)) if shape != "oval" else float(r.uniform(-8, 8))
        bbox = stamp_seal(page, seal, (cx, cy), angle=angle)
        if bbox is None:
            continue
        gt["seals"].append({"box": list(bbox), "text": text, "center_text": center, "own": own, "shape": shape,
                            "cut": bool(bbox[0] <= 0 or bbox[2] >= width), "angle": round(angle, 1)})
    if negatives:
        if r.random() < 0.5:  # fingerprint, next to a printed name line
            fp = render_fingerprint(int(width * r.uniform(0.04, 0.06)), rng=r)
            x, y = int(r.uniform(width * 0.6, width * 0.85)), int(r.uniform(height * 0.3, height * 0.85))
            gt["red_non_seals"].append({"box": list(_paste_multiply(page, fp, x, y)), "what": "red fingerprint"})
        if r.random() < 0.3:  # red emblem / logo
            em = render_emblem(int(width * r.uniform(0.08, 0.12)), rng=r)
            x, y = int(r.uniform(width * 0.05, width * 0.3)), int(height * 0.02)
            gt["red_non_seals"].append({"box": list(_paste_rgba(page, em, x, y)), "what": "red emblem"})
        if r.random() < 0.3:  # red ID photo
            pw, ph = int(width * 0.12), int(width * 0.12 * 1.4)
            x, y = int(width * 0.75), int(height * 0.12)
            bg = (int(r.integers(200, 230)), int(r.integers(20, 50)), int(r.integers(30, 60)))
            d.rectangle((x, y, x + pw, y + ph), fill=bg)
            d.ellipse((x + pw * 0.3, y + ph * 0.15, x + pw * 0.7, y + ph * 0.55), fill=(235, 200, 175))
            d.ellipse((x + pw * 0.1, y + ph * 0.55, x + pw * 0.9, y + ph * 1.3), fill=(30, 30, 40))
            d.rectangle((x, y + ph, x + pw, y + ph + 4), fill=tint)
            gt["red_non_seals"].append({"box": [x, y, x + pw, y + ph], "what": "red ID photo"})
        if r.random() < 0.4 and lines:  # red annotation: a hand-drawn loop around printed words, a tick
            lx, ly = lines[int(r.integers(len(lines)))]
            ex0, ey0 = lx + int(r.uniform(0, 300)), ly - sz * 0.4
            ex1, ey1 = ex0 + sz * r.uniform(4, 7), ly + sz * 1.5
            pts = []
            for k in range(60):
                a = 2 * math.pi * k / 56
                pts.append(((ex0 + ex1) / 2 + (ex1 - ex0) / 2 * math.cos(a) * (1 + 0.03 * math.sin(5 * a)),
                            (ey0 + ey1) / 2 + (ey1 - ey0) / 2 * math.sin(a)))
            d.line(pts, fill=(225, 30, 30), width=2)
            d.line([(ex1 + 10, ly + sz * 0.6), (ex1 + 18, ly + sz * 1.2), (ex1 + 35, ly - sz * 0.2)],
                   fill=(225, 30, 30), width=3)
            gt["red_non_seals"].append({"box": [int(ex0) - 2, int(ey0) - 2, int(ex1 + 37), int(ey1) + 2],
                                        "what": "red annotation"})
    arr = np.asarray(page).astype(np.float32)
    if photo if photo is not None else r.random() < 0.25:
        arr, M = _phone_photo(arr, r)
        for item in gt["seals"] + gt["red_non_seals"]:
            item["box"] = _warp_box(item["box"], M, arr.shape[1], arr.shape[0])
        gt["photo"] = True
    else:
        arr = arr + r.normal(0, 2.0, arr.shape)
    out = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    q = int(r.integers(55, 92))
    buf = __import__("io").BytesIO()
    out.save(buf, "JPEG", quality=q)
    buf.seek(0)
    return Image.open(buf).convert("RGB"), gt


#: the stress benchmark's units (``benchmarks/bench_seals.py``): page i of a seed carries the stamp
#: of ``STRESS_OWN[i % 8]`` (the unit given) and one or two of the others
STRESS_OWN = ["阿克苏地区水利局", "温宿县水利局", "阿克苏地区水利水电勘察设计院", "库车市灌溉管理站",
              "阿克苏新禾水利建设有限公司", "新疆天河水利水电工程有限公司", "阿瓦提县农村供水管理总站", "喀什大学"]
STRESS_OTHER = ["新疆维吾尔自治区人力资源和社会保障厅", "阿克苏地区人力资源和社会保障局",
                "阿克苏地区专业技术人员继续教育基地", "新疆农业大学继续教育学院", "塔里木大学继续教育学院",
                "阿克苏地区行政公署", "新疆水利学会", "阿克苏地区财政局", "沙雅县水利局", "阿克苏地区林业和草原局"]


#: a sibling of each own unit, on none of the pages: given as the unit, nothing may be masked
STRESS_SIBLING = {"阿克苏地区水利局": "阿克苏地区交通运输局", "温宿县水利局": "乌什县水利局",
                  "阿克苏地区水利水电勘察设计院": "阿克苏地区水利水电规划设计院",
                  "库车市灌溉管理站": "沙雅县灌溉管理站", "阿克苏新禾水利建设有限公司": "阿克苏新河水利建设有限公司",
                  "新疆天河水利水电工程有限公司": "新疆天山水利水电工程有限公司",
                  "阿瓦提县农村供水管理总站": "阿瓦提县城镇供水管理总站", "喀什大学": "新疆大学"}


def stress_page(seed: int, i: int) -> tuple[str, Image.Image, dict]:
    """Page ``i`` of the stress set of ``seed``: (the own unit, the page, its ground truth), the
    same page every time (tests name the pages that once went wrong by seed and index)."""
    own = STRESS_OWN[i % len(STRESS_OWN)]
    img, gt = seal_test_page(seed * 1000 + i, own, [u for u in STRESS_OTHER if u != own], n_own=1,
                             n_other=1 + (i % 2))
    return own, img, gt


def stress_jpeg(seed: int, i: int) -> tuple[str, bytes, dict]:
    """``stress_page`` as the benchmarks read it: the file bytes of a JPEG at quality 92."""
    own, img, gt = stress_page(seed, i)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return own, buf.getvalue(), gt


def _paste_multiply(page: Image.Image, im: Image.Image, x: int, y: int) -> tuple[int, int, int, int]:
    box = stamp_seal(page, im, (x + im.width / 2, y + im.height / 2))
    return box or (x, y, x + im.width, y + im.height)


def _phone_photo(arr: np.ndarray, r: np.random.Generator):
    """A phone photo of the sheet: mild perspective, uneven light, a colour cast, blur."""
    import cv2

    h, w = arr.shape[:2]
    j = 0.035
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    dst = src + np.float32(r.uniform(-j, j, (4, 2)) * [w, h])
    M = cv2.getPerspectiveTransform(src, dst)
    out = cv2.warpPerspective(arr, M, (w, h), borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 90, 90))
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    light = 0.78 + 0.22 * (1 - ((xx / w - r.uniform(0.2, 0.8)) ** 2 + (yy / h - r.uniform(0.2, 0.8)) ** 2))
    cast = np.float32([r.uniform(0.9, 1.0), r.uniform(0.93, 1.0), r.uniform(0.95, 1.05)])
    out = out * light[..., None] * cast[None, None, :]
    out = cv2.GaussianBlur(out, (0, 0), r.uniform(0.5, 1.1))
    out = out + r.normal(0, 3.0, out.shape)
    return out, M


def _warp_box(box, M, w, h):
    import cv2

    x0, y0, x1, y1 = box
    pts = np.float32([[[x0, y0]], [[x1, y0]], [[x1, y1]], [[x0, y1]]])
    q = cv2.perspectiveTransform(pts, M).reshape(-1, 2)
    return [int(max(0, q[:, 0].min())), int(max(0, q[:, 1].min())), int(min(w, q[:, 0].max())), int(min(h, q[:, 1].max()))]
