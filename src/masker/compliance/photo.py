"""The 1-inch red-background bareheaded photo (一寸红底免冠照片), and document-or-photo.

Rules, each its own finding with the measured value and the allowed range:

- size and aspect: 25 × 35 mm, i.e. 295 × 413 px at 300 dpi; aspect w/h 0.714 ± 0.03
  (WRONG_ASPECT); at least 260 × 364 px, i.e. about 265 dpi (TOO_SMALL);
- background: sampled in a frame along the top and the upper sides, away from the head; red is a
  hue/saturation/value band, not one RGB value: hue ≤ 10° or ≥ 340°, saturation ≥ 0.43,
  value ≥ 0.35; ≥ 85 % of the sample must fall in it (BACKGROUND_NOT_RED); it must be even:
  lightness spread (p95 − p5 of L*) ≤ 22 and colour spread (p95 − p5 of a*, b*) ≤ 25
  (BACKGROUND_UNEVEN);
- exactly one face (NO_FACE, MULTIPLE_FACES; a second face counts when it is at least 30 % the
  height of the largest);
- face centred: the face centre within ± 8 % of the width from the middle (FACE_OFF_CENTRE);
- head size: crown to chin (the crown found where the background ends above the face; 1.35 ×
  the face box when it cannot be found) 42–72 % of the photo height (HEAD_TOO_SMALL,
  HEAD_TOO_LARGE);
- bareheaded: a warning HEADWEAR_SUSPECTED when what lies between the crown and the brow is
  neither hair-dark nor skin, or rises unusually high above the brow — a heuristic, so a warning.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import cv2
import numpy as np

from . import faces as _faces
from .types import ERROR, WARNING, PhotoCheck, finding

ASPECT = 25.0 / 35.0
ASPECT_TOL = 0.03
MIN_W, MIN_H = 260, 364
RED_SHARE_MIN = 0.85
RED_HUE_MAX_DEG = 10.0
RED_SAT_MIN = 0.43
RED_VAL_MIN = 0.35
UNEVEN_L_MAX = 22.0
UNEVEN_AB_MAX = 25.0
CENTRE_TOL = 0.08
HEAD_MIN, HEAD_MAX = 0.42, 0.72
SECOND_FACE_MIN = 0.30


# ---------------------------------------------------------------- background

def _bg_sample_mask(H: int, W: int, face: _faces.Face | None) -> np.ndarray:
    """A frame along the top and the upper sides, away from the head and shoulders."""
    m = np.zeros((H, W), bool)
    top = max(2, int(0.06 * H))
    side = max(2, int(0.08 * W))
    bottom = int(face.box[3]) if face is not None else int(0.45 * H)
    bottom = max(top + 1, min(H, bottom))
    m[:top, :] = True
    m[:bottom, :side] = True
    m[:bottom, W - side:] = True
    if face is not None:  # keep off the head (hair can be wider than the face box)
        fx0, fy0, fx1, fy1 = face.box
        ex = 0.45 * (fx1 - fx0)
        x0, x1 = int(max(0, fx0 - ex)), int(min(W, fx1 + ex))
        y0 = int(max(0, fy0 - 1.2 * (fy1 - fy0)))
        m[y0:bottom, x0:x1] = False
    return m


def classify_colour(h_deg: float, s: float, v: float) -> str:
    if v < 0.2:
        return "other"
    if s < 0.15:
        return "white" if v > 0.85 else "grey"
    if h_deg <= RED_HUE_MAX_DEG or h_deg >= 340:
        return "red"
    if 180 <= h_deg <= 260:
        return "blue"
    return "other"


@dataclass
class Background:
    colour: str
    red_share: float
    median_rgb: tuple[int, int, int]
    median_hsv: tuple[float, float, float]  # hue degrees, saturation 0..1, value 0..1
    l_spread: float
    ab_spread: float
    pixels: int


def analyse_background(image: np.ndarray, face: _faces.Face | None) -> Background:
    H, W = image.shape[:2]
    m = _bg_sample_mask(H, W, face)
    px = image[m]
    if len(px) == 0:
        px = image.reshape(-1, 3)
    hsv = cv2.cvtColor(px.reshape(-1, 1, 3), cv2.COLOR_BGR2HSV_FULL).reshape(-1, 3).astype(np.float64)
    hue = hsv[:, 0] * 360.0 / 256.0
    sat, val = hsv[:, 1] / 255.0, hsv[:, 2] / 255.0
    red = ((hue <= RED_HUE_MAX_DEG) | (hue >= 340.0)) & (sat >= RED_SAT_MIN) & (val >= RED_VAL_MIN)
    lab = cv2.cvtColor(px.reshape(-1, 1, 3), cv2.COLOR_BGR2LAB).reshape(-1, 3).astype(np.float64)
    L = lab[:, 0] * 100.0 / 255.0
    l_spread = float(np.percentile(L, 95) - np.percentile(L, 5))
    ab_spread = float(max(np.percentile(lab[:, 1], 95) - np.percentile(lab[:, 1], 5),
                          np.percentile(lab[:, 2], 95) - np.percentile(lab[:, 2], 5)))
    med_bgr = np.median(px.reshape(-1, 3), axis=0)
    mh = cv2.cvtColor(np.uint8([[med_bgr]]), cv2.COLOR_BGR2HSV_FULL)[0, 0].astype(np.float64)
    h_deg, s, v = mh[0] * 360.0 / 256.0, mh[1] / 255.0, mh[2] / 255.0
    red_share = float(red.mean())
    colour = "red" if red_share >= RED_SHARE_MIN else classify_colour(h_deg, s, v)
    if colour == "red" and red_share < RED_SHARE_MIN:
        colour = "other"
    return Background(colour, red_share, (int(med_bgr[2]), int(med_bgr[1]), int(med_bgr[0])),
                      (round(h_deg, 1), round(s, 3), round(v, 3)), l_spread, ab_spread, int(len(px)))


# ---------------------------------------------------------------- head

def find_crown(image: np.ndarray, face: _faces.Face) -> float | None:
    """Row of the top of the head: going down from the top, the first row where the middle of
    the head differs from the background at that row's outer edges."""
    H, W = image.shape[:2]
    lab = cv2.cvtColor(image, cv2.COLOR_BGR2LAB).astype(np.float32)
    fx0, fy0, fx1, fy1 = face.box
    cx0 = int(max(0, fx0 + 0.2 * face.w))
    cx1 = int(min(W, fx1 - 0.2 * face.w))
    edge = max(2, int(0.05 * W))
    limit = int(min(H - 1, max(0, fy0)))
    if cx1 <= cx0 or limit <= 1:
        return None
    for y in range(0, limit):
        ref = np.median(np.concatenate([lab[y, :edge], lab[y, W - edge:]]), axis=0)
        d = np.linalg.norm(lab[y, cx0:cx1] - ref, axis=1)
        if float((d > 25.0).mean()) > 0.3:
            return float(y) if y > 0 else None  # head cut by the top edge: unknown crown
    return None


def head_height(image: np.ndarray, face: _faces.Face) -> tuple[float, str]:
    crown = find_crown(image, face)
    chin = face.box[3]
    if crown is not None and 0.3 * face.h <= face.box[1] - crown <= 1.6 * face.h:
        return chin - crown, "crown"
    return 1.35 * face.h, "face box × 1.35"


def headwear_suspect(image: np.ndarray, face: _faces.Face) -> dict | None:
    """What covers the top of the head, when it looks like neither hair nor skin."""
    crown = find_crown(image, face)
    if crown is None:
        return None
    fx0, fy0, fx1, fy1 = face.box
    rise = (fy0 - crown) / max(face.h, 1.0)
    y0, y1 = int(crown), int(fy0 - 0.05 * face.h)
    x0, x1 = int(max(0, fx0 + 0.15 * face.w)), int(min(image.shape[1], fx1 - 0.15 * face.w))
    if y1 - y0 < 3 or x1 <= x0:
        return None
    reg = image[y0:y1, x0:x1]
    hsv = cv2.cvtColor(reg, cv2.COLOR_BGR2HSV).reshape(-1, 3).astype(np.float32)
    ycc = cv2.cvtColor(reg, cv2.COLOR_BGR2YCrCb).reshape(-1, 3).astype(np.float32)
    dark = float((hsv[:, 2] < 100).mean())
    brownish = float(((hsv[:, 2] < 150) & (hsv[:, 0] >= 5) & (hsv[:, 0] <= 30) & (hsv[:, 1] < 170)).mean())
    greyish = float(((hsv[:, 1] < 40) & (hsv[:, 2] >= 100) & (hsv[:, 2] <= 225)).mean())  # grey/white hair
    skin = float(((ycc[:, 1] >= 135) & (ycc[:, 1] <= 180) & (ycc[:, 2] >= 85) & (ycc[:, 2] <= 135)).mean())
    hairlike = dark + brownish + 0.5 * greyish
    suspect = (hairlike < 0.35 and skin < 0.5) or rise > 1.05
    return {"suspect": bool(suspect), "hair_like_share": round(hairlike, 3), "skin_share": round(skin, 3),
            "rise_over_face": round(rise, 3)}


# ---------------------------------------------------------------- the rules

def check_photo(image: np.ndarray) -> PhotoCheck:
    H, W = image.shape[:2]
    fs = []
    measures: dict = {}
    aspect = W / H
    measures["aspect"] = round(aspect, 4)
    if abs(aspect - ASPECT) > ASPECT_TOL:
        fs.append(finding(
            "WRONG_ASPECT", ERROR,
            f"照片比例不符：宽高比 {aspect:.3f}（{W}×{H} px），一寸照应为 25×35 mm 即 {ASPECT:.3f} ± {ASPECT_TOL}"
            f" / wrong aspect ratio: {aspect:.3f} ({W}×{H} px); a 1-inch photo is 25×35 mm, {ASPECT:.3f} ± {ASPECT_TOL}",
            value={"aspect": round(aspect, 4), "allowed": [round(ASPECT - ASPECT_TOL, 3), round(ASPECT + ASPECT_TOL, 3)]}))
    if W < MIN_W or H < MIN_H:
        fs.append(finding(
            "TOO_SMALL", ERROR,
            f"照片像素不足：{W}×{H} px，要求至少 {MIN_W}×{MIN_H} px（300 dpi 下一寸照为 295×413 px）"
            f" / photo too small: {W}×{H} px, at least {MIN_W}×{MIN_H} px required (295×413 px at 300 dpi)",
            value={"width_px": W, "height_px": H, "allowed_min": [MIN_W, MIN_H]}))
    found = _faces.detect_faces(image)
    face = None
    n_faces = 0
    if found is None:
        fs.append(finding("FACE_CHECK_UNAVAILABLE", WARNING,
                          "未安装人脸检测器，无法检查人脸 / no face detector installed: face rules not checked"))
    else:
        big = [f for f in found if f.h >= SECOND_FACE_MIN * found[0].h] if found else []
        n_faces = len(big)
        measures["face_scores"] = [round(f.score, 3) for f in big]
        if n_faces == 0:
            fs.append(finding("NO_FACE", ERROR, "未检测到人脸，请提交本人正面免冠照片 / no face found: submit a frontal "
                              "bareheaded photo of yourself", value={"faces": 0, "allowed": 1}))
        elif n_faces > 1:
            fs.append(finding("MULTIPLE_FACES", ERROR,
                              f"检测到 {n_faces} 张人脸，一寸照只能有本人一人 / {n_faces} faces found; a 1-inch photo "
                              f"shows one person only", value={"faces": n_faces, "allowed": 1},
                              ))
        face = big[0] if big else None
    bg = analyse_background(image, face)
    measures["background"] = {"red_share": round(bg.red_share, 3), "median_rgb": list(bg.median_rgb),
                              "median_hsv": list(bg.median_hsv), "l_spread": round(bg.l_spread, 1),
                              "ab_spread": round(bg.ab_spread, 1)}
    if bg.colour != "red":
        h, s, v = bg.median_hsv
        fs.append(finding(
            "BACKGROUND_NOT_RED", ERROR,
            f"背景不是红色：判为{_CN.get(bg.colour, bg.colour)}，中值 RGB{bg.median_rgb}（色相 {h:.0f}°、饱和度 {s:.2f}、明度 {v:.2f}），"
            f"红色像素占 {bg.red_share:.0%}（要求 ≥ {RED_SHARE_MIN:.0%}；红色：色相 ≤ {RED_HUE_MAX_DEG:.0f}° 或 ≥ 340°，饱和度 ≥ {RED_SAT_MIN}，明度 ≥ {RED_VAL_MIN}）"
            f" / background is not red: {bg.colour}, median RGB{bg.median_rgb} (hue {h:.0f}°, saturation {s:.2f}, value "
            f"{v:.2f}), {bg.red_share:.0%} red pixels (required ≥ {RED_SHARE_MIN:.0%}; red: hue ≤ {RED_HUE_MAX_DEG:.0f}° or ≥ 340°, "
            f"saturation ≥ {RED_SAT_MIN}, value ≥ {RED_VAL_MIN})",
            value={"background": bg.colour, "red_share": round(bg.red_share, 3), "allowed_min": RED_SHARE_MIN}))
    if bg.l_spread > UNEVEN_L_MAX or bg.ab_spread > UNEVEN_AB_MAX:
        fs.append(finding(
            "BACKGROUND_UNEVEN", ERROR,
            f"背景颜色不均匀：明度差 {bg.l_spread:.0f}（允许 ≤ {UNEVEN_L_MAX:.0f}），色差 {bg.ab_spread:.0f}（允许 ≤ {UNEVEN_AB_MAX:.0f}）"
            f" / background is uneven: lightness spread {bg.l_spread:.0f} (allowed ≤ {UNEVEN_L_MAX:.0f}), colour spread "
            f"{bg.ab_spread:.0f} (allowed ≤ {UNEVEN_AB_MAX:.0f})",
            value={"l_spread": round(bg.l_spread, 1), "ab_spread": round(bg.ab_spread, 1),
                   "allowed_max": [UNEVEN_L_MAX, UNEVEN_AB_MAX]}))
    if face is not None:
        cx, cy = face.centre
        off = (cx - W / 2) / W
        measures["face_box"] = [round(v) for v in face.box]
        measures["face_offset"] = round(off, 3)
        if abs(off) > CENTRE_TOL:
            side = "左" if off < 0 else "右"
            fs.append(finding(
                "FACE_OFF_CENTRE", ERROR,
                f"人脸不居中：偏{side} {abs(off):.0%} 宽度（允许 ± {CENTRE_TOL:.0%}）/ face off centre by {off:+.0%} of the width "
                f"(allowed ± {CENTRE_TOL:.0%})", value={"offset": round(off, 3), "allowed": [-CENTRE_TOL, CENTRE_TOL]},
                box=face.box))
        hh, how = head_height(image, face)
        share = hh / H
        measures["head_share"] = round(share, 3)
        measures["head_measured_by"] = how
        if share < HEAD_MIN:
            fs.append(finding(
                "HEAD_TOO_SMALL", ERROR,
                f"头部过小：头顶至下巴占照片高度 {share:.0%}（要求 {HEAD_MIN:.0%}–{HEAD_MAX:.0%}）/ head too small: crown to "
                f"chin is {share:.0%} of the height (required {HEAD_MIN:.0%}–{HEAD_MAX:.0%})",
                value={"head_share": round(share, 3), "allowed": [HEAD_MIN, HEAD_MAX]}))
        elif share > HEAD_MAX:
            fs.append(finding(
                "HEAD_TOO_LARGE", ERROR,
                f"头部过大：头顶至下巴占照片高度 {share:.0%}（要求 {HEAD_MIN:.0%}–{HEAD_MAX:.0%}）/ head too large: crown to "
                f"chin is {share:.0%} of the height (required {HEAD_MIN:.0%}–{HEAD_MAX:.0%})",
                value={"head_share": round(share, 3), "allowed": [HEAD_MIN, HEAD_MAX]}))
        hw = headwear_suspect(image, face)
        if hw is not None:
            measures["headwear"] = hw
            if hw["suspect"]:
                fs.append(finding(
                    "HEADWEAR_SUSPECTED", WARNING,
                    f"疑似戴帽或头饰（头顶区域像发色的比例 {hw['hair_like_share']:.0%}，高出眉上 {hw['rise_over_face']:.2f} 倍脸高），"
                    f"请确认为免冠照片 / possible hat or headwear (hair-like share {hw['hair_like_share']:.0%} above the brow, "
                    f"rising {hw['rise_over_face']:.2f} face heights); make sure the photo is bareheaded", value=hw))
    return PhotoCheck(width_px=W, height_px=H, background=bg.colour, faces=n_faces, findings=fs, measures=measures)


_CN = {"red": "红色", "blue": "蓝色", "white": "白色", "grey": "灰色", "other": "其他颜色"}


# ---------------------------------------------------------------- document or photo

def _paper_share(image: np.ndarray) -> float:
    """Share of the image that is plain light paper: bright, unsaturated, flat."""
    H, W = image.shape[:2]
    s = min(1.0, 256.0 / max(H, W))
    small = cv2.resize(image, (max(1, int(W * s)), max(1, int(H * s))), interpolation=cv2.INTER_AREA)
    hsv = cv2.cvtColor(small, cv2.COLOR_BGR2HSV)
    v = hsv[:, :, 2].astype(np.float32)
    ref = max(120.0, float(np.percentile(v, 95)))
    g = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
    local = np.abs(g - cv2.blur(g, (5, 5)))
    paper = (v >= 0.8 * ref) & (hsv[:, :, 1] < 60) & (local < 12)
    return float(paper.mean())


def _boxes(lines: Sequence) -> list[tuple[float, float, float, float]]:
    out = []
    for l in lines:
        b = getattr(l, "box", l)
        out.append(tuple(float(v) for v in b[:4]))
    return out


def kind_features(image: np.ndarray, lines: Sequence, faces: list[_faces.Face] | None = None) -> dict:
    H, W = image.shape[:2]
    boxes = [b for b in _boxes(lines) if max(b[2] - b[0], b[3] - b[1]) >= 1.8 * max(1.0, min(b[2] - b[0], b[3] - b[1]))]
    text_area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    if faces is None:
        faces = _faces.detect_faces(image)
    big_face = max((f.h / H for f in faces), default=0.0) if faces else 0.0
    return {"text_lines": len(boxes), "text_cover": text_area / float(W * H), "paper": _paper_share(image),
            "faces": len(faces) if faces else 0, "largest_face": big_face,
            "face_detector": faces is not None}


def classify_kind(image: np.ndarray, lines: Sequence, faces: list[_faces.Face] | None = None,
                  features: dict | None = None) -> str:
    """``document`` or ``photo`` (a photograph of people, a meeting or a site where a scan of a
    document belongs). ``lines``: text lines (``TextLine`` or boxes) in pixels of ``image``.

    A page is a photo when it shows a sizeable face and hardly any text (an ID-style photo,
    a portrait, people in an office), several faces on a non-paper background (a meeting), or
    neither paper nor text (a site, a landscape). Printed forms that carry a small 1-inch photo,
    ID cards and certificates stay documents: they have text lines and paper."""
    f = features or kind_features(image, lines, faces)
    n, cover, paper = f["text_lines"], f["text_cover"], f["paper"]
    if f["largest_face"] >= 0.08 and n < 5 and cover < 0.02:
        return "photo"
    if f["largest_face"] >= 0.15 and n < 8 and paper < 0.5:
        return "photo"
    if f["faces"] >= 3 and paper < 0.45 and n < 12:
        return "photo"
    if paper >= 0.4 and (n >= 1 or cover > 0.002):
        return "document"
    if n >= 6 and cover >= 0.03:
        return "document"
    if paper < 0.3 and n < 4:
        return "photo"
    return "document"
