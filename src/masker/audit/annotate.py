"""``--annotate OUT.png``: the audited pages with every finding drawn on them, for a person.

Errors in red, warnings in amber, each with its code; every found mask outlined in blue with its
style; a banner with the verdict on top of the first page. All pages are stacked top to bottom
(each scaled to at most ``MAX_WIDTH`` px wide).
"""
from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from ..io import Document
from .result import AuditPage, AuditResult

RED = (40, 40, 220)
AMBER = (0, 170, 255)
BLUE = (220, 120, 20)
GREEN = (60, 160, 60)
MAX_WIDTH = 1600


def _label(img: np.ndarray, text: str, x: int, y: int, colour, scale: float) -> None:
    font = cv2.FONT_HERSHEY_SIMPLEX
    th = max(1, int(round(scale * 2)))
    (tw, tht), base = cv2.getTextSize(text, font, scale, th)
    y = max(tht + base + 2, y)
    x = max(0, min(x, img.shape[1] - tw - 4))
    cv2.rectangle(img, (x, y - tht - base - 2), (x + tw + 4, y + 1), colour, -1)
    cv2.putText(img, text, (x + 2, y - base), font, scale, (255, 255, 255), th, cv2.LINE_AA)


def draw_page(image: np.ndarray, ap: AuditPage, scale: float, verdict: str | None = None) -> np.ndarray:
    img = image.copy() if image.ndim == 3 else cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    h, w = img.shape[:2]
    fs = max(0.45, min(1.2, w / 1800))
    lw = max(2, int(round(w / 600)))

    def px(b):
        return [int(round(v * scale)) for v in b]

    for m in ap.masks_found:
        x0, y0, x1, y1 = px(m.box)
        cv2.rectangle(img, (x0 - lw, y0 - lw), (x1 + lw, y1 + lw), BLUE, lw)
        _label(img, m.style, x0, y1 + int(22 * fs) + lw, BLUE, fs * 0.7)
    banner_y = int(40 * fs) + 10
    for f in sorted(ap.findings, key=lambda f: f.severity == "error"):
        colour = RED if f.severity == "error" else AMBER
        if f.box is None or f.code in ("NOT_UPRIGHT", "ILLEGIBLE"):
            banner_y += int(34 * fs) + 6
            _label(img, f"{f.code}", 10, banner_y, colour, fs)
            continue
        x0, y0, x1, y1 = px(f.box)
        pad = 2 * lw
        cv2.rectangle(img, (x0 - pad, y0 - pad), (x1 + pad, y1 + pad), colour, lw + 1)
        _label(img, f.code, x0 - pad, y0 - pad - 2, colour, fs * 0.8)
    if verdict is not None:
        _label(img, f"AUDIT: {verdict.upper()}", 10, int(40 * fs) + 10, RED if verdict == "fail" else GREEN, fs * 1.2)
    return img


def render(doc: Document, result: AuditResult) -> np.ndarray:
    out = []
    for i, (page, ap) in enumerate(zip(doc.pages, result.pages)):
        img = draw_page(page.image, ap, float(page.scale or 1.0), result.verdict if i == 0 else None)
        h, w = img.shape[:2]
        if w > MAX_WIDTH:
            f = MAX_WIDTH / w
            img = cv2.resize(img, (MAX_WIDTH, max(1, int(round(h * f)))), interpolation=cv2.INTER_AREA)
        out.append(img)
    if not out:
        return np.full((100, 400, 3), 255, np.uint8)
    width = max(i.shape[1] for i in out)
    rows = []
    for k, img in enumerate(out):
        if img.shape[1] < width:
            img = cv2.copyMakeBorder(img, 0, 0, 0, width - img.shape[1], cv2.BORDER_CONSTANT, value=(255, 255, 255))
        rows.append(img)
        if k < len(out) - 1:
            rows.append(np.full((12, width, 3), 128, np.uint8))
    return np.vstack(rows)


def draw_document(doc: Document, result: AuditResult, path: str | Path) -> Path:
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    img = render(doc, result)
    ok, buf = cv2.imencode(".png", img)
    if not ok:
        raise RuntimeError("could not encode the annotated page")
    p.write_bytes(buf.tobytes())
    return p
