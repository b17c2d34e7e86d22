"""The per-file job, the same for every backend (local processes, Ray actors).

``process_job(masker, job)`` never raises: a bad or failing file becomes a row with verdict
``error`` and the error's code and message, so the batch goes on. It returns one *row*: the
row's identity, the verdict, the codes, the seconds, the full contract JSON of the audit /
check / propose, and the annotated thumbnails of failing pages (JPEG bytes, which the driver
writes to ``DIR/thumbs/`` and replaces by file names).
"""
from __future__ import annotations

import os
import time
import traceback
from typing import Any

from ..errors import MaskerError
from .manifest import Job

#: BGR colours for the annotated thumbnails
RED = (40, 40, 220)
AMBER = (0, 176, 255)
BLUE = (200, 120, 30)
THUMB_MAX = 560  # px, the longer side

#: error codes that a retry might change (the worker died, ran out of time, a bug): a resumed
#: batch runs these rows again; input errors (exit code 2) are final.
TRANSIENT_ERRORS = ("WORKER_CRASHED", "TIMEOUT", "INTERNAL", "NOT_AVAILABLE")


def error_row(job: Job, code: str, message: str, exit_code: int = 2, seconds: float = 0.0,
              detail: str | None = None) -> dict[str, Any]:
    row = base_row(job)
    row.update(verdict="error", codes=[code], seconds=round(seconds, 3),
               error={"code": code, "message": message, "exit_code": exit_code})
    if detail:
        row["error"]["detail"] = detail
    return row


def base_row(job: Job) -> dict[str, Any]:
    return {"key": job.key, "row": job.row, "file": job.file, "applicant": job.name, "unit": job.unit,
            "mode": job.mode, "expect": job.expect if job.mode == "check" else None,
            "original": job.original or None, "file_sha256": job.file_sha256,
            "verdict": None, "codes": [], "seconds": 0.0, "error": None, "result": None,
            "worker": os.getpid()}


def file_verdict(mode: str, result: dict) -> str:
    if mode == "propose":
        return "proposed"
    return "pass" if result.get("verdict") == "pass" else "fail"


def page_findings(result: dict, index: int) -> list[dict]:
    for p in result.get("pages") or []:
        if p.get("index") == index:
            return list(p.get("findings") or []) + list(p.get("warnings") or [])
    return []


def all_codes(result: dict) -> list[str]:
    codes: list[str] = []
    for p in result.get("pages") or []:
        for f in list(p.get("findings") or []) + list(p.get("warnings") or []):
            codes.append(f.get("code", "?"))
    for f in (result.get("photo") or {}).get("findings") or []:
        codes.append(f.get("code", "?"))
    for f in result.get("warnings") or []:
        codes.append(f.get("code", "?"))
    return sorted(set(codes))


def failing_pages(result: dict) -> list[int]:
    """Pages with an error-severity finding (photo findings count on page 0)."""
    out = []
    for p in result.get("pages") or []:
        if any(f.get("severity") == "error" for f in p.get("findings") or []):
            out.append(int(p.get("index", 0)))
    photo = result.get("photo") or {}
    if any(f.get("severity") == "error" for f in photo.get("findings") or []) and 0 not in out:
        out.append(0)
    if not out and result.get("verdict") == "fail" and result.get("pages"):
        out.append(int(result["pages"][0].get("index", 0)))
    return sorted(out)


def process_job(masker, job: Job, data: bytes | None = None, original_data: bytes | None = None,
                thumbs: bool = True) -> dict[str, Any]:
    """Run one job with an already-built ``Masker``. ``data``/``original_data``: the bytes, when
    the worker cannot read the paths itself (Ray on other machines)."""
    t0 = time.perf_counter()
    c0 = time.process_time()
    if job.problem:
        return error_row(job, job.problem["code"], job.problem["message"])
    src = data if data is not None else job.path
    name = os.path.basename(job.file)
    try:
        if job.mode == "propose":
            res = masker.propose(src, job.name, job.unit or None, input_name=name)
        elif job.mode == "check":
            res = masker.check(src, expect=job.expect, input_name=name)
        else:
            orig = original_data if original_data is not None else (job.original_path or None)
            res = masker.audit(src, job.name, job.unit or None, original=orig, input_name=name)
        result = res.to_dict() if hasattr(res, "to_dict") else dict(res)
    except MaskerError as e:
        return error_row(job, e.code, e.message, e.exit_code, time.perf_counter() - t0)
    except ImportError as e:
        return error_row(job, "NOT_AVAILABLE", f"此功能尚未安装 / this mode is not available ({type(e).__name__})",
                         3, time.perf_counter() - t0, detail=str(e)[:300])
    except MemoryError:
        return error_row(job, "TOO_LARGE", "文件过大，内存不足 / the file needs too much memory", 2,
                         time.perf_counter() - t0)
    except Exception as e:  # noqa: BLE001 - one file's bug must not stop the batch
        tb = traceback.format_exc(limit=6)
        return error_row(job, "INTERNAL", f"内部错误 / internal error: {type(e).__name__}", 3,
                         time.perf_counter() - t0, detail=tb[-2000:])
    seconds = time.perf_counter() - t0
    row = base_row(job)
    # cpu_seconds: this worker process's CPU time for the file, all its threads together
    row.update(verdict=file_verdict(job.mode, result), codes=all_codes(result), seconds=round(seconds, 3),
               cpu_seconds=round(time.process_time() - c0, 3), result=result)
    if thumbs and row["verdict"] == "fail":
        try:
            row["_thumbs"] = make_thumbnails(masker, src, name, result)
        except Exception as e:  # noqa: BLE001 - a thumbnail is a nicety; never lose the verdict for it
            row["thumb_error"] = type(e).__name__
    return row


# ---------------------------------------------------------------- thumbnails

def make_thumbnails(masker, src, name: str, result: dict) -> dict[str, bytes]:
    """JPEG thumbnails of the failing pages with the findings drawn (red errors, amber
    warnings, blue the masks the audit found), keyed by page index as a string."""
    import cv2

    pages = failing_pages(result)
    if not pages:
        return {}
    doc = masker.load(src, name)
    out: dict[str, bytes] = {}
    try:
        by_index = {int(p.get("index", i)): p for i, p in enumerate(result.get("pages") or [])}
        for idx in pages:
            if idx >= len(doc.pages):
                continue
            page = doc.pages[idx]
            image = page.image
            pr = by_index.get(idx, {})
            findings = list(pr.get("findings") or []) + list(pr.get("warnings") or [])
            if idx == 0:
                findings += list((result.get("photo") or {}).get("findings") or [])
            thumb = annotate(image, page.scale, findings, pr.get("masks_found") or [])
            ok, buf = cv2.imencode(".jpg", thumb, [cv2.IMWRITE_JPEG_QUALITY, 72])
            if ok:
                out[str(idx)] = buf.tobytes()
    finally:
        doc.close()
    return out


def annotate(image, scale: float, findings: list[dict], masks_found: list[dict] | None = None):
    """Downscale the page to a thumbnail and draw the findings on it. Boxes are in file units
    (px, or PDF points with ``scale`` pixels per point)."""
    import cv2

    h, w = image.shape[:2]
    k = min(1.0, THUMB_MAX / max(h, w))
    thumb = cv2.resize(image, (max(1, round(w * k)), max(1, round(h * k))), interpolation=cv2.INTER_AREA) \
        if k < 1.0 else image.copy()
    if thumb.ndim == 2:
        thumb = cv2.cvtColor(thumb, cv2.COLOR_GRAY2BGR)
    th, tw = thumb.shape[:2]
    f = scale * k

    def rect(box):
        x0, y0, x1, y1 = (float(v) * f for v in box)
        return (int(max(0, min(tw - 1, x0))), int(max(0, min(th - 1, y0))),
                int(max(0, min(tw - 1, x1))), int(max(0, min(th - 1, y1))))

    for m in masks_found or []:
        if m.get("box"):
            x0, y0, x1, y1 = rect(m["box"])
            cv2.rectangle(thumb, (x0, y0), (x1, y1), BLUE, 1)
    banner: list[tuple[str, tuple]] = []
    # warnings first so errors are drawn on top
    for fd in sorted(findings, key=lambda d: d.get("severity") == "error"):
        colour = RED if fd.get("severity") == "error" else AMBER
        code = str(fd.get("code", "?"))
        if fd.get("box"):
            x0, y0, x1, y1 = rect(fd["box"])
            cv2.rectangle(thumb, (x0, y0), (x1, y1), colour, 2)
            _label(thumb, code, x0, y0, colour)
        else:
            banner.append((code, colour))
    if banner:  # page-level findings: a frame and the codes across the top
        worst = RED if any(c == RED for _, c in banner) else AMBER
        cv2.rectangle(thumb, (0, 0), (tw - 1, th - 1), worst, 3)
        x = 4
        for code, colour in banner:
            x = _label(thumb, code, x, 0, colour, below=True) + 4
    return thumb


def _label(img, text: str, x: int, y: int, colour, below: bool = False) -> int:
    import cv2

    font, s, t = cv2.FONT_HERSHEY_SIMPLEX, 0.42, 1
    (tw, th), base = cv2.getTextSize(text, font, s, t)
    h, w = img.shape[:2]
    x = max(0, min(x, w - tw - 4))
    top = y + 3 if below or y - th - 6 < 0 else y - th - 6
    cv2.rectangle(img, (x, top), (x + tw + 4, top + th + base + 2), colour, -1)
    cv2.putText(img, text, (x + 2, top + th + 1), font, s, (255, 255, 255), t, cv2.LINE_AA)
    return x + tw + 4
