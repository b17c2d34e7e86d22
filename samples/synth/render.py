"""Render a :class:`~samples.synth.layout.Layout` to a scan-like image or a PDF, with exact
ground truth.

Raster (``render_image``): PIL at ``dpi`` (150 → A4 1240×1754). Every name is drawn from a glyph
mask made for it, so its ground-truth box is the bounding box of the ink actually drawn
(coverage ≥ 25 %), one box per visual line. Seals and signatures are pressed on afterwards and
boxed by their ink. Degradations follow (seeded): paper tint and shading, rotation up to ±2°
(ground truth: the convex hull of each item's ink is turned and re-boxed), blur, noise,
contrast, grey scanning, JPEG; optionally the whole page turned by 90/180/270.

PDF (``render_pdf``): ``kind="text"`` draws the same ops with PyMuPDF (embedded, subset TrueType
CJK faces; seals and signatures as images), ground truth = union of the text layer's character
boxes as PyMuPDF reports them; ``kind="scan"`` embeds rendered, degraded page images, ground
truth converted to points.
"""
from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass, field

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from . import fonts as F
from .layout import Layout, LineOp, PhotoOp, RectOp, SealOp, SigOp, TextOp

__all__ = ["render_image", "render_pdf", "Degrade", "random_degrade", "INK_COVERAGE",
           "encode_image", "render_signature", "seals_module"]

#: a pixel is ink when the glyph covers at least this share of it (0–255 scale: 64)
INK_COVERAGE = 64
_SEAL_ALPHA = 32


# ---------------------------------------------------------------------------- degradations
@dataclass
class Degrade:
    """Scan degradations of one page. All zero/None = a clean render."""

    angle: float = 0.0  # degrees, counter-clockwise positive (as cv2 / PIL rotate)
    blur: float = 0.0  # Gaussian sigma in px
    noise: float = 0.0  # Gaussian noise sigma (0–255 scale)
    tint: tuple = (255, 255, 255)  # paper colour (multiplied)
    shading: float = 0.0  # depth of a smooth brightness falloff (0–0.1)
    contrast: float = 1.0
    brightness: float = 0.0
    gray: bool = False
    jpeg_quality: int | None = None  # None: PNG
    orientation: int = 0  # 0/90/180/270: content turned clockwise by this angle

    def to_dict(self) -> dict:
        return {"angle": round(self.angle, 3), "blur": round(self.blur, 3), "noise": round(self.noise, 2),
                "tint": list(self.tint), "shading": round(self.shading, 3),
                "contrast": round(self.contrast, 3), "brightness": round(self.brightness, 2),
                "gray": self.gray, "jpeg_quality": self.jpeg_quality}


def random_degrade(rng: random.Random, orientation: int = 0, jpeg_share: float = 0.8) -> Degrade:
    r = rng
    tints = [(255, 255, 255), (252, 250, 244), (248, 246, 238), (246, 243, 232), (250, 250, 250),
             (244, 244, 240), (253, 249, 240)]
    return Degrade(
        angle=r.uniform(-2.0, 2.0) if r.random() < 0.7 else 0.0,
        blur=r.uniform(0.2, 1.0) if r.random() < 0.6 else 0.0,
        noise=r.uniform(1.0, 7.0) if r.random() < 0.7 else 0.0,
        tint=r.choice(tints),
        shading=r.uniform(0.0, 0.08) if r.random() < 0.5 else 0.0,
        contrast=r.uniform(0.85, 1.12),
        brightness=r.uniform(-12, 8),
        gray=r.random() < 0.1,
        jpeg_quality=r.randint(55, 90) if r.random() < jpeg_share else None,
        orientation=orientation,
    )


# ---------------------------------------------------------------------------- items
@dataclass
class _Item:
    """Something with ground truth: its ink as hull points (x, y pixel centres)."""

    kind: str  # name, other, seal, signature
    pts: np.ndarray
    meta: dict = field(default_factory=dict)


def _hull(xs: np.ndarray, ys: np.ndarray, dx: float, dy: float) -> np.ndarray | None:
    if len(xs) == 0:
        return None
    import cv2
    p = np.column_stack([xs, ys]).astype(np.int32)
    h = cv2.convexHull(p).reshape(-1, 2).astype(np.float64)
    h[:, 0] += dx
    h[:, 1] += dy
    return h


def _box(pts: np.ndarray, w: int, h: int) -> list[int] | None:
    x0 = int(math.floor(pts[:, 0].min() + 1e-6))
    y0 = int(math.floor(pts[:, 1].min() + 1e-6))
    x1 = int(math.floor(pts[:, 0].max() + 1e-6)) + 1
    y1 = int(math.floor(pts[:, 1].max() + 1e-6)) + 1
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return None
    return [x0, y0, x1, y1]


# ---------------------------------------------------------------------------- seals & signatures
def seals_module():
    """``samples.synth.seals`` if it is there (another module's work), else None."""
    try:
        from . import seals  # noqa: WPS433
        return seals if hasattr(seals, "render_seal") else None
    except Exception:  # pragma: no cover - absent module
        return None


def _seal_image(op: SealOp, px: int) -> Image.Image | None:
    mod = seals_module()
    if mod is None:
        return None
    r = random.Random(op.seed)
    colors = getattr(mod, "SEAL_COLORS", [(220, 30, 30)])
    color = tuple(r.choice(colors))
    img = mod.render_seal(op.text, op.center_text, op.shape, size_px=max(40, px), color=color,
                          rng=op.seed)
    if op.angle:
        img = img.rotate(op.angle, resample=Image.BICUBIC, expand=True)
    return img


def render_signature(text: str, px: float, color: tuple, seed: int) -> Image.Image:
    """A handwritten-looking signature (AR PL UKai, per-character jitter, slant, pen weight) as
    RGBA; the baseline lies at 75 % of the height, the text starts near x = 0."""
    r = random.Random(seed)
    n = len(text)
    W = int(px * (n + 2))
    H = int(px * 2.0)
    base = int(H * 0.75)
    canvas = Image.new("L", (W, H), 0)
    x = px * 0.3
    for ch in text:
        if ch.isspace():
            x += px * 0.3
            continue
        sc = r.uniform(0.88, 1.15) * (0.5 if ch in "·•・." else 1.0)
        g = F.font(F.SIGNATURE_FONT, max(6.0, px * sc))
        gl = Image.new("L", (int(px * 1.6), int(px * 1.6)), 0)
        ImageDraw.Draw(gl).text((px * 0.3, px * 1.25), ch, font=g, fill=255, anchor="ls")
        gl = gl.rotate(r.uniform(-9, 9), resample=Image.BICUBIC)
        dy = r.uniform(-0.1, 0.1) * px
        canvas.paste(255, (int(x - px * 0.3), int(base - px * 1.25 + dy)), gl)
        x += g.getlength(ch) * r.uniform(0.78, 0.95)
    # slant to the right (shear), then a pen of varying weight
    k = r.uniform(0.12, 0.35)
    canvas = canvas.transform(canvas.size, Image.AFFINE, (1, k, -k * base, 0, 1, 0), resample=Image.BICUBIC)
    if px >= 44 and r.random() < 0.3:  # a felt pen: heavier strokes
        canvas = canvas.filter(ImageFilter.MaxFilter(3))
    canvas = canvas.filter(ImageFilter.GaussianBlur(r.uniform(0.3, 0.7)))
    rgba = Image.new("RGBA", canvas.size, tuple(color) + (0,))
    rgba.putalpha(canvas)
    return rgba


def _composite_ink(arr: np.ndarray, img: Image.Image, x0: int, y0: int, multiply: bool) -> tuple:
    """Blend RGBA ``img`` onto float array ``arr`` at (x0, y0); returns (alpha crop, dx, dy)."""
    H, W = arr.shape[:2]
    a = np.asarray(img, dtype=np.float32)
    px0, py0 = max(0, x0), max(0, y0)
    px1, py1 = min(W, x0 + img.width), min(H, y0 + img.height)
    if px1 <= px0 or py1 <= py0:
        return None, 0, 0
    sub = a[py0 - y0:py1 - y0, px0 - x0:px1 - x0]
    al = sub[..., 3:4] / 255.0
    col = sub[..., :3]
    region = arr[py0:py1, px0:px1]
    if multiply:
        region *= 1.0 - al * (1.0 - col / 255.0)
    else:
        region *= 1.0 - al
        region += al * col
    return sub[..., 3], px0, py0


# ---------------------------------------------------------------------------- raster
def _glyph_mask(f, text: str) -> tuple[Image.Image, int, int]:
    l, t, r, b = f.getbbox(text, anchor="ls")
    im = Image.new("L", (max(1, r - l + 2), max(1, b - t + 2)), 0)
    ImageDraw.Draw(im).text((1 - l, 1 - t), text, fill=255, font=f, anchor="ls")
    return im, l - 1, t - 1


def _draw_text(img: Image.Image, draw: ImageDraw.ImageDraw, op: TextOp, s: float, items: list,
               skip_applicant: bool = False) -> None:
    f = F.font(op.font, op.size * s)
    X, Y = int(round(op.x * s)), int(round(op.y * s))
    cuts = sorted({0, len(op.text)} | {sp.start for sp in op.spans} | {sp.end for sp in op.spans})
    span_at = {(sp.start, sp.end): sp for sp in op.spans}
    for a, b in zip(cuts[:-1], cuts[1:]):
        seg = op.text[a:b]
        if not seg or seg.isspace():
            continue
        xa = X + int(round(f.getlength(op.text[:a])))
        sp = span_at.get((a, b))
        if sp is None:
            draw.text((xa, Y), seg, font=f, fill=op.color, anchor="ls")
            if op.bold:
                draw.text((xa + 1, Y), seg, font=f, fill=op.color, anchor="ls")
            continue
        if skip_applicant and sp.tok.is_applicant:
            continue
        m, dx, dy = _glyph_mask(f, seg)
        if op.bold:
            arr = np.asarray(m)
            arr2 = arr.copy()
            arr2[:, 1:] = np.maximum(arr[:, 1:], arr[:, :-1])
            m = Image.fromarray(arr2, "L")
        ox, oy = xa + dx, Y + dy
        img.paste(op.color, (ox, oy, ox + m.width, oy + m.height), m)
        arr = np.asarray(m)
        ys, xs = np.nonzero(arr >= INK_COVERAGE)
        pts = _hull(xs, ys, ox, oy)
        if pts is None:
            continue
        tok = sp.tok
        items.append(_Item("name" if tok.is_applicant else "other", pts, {
            "text": seg, "full": tok.text, "occ": sp.occ, "broken": sp.broken, "padded": tok.padded,
            "contains_applicant": tok.contains_applicant, "trap": tok.trap}))


def _draw_photo(img: Image.Image, op: PhotoOp, s: float, seed: int) -> None:
    x0, y0, x1, y1 = (int(round(v * s)) for v in (op.x0, op.y0, op.x1, op.y1))
    w, h = max(1, x1 - x0), max(1, y1 - y0)
    rng = np.random.default_rng(seed)
    g = np.linspace(175, 205, h)[:, None] + rng.normal(0, 4, (h, w))
    ph = Image.fromarray(np.clip(g, 0, 255).astype(np.uint8), "L").convert("RGB")
    d = ImageDraw.Draw(ph)
    # a plain head-and-shoulders outline in a lighter grey: clearly a placeholder, not a face
    d.ellipse((w * 0.32, h * 0.16, w * 0.68, h * 0.55), fill=(215, 215, 215))
    d.pieslice((w * 0.12, h * 0.58, w * 0.88, h * 1.35), 180, 360, fill=(215, 215, 215))
    img.paste(ph, (x0, y0))


def rasterize(lay: Layout, dpi: int = 150, skip_applicant: bool = False) -> tuple[Image.Image, list[_Item]]:
    """Draw the layout at ``dpi`` on white paper: (RGB image, ground-truth items).
    ``skip_applicant`` leaves the applicant's name out (tests compare the two renders)."""
    s = dpi / 72.0
    W, H = int(round(lay.width * s)), int(round(lay.height * s))
    img = Image.new("RGB", (W, H), (255, 255, 255))
    draw = ImageDraw.Draw(img)
    items: list[_Item] = []
    late = []
    for i, op in enumerate(lay.ops):
        if isinstance(op, RectOp):
            box = [op.x0 * s, op.y0 * s, op.x1 * s, op.y1 * s]
            lw = max(1, int(round(op.width * s))) if op.outline else 0
            if op.radius:
                draw.rounded_rectangle(box, radius=op.radius * s, fill=op.fill, outline=op.outline, width=lw)
            else:
                draw.rectangle(box, fill=op.fill, outline=op.outline, width=lw)
        elif isinstance(op, LineOp):
            draw.line([op.x0 * s, op.y0 * s, op.x1 * s, op.y1 * s], fill=op.color,
                      width=max(1, int(round(op.width * s))))
        elif isinstance(op, PhotoOp):
            _draw_photo(img, op, s, i)
        elif isinstance(op, TextOp):
            _draw_text(img, draw, op, s, items, skip_applicant)
        else:
            late.append(op)
    if late:
        arr = np.asarray(img, dtype=np.float32).copy()
        for op in late:
            if isinstance(op, SealOp):
                simg = _seal_image(op, int(round(op.size * s)))
                if simg is None:
                    continue
                x0 = int(round(op.cx * s - simg.width / 2))
                y0 = int(round(op.cy * s - simg.height / 2))
                al, dx, dy = _composite_ink(arr, simg, x0, y0, multiply=True)
                if al is None:
                    continue
                ys, xs = np.nonzero(al >= _SEAL_ALPHA)
                pts = _hull(xs, ys, dx, dy)
                if pts is not None:
                    items.append(_Item("seal", pts, {"text": op.text, "center_text": op.center_text,
                                                     "shape": op.shape, "own": op.own}))
            elif isinstance(op, SigOp):
                px = op.size * s
                simg = render_signature(op.text, px, op.color, op.seed)
                x0 = int(round(op.x * s - px * 0.3))
                y0 = int(round(op.y * s - simg.height * 0.75))
                al, dx, dy = _composite_ink(arr, simg, x0, y0, multiply=False)
                if al is None:
                    continue
                ys, xs = np.nonzero(al >= INK_COVERAGE)
                pts = _hull(xs, ys, dx, dy)
                if pts is not None:
                    items.append(_Item("signature", pts, {"text": op.text, "own": op.own}))
        img = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8), "RGB")
    return img, items


def degrade(img: Image.Image, items: list[_Item], d: Degrade, seed: int) -> Image.Image:
    """Apply scan degradations; ``items`` hull points are moved along (in place)."""
    import cv2
    rng = np.random.default_rng(seed)
    arr = np.asarray(img)
    H, W = arr.shape[:2]
    # paper tint, contrast and brightness as one lookup table per channel
    x = np.arange(256, dtype=np.float32)
    luts = [np.clip((x * t / 255.0 - 128.0) * d.contrast + 128.0 + d.brightness, 0, 255).astype(np.uint8)
            for t in d.tint]
    arr = cv2.merge([cv2.LUT(arr[..., k].copy(), luts[k]) for k in range(3)])
    border = tuple(int(l[255]) for l in luts)
    if d.shading:
        yy, xx = np.mgrid[0:H:16, 0:W:16].astype(np.float32)
        cx, cy = rng.uniform(0, W), rng.uniform(0, H)
        rr = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
        sh = cv2.resize(1.0 - d.shading * rr / max(1e-6, rr.max()), (W, H), interpolation=cv2.INTER_LINEAR)
        arr = cv2.multiply(arr, cv2.merge([sh, sh, sh]), dtype=cv2.CV_8U)
    if d.angle:
        M = cv2.getRotationMatrix2D((W / 2.0, H / 2.0), d.angle, 1.0)
        arr = cv2.warpAffine(arr, M, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                             borderValue=border)
        for it in items:
            p = np.column_stack([it.pts, np.ones(len(it.pts))])
            it.pts = p @ M.T
    if d.blur:
        arr = cv2.GaussianBlur(arr, (0, 0), d.blur)
    if d.noise:
        n = (rng.standard_normal((H, W), dtype=np.float32) * d.noise).astype(np.int16)
        arr = np.clip(arr.astype(np.int16) + n[..., None], 0, 255).astype(np.uint8)
    if d.gray:
        arr = np.repeat(cv2.cvtColor(arr, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)
    return Image.fromarray(np.ascontiguousarray(arr), "RGB")


def turn(img: Image.Image, items: list[_Item], orientation: int) -> Image.Image:
    """Turn the page content clockwise by ``orientation`` degrees (the file then shows it so)."""
    if orientation % 360 == 0:
        return img
    W, H = img.size
    for it in items:
        x, y = it.pts[:, 0].copy(), it.pts[:, 1].copy()
        if orientation == 90:
            it.pts = np.column_stack([H - 1 - y, x])
        elif orientation == 180:
            it.pts = np.column_stack([W - 1 - x, H - 1 - y])
        elif orientation == 270:
            it.pts = np.column_stack([y, W - 1 - x])
    op = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180,
          270: Image.Transpose.ROTATE_90}[orientation]
    return img.transpose(op)


def items_to_gt(items: list[_Item], w: int, h: int, scale: float = 1.0, ndigits: int | None = None) -> dict:
    """Group items into the ground-truth lists. ``scale`` converts pixels (e.g. to points)."""
    names, others, seals, sigs = [], [], [], []
    occ_a: dict[int, int] = {}
    occ_o: dict[int, int] = {}
    for it in items:
        b = _box(it.pts, w, h)
        if b is None:
            continue
        if scale != 1.0 or ndigits is not None:
            b = [round(v * scale, ndigits if ndigits is not None else 2) for v in b]
        m = it.meta
        if it.kind == "name":
            names.append({"text": m["text"], "box": b, "occurrence": occ_a.setdefault(m["occ"], len(occ_a)),
                          "padded": m["padded"], "broken": m["broken"], "full": m["full"]})
        elif it.kind == "other":
            others.append({"text": m["text"], "box": b, "contains_applicant": m["contains_applicant"],
                           "trap": m["trap"], "occurrence": occ_o.setdefault(m["occ"], len(occ_o)),
                           "broken": m["broken"], "full": m["full"]})
        elif it.kind == "seal":
            seals.append({"box": b, "text": m["text"], "center_text": m["center_text"],
                          "shape": m["shape"], "own": m["own"]})
        else:
            sigs.append({"box": b, "text": m["text"], "own": m["own"]})
    return {"names": names, "other_names": others, "seals": seals, "signatures": sigs}


def render_image(lay: Layout, dpi: int = 150, deg: Degrade | None = None, seed: int = 0
                 ) -> tuple[Image.Image, dict]:
    """Render and degrade one page: (image as the file will show it, ground-truth page dict
    without ``file``/``page``)."""
    img, items = rasterize(lay, dpi)
    d = deg or Degrade()
    img = degrade(img, items, d, seed)
    img = turn(img, items, d.orientation)
    W, H = img.size
    gt = {"template": lay.template, "family": lay.family, "width": W, "height": H, "unit": "px",
          "dpi": dpi, "orientation": d.orientation}
    gt.update(lay.meta)
    gt.update(items_to_gt(items, W, H))
    gt["degradation"] = d.to_dict()
    return img, gt


def encode_image(img: Image.Image, jpeg_quality: int | None, dpi: int = 150) -> tuple[bytes, str]:
    """(file bytes, extension): JPEG at the given quality, or PNG when None."""
    buf = io.BytesIO()
    if jpeg_quality:
        img.save(buf, "JPEG", quality=int(jpeg_quality), dpi=(dpi, dpi))
        return buf.getvalue(), "jpg"
    img.save(buf, "PNG", dpi=(dpi, dpi), optimize=False)
    return buf.getvalue(), "png"


# ---------------------------------------------------------------------------- PDF
def _c(col) -> tuple:
    return tuple(v / 255.0 for v in col)


def _png(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def _pdf_text_page(doc, lay: Layout, img_dpi: int = 300) -> tuple[list, list]:
    """Draw ``lay`` on a new text-layer page; returns (text ops with spans, image items)."""
    import pymupdf
    page = doc.new_page(width=lay.width, height=lay.height)
    used = sorted({op.font for op in lay.ops if isinstance(op, TextOp)})
    for key in used:
        page.insert_font(fontname=key, fontbuffer=F.font_bytes(key))
    s = img_dpi / 72.0
    tagged, image_items = [], []
    late = []
    for i, op in enumerate(lay.ops):
        if isinstance(op, RectOp):
            page.draw_rect(pymupdf.Rect(op.x0, op.y0, op.x1, op.y1),
                           color=_c(op.outline) if op.outline else None,
                           fill=_c(op.fill) if op.fill else None, width=op.width,
                           radius=(op.radius / max(1e-6, min(op.x1 - op.x0, op.y1 - op.y0))) if op.radius else None)
        elif isinstance(op, LineOp):
            page.draw_line((op.x0, op.y0), (op.x1, op.y1), color=_c(op.color), width=op.width)
        elif isinstance(op, PhotoOp):
            ph = Image.new("RGB", (max(1, int((op.x1 - op.x0) * 2)), max(1, int((op.y1 - op.y0) * 2))), (255, 255, 255))
            _draw_photo(ph, PhotoOp(0, 0, op.x1 - op.x0, op.y1 - op.y0), 2.0, i)
            page.insert_image(pymupdf.Rect(op.x0, op.y0, op.x1, op.y1), stream=_png(ph))
        elif isinstance(op, TextOp):
            if not op.text.strip():
                continue
            kw = {"render_mode": 2, "border_width": 0.03, "fill": _c(op.color)} if op.bold else {}
            page.insert_text((op.x, op.y), op.text, fontname=op.font, fontsize=op.size,
                             color=_c(op.color), **kw)
            if op.spans:
                tagged.append(op)
        else:
            late.append(op)
    for op in late:
        if isinstance(op, SealOp):
            simg = _seal_image(op, int(round(op.size * s)))
            if simg is None:
                continue
            x0, y0 = op.cx - simg.width / s / 2, op.cy - simg.height / s / 2
            meta = {"text": op.text, "center_text": op.center_text, "shape": op.shape, "own": op.own}
            kind, thr = "seal", _SEAL_ALPHA
        else:
            px = op.size * s
            simg = render_signature(op.text, px, op.color, op.seed)
            x0, y0 = op.x - px * 0.3 / s, op.y - simg.height * 0.75 / s
            meta = {"text": op.text, "own": op.own}
            kind, thr = "signature", INK_COVERAGE
        rect = pymupdf.Rect(x0, y0, x0 + simg.width / s, y0 + simg.height / s)
        page.insert_image(rect, stream=_png(simg))
        al = np.asarray(simg)[..., 3]
        ys, xs = np.nonzero(al >= thr)
        if len(xs):
            box = [x0 + xs.min() / s, y0 + ys.min() / s, x0 + (xs.max() + 1) / s, y0 + (ys.max() + 1) / s]
            image_items.append((kind, box, meta))
    return tagged, image_items


def _text_gt(page, tagged: list[TextOp]) -> tuple[list, list]:
    """Ground truth for tagged spans from the text layer's own character boxes."""
    chars = []
    for b in page.get_text("rawdict")["blocks"]:
        for ln in b.get("lines", []):
            for sp in ln["spans"]:
                for ch in sp["chars"]:
                    chars.append((ch["c"], ch["origin"][0], ch["origin"][1], ch["bbox"]))
    names, others = [], []
    occ_a: dict[int, int] = {}
    occ_o: dict[int, int] = {}
    for op in tagged:
        for sp in op.spans:
            boxes = []
            for i in range(sp.start, sp.end):
                c = op.text[i]
                if c.isspace():
                    continue
                ex = op.x + F.measure(op.text[:i], op.font, op.size)
                best, bd = None, op.size * 0.3
                for cc, ox, oy, bb in chars:
                    if cc == c and abs(oy - op.y) < 0.5 and abs(ox - ex) < bd:
                        best, bd = bb, abs(ox - ex)
                if best is None:
                    raise ValueError(f"text layer lacks {c!r} of {sp.tok.text!r} at ({ex:.1f}, {op.y:.1f})")
                boxes.append(best)
            box = [round(min(b[0] for b in boxes), 2), round(min(b[1] for b in boxes), 2),
                   round(max(b[2] for b in boxes), 2), round(max(b[3] for b in boxes), 2)]
            seg = op.text[sp.start:sp.end]
            if sp.tok.is_applicant:
                names.append({"text": seg, "box": box, "occurrence": occ_a.setdefault(sp.occ, len(occ_a)),
                              "padded": sp.tok.padded, "broken": sp.broken, "full": sp.tok.text})
            else:
                others.append({"text": seg, "box": box, "contains_applicant": sp.tok.contains_applicant,
                               "trap": sp.tok.trap, "occurrence": occ_o.setdefault(sp.occ, len(occ_o)),
                               "broken": sp.broken, "full": sp.tok.text})
    return names, others


def render_pdf(layouts: list[Layout], kind: str = "text", dpi: int = 150,
               degrades: list[Degrade] | None = None, metadata: dict | None = None,
               seed: int = 0) -> tuple[bytes, list[dict]]:
    """A PDF of the given pages: ``kind`` "text" (text layer, vector rules, images for seals and
    signatures) or "scan" (one rendered, degraded JPEG per page). Returns (pdf bytes, ground-truth
    page dicts in points, top-left origin)."""
    import pymupdf
    doc = pymupdf.open()
    gts: list[dict] = []
    if kind == "text":
        pending = []
        for lay in layouts:
            pending.append((lay, *_pdf_text_page(doc, lay)))
        doc.subset_fonts()
    else:
        for i, lay in enumerate(layouts):
            d = (degrades[i] if degrades else None) or Degrade(jpeg_quality=85)
            img, gt = render_image(lay, dpi, d, seed + i)
            q = d.jpeg_quality or 85
            data, _ = encode_image(img, q, dpi)
            k = 72.0 / dpi
            page = doc.new_page(width=img.width * k, height=img.height * k)
            page.insert_image(page.rect, stream=data)
            for key in ("names", "other_names", "seals", "signatures"):
                for e in gt[key]:
                    e["box"] = [round(v * k, 2) for v in e["box"]]
            gt.update({"width": round(img.width * k, 2), "height": round(img.height * k, 2), "unit": "pt",
                       "pdf_kind": "scan"})
            gts.append(gt)
    meta = {"creator": "Microsoft® Word 2016" if kind == "text" else "Scanner",
            "producer": "samples.synth", "creationDate": "D:20240801093000+08'00'",
            "modDate": "D:20240801093000+08'00'"}
    meta.update(metadata or {})
    doc.set_metadata(meta)
    data = doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    if kind == "text":
        d2 = pymupdf.open("pdf", data)
        for pno, (lay, tagged, image_items) in enumerate(pending):
            names, others = _text_gt(d2[pno], tagged)
            seals = [{"box": [round(v, 2) for v in b], **m} for k_, b, m in image_items if k_ == "seal"]
            sigs = [{"box": [round(v, 2) for v in b], **m} for k_, b, m in image_items if k_ == "signature"]
            gt = {"template": lay.template, "family": lay.family, "width": round(lay.width, 2),
                  "height": round(lay.height, 2), "unit": "pt", "orientation": 0, "pdf_kind": "text"}
            gt.update(lay.meta)
            gt.update({"names": names, "other_names": others, "seals": seals, "signatures": sigs})
            gts.append(gt)
    for gt in gts:
        if metadata:
            gt["pdf_metadata"] = {k: v for k, v in metadata.items() if k in ("author", "title", "subject", "keywords")}
    return data, gts
