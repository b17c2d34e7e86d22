"""``masker check``: is each page upright, straight, legible and a document (or, with
``expect="photo"``, is the file a proper 1-inch red-background photo).

The cheap path. A full ``Masker.analyse`` reads every line (≈ 2 s for a 150-dpi A4 page on two
cores); ``check`` does not need the text, only where the lines are and how well a sample of them
reads. So per page it runs the text detector alone (≈ 0.2 s at a 960 px long side), decides the
orientation from those boxes (line classifier on a few pieces, recognition of ≤ 10 pieces),
measures sharpness and glyph height on the line boxes, reads a few lines for the OCR confidence
and looks for faces. Engines without a separate detector fall back to ``Masker.analyse``.
"""
from __future__ import annotations

import logging
import time
from typing import Sequence

import cv2
import numpy as np

from ..io import Document, PageSource
from . import faces as _faces
from .legibility import measure
from .orientation import Orientation, detect_quads, orient_from_quads, skew_from_image
from .photo import check_photo, classify_kind, kind_features
from .types import ERROR, WARNING, CheckResult, PageCheck, finding

log = logging.getLogger(__name__)

SKEW_WARN_DEG = 2.0
SKEW_ERROR_DEG = 5.0
ORIENT_SURE = 0.5
PHOTO_SHARP_MIN = 0.3

_ROTATE_CCW = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}


def upright(image: np.ndarray, angle: int) -> np.ndarray:
    return image if angle % 360 == 0 else cv2.rotate(image, _ROTATE_CCW[angle % 360])


def quads_upright(quads: Sequence[np.ndarray], angle: int, w: int, h: int) -> list[np.ndarray]:
    """Map points of an image ``w``×``h`` into the same image turned counter-clockwise by ``angle``."""
    out = []
    for q in quads:
        x, y = q[:, 0], q[:, 1]
        if angle == 90:
            p = np.stack([y, w - x], axis=1)
        elif angle == 180:
            p = np.stack([w - x, h - y], axis=1)
        elif angle == 270:
            p = np.stack([h - y, x], axis=1)
        else:
            p = q
        out.append(p.astype(np.float32))
    return out


def _bbox(q: np.ndarray) -> tuple[float, float, float, float]:
    return (float(q[:, 0].min()), float(q[:, 1].min()), float(q[:, 0].max()), float(q[:, 1].max()))


def _orientation_findings(o: Orientation) -> list:
    if o.angle == 0:
        return []
    sev = ERROR if o.confidence >= ORIENT_SURE else WARNING
    cn, en = _TURN_WORDS[o.angle]
    return [finding(
        "NOT_UPRIGHT", sev,
        f"页面方向不正：{cn}（内容顺时针旋转 {o.angle}°，置信度 {o.confidence:.2f}；要求正向 0°），请转正后重新提交"
        f" / the page is not upright: {en} (content turned {o.angle}° clockwise, confidence {o.confidence:.2f}; "
        f"0° required); turn it upright and resubmit",
        value={"orientation": o.angle, "confidence": o.confidence, "allowed": 0})]


_TURN_WORDS = {
    90: ("向右横倒，需逆时针旋转 90°", "lying on its right side, turn it 90° counter-clockwise"),
    180: ("上下颠倒，需旋转 180°", "upside down, turn it 180°"),
    270: ("向左横倒，需顺时针旋转 90°", "lying on its left side, turn it 90° clockwise"),
}


def _skew_findings(skew: float) -> list:
    a = abs(skew)
    if a <= SKEW_WARN_DEG:
        return []
    sev = ERROR if a > SKEW_ERROR_DEG else WARNING
    way = "顺时针" if skew > 0 else "逆时针"
    return [finding(
        "SKEWED", sev,
        f"页面歪斜 {a:.1f}°（{way}），允许 ≤ {SKEW_WARN_DEG:.0f}°（超过 {SKEW_ERROR_DEG:.0f}° 不合格），请摆正后重新扫描"
        f" / the page is skewed {skew:+.1f}° ({'clockwise' if skew > 0 else 'counter-clockwise'}); allowed ≤ "
        f"{SKEW_WARN_DEG:.0f}° (over {SKEW_ERROR_DEG:.0f}° fails); straighten it and rescan",
        value={"skew_deg": round(skew, 2), "allowed_max": SKEW_WARN_DEG, "error_above": SKEW_ERROR_DEG})]


def _photo_not_document(feat: dict) -> list:
    return [finding(
        "PHOTO_NOT_DOCUMENT", ERROR,
        f"这是一张照片而不是文件扫描件（人脸 {feat['faces']} 张，文字行 {feat['text_lines']} 行，纸面占比 {feat['paper']:.0%}），"
        f"此处应提交证明材料原件的扫描件 / this is a photograph, not a scanned document ({feat['faces']} faces, "
        f"{feat['text_lines']} text lines, {feat['paper']:.0%} plain paper); a scan of the original document belongs here",
        value={k: (round(v, 3) if isinstance(v, float) else v) for k, v in feat.items()})]


def _edge_sharpness(image: np.ndarray) -> float | None:
    """Uncalibrated sharpness from the steepest edges of the whole image (no finding from it):
    1 for edges as sharp as pixels allow, 0 for edges 8 px or more wider than that."""
    from .legibility import SHARP_EDGE_PX

    g = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32) if image.ndim == 3 else image.astype(np.float32)
    C = float(np.percentile(g, 99) - np.percentile(g, 1))
    if C < 30:
        return None
    gx = np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)) / 8.0
    gy = np.abs(cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)) / 8.0
    p = max(float(np.percentile(gx, 99.9)), float(np.percentile(gy, 99.9)), 1e-3)
    w = C / p
    we = float(np.sqrt(max(w * w - SHARP_EDGE_PX ** 2, 0.0)))
    return float(np.clip(1.0 - we / 8.0, 0.0, 1.0))


def _photo_sharpness(image: np.ndarray, face: _faces.Face | None) -> float | None:
    """Edge width on the face (eyes, mouth, hairline) relative to the face height."""
    if face is None:
        return None
    from .legibility import SHARP_EDGE_PX

    x0, y0, x1, y1 = (int(max(0, v)) for v in face.box)
    g = cv2.cvtColor(image[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY).astype(np.float32)
    if g.size < 400:
        return None
    C = float(np.percentile(g, 98) - np.percentile(g, 2))
    gx = np.abs(cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)) / 8.0
    gy = np.abs(cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)) / 8.0
    p = max(float(np.percentile(gx, 99.5)), float(np.percentile(gy, 99.5)), 1e-3)
    w = C / p
    we = float(np.sqrt(max(w * w - SHARP_EDGE_PX ** 2, 0.0)))
    return float(np.clip(1.0 - (we / face.h) / 0.08, 0.0, 1.0))


def _face_orientation(image: np.ndarray, fcs0) -> tuple[int, float, list | None]:
    """Orientation of a photograph: the turn at which a sizeable face shows."""
    H, W = image.shape[:2]
    if fcs0 and fcs0[0].h >= 0.08 * H:
        return 0, float(fcs0[0].score), fcs0
    for a in (90, 270, 180):
        f2 = _faces.detect_faces(upright(image, a))
        if f2 and f2[0].h >= 0.1 * min(H, W):
            return a, float(f2[0].score), f2
    return 0, 0.0, fcs0


def check_page(masker, page: PageSource, expect: str = "document") -> tuple[PageCheck, np.ndarray | None]:
    """Check one page; also returns its upright raster (for the photo rules)."""
    t0 = time.perf_counter()
    pc = PageCheck(index=page.index)
    if page.unit == "pt" and page.has_text_layer and not page.has_raster:
        pc.sharpness = 1.0
        pc.measures = {"source": "text_layer"}
        pc.seconds = time.perf_counter() - t0
        return pc, None
    image = page.image
    H, W = image.shape[:2]
    engine = masker.engine
    quads = detect_quads(engine, image)
    ctx = None
    if quads is None:  # an engine without a separate detector: full analysis
        ctx = masker.analyse(page)
        s = float(ctx.scale or 1.0)
        boxes0 = [tuple(v * s for v in l.box) for l in ctx.lines]
        if ctx.orientation:  # analyse's lines are upright: map back for the kind features
            boxes0 = [_bbox(q) for q in quads_upright([_quad(b) for b in boxes0], (360 - ctx.orientation) % 360,
                                                    *(up_wh(W, H, ctx.orientation)))]
        pc.measures["source"] = "analyse"
    else:
        boxes0 = [_bbox(q) for q in quads]
        pc.measures["source"] = "detector"

    # document or photo: rotation-free features (text boxes of either direction, paper, faces)
    fcs = _faces.detect_faces(image)
    feat = kind_features(image, boxes0, fcs)
    kind = classify_kind(image, boxes0, fcs, features=feat)
    face_angle = None
    if fcs is not None and (kind == "photo" or expect == "photo" or (not fcs and feat["text_lines"] < 3)):
        a, conf, f2 = _face_orientation(image, fcs)
        if f2:
            face_angle = (a, conf)
            if a != 0:
                fcs = f2
                feat = kind_features(upright(image, a), [], f2) | {"text_lines": feat["text_lines"],
                                                                   "text_cover": feat["text_cover"]}
                kind = classify_kind(image, boxes0, f2, features=feat)
    pc.kind = kind
    pc.measures["kind"] = {k: (round(v, 3) if isinstance(v, float) else v) for k, v in feat.items()}

    scores: list | None = None
    if face_angle is not None and (kind == "photo" or expect == "photo"):
        o = Orientation(face_angle[0], face_angle[1], 0.0, {"method": "face"})
        up = upright(image, o.angle)
        boxes = [_bbox(q) for q in quads_upright([_quad(b) for b in boxes0], o.angle, W, H)]
        skew = 0.0
    elif ctx is not None:
        o = Orientation(ctx.orientation, float(ctx.facts.get("orientation_confidence", 0.5 if ctx.orientation else 1.0)))
        up = ctx.image
        s = float(ctx.scale or 1.0)
        boxes = [tuple(v * s for v in l.box) for l in ctx.lines]
        scores = [l.score for l in ctx.lines]
        from .orientation import skew_from_lines

        skew = skew_from_lines(ctx.lines) or 0.0
    else:
        o = orient_from_quads(image, quads, engine)
        up = upright(image, o.angle)
        qu = quads_upright(quads, o.angle, W, H)
        boxes = [_bbox(q) for q in qu]
        skew = skew_from_image(up, qu) or 0.0
    pc.orientation, pc.orientation_confidence, pc.skew_deg = int(o.angle), float(o.confidence), float(skew)
    pc.measures["orientation"] = {k: v for k, v in o.details.items() if k != "upright_piece_scores"}

    findings = _orientation_findings(o)
    if pc.kind == "document":
        findings += _skew_findings(pc.skew_deg)
        # OCR confidence: the pieces read for the orientation when they were, else a few lines
        if scores is None:
            ups = o.details.get("upright_piece_scores")
            ocr = float(np.mean(ups)) if ups else _read_some(engine, up, boxes)
            leg = measure(up, boxes, None)
            if ocr is not None:
                from .legibility import findings_for

                leg.ocr_score = ocr
                leg.findings = findings_for(leg)
        else:
            leg = measure(up, boxes, scores)
        pc.sharpness = leg.sharpness
        findings += leg.findings
        pc.measures["legibility"] = leg.measures()
        if pc.sharpness is None:  # no text to measure on (a bare seal, a blank page): image edges
            pc.sharpness = _edge_sharpness(up)
            pc.measures["legibility"]["measured_on"] = "image edges (no text lines)"
    else:
        ups = upright(image, o.angle)
        big = _faces.detect_faces(ups) if o.angle else fcs
        pc.sharpness = _photo_sharpness(ups, big[0] if big else None)
        if pc.sharpness is not None:
            pc.measures["photo_sharpness"] = {"sharpness": round(pc.sharpness, 3), "allowed_min": PHOTO_SHARP_MIN}
            if pc.sharpness < PHOTO_SHARP_MIN:
                findings.append(finding(
                    "BLURRY", ERROR,
                    f"照片模糊：清晰度 {pc.sharpness:.2f}（要求 ≥ {PHOTO_SHARP_MIN:.2f}）/ the photo is blurred: sharpness "
                    f"{pc.sharpness:.2f} (required ≥ {PHOTO_SHARP_MIN:.2f})",
                    value={"sharpness": round(pc.sharpness, 3), "allowed_min": PHOTO_SHARP_MIN}))
    if expect == "document" and pc.kind == "photo":
        findings += _photo_not_document(feat)
    pc.findings = findings
    pc.seconds = time.perf_counter() - t0
    return pc, up


def _quad(b) -> np.ndarray:
    x0, y0, x1, y1 = b
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def up_wh(w: int, h: int, angle: int) -> tuple[int, int]:
    return (h, w) if angle in (90, 270) else (w, h)


def _read_some(engine, image: np.ndarray, boxes: Sequence, k: int = 8) -> float | None:
    from .legibility import _pick_lines

    idx = _pick_lines(boxes, k)
    crops = []
    for i in idx:
        x0, y0, x1, y1 = (int(v) for v in boxes[i])
        c = image[max(0, y0):y1, max(0, x0):x1]
        if c.size:
            crops.append(c)
    if not crops:
        return None
    try:
        res = engine.recognize(crops)
    except Exception:
        return None
    return float(np.mean([s if t.strip() else 0.0 for t, s in res])) if res else None


def run_check(masker, doc: Document, expect: str = "document") -> CheckResult:
    """Check every page of ``doc``; with ``expect="photo"`` also the 1-inch photo rules on the
    first page (turned upright when it was found turned)."""
    if expect not in ("document", "photo"):
        from ..errors import OptionError

        raise OptionError("--expect 只能是 document 或 photo / --expect must be document or photo")
    pages = []
    first_up = None
    for page in doc.pages:
        pc, up = check_page(masker, page, expect)
        pc.unit = "px"
        if first_up is None and up is not None:
            first_up = up
        pages.append(pc)
    photo = None
    if expect == "photo":
        if first_up is None:
            first_up = doc.pages[0].image
        photo = check_photo(first_up)
    return CheckResult(input=doc.name, pages=pages, photo=photo, expect=expect)
