"""Simple rendered Chinese document pages for the compliance tests and benchmark.

Pages are drawn with Pillow and the CJK fonts of the machine (Noto, WenQuanYi, AR PL). They are
not the product's sample generator: only what orientation, skew and legibility checks need —
letters, forms with tables, certificates and ID-card-like cards with little text — plus the
degradations of real scans (blur, JPEG, noise, slight rotation).
"""
from __future__ import annotations

import io
import random
from functools import lru_cache
from pathlib import Path

import numpy as np

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
)

SENTENCES = (
    "根据自治区职称改革工作领导小组的有关规定，现将本年度专业技术职务任职资格评审工作安排如下。",
    "申报人应当如实填写申报材料，对所提交材料的真实性负责，如有弄虚作假，一经查实取消评审资格。",
    "该同志自参加工作以来，热爱本职工作，业务能力强，工作认真负责，多次被评为单位先进工作者。",
    "在水利工程建设管理中，主持完成了灌区续建配套与节水改造项目的设计、施工组织和竣工验收工作。",
    "经单位研究决定，同意推荐该同志申报高级工程师专业技术资格，特此证明。",
    "任现职以来共发表专业论文三篇，其中核心期刊一篇，参与编写地方标准一项，获得实用新型专利两项。",
    "继续教育学时已达到规定要求，年度考核均为合格以上等次，符合申报条件。",
    "附件材料包括学历证书、资格证书、聘任文件、业绩证明和论文原件的扫描件，请按顺序装订。",
    "本人承诺以上所填内容及提交的材料真实有效，如有不实，愿意承担相应责任。",
    "请各单位于规定时间内将申报材料报送至人力资源和社会保障局专业技术人员管理科。",
    "二〇二四年度全区卫生系列高级职称评审会议于十月在乌鲁木齐市召开，评审结果另行公示。",
    "联系电话：0991-2345678，地址：新疆维吾尔自治区阿克苏地区人民路十二号。",
)

NAMES = ("张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞",
         "艾合买提·阿不都热依木", "古丽娜尔·吐尔逊", "买买提·依明", "热依拉·艾力")

TITLES = ("专业技术职务任职资格申报表", "单位推荐意见", "工作业绩证明", "继续教育证明",
          "关于推荐申报高级职称的函", "职称评审材料真实性承诺书")


@lru_cache(maxsize=None)
def fonts() -> tuple[str, ...]:
    return tuple(p for p in FONT_CANDIDATES if Path(p).exists())


def have_cjk_font() -> bool:
    return bool(fonts())


@lru_cache(maxsize=64)
def _font(path: str, size: int):
    from PIL import ImageFont

    return ImageFont.truetype(path, size)


def _wrap(draw, text: str, font, width: int) -> list[str]:
    out, cur = [], ""
    for ch in text:
        if draw.textlength(cur + ch, font=font) > width and cur:
            out.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def render_page(seed: int = 0, dpi: int = 150, layout: str | None = None,
                text_px: int | None = None) -> np.ndarray:
    """An upright A4 page (BGR). ``layout``: letter, form, certificate, card, sparse."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    layout = layout or rng.choice(("letter", "letter", "form", "certificate", "sparse"))
    fpaths = fonts()
    if not fpaths:
        raise RuntimeError("no CJK font on this machine")
    fpath = fpaths[seed % len(fpaths)]
    if layout == "card":
        W, H = int(85.6 / 25.4 * dpi * 2), int(54.0 / 25.4 * dpi * 2)  # an ID card scanned at 2x
    else:
        W, H = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("RGB", (W, H), (255, 255, 255) if rng.random() < 0.5 else (250, 248, 242))
    d = ImageDraw.Draw(img)
    base = text_px or max(12, int(dpi / 150 * rng.choice((16, 18, 20, 22, 24))))
    ink = (20, 20, 20) if rng.random() < 0.7 else (40, 40, 70)
    margin = int(W * 0.11)
    y = int(H * 0.08)

    if layout == "card":
        f = _font(fpath, max(12, int(base * 1.2)))
        d.rounded_rectangle((8, 8, W - 8, H - 8), radius=30, outline=(120, 120, 160), width=3)
        d.rectangle((int(W * 0.66), int(H * 0.18), int(W * 0.92), int(H * 0.70)), fill=(200, 205, 215))
        rows = [f"姓名 {rng.choice(NAMES[:10])}", f"性别 {'男' if rng.random() < 0.5 else '女'}  民族 汉",
                f"出生 19{rng.randint(60, 99)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
                "住址 新疆阿克苏市人民路", f"公民身份号码 6529{rng.randint(10**13, 10**14 - 1)}"]
        yy = int(H * 0.12)
        for r in rows:
            d.text((int(W * 0.07), yy), r, font=f, fill=ink)
            yy += int(f.size * 1.9)
        return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])

    ft = _font(fpath, int(base * 1.6))
    title = rng.choice(TITLES)
    tw = d.textlength(title, font=ft)
    d.text(((W - tw) / 2, y), title, font=ft, fill=ink)
    y += int(ft.size * 2.4)
    f = _font(fpath, base)
    lh = int(base * 1.8)

    if layout == "certificate":
        d.rectangle((margin // 2, margin // 2, W - margin // 2, H - margin // 2), outline=(150, 110, 40), width=6)
        for _ in range(3):
            for ln in _wrap(d, rng.choice(SENTENCES), f, W - 2 * margin):
                d.text((margin, y), ln, font=f, fill=ink)
                y += lh
            y += lh
        d.text((W - margin - 8 * base, int(H * 0.8)), "二〇二四年十月", font=f, fill=ink)
        return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])

    if layout == "form":
        cols = [margin, margin + int((W - 2 * margin) * 0.22), margin + int((W - 2 * margin) * 0.5),
                margin + int((W - 2 * margin) * 0.72), W - margin]
        labels = ["姓名", "性别", "出生年月", "学历", "现单位", "专业", "现任职务", "申报资格",
                  "参加工作时间", "联系电话"]
        rh = int(base * 2.4)
        for r in range(rng.randint(6, 10)):
            for c in range(4):
                d.rectangle((cols[c], y, cols[c + 1], y + rh), outline=(30, 30, 30), width=2)
            d.text((cols[0] + 6, y + (rh - base) // 2), labels[r % len(labels)], font=f, fill=ink)
            val = rng.choice(NAMES) if r == 0 else rng.choice(("男", "本科", "工程师", "1985.06", "水利局", "农业"))
            d.text((cols[1] + 6, y + (rh - base) // 2), val, font=f, fill=ink)
            d.text((cols[2] + 6, y + (rh - base) // 2), labels[(r + 3) % len(labels)], font=f, fill=ink)
            d.text((cols[3] + 6, y + (rh - base) // 2), rng.choice(("研究生", "2008.07", "高级工程师")), font=f, fill=ink)
            y += rh
        y += lh

    n_par = {"letter": rng.randint(4, 7), "form": rng.randint(2, 3), "sparse": 1}.get(layout, 3)
    for _ in range(n_par):
        text = "　　" + "".join(rng.choice(SENTENCES) for _ in range(rng.randint(1, 3)))
        for ln in _wrap(d, text, f, W - 2 * margin):
            if y > H - margin - 3 * lh:
                break
            d.text((margin, y), ln, font=f, fill=ink)
            y += lh
        y += lh // 2
    sig = f"申报人：{rng.choice(NAMES)}"
    d.text((W - margin - d.textlength(sig, font=f), min(y + lh, H - margin - 2 * lh)), sig, font=f, fill=ink)
    d.text((W - margin - 8 * base, min(y + 2 * lh + 4, H - margin - lh)), "2024年10月15日", font=f, fill=ink)
    return np.ascontiguousarray(np.asarray(img)[:, :, ::-1])


# ---------------------------------------------------------------- degradations

def turn(image: np.ndarray, orientation: int) -> np.ndarray:
    """Turn upright content clockwise by ``orientation`` (what the contract's angle means)."""
    import cv2

    codes = {90: cv2.ROTATE_90_CLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_COUNTERCLOCKWISE}
    return image if orientation % 360 == 0 else cv2.rotate(image, codes[orientation % 360])


def tilt(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate by a small angle (positive = counter-clockwise, OpenCV's sense), white fill."""
    import cv2

    h, w = image.shape[:2]
    M = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(image, M, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def blur(image: np.ndarray, sigma: float) -> np.ndarray:
    import cv2

    return cv2.GaussianBlur(image, (0, 0), sigma) if sigma > 0 else image


def motion_blur(image: np.ndarray, length: int) -> np.ndarray:
    import cv2

    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0 / length
    return cv2.filter2D(image, -1, k)


def jpeg(image: np.ndarray, quality: int) -> np.ndarray:
    import cv2

    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def noise(image: np.ndarray, sigma: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    n = rng.normal(0, sigma, image.shape)
    return np.clip(image.astype(np.float32) + n, 0, 255).astype(np.uint8)


def downscale(image: np.ndarray, factor: float) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    return cv2.resize(image, (max(1, int(w * factor)), max(1, int(h * factor))), interpolation=cv2.INTER_AREA)


def scan_like(image: np.ndarray, seed: int = 0) -> np.ndarray:
    """A normal sharp scan: JPEG q60 and mild noise."""
    return jpeg(noise(image, 3.0, seed), 60)


def encode_png(image: np.ndarray) -> bytes:
    import cv2

    ok, buf = cv2.imencode(".png", image)
    return buf.tobytes()


def to_bytes(image: np.ndarray, fmt: str = ".png") -> bytes:
    import cv2

    ok, buf = cv2.imencode(fmt, image)
    return io.BytesIO(buf.tobytes()).getvalue()


# ---------------------------------------------------------------- photo variants

def background_mask(photo: np.ndarray, tol: float = 16.0) -> np.ndarray:
    """Mask (bool) of a plain studio background: per row, the colour at the image's side edges
    (carried down once the shoulders reach the edges) is the background's; pixels within ``tol``
    (CIELAB distance) of it and connected to the top or the sides are background. Follows
    gradients and vignettes; leaves hair, skin and clothes alone."""
    import cv2

    h, w = photo.shape[:2]
    lab = cv2.cvtColor(cv2.GaussianBlur(photo, (3, 3), 0), cv2.COLOR_BGR2LAB).astype(np.float32)
    e = max(2, w // 25)
    top_ref = np.median(lab[: max(2, h // 30)].reshape(-1, 3), axis=0)
    ref = np.empty((h, 3), np.float32)
    last = top_ref
    for y in range(h):
        edge = np.concatenate([lab[y, :e], lab[y, w - e:]])
        m = np.median(edge, axis=0)
        if np.linalg.norm(m - last) < 12.0:  # still background at the edges (a slow gradient)
            last = m
        ref[y] = last
    ref = cv2.blur(ref[:, None, :], (1, 15))[:, 0, :]
    d = np.linalg.norm(lab - ref[:, None, :], axis=2)
    cand = (d < tol).astype(np.uint8)
    n, lbl = cv2.connectedComponents(cand, connectivity=4)
    border = set(np.unique(lbl[0, :])) | set(np.unique(lbl[: h // 2, 0])) | set(np.unique(lbl[: h // 2, -1]))
    border.discard(0)
    m = np.isin(lbl, list(border)) & (cand > 0)
    m = cv2.morphologyEx(m.astype(np.uint8), cv2.MORPH_OPEN, np.ones((3, 3), np.uint8)) > 0
    return m


def replace_background(photo: np.ndarray, rgb: tuple[int, int, int] = (220, 20, 30),
                       gradient: float = 0.0, tol: float = 16.0) -> np.ndarray:
    """The photo with its plain background replaced by a colour (``gradient`` > 0 darkens it
    towards the bottom by that fraction: an uneven background)."""
    import cv2

    h, w = photo.shape[:2]
    m = background_mask(photo, tol).astype(np.float32)
    m = cv2.GaussianBlur(m, (3, 3), 0)[:, :, None]
    bg = np.empty_like(photo, dtype=np.float32)
    bg[:] = (rgb[2], rgb[1], rgb[0])
    if gradient:  # darker towards the right: an uneven background
        ramp = 1.0 - gradient * np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
        bg *= ramp
    out = photo.astype(np.float32) * (1 - m) + bg * m
    return np.clip(out, 0, 255).astype(np.uint8)


def pad_photo(photo: np.ndarray, factor: float, colour: tuple[int, int, int] | None = None) -> np.ndarray:
    """The same photo with the subject smaller: background added around it (same aspect)."""
    import cv2

    h, w = photo.shape[:2]
    H, W = int(h * factor), int(w * factor)
    c = colour or tuple(int(v) for v in np.median(photo[:max(2, h // 20)].reshape(-1, 3), axis=0))
    out = np.empty((H, W, 3), np.uint8)
    out[:] = c
    y0, x0 = H - h, (W - w) // 2  # keep the shoulders on the bottom edge
    out[y0:, x0:x0 + w] = photo
    return cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA)


def draw_cap(photo: np.ndarray, face_box, rgb: tuple[int, int, int] = (240, 240, 235)) -> np.ndarray:
    """A crude cap over the top of the head above a face box (for the headwear warning)."""
    import cv2

    out = photo.copy()
    x0, y0, x1, y1 = (int(v) for v in face_box)
    fw, fh = x1 - x0, y1 - y0
    col = (rgb[2], rgb[1], rgb[0])
    cx = (x0 + x1) // 2
    cv2.ellipse(out, (cx, y0 + int(0.05 * fh)), (int(0.62 * fw), int(0.62 * fh)), 0, 180, 360, col, -1)
    cv2.rectangle(out, (x0 - int(0.25 * fw), y0 - int(0.02 * fh)), (x1 + int(0.25 * fw), y0 + int(0.1 * fh)), col, -1)
    return out
