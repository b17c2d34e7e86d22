"""Page orientation (0/90/180/270, the clockwise turn of the content, as in CONTRACT.md) and skew.

Evidence, cheapest first:

1. **Line geometry.** The detector finds text lines as long boxes. On a page turned 90/270 the
   lines run down the page: tall, narrow boxes. That settles the axis (0/180 or 90/270).
2. **Recognition scores of the first pass.** rapidocr reads a wide crop as it is and turns a tall
   crop (h/w ≥ 1.5) counter-clockwise before reading it, so the first pass already tested the
   hypothesis 0 (wide lines) or 90 (tall lines): high scores there mean that hypothesis holds.
   Lines read the wrong way round score low (and below 0.5 are dropped altogether).
3. **The PP-OCR 0/180 line classifier** (``ch_ppocr_mobile_v2.0_cls_mobile.onnx``, shipped in the
   rapidocr wheel) on a handful of line pieces cut to its 4:1 input, voting.
4. **Recognition both ways** on the same pieces when 2 and 3 disagree or are weak, and on all four
   turns when the geometry cannot tell the axis (a few short lines: ID cards, certificates).

When the first pass gives too few or too poor lines (a page upside down loses most of its lines
to the 0.5 score filter), the detector alone is run once more to get every text box, whatever
its score. On an upright page with readable text only step 3 runs on top of the first pass:
a few milliseconds.

Skew: the slope of character centres along long lines (median over lines), in degrees;
positive when the content is turned clockwise, like the orientation.
"""
from __future__ import annotations

import logging
import math
import os
import threading
from dataclasses import dataclass, field
from typing import Sequence

import cv2
import numpy as np

from ..ocr.base import OcrEngine, TextLine

log = logging.getLogger(__name__)

Quad = np.ndarray  # (4, 2) float32: tl, tr, br, bl


#: a page is turned only when, turned, its sampled lines read with at least this mean confidence
TURN_MIN_READ = 0.75


@dataclass
class Orientation:
    angle: int = 0
    confidence: float = 0.0
    skew_deg: float = 0.0
    #: how it was decided and the votes, for reports and debugging
    details: dict = field(default_factory=dict)


# ---------------------------------------------------------------- the 0/180 classifier

_CLS_LOCK = threading.Lock()
_CLS_SESSION = None
_CLS_FAILED = False


def _cls_model_path() -> str | None:
    env = os.environ.get("MASKER_CLS_MODEL")
    if env and os.path.exists(env):
        return env
    try:
        import rapidocr

        p = os.path.join(os.path.dirname(rapidocr.__file__), "models", "ch_ppocr_mobile_v2.0_cls_mobile.onnx")
        return p if os.path.exists(p) else None
    except ImportError:
        return None


def _cls_session():
    """The 0/180 classifier on the OCR's runtime (``masker.ocr.runtime``: a batch of 8 pieces takes
    ~4 ms on OpenVINO here, ~7 ms on the single-thread onnxruntime session it had); None where the
    model is missing or broken."""
    global _CLS_SESSION, _CLS_FAILED
    if _CLS_SESSION is not None or _CLS_FAILED:
        return _CLS_SESSION
    with _CLS_LOCK:
        if _CLS_SESSION is None and not _CLS_FAILED:
            path = _cls_model_path()
            try:
                from ..ocr.runtime import open_model

                _CLS_SESSION = open_model(path) if path else None
            except Exception as e:  # a missing or broken model only costs this evidence
                log.warning("direction classifier unavailable: %s", e)
                _CLS_SESSION = None
            _CLS_FAILED = _CLS_SESSION is None
    return _CLS_SESSION


def cls_upright_prob(crops: Sequence[np.ndarray]) -> np.ndarray | None:
    """P(piece is upright) for wide BGR line pieces, from the PP-OCR 0/180 classifier."""
    model = _cls_session()
    if model is None or not crops:
        return None
    batch = np.zeros((len(crops), 3, 48, 192), np.float32)
    for i, c in enumerate(crops):
        if c.ndim == 2:
            c = cv2.cvtColor(c, cv2.COLOR_GRAY2BGR)
        h, w = c.shape[:2]
        rw = min(192, max(1, int(math.ceil(48 * w / max(1, h)))))
        r = cv2.resize(c, (rw, 48), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        batch[i, :, :, :rw] = (r.transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
    out = model(batch)
    return np.asarray(out[:, 0], dtype=np.float64)


# ---------------------------------------------------------------- text boxes without reading

def detect_quads(engine: OcrEngine | None, image: np.ndarray) -> list[Quad] | None:
    """Every text box of the page from the detector alone (no recognition, no score filter).

    Uses ``engine.detect`` when the engine has one, else rapidocr's detector inside
    ``RapidOcrEngine``; None when neither is there."""
    if engine is None:
        return None
    fn = getattr(engine, "detect", None)
    try:
        if callable(fn):
            return [np.asarray(q, np.float32).reshape(4, 2) for q in fn(image)]
        ocr = getattr(engine, "_ocr", None)
        if ocr is not None and hasattr(ocr, "_load_det_model"):
            img = image if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
            h, w = img.shape[:2]
            pad = 0
            if min(h, w) < 32:  # the detector needs some room around tiny crops
                pad = 16
                img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
            out = ocr._load_det_model()(img)
            if out is None or out.boxes is None:
                return []
            return [np.asarray(q, np.float32).reshape(4, 2) - pad for q in out.boxes]
    except Exception as e:  # evidence only: never fail the page for it
        log.warning("text detection for orientation failed: %s", e)
    return None


def quad_of_box(box) -> Quad:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


# ---------------------------------------------------------------- crops

def _crop(image: np.ndarray, q: Quad) -> np.ndarray | None:
    """Crop of a box (with a small margin) as it lies in the image: a tilted detector box is
    straightened (a long column tilted 2° would otherwise take in its neighbours), an upright one
    is cut as it is."""
    H, W = image.shape[:2]
    q = np.asarray(q, np.float32)
    e1, e2 = q[1] - q[0], q[3] - q[0]
    w, h = float(np.hypot(*e1)), float(np.hypot(*e2))
    tilt = abs(math.degrees(math.atan2(e1[1], e1[0]))) if w > 0 else 0.0
    if 0.3 < tilt < 20.0 and w >= 4 and h >= 4:
        m = 0.08 * min(w, h)
        u, v = e1 / w, e2 / h
        src = np.array([q[0] - m * u - m * v, q[1] + m * u - m * v, q[2] + m * u + m * v, q[3] - m * u + m * v], np.float32)
        ow, oh = int(round(w + 2 * m)), int(round(h + 2 * m))
        dst = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float32)
        M = cv2.getPerspectiveTransform(src, dst)
        return cv2.warpPerspective(image, M, (ow, oh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    x0, y0 = q.min(axis=0)
    x1, y1 = q.max(axis=0)
    m = 0.08 * min(x1 - x0, y1 - y0)
    x0, y0 = max(0, int(x0 - m)), max(0, int(y0 - m))
    x1, y1 = min(W, int(math.ceil(x1 + m))), min(H, int(math.ceil(y1 + m)))
    if x1 - x0 < 4 or y1 - y0 < 4:
        return None
    return image[y0:y1, x0:x1]


def _upright_under(crop: np.ndarray, angle: int) -> np.ndarray:
    """The crop as it would look upright if the page's orientation were ``angle``."""
    if angle == 0:
        return crop
    code = {90: cv2.ROTATE_90_COUNTERCLOCKWISE, 180: cv2.ROTATE_180, 270: cv2.ROTATE_90_CLOCKWISE}[angle]
    return cv2.rotate(crop, code)


def _pieces(line: np.ndarray, max_pieces: int = 2) -> list[np.ndarray]:
    """Cut a wide line crop into pieces of about 4:1 (the classifier's input shape)."""
    h, w = line.shape[:2]
    pw = int(4 * h)
    if w <= pw * 1.25:
        return [line]
    starts = [0, (w - pw) // 2, w - pw][:max_pieces] if max_pieces > 1 else [0]
    return [line[:, s:s + pw] for s in starts]


# ---------------------------------------------------------------- skew

def skew_from_lines(lines: Sequence[TextLine], vertical: bool = False) -> float | None:
    """Median slope of character centres along lines with ≥ 5 characters, degrees, positive when
    the content is turned clockwise. ``vertical``: the lines run down the page."""
    slopes, weights = [], []
    for l in lines:
        if len(l.chars) < 5:
            continue
        xs = np.array([(c.box[0] + c.box[2]) / 2 for c in l.chars], np.float64)
        ys = np.array([(c.box[1] + c.box[3]) / 2 for c in l.chars], np.float64)
        a, b = (ys, xs) if vertical else (xs, ys)
        if np.ptp(a) < 1e-6:
            continue
        k = np.polyfit(a, b, 1)[0]
        ang = math.degrees(math.atan(k))
        slopes.append(-ang if vertical else ang)
        weights.append(len(l.chars))
    if not slopes:
        return None
    order = np.argsort(slopes)
    s, w = np.asarray(slopes)[order], np.asarray(weights, np.float64)[order]
    cw = np.cumsum(w)
    return float(s[np.searchsorted(cw, cw[-1] / 2)])


def skew_from_image(image: np.ndarray, quads: Sequence[Quad]) -> float | None:
    """Skew from the detector's boxes when there are no character boxes: angle of each long
    box's minimum-area rectangle, median."""
    angs = []
    for q in quads:
        (cx, cy), (w, h), a = cv2.minAreaRect(q.astype(np.float32))
        if max(w, h) < 3 * max(1.0, min(w, h)):
            continue
        if w < h:
            a -= 90.0
        a = ((a + 45.0) % 90.0) - 45.0
        angs.append(a)
    return float(np.median(angs)) if angs else None


# ---------------------------------------------------------------- the decision

@dataclass
class _Cand:
    quad: Quad
    score: float | None  # first-pass recognition score (under the axis' base hypothesis)
    w: float
    h: float

    @property
    def ratio(self) -> float:
        return max(self.w, self.h) / max(1.0, min(self.w, self.h))

    @property
    def vertical(self) -> bool:
        return self.h > self.w

    @property
    def long(self) -> float:
        return max(self.w, self.h)


def _cands_from_lines(lines: Sequence[TextLine]) -> list[_Cand]:
    out = []
    for l in lines:
        x0, y0, x1, y1 = l.box
        out.append(_Cand(quad_of_box(l.box), float(l.score), x1 - x0, y1 - y0))
    return out


def _cands_from_quads(quads: Sequence[Quad]) -> list[_Cand]:
    out = []
    for q in quads:
        x0, y0 = q.min(axis=0)
        x1, y1 = q.max(axis=0)
        out.append(_Cand(q, None, float(x1 - x0), float(y1 - y0)))
    return out


def _axis_votes(cands: Sequence[_Cand]) -> tuple[float, float]:
    """Weight of wide and of tall line boxes (short or square boxes say nothing)."""
    hw = vw = 0.0
    for c in cands:
        r = c.ratio
        if r < 1.8:
            continue
        wgt = min(r, 12.0) * max(1.0, min(c.w, c.h)) ** 0.5
        if c.vertical:
            vw += wgt
        else:
            hw += wgt
    return hw, vw


def _pick(cands: Sequence[_Cand], vertical: bool | None, k: int) -> list[_Cand]:
    pool = [c for c in cands if (vertical is None or c.vertical == vertical) and c.ratio >= 1.8]
    if len(pool) < 2:
        pool = [c for c in cands if vertical is None or c.vertical == vertical or c.ratio < 1.8]
    pool.sort(key=lambda c: (min(c.ratio, 8.0) * c.long), reverse=True)
    return pool[:k]


def _pieces_under(image: np.ndarray, cands: Sequence[_Cand], angle: int, per_line: int = 2) -> list[np.ndarray]:
    out = []
    for c in cands:
        cr = _crop(image, c.quad)
        if cr is None:
            continue
        up = _upright_under(cr, angle)
        out += _pieces(up, per_line)
    return out


def _spread(items: list, k: int) -> list:
    """k items taken evenly from a list (pieces come two per line: keep lines apart)."""
    if len(items) <= k:
        return list(items)
    step = len(items) / k
    return [items[int(i * step)] for i in range(k)]


def _rec_scores(engine: OcrEngine | None, crops: Sequence[np.ndarray]) -> np.ndarray | None:
    if engine is None or not crops:
        return None
    try:
        res = engine.recognize(list(crops))
    except Exception as e:
        log.warning("recognition for orientation failed: %s", e)
        return None
    sc = []
    for txt, s in res:
        n = len(txt.strip())
        sc.append(float(s) if n else 0.0)
    return np.asarray(sc, np.float64)


def _cls_vote(probs: np.ndarray | None) -> float:
    """Mean of (2p − 1): +1 all upright, −1 all upside down."""
    if probs is None or len(probs) == 0:
        return 0.0
    return float(np.mean(2.0 * probs - 1.0))


def detect_orientation(image: np.ndarray, lines: list[TextLine], engine: OcrEngine | None) -> Orientation:
    """Orientation of a page image from the first OCR pass's ``lines`` (pixel coordinates of
    ``image``), with more evidence only when the cheap one is not decisive."""
    if image is None or image.size == 0:
        return Orientation(0, 0.0, 0.0, {"method": "empty"})
    cands = _cands_from_lines(lines)
    good = [c for c in cands if c.ratio >= 1.8]
    mean_score = float(np.mean([c.score for c in good])) if good else 0.0
    details: dict = {"lines": len(cands)}
    source = "lines"
    # too little or too poor text from the first pass: take every box from the detector
    if len(good) < 3 or mean_score < 0.85:
        quads = detect_quads(engine, image)
        if quads:
            dc = _cands_from_quads(quads)
            if sum(1 for c in dc if c.ratio >= 1.8) > len(good):
                cands, source = dc, "detector"
    details["source"] = source
    return orient_from_candidates(image, cands, engine, lines=lines, details=details)


def orient_from_quads(image: np.ndarray, quads: Sequence[Quad], engine: OcrEngine | None) -> Orientation:
    """Same decision from detector boxes only (the cheap ``check`` path: no full OCR pass)."""
    return orient_from_candidates(image, _cands_from_quads(quads), engine, lines=(),
                                  details={"source": "detector", "lines": len(quads)})


def orient_from_candidates(image: np.ndarray, cands: Sequence[_Cand], engine: OcrEngine | None,
                           lines: Sequence[TextLine] = (), details: dict | None = None) -> Orientation:
    details = dict(details or {})
    if not cands:
        details["method"] = "no text"
        return Orientation(0, 0.0, 0.0, details)
    hw, vw = _axis_votes(cands)
    details["axis_votes"] = {"wide": round(hw, 1), "tall": round(vw, 1)}
    tot = hw + vw
    axis_conf = abs(hw - vw) / tot if tot > 0 else 0.0
    vertical = vw > hw
    if tot > 0 and axis_conf >= 0.5 and (hw >= 8 or vw >= 8 or axis_conf >= 0.9):
        angle, conf = _decide_pair(image, cands, engine, vertical, details)
        conf *= 0.5 + 0.5 * axis_conf
    else:
        angle, conf = _decide_four(image, cands, engine, details)
    # skew in the frame of the lines as found
    skew = None
    if lines:
        skew = skew_from_lines([l for l in lines if (l.box[3] - l.box[1] > l.box[2] - l.box[0]) == (angle in (90, 270))],
                               vertical=angle in (90, 270))
    if skew is None:
        skew = skew_from_image(image, [c.quad for c in cands if c.score is None]) if any(c.score is None for c in cands) else None
    skew = 0.0 if skew is None else skew
    # (a 180° turn keeps a line's slope, so the skew reads the same upright)
    return Orientation(int(angle), round(float(conf), 3), round(float(skew), 2), details)


def _decide_pair(image, cands, engine, vertical: bool, details: dict) -> tuple[int, float]:
    """0 vs 180 (wide lines) or 90 vs 270 (tall lines)."""
    base = 90 if vertical else 0
    picked = _pick(cands, vertical, 8)
    pieces = _pieces_under(image, picked, base)
    probs = cls_upright_prob(pieces)
    cls = _cls_vote(probs)
    details["cls_vote"] = round(cls, 3)
    details["pieces"] = len(pieces)
    scored = [c.score for c in picked if c.score is not None]
    first = float(np.mean(scored)) if scored else None
    if first is not None:
        details["first_pass_score"] = round(first, 3)
    # cheap exit: the first pass read these lines well the base way round and the classifier agrees
    if first is not None and first >= 0.85 and len(scored) >= 3 and cls >= 0.2:
        details["method"] = "geometry+scores+cls"
        return base, min(1.0, 0.6 + 0.4 * first * (0.5 + 0.5 * cls))
    rs = _rec_scores(engine, _spread(pieces, 6))
    if first is None and rs is not None and len(rs) >= 3 and float(np.mean(rs)) >= 0.85 and cls >= 0.2:
        # no first pass (detector boxes): the pieces read well the base way round
        details["method"] = "geometry+cls+rec one way"
        details["rec_scores"] = [round(float(np.mean(rs)), 3)]
        details["upright_piece_scores"] = [round(float(v), 3) for v in rs]
        return base, min(1.0, 0.6 + 0.4 * float(np.mean(rs)) * (0.5 + 0.5 * cls))
    # otherwise read the pieces both ways
    rf = _rec_scores(engine, [cv2.rotate(p, cv2.ROTATE_180) for p in _spread(pieces, 6)])
    rec = float(np.mean(rs - rf)) if rs is not None and rf is not None and len(rs) else 0.0
    details["rec_vote"] = round(rec, 3)
    if rs is not None and len(rs):
        details["rec_scores"] = [round(float(np.mean(rs)), 3), round(float(np.mean(rf)), 3)]
    vote = 0.5 * cls + 1.5 * rec
    if first is not None and len(scored) >= 3:
        vote += 0.5 * (first - 0.75)
    details["vote"] = round(vote, 3)
    details["method"] = "geometry+cls+rec"
    best_rec = max(float(np.mean(rs)), float(np.mean(rf))) if rs is not None and rf is not None and len(rs) else 0.0
    if best_rec < 0.6 and abs(cls) < 0.6:
        # unreadable either way round (heavy blur, noise, not text): no evidence to turn the page
        details["method"] = "unreadable: kept as found"
        return base, 0.2
    angle = base if vote >= 0 else base + 180
    up_rec = float(np.mean(rs if angle == base else rf)) if rs is not None and rf is not None and len(rs) else 0.0
    if angle != 0 and up_rec < TURN_MIN_READ and (len(picked) < 3 or not vertical):
        # turning a page needs a way round that reads well; a stray line on a photo does not
        details["method"] = "weak evidence: kept as found"
        return 0, 0.2
    if rs is not None and rf is not None and len(rs):
        details["upright_piece_scores"] = [round(float(v), 3) for v in (rs if angle == base else rf)]
    return angle, min(1.0, 0.5 + abs(vote))


def _decide_four(image, cands, engine, details: dict) -> tuple[int, float]:
    """Axis unknown (few or square boxes): read a few pieces under all four turns."""
    picked = _pick(cands, None, 6)
    best, scores = 0, {}
    for a in (0, 90, 180, 270):
        pieces = _pieces_under(image, picked, a, per_line=1)
        rs = _rec_scores(engine, pieces[:6])
        probs = cls_upright_prob(pieces[:6])
        s = (float(np.mean(rs)) if rs is not None and len(rs) else 0.0) + 0.25 * _cls_vote(probs)
        scores[a] = round(s, 3)
    details["four_way"] = scores
    details["method"] = "four-way rec+cls"
    ranked = sorted(scores, key=scores.get, reverse=True)
    best = ranked[0]
    margin = scores[ranked[0]] - scores[ranked[1]]
    if scores[best] <= 0.3:  # nothing readable any way round: keep as is
        return 0, 0.0
    if best != 0 and (scores[best] < TURN_MIN_READ or margin < 0.1):
        details["method"] = "four-way: weak evidence, kept as found"
        return 0, 0.2
    return best, min(1.0, 0.3 + margin)
