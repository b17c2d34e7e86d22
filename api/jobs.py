"""The blocking work of each endpoint, run inside a worker (process or thread) over one ``Masker``.

A job is a plain dict (picklable, so it crosses a pipe to a worker process)::

    {"op": "propose", "rid": "<request id>", "kw": {...}}

and its reply is a plain dict: ``{"ok": True, "json": {...}, "data": bytes | None, "format": str}``
or ``{"ok": False, "status": 4xx/5xx, "code": ..., "message": ...}``. Library errors become their
``http_status``; nothing here logs a name, a unit or file content.
"""
from __future__ import annotations

import base64
import logging
import math
import time
from typing import Any

import numpy as np

from masker.errors import MaskerError, OptionError, PolicyError
from masker.geometry import clip, overlap_area, rotate_box
from masker.masker import Masker, _query
from masker.results import Mask, PageResult, ProposeResult

log = logging.getLogger("masker.api.worker")

MASK_KINDS = ("name", "seal", "signature")
MAX_USER_MASKS = 500

#: modules whose absence means the endpoint is not built yet (answered 501, not 500)
_OPTIONAL_MODULES = ("masker.audit", "masker.compliance.check")


def make_masker(engine: str | None = None) -> Masker:
    m = Masker(engine=engine)
    m.warm_up()  # load now, once (and prepare the usual shapes where MASKER_OCR_WARM_UP=1)
    return m


# ------------------------------------------------------------------ previews

def encode_preview(image: np.ndarray, max_side: int) -> tuple[str, int, int]:
    """A JPEG (base64) of a BGR page, longest side at most ``max_side`` pixels."""
    import cv2

    h, w = image.shape[:2]
    s = min(1.0, max_side / max(h, w))
    if s < 1.0:
        image = cv2.resize(image, (max(1, round(w * s)), max(1, round(h * s))), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 82])
    if not ok:  # pragma: no cover - cv2 always encodes a uint8 BGR array
        raise MaskerError("预览编码失败 / preview encoding failed")
    return base64.b64encode(buf.tobytes()).decode("ascii"), image.shape[1], image.shape[0]


def _round_box(b, unit: str) -> list:
    if unit == "px":
        return [int(math.floor(b[0])), int(math.floor(b[1])), int(math.ceil(b[2])), int(math.ceil(b[3]))]
    return [round(float(v), 2) for v in b]


# ------------------------------------------------------------------ ops

def op_propose(m: Masker, data: bytes, input_name: str, name: str, unit: str | None,
               preview: bool = False, preview_side: int = 1600, preview_pages: int = 30) -> dict:
    query = _query(name, unit)
    doc = m.load(data, input_name)
    try:
        pages: list[PageResult] = []
        extra: list[dict] = []
        for page in doc.pages:
            t0 = time.perf_counter()
            ctx = m.analyse(page, query)  # focused on the query, as the CLI's propose is
            pres = m.propose_page(ctx, query)
            pres.seconds = time.perf_counter() - t0
            pages.append(pres)
            if preview:
                ex: dict[str, Any] = {}
                W, H = page.width, page.height
                ex["lines"] = [_round_box(rotate_box(l.box, ctx.orientation, W, H), page.unit) for l in ctx.lines]
                if page.index < preview_pages:
                    b64, pw, ph = encode_preview(page.image, preview_side)
                    ex["preview"] = {"mime": "image/jpeg", "data": b64, "width": pw, "height": ph,
                                     "scale": pw / W if W else 1.0}
                extra.append(ex)
        out = ProposeResult(input=doc.name, pages=pages).to_dict()
        for p, ex in zip(out["pages"], extra):
            p.update(ex)
        return {"json": out}
    finally:
        doc.close()


def op_redact(m: Masker, data: bytes, input_name: str, name: str, unit: str | None) -> dict:
    out, res = m.redact(data, name, unit, input_name=input_name)
    return {"json": res.to_dict(), "data": out, "format": _format_of(out)}


def _line_height_at(lines: list, box) -> float | None:
    best = None
    for lb in lines or ():
        if overlap_area(tuple(lb), box) > 0:
            h = lb[3] - lb[1]
            best = h if best is None else max(best, h)
    return best


def validate_masks(masks: Any, pages: list[tuple[float, float]], policy) -> list[dict]:
    """Check user-edited boxes against the page sizes and the policy. Returns per-box results
    ``{"ok", "reason", "box"}`` (the box clipped to the page). Raises OptionError on malformed input."""
    if not isinstance(masks, list):
        raise OptionError("masks 必须是列表 / masks must be a list", code="BAD_MASKS")
    if len(masks) > MAX_USER_MASKS:
        raise OptionError(f"遮盖框过多（上限 {MAX_USER_MASKS}）/ too many boxes (limit {MAX_USER_MASKS})",
                          code="BAD_MASKS")
    results = []
    for i, item in enumerate(masks):
        if not isinstance(item, dict):
            raise OptionError(f"第 {i + 1} 个遮盖框格式错误 / box {i + 1} is malformed", code="BAD_MASKS")
        page = item.get("page", 0)
        kind = item.get("kind", "name")
        box = item.get("box")
        lh = item.get("line_height")
        if isinstance(page, bool) or not isinstance(page, int) or not 0 <= page < len(pages):
            raise OptionError(f"第 {i + 1} 个遮盖框的页码无效 / box {i + 1}: no such page", code="BAD_MASKS")
        if kind not in MASK_KINDS:
            raise OptionError(f"第 {i + 1} 个遮盖框类型无效 / box {i + 1}: kind must be name, seal or signature",
                              code="BAD_MASKS")
        if (not isinstance(box, list) or len(box) != 4
                or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in box)):
            raise OptionError(f"第 {i + 1} 个遮盖框坐标无效 / box {i + 1}: box must be 4 numbers", code="BAD_MASKS")
        if lh is not None and (isinstance(lh, bool) or not isinstance(lh, (int, float)) or not math.isfinite(lh)
                               or lh <= 0):
            lh = None
        W, H = pages[page]
        b = clip((float(box[0]), float(box[1]), float(box[2]), float(box[3])), W, H)
        reason = policy.check_mask(kind, b, W, H, line_height=lh)
        results.append({"page": page, "kind": kind, "box": b, "ok": reason is None, "reason": reason,
                        "line_height": lh})
    return results


def op_apply(m: Masker, data: bytes, input_name: str, name: str, unit: str | None, masks: Any,
             lines: Any = None) -> dict:
    """Apply exactly the boxes the applicant confirmed (the web page's download)."""
    from masker.render import render_document

    _query(name, unit)
    doc = m.load(data, input_name)
    try:
        sizes = [(p.width, p.height) for p in doc.pages]
        checked = validate_masks(masks, sizes, m.policy)
        refused = [c for c in checked if not c["ok"]]
        if refused:
            c = refused[0]
            raise PolicyError(f"第 {c['page'] + 1} 页的遮盖框不符合规则：{c['reason']} / a box on page "
                              f"{c['page'] + 1} is refused by the policy")
        pages = [PageResult(index=p.index, width=p.width, height=p.height, unit=p.unit) for p in doc.pages]
        for c in checked:
            pages[c["page"]].masks.append(Mask(c["kind"], c["box"], text="", score=1.0,
                                               reason="申报人确认 / confirmed by the applicant", rule="user"))
        result = ProposeResult(input=doc.name, pages=pages)
        out = render_document(doc, result, name=name, unit=unit)
    finally:
        doc.close()
    return {"json": result.to_dict(), "data": out, "format": _format_of(out)}


def op_audit(m: Masker, data: bytes, input_name: str, name: str, unit: str | None,
             original: bytes | None = None) -> dict:
    res = m.audit(data, name, unit, original=original, input_name=input_name)
    return {"json": res.to_dict()}


def op_check(m: Masker, data: bytes, input_name: str, expect: str = "document") -> dict:
    res = m.check(data, expect=expect, input_name=input_name)
    return {"json": res.to_dict()}


def op_ping(m: Masker) -> dict:
    return {"json": {"engine": getattr(m.engine, "name", "?")}}


OPS = {"propose": op_propose, "redact": op_redact, "apply": op_apply, "audit": op_audit,
       "check": op_check, "ping": op_ping}


def _format_of(data: bytes) -> str:
    from masker.io import sniff_format

    return sniff_format(data) or "bin"


def _frames_only(e: BaseException) -> str:
    """A traceback with file/line/function only: exception messages may quote user data."""
    import traceback

    frames = traceback.extract_tb(e.__traceback__)
    lines = [f'  File "{f.filename}", line {f.lineno}, in {f.name}' for f in frames[-12:]]
    return "\n".join(lines + [f"{type(e).__module__}.{type(e).__name__}"])


def execute(m: Masker, job: dict) -> dict:
    """Run one job; never raises."""
    op = job.get("op")
    rid = job.get("rid", "-")
    try:
        fn = OPS[op]
        reply = fn(m, **job.get("kw", {}))
        reply["ok"] = True
        return reply
    except MaskerError as e:
        return {"ok": False, "status": e.http_status, "code": e.code, "message": e.message}
    except MemoryError:
        return {"ok": False, "status": 413, "code": "TOO_LARGE",
                "message": "文件过大，内存不足 / the file needs too much memory"}
    except ImportError as e:  # ModuleNotFoundError, or a module still without its function
        if e.name in _OPTIONAL_MODULES:
            return {"ok": False, "status": 501, "code": "NOT_AVAILABLE",
                    "message": "此功能尚未提供 / this function is not available in this version"}
        log.error("rid=%s op=%s internal error\n%s", rid, op, _frames_only(e))
        return {"ok": False, "status": 500, "code": "INTERNAL", "message": f"内部错误 / internal error: {type(e).__name__}"}
    except Exception as e:  # noqa: BLE001 - a worker must answer, never die on one file
        log.error("rid=%s op=%s internal error\n%s", rid, op, _frames_only(e))
        return {"ok": False, "status": 500, "code": "INTERNAL", "message": f"内部错误 / internal error: {type(e).__name__}"}
