"""Rendered application pages and masking styles for the audit tests and benchmark.

Not the product's sample generator (``samples.synth``): just what the audit needs — a page with
the applicant's name in several places (a form cell, running text, a signature line), a longer
name that contains it (张伟 → 张伟华), other people in labelled slots (项目负责人：李明), the
applicant's unit seal, and things that must not be taken for masks (a shaded table header, a
photo). Every placed name comes back with its pixel box, so a benchmark can tell whether a
finding points at the right place.

``apply_mask`` draws a mask in one of the styles people use: solid fills (black, grey, any
colour), white-out, mosaic, heavy blur and scribbles.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
)

HAN_NAMES_2 = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞", "孙浩", "马骏")
HAN_NAMES_3 = ("王建国", "李秀英", "张志强", "刘晓燕", "陈思远", "杨国庆", "赵丽娟", "黄海涛", "周明辉", "吴婷婷")
UYGHUR_NAMES = ("艾合买提·阿不都热依木", "古丽娜尔·吐尔逊", "买买提·依明", "热依拉·艾力", "阿布都拉·卡德尔")
OTHERS = ("余思远", "郑晓明", "钱立新", "冯雪梅", "邓国平", "曹建军", "彭丽华", "许文斌", "韩振东", "唐海燕",
          "罗志刚", "蒋红梅", "沈佳慧", "吕东升")
UNITS = ("阿克苏地区水利局", "库车市人民医院", "温宿县农业农村局", "阿克苏地区第一中学", "新和县林业和草原局")
TRAP_CHARS = "华明军涛"
FILLER = (
    "工作期间认真履行岗位职责，业务能力强，多次被评为单位先进工作者。",
    "任现职以来共发表专业论文三篇，参与编写地方标准一项，获得实用新型专利两项。",
    "继续教育学时已达到规定要求，年度考核均为合格以上等次，符合申报条件。",
    "主持完成了灌区续建配套与节水改造项目的设计、施工组织和竣工验收工作。",
)

STYLES = ("solid", "grey", "colour", "white", "mosaic", "blur", "scribble")


@lru_cache(maxsize=None)
def fonts() -> tuple[tuple[str, int], ...]:
    return tuple(f for f in FONT_CANDIDATES if Path(f[0]).exists())


@lru_cache(maxsize=32)
def _font(path: str, index: int, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size, index=index)


@dataclass
class Placed:
    """A piece of text on the page: ``role`` is applicant, trap (a longer name containing the
    applicant's), other (another person), or seal; ``box`` in pixels."""

    role: str
    text: str
    box: tuple[int, int, int, int]
    label: str = ""


@dataclass
class TestPage:
    image: np.ndarray  # BGR
    name: str
    unit: str
    items: list[Placed] = field(default_factory=list)
    char_px: int = 28

    def of(self, role: str) -> list[Placed]:
        return [p for p in self.items if p.role == role]


def pick_name(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.45:
        return rng.choice(HAN_NAMES_2)
    if r < 0.8:
        return rng.choice(HAN_NAMES_3)
    return rng.choice(UYGHUR_NAMES)


def trap_for(name: str, rng: random.Random) -> str:
    if "·" in name:
        return name + "江"
    return name + rng.choice([c for c in TRAP_CHARS if c not in name])


def make_page(seed: int, name: str | None = None, *, seal: bool = True, photo: bool | None = None,
              shaded_header: bool | None = None, width: int = 1240) -> TestPage:
    """An upright A4 page (``width`` px wide) with the applicant's name three or four times."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    name = name or pick_name(rng)
    unit = rng.choice(UNITS)
    trap = trap_for(name, rng)
    others = rng.sample([o for o in OTHERS if not (set(o) & set(name))], 2)
    fl = fonts()
    if not fl:
        raise RuntimeError("no CJK font on this machine")
    fpath, fidx = fl[seed % len(fl)]
    W = width
    H = int(W * 297 / 210)
    k = W / 1240.0
    size = int(round(rng.choice((26, 28, 30)) * k))
    f = _font(fpath, fidx, size)
    ft = _font(fpath, fidx, int(size * 1.5))
    img = Image.new("RGB", (W, H), (255, 255, 255))
    d = ImageDraw.Draw(img)
    ink = (25, 25, 25)
    items: list[Placed] = []
    margin = int(130 * k)
    lh = int(size * 1.9)

    def text(x: float, y: float, parts: list[tuple[str, str | None]], font=f) -> float:
        """Draw parts left to right; parts with a role are recorded with their ink box."""
        for s, role in parts:
            if role is not None:
                bb = d.textbbox((x, y), s, font=font)
                items.append(Placed(role, s, (int(bb[0]), int(bb[1]), int(bb[2]) + 1, int(bb[3]) + 1)))
            d.text((x, y), s, font=font, fill=ink)
            x += d.textlength(s, font=font)
        return x

    y = int(110 * k)
    title = rng.choice(("工作业绩证明", "单位推荐意见", "专业技术工作经历证明"))
    d.text(((W - d.textlength(title, font=ft)) / 2, y), title, font=ft, fill=ink)
    y += int(ft.size * 2.4)

    # a small form: header row (maybe shaded), then name / sex, then unit
    cols = [margin, margin + int(0.2 * (W - 2 * margin)), margin + int(0.55 * (W - 2 * margin)),
            margin + int(0.72 * (W - 2 * margin)), W - margin]
    rh = int(size * 2.2)
    shaded = rng.random() < 0.5 if shaded_header is None else shaded_header
    d.rectangle((cols[0], y, cols[4], y + rh), fill=(205, 205, 205) if shaded else None, outline=(30, 30, 30), width=2)
    d.text((cols[0] + 10 * k, y + (rh - size) / 2 - 2), "基本情况", font=f, fill=ink)
    y += rh
    for c in range(4):
        d.rectangle((cols[c], y, cols[c + 1], y + rh), outline=(30, 30, 30), width=2)
    ty = y + (rh - size) / 2 - 2
    text(cols[0] + 10 * k, ty, [("姓名", None)])
    text(cols[1] + 12 * k, ty, [(name, "applicant")])
    text(cols[2] + 10 * k, ty, [("性别", None)])
    text(cols[3] + 12 * k, ty, [("男" if rng.random() < 0.5 else "女", None)])
    y += rh
    d.rectangle((cols[0], y, cols[1], y + rh), outline=(30, 30, 30), width=2)
    d.rectangle((cols[1], y, cols[4], y + rh), outline=(30, 30, 30), width=2)
    ty = y + (rh - size) / 2 - 2
    text(cols[0] + 10 * k, ty, [("现单位", None)])
    text(cols[1] + 12 * k, ty, [(unit, None)])
    y += rh + lh

    want_photo = rng.random() < 0.4 if photo is None else photo
    x0 = margin + 2 * size
    paras = [
        [("兹证明", None), (name, "applicant"), ("同志，自二〇一二年七月起在我单位从事", None)],
        [("水利工程技术工作，现任工程师。", None), (rng.choice(FILLER), None)],
        [(name, "applicant"), ("同志与", None), (trap, "trap"), ("等同志共同完成了节水改造项目。", None)],
    ]
    for parts in paras:
        # wrap, never inside a name
        x = x0
        for s, role in parts:
            if role is not None:
                if x + d.textlength(s, font=f) > W - margin:
                    x, y = margin, y + lh
                x = text(x, y, [(s, role)])
                continue
            for ch in s:
                if x + d.textlength(ch, font=f) > W - margin:
                    x, y = margin, y + lh
                x = text(x, y, [(ch, None)])
        y += lh
        x0 = margin + 2 * size
    if want_photo:
        # a colour photo to the right of the signature block: never a mask
        pw, ph = int(200 * k), int(270 * k)
        px, py = W - margin - pw, y + lh
        yy, xx = np.mgrid[0:ph, 0:pw]
        r = np.random.default_rng(seed)
        bg = np.stack([90 + 60 * yy / ph, 120 + 40 * xx / pw, 200 - 50 * yy / ph], -1)
        face = ((xx - pw / 2) / (pw * 0.28)) ** 2 + ((yy - ph * 0.42) / (ph * 0.25)) ** 2 < 1
        bg[face] = (225, 190, 165)
        body = (yy > ph * 0.7) & (np.abs(xx - pw / 2) < pw * 0.42)
        bg[body] = (40, 50, 70)
        bg = np.clip(bg + r.normal(0, 6, bg.shape), 0, 255).astype(np.uint8)
        img.paste(Image.fromarray(bg, "RGB"), (px, py))
    y += lh // 2
    sig_x = margin + 2 * size
    for label, who, role in (("项目负责人：", others[0], "other"), ("审核人：", others[1], "other"),
                             ("申报人：", name, "applicant")):
        text(sig_x, y, [(label, None), (who, role)])
        if role == "other":
            items[-1].label = label.rstrip("：")
        y += lh
    y += lh // 2
    ux = W - margin - d.textlength(unit + "（盖章）", font=f)
    text(ux, y, [(unit + "（盖章）", None)])
    unit_box = d.textbbox((ux, y), unit, font=f)
    y += lh
    dt = "二〇二四年十月十五日"
    text(W - margin - d.textlength(dt, font=f), y, [(dt, None)])
    if seal:
        box = _stamp(img, unit, ((unit_box[0] + unit_box[2]) / 2, (unit_box[1] + y + size) / 2), int(260 * k), rng)
        if box is not None:
            items.append(Placed("seal", unit, box))
    bgr = np.ascontiguousarray(np.asarray(img)[:, :, ::-1])
    return TestPage(image=bgr, name=name, unit=unit, items=items, char_px=size)


def _stamp(img, unit: str, center, size: int, rng: random.Random):
    """Stamp the unit's seal; uses ``samples.synth.seals`` when it can be imported."""
    try:
        from samples.synth.seals import render_seal, stamp_seal  # type: ignore
    except Exception:  # noqa: BLE001 - optional: draw a plain seal
        from PIL import ImageDraw

        d = ImageDraw.Draw(img)
        cx, cy = center
        r = size / 2
        d.ellipse((cx - r, cy - r, cx + r, cy + r), outline=(220, 30, 30), width=max(3, size // 40))
        d.regular_polygon((cx, cy, r * 0.22), 5, fill=(220, 30, 30))
        return (int(cx - r), int(cy - r), int(cx + r) + 1, int(cy + r) + 1)
    seal = render_seal(unit, "", shape="round", size_px=size, rng=rng.randint(0, 10**6), clean=True)
    return stamp_seal(img, seal, center, angle=rng.uniform(-10, 10))


# ---------------------------------------------------------------- masking styles

def apply_mask(image: np.ndarray, box, style: str = "solid", seed: int = 0) -> np.ndarray:
    """Draw one mask over ``box`` (pixels) in place and return the image."""
    import cv2

    h, w = image.shape[:2]
    x0, y0, x1, y1 = [int(round(v)) for v in box]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 <= x0 or y1 <= y0:
        return image
    r = np.random.default_rng(seed)
    region = image[y0:y1, x0:x1]
    bh = y1 - y0
    if style == "solid":
        region[:] = (0, 0, 0) if r.random() < 0.7 else (30, 30, 30)
    elif style == "grey":
        region[:] = int(r.integers(90, 170))
    elif style == "colour":
        region[:] = [(160, 60, 30), (40, 40, 170), (30, 120, 30), (200, 160, 40)][int(r.integers(0, 4))]
    elif style == "white":
        region[:] = (255, 255, 255)
    elif style == "mosaic":
        b = max(4, int(round(min(bh, 48) * 0.45)))  # blocks about half a character
        small = cv2.resize(region, (max(1, (x1 - x0) // b), max(1, bh // b)), interpolation=cv2.INTER_AREA)
        region[:] = cv2.resize(small, (x1 - x0, bh), interpolation=cv2.INTER_NEAREST)
    elif style == "blur":
        s = max(3.0, min(bh, 48) * 0.4)  # heavy for text, not a smooth fill
        pad = int(3 * s)
        big = cv2.copyMakeBorder(region, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
        region[:] = cv2.GaussianBlur(big, (0, 0), s)[pad:-pad, pad:-pad]
    elif style == "scribble":
        th = max(2, bh // 9)
        x0, y0, x1, y1 = x0 + th // 2, y0 + th // 2, x1 - th // 2, y1 - th // 2
        bh = y1 - y0
        pts = []
        n = max(6, int((x1 - x0) / max(1, bh) * 4))
        for i in range(n):
            pts.append((x0 + (x1 - x0) * i / (n - 1) + r.uniform(-2, 2),
                        y0 + bh * (0.05 if i % 2 else 0.95) + r.uniform(-2, 2)))
        col = (120, 30, 20) if r.random() < 0.5 else (15, 15, 15)
        arr = np.array(pts, np.int32).reshape(-1, 1, 2)
        cv2.polylines(image, [arr], False, col, th, cv2.LINE_AA)
        pts2 = [(x, y0 + bh - (y - y0)) for x, y in pts]
        cv2.polylines(image, [np.array(pts2, np.int32).reshape(-1, 1, 2)], False, col, th, cv2.LINE_AA)
        for yy in np.linspace(y0 + bh * 0.15, y1 - bh * 0.15, 4):
            cv2.line(image, (x0, int(yy)), (x1, int(yy + r.uniform(-2, 2))), col, th, cv2.LINE_AA)
    else:
        raise ValueError(f"unknown mask style {style!r}")
    return image


def encode(image: np.ndarray, fmt: str = ".png", quality: int = 85) -> bytes:
    import cv2

    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)] if fmt in (".jpg", ".jpeg") else []
    ok, buf = cv2.imencode(fmt, image, params)
    if not ok:
        raise RuntimeError("encode failed")
    return buf.tobytes()


def rescale_shift(image: np.ndarray, factor: float, dx: int, dy: int) -> np.ndarray:
    """Scale by ``factor`` and shift by (dx, dy) pixels on white, as a re-scan or re-export would."""
    import cv2

    h, w = image.shape[:2]
    M = np.array([[factor, 0, dx], [0, factor, dy]], np.float32)
    return cv2.warpAffine(image, M, (int(round(w * factor)), int(round(h * factor))),
                          flags=cv2.INTER_AREA if factor < 1 else cv2.INTER_LINEAR,
                          borderValue=(255, 255, 255))


# ---------------------------------------------------------------- masked variants

@dataclass
class Variant:
    """A masked copy of a page and what the audit should say about it.

    ``expect_with`` / ``expect_without``: the error codes the audit must give with / without the
    original (empty: the page passes); ``targets``: code → boxes (pixels of the masked image) that
    a finding of that code must point into."""

    kind: str
    image: np.ndarray
    expect_with: set[str]
    expect_without: set[str]
    targets: dict[str, list] = field(default_factory=dict)
    styles: list[str] = field(default_factory=list)
    #: error codes that may or may not be given with the original (a big mask touching a name)
    allow_with: set[str] = field(default_factory=set)


def _grow(b, f: float):
    h = b[3] - b[1]
    return (b[0] - f * h, b[1] - f * h, b[2] + f * h, b[3] + f * h)


def _cover(b, t) -> float:
    x0, y0, x1, y1 = max(b[0], t[0]), max(b[1], t[1]), min(b[2], t[2]), min(b[3], t[3])
    a = max(1e-6, (t[2] - t[0]) * (t[3] - t[1]))
    return max(0.0, x1 - x0) * max(0.0, y1 - y0) / a


def build_variants(image: np.ndarray, masks: list, others: list, seed: int, name: str,
                   kinds=("correct", "left", "partly", "other", "large", "seal"),
                   styles=STYLES, occurrences: list[list] | None = None) -> list[Variant]:
    """Masked variants of one page from ``propose`` output.

    ``masks``: (kind, box) pairs that ``propose`` gave (name / seal / signature, pixels);
    ``others``: (box, text, trap[, broken]) of other people's printed names on the page (the
    ground truth), every piece of them: a big mask is judged against all of them, while only a
    whole (unbroken) name is chosen to be masked on purpose;
    ``occurrences``: the name masks grouped by the occurrence they hide (a name broken over two
    lines has two masks): leaving a name unmasked leaves the whole occurrence, as a person would.
    Variants: ``correct`` (every proposed mask, in a mix of styles), ``left`` (one name occurrence
    left unmasked), ``partly`` (only part of one occurrence masked), ``other`` (another person's
    name masked as well), ``large`` (one name mask blown up over several lines), ``seal`` (the own
    seal left unmasked). Kinds that do not apply to the page are skipped."""
    rng = random.Random(seed)
    H, W = image.shape[:2]
    names = [b for k, b in masks if k == "name"]
    seals = [b for k, b in masks if k == "seal"]
    core_n = len([c for c in name if c not in "·•・.．-" and not c.isspace()])
    out: list[Variant] = []

    def paint(boxes, sty=None) -> tuple[np.ndarray, list[str]]:
        img = image.copy()
        used = []
        for i, b in enumerate(boxes):
            st = sty or rng.choice(styles)
            if st == "white" and b in seals:
                st = "solid"
            apply_mask(img, b, st, seed * 31 + i)
            used.append(st)
        return img, used

    all_boxes = [b for _, b in masks]

    def without(b):
        """Every mask but ``b`` and those over the same place (a signature read as the name)."""
        return [x for x in all_boxes if x is not b and _cover(x, b) < 0.5 and _cover(b, x) < 0.5]

    def occurrence_of(b) -> list:
        for group in occurrences or []:
            if any(g is b or g == b for g in group):
                return list(group)
        return [b]

    for kind in kinds:
        if kind == "correct":
            img, used = paint(all_boxes)
            out.append(Variant(kind, img, set(), set(), {}, used))
        elif kind == "left" and names:
            b = rng.choice(names)
            group = occurrence_of(b)
            keep = [x for x in all_boxes if all(x is not g and _cover(x, g) < 0.5 and _cover(g, x) < 0.5
                                                for g in group)]
            img, used = paint(keep)
            out.append(Variant(kind, img, {"NAME_VISIBLE"}, {"NAME_VISIBLE"}, {"NAME_VISIBLE": group}, used))
        elif kind == "partly" and core_n >= 2:
            # a single-line occurrence, wide enough to cut
            cands = [b for b in names if (b[2] - b[0]) > 1.2 * (b[3] - b[1])]
            if not cands:
                continue
            b = rng.choice(cands)
            pitch = (b[2] - b[0]) / core_n
            if "·" in name and rng.random() < 0.5:
                k = len(name.split("·")[0])  # the given name only
            else:
                k = 1 if core_n <= 3 else rng.randint(1, core_n - 2)
            # cut between two characters (the box is the glyphs plus equal margins)
            if rng.random() < 0.5:
                part = (b[0], b[1], b[0] + k * pitch, b[3])
            else:
                part = (b[2] - k * pitch, b[1], b[2], b[3])
            img, used = paint(without(b) + [part])
            out.append(Variant(kind, img, {"NAME_PARTLY_VISIBLE"}, {"NAME_PARTLY_VISIBLE"},
                               {"NAME_PARTLY_VISIBLE": [b]}, used))
        elif kind == "other" and any(not _broken(o) for o in others):
            whole = [o for o in others if not _broken(o)]
            traps = [o for o in whole if o[2]]
            ob = rng.choice(traps or whole)[0]
            ob = _grow(ob, 0.1)
            img, used = paint(all_boxes + [ob])
            out.append(Variant(kind, img, {"OTHER_NAME_MASKED"}, set(), {"OTHER_NAME_MASKED": [ob]}, used))
        elif kind == "large" and names:
            # beyond the shared policy in every way it is drawn: taller than three lines, or over
            # more than 6% of the page
            b = rng.choice(names)
            h = b[3] - b[1]
            how = rng.choice(("block", "wide", "area"))
            if how == "block":
                big = (b[0] - 2 * h, b[1] - 0.3 * h, min(W - 5, b[2] + 10 * h), b[3] + 4.5 * h)
            elif how == "wide":  # the name's line and the next ones, margin to margin
                big = (max(5, b[0] - 14 * h), b[1] - 0.4 * h, min(W - 5, b[2] + 14 * h), b[3] + 4.2 * h)
            else:
                side = (0.08 * W * H) ** 0.5
                big = (b[0] - 0.2 * side, b[1] - 0.2 * side, b[0] + 1.1 * side, b[1] + 1.0 * side)
            big = (max(2.0, big[0]), max(2.0, big[1]), min(W - 2.0, big[2]), min(H - 2.0, big[3]))
            solid_styles = [s for s in styles if s != "white"] or ["solid"]
            img, used = paint(without(b))
            st = rng.choice(solid_styles)
            apply_mask(img, big, st, seed)
            used.append(st)
            ew = {"MASK_TOO_LARGE"}
            if any(_cover(big, o[0]) >= 0.6 for o in others):
                ew.add("OTHER_NAME_MASKED")
            allow = {"OTHER_NAME_MASKED"} if any(_cover(big, o[0]) > 0 for o in others) else set()
            out.append(Variant(kind, img, ew, {"MASK_TOO_LARGE"}, {"MASK_TOO_LARGE": [big]}, used, allow - ew))
        elif kind == "seal" and seals:
            img, used = paint([x for x in all_boxes if x not in seals])
            out.append(Variant(kind, img, {"OWN_SEAL_VISIBLE"}, {"OWN_SEAL_VISIBLE"}, {"OWN_SEAL_VISIBLE": list(seals)},
                               used))
    return out


def _broken(other) -> bool:
    """A piece of a name broken over two lines (``others`` entries may carry the flag fourth)."""
    return len(other) > 3 and bool(other[3])


def post_process(image: np.ndarray, rng: random.Random, allow_geometry: bool = True):
    """Re-encode (and sometimes rescale/shift) a masked page as a user's tool would. Returns
    (bytes, extension, (factor, dx, dy))."""
    geo = (1.0, 0, 0)
    if allow_geometry and rng.random() < 0.3:
        geo = (rng.uniform(0.9, 1.1), rng.randint(-12, 12), rng.randint(-12, 12))
        image = rescale_shift(image, *geo)
    if rng.random() < 0.6:
        return encode(image, ".jpg", rng.randint(72, 92)), ".jpg", geo
    return encode(image, ".png"), ".png", geo


def map_box(b, geo):
    f, dx, dy = geo
    return (b[0] * f + dx, b[1] * f + dy, b[2] * f + dx, b[3] * f + dy)
