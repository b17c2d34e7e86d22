"""The HTTP API of shared/CONTRACT.md and the applicants' web page, on FastAPI.

Endpoints (multipart form: ``file`` and the CLI's options as fields)::

    POST /v1/propose   file, name, unit[, preview]    → propose JSON
    POST /v1/redact    file, name, unit               → the masked file; JSON in X-Masker-Report
    POST /v1/audit     file, name, unit[, original]   → audit JSON
    POST /v1/check     file[, expect]                 → check JSON
    POST /v1/apply     file, name, unit, masks        → the file masked with exactly these boxes
    POST /v1/policy/check  (JSON)                     → which boxes the policy refuses, and why
    GET  /v1/policy                                   → the policy's numbers
    GET  /healthz      200 when the OCR engine is loaded, else 503
    GET  /             the web page (Chinese), /static/* its script and style

Run: ``masker serve`` or ``uvicorn api.app:app``. Settings: ``api/settings.py``, ``api/README.md``.
"""
from __future__ import annotations

import base64
import contextlib
import hmac
import json
import re
import time
import uuid
from importlib import resources
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException

from masker.errors import MaskerError
from masker.policy import DEFAULT_POLICY

from . import models as M
from .errors import ApiError, missing
from .logs import access_log, log, sensitive, setup_logging
from .pool import WorkerPool
from .settings import Settings
from .upload import Form, read_form

MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "tiff": "image/tiff", "bmp": "image/bmp",
               "webp": "image/webp", "pdf": "application/pdf"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "tiff": "tif", "bmp": "bmp", "webp": "webp", "pdf": "pdf"}
_UPLOAD_PATHS = {"/v1/propose", "/v1/redact", "/v1/audit", "/v1/check", "/v1/apply"}
_SMALL_BODY = 1024 * 1024  # JSON bodies (/v1/policy/check) and anything else
#: X-Masker-Report stays under common header limits (h11 clients: 16 KB for all headers; proxies: 4–8 KB)
REPORT_HEADER_MAX = 12_000
_RID = re.compile(r"[A-Za-z0-9._:-]{1,64}")
_STATIC = {"app.js": "text/javascript; charset=utf-8", "style.css": "text/css; charset=utf-8"}
_DOCS_STATIC = {"swagger-ui-bundle.js": "text/javascript; charset=utf-8", "swagger-ui.css": "text/css; charset=utf-8"}
_KNOWN_PATHS = {"/", "/healthz", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect", "/favicon.ico"}
_PAGE_CSP = ("default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
             "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


# ------------------------------------------------------------------ OpenAPI helpers

_ERR = {"model": M.ErrorResponse}
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {**_ERR, "description": "bad input: unreadable, empty, damaged, encrypted PDF, malformed form"},
    401: {**_ERR, "description": "missing or wrong X-API-Key (only when MASKER_API_KEY is set)"},
    413: {**_ERR, "description": "too large: bytes, pixels or pages over a limit"},
    415: {**_ERR, "description": "not an image or PDF (sniffed from the bytes), or not multipart/form-data"},
    422: {**_ERR, "description": "a missing or bad field (name, expect, masks...)"},
    503: {**_ERR, "description": "busy, not ready, or over the time limit; retry after Retry-After seconds",
          "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}},
}
OPTIONAL_ERRORS = {**ERRORS, 501: {**_ERR, "description": "not available in this build (the library function is "
                                                           "missing)"}}
_FILE = {"type": "string", "format": "binary", "description": "JPEG, PNG, TIFF, BMP, WebP or PDF"}
_NAME = {"type": "string", "minLength": 1, "maxLength": 40, "description": "the applicant's name as written in Chinese",
         "examples": ["艾合买提·阿不都热依木"]}
_UNIT = {"type": "string", "maxLength": 200, "description": "the applicant's current unit (employer)",
         "examples": ["阿克苏地区水利局"]}


def _multipart(props: dict, required: list[str]) -> dict:
    return {"requestBody": {"required": True, "content": {"multipart/form-data": {
        "schema": {"type": "object", "properties": props, "required": required},
        "encoding": {"file": {"contentType": "application/octet-stream"}}}}}}


def _file_response(description: str) -> dict:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {200: {"description": description,
                  "content": {mt: binary for mt in MEDIA_TYPES.values()},
                  "headers": {"X-Masker-Report": {"schema": {"type": "string"},
                                                  "description": "base64 of the UTF-8 propose JSON "
                                                                 "(components/schemas/ProposeResponse)"},
                              "Content-Disposition": {"schema": {"type": "string"}}}}}


# ------------------------------------------------------------------ middleware

class RequestContext:
    """Pure ASGI middleware: request id, API key, security headers, the access log line, and the
    last-resort 500 (whose log line holds the exception type and frames, never its message)."""

    def __init__(self, app, settings: Settings):
        self.app = app
        self.settings = settings

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        rid = headers.get("x-request-id", "")
        if not _RID.fullmatch(rid):
            rid = uuid.uuid4().hex
        scope.setdefault("state", {})["rid"] = rid
        path = scope.get("path", "")
        t0 = time.perf_counter()
        sent = {"status": 0, "started": False, "bytes": 0}
        page = path == "/" or path.startswith("/static/")

        async def send_wrapper(message):
            if message["type"] == "http.response.start":
                sent["status"] = message["status"]
                sent["started"] = True
                h = MutableHeaders(scope=message)
                h["X-Request-ID"] = rid
                h["X-Content-Type-Options"] = "nosniff"
                h["Referrer-Policy"] = "no-referrer"
                if path.startswith("/v1/"):
                    h["Cache-Control"] = "no-store"
                if page:
                    h["Content-Security-Policy"] = _PAGE_CSP
                    h["X-Frame-Options"] = "DENY"
            elif message["type"] == "http.response.body":
                sent["bytes"] += len(message.get("body", b""))
            await send(message)

        cap = self.settings.max_body if path in _UPLOAD_PATHS else _SMALL_BODY
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > cap:
            await _error_response(_body_too_large(cap))(scope, receive, send_wrapper)
            self._log(rid, scope, path, sent, t0, headers)
            return
        seen = [0]

        async def receive_capped():
            message = await receive()
            if message["type"] == "http.request":
                seen[0] += len(message.get("body", b""))
                if seen[0] > cap:
                    raise _BodyTooLarge()
            return message

        try:
            key = self.settings.api_key
            if key and path.startswith("/v1/") and scope.get("method") != "OPTIONS":
                given = headers.get("x-api-key", "")
                if not hmac.compare_digest(given.encode("utf-8", "replace"), key.encode("utf-8")):
                    err = ApiError(401, "UNAUTHORIZED", "缺少或错误的 API 密钥（X-API-Key）/ missing or wrong API key "
                                                        "(X-API-Key)")
                    await _error_response(err)(scope, receive, send_wrapper)
                    return
            await self.app(scope, receive_capped, send_wrapper)
        except _BodyTooLarge:
            if not sent["started"]:
                await _error_response(_body_too_large(cap))(scope, receive, send_wrapper)
        except Exception as e:  # noqa: BLE001 - the last resort: an answer, and a log line without user data
            log.error("rid=%s unhandled %s.%s", rid, type(e).__module__, type(e).__name__, exc_info=e)
            if not sent["started"]:
                err = ApiError(500, "INTERNAL", f"内部错误 / internal error: {type(e).__name__}")
                await _error_response(err)(scope, receive, send_wrapper)
        finally:
            self._log(rid, scope, path, sent, t0, headers)

    @staticmethod
    def _log(rid, scope, path, sent, t0, headers) -> None:
        """The access line. Paths outside the API's own are logged as <other>: a path is free text."""
        shown = path if (path in _KNOWN_PATHS or path.startswith("/v1/") and len(path) < 40
                         and re.fullmatch(r"[a-z0-9/]+", path)
                         or re.fullmatch(r"/static/[A-Za-z0-9._-]{1,40}", path)) else "<other>"
        access_log.info("rid=%s %s %s %d %.0fms in=%s out=%d", rid, scope.get("method"), shown, sent["status"],
                        (time.perf_counter() - t0) * 1000, headers.get("content-length", "-"), sent["bytes"])


class _BodyTooLarge(Exception):
    pass


def _body_too_large(cap: int) -> ApiError:
    return ApiError(413, "TOO_LARGE", f"请求过大（上限 {cap} 字节）/ request too large (limit {cap} bytes)")


def _error_response(e: ApiError) -> JSONResponse:
    return JSONResponse(e.to_dict(), status_code=e.status, headers=e.headers)


# ------------------------------------------------------------------ helpers

def _rid(request: Request) -> str:
    return request.scope.get("state", {}).get("rid", "-")


def _pool(request: Request) -> WorkerPool:
    return request.app.state.pool


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _file(form: Form, field: str = "file", required: bool = True) -> tuple[bytes | None, str]:
    part = form.file(field)
    if part is None:
        if required:
            raise missing(field)
        return None, ""
    name = (part.filename or "upload").replace("\\", "/").rsplit("/", 1)[-1][:255] or "upload"
    return bytes(part.data), name


def _text(form: Form, field: str, required: bool = False) -> str | None:
    v = form.text(field)
    if v is None or not v.strip():
        if required:
            raise missing(field)
        return None
    return v


async def _form(request: Request) -> Form:
    s = _settings(request)
    return await read_form(request, max_body=s.max_body, max_file=s.limits.max_bytes, read_timeout=s.read_timeout_s)


async def _run(request: Request, op: str, kw: dict, secrets: list[str | None]) -> dict:
    job = {"op": op, "rid": _rid(request), "kw": kw, "sensitive": [v for v in secrets if v]}
    with sensitive(secrets):
        reply = await _pool(request).run(job)
    if not reply.get("ok"):
        raise ApiError(reply["status"], reply["code"], reply["message"])
    return reply


def _b64json(doc: dict) -> str:
    return base64.b64encode(json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")).decode("ascii")


def report_header(doc: dict, limit: int = REPORT_HEADER_MAX) -> tuple[str, bool]:
    """The X-Masker-Report value, and whether it had to be shortened to fit ``limit`` bytes.

    Shortening keeps the contract's fields for the masks and drops, in this order, what a file
    consumer needs least: the kept items' and warnings' lists, then the masks' text and reasons;
    the JSON then says ``"truncated": true`` (``/v1/propose`` gives the whole JSON)."""
    full = _b64json(doc)
    if len(full) <= limit:
        return full, False
    short = {**doc, "truncated": True,
             "pages": [{**p, "kept": [], "warnings": []} for p in doc.get("pages", [])]}
    short.pop("warnings", None)
    value = _b64json(short)
    if len(value) <= limit:
        return value, True
    short["pages"] = [{k: p[k] for k in ("index", "width", "height", "unit", "orientation") if k in p}
                      | {"masks": [{"kind": m["kind"], "box": m["box"], "text": "", "score": m.get("score", 1.0)}
                                   for m in p.get("masks", [])], "kept": []} for p in doc.get("pages", [])]
    value = _b64json(short)
    if len(value) <= limit:
        return value, True
    return _b64json({"input": doc.get("input", ""), "pages": [], "truncated": True}), True


def _file_reply(reply: dict) -> Response:
    fmt = reply.get("format", "bin")
    value, truncated = report_header(reply["json"])
    headers = {"X-Masker-Report": value,
               "Content-Disposition": f'attachment; filename="masked.{EXTENSIONS.get(fmt, "bin")}"'}
    if truncated:
        headers["X-Masker-Report-Truncated"] = "1"
    return Response(content=reply["data"], media_type=MEDIA_TYPES.get(fmt, "application/octet-stream"),
                    headers=headers)


def _unit(form: Form) -> str | None:
    unit = _text(form, "unit")
    if unit is not None and len(unit.strip()) > 200:
        raise ApiError(422, "BAD_UNIT", "单位名称过长（上限 200 字）/ the unit is too long (limit 200 characters)")
    return unit


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


# ------------------------------------------------------------------ app

def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        setup_logging()
        pool = WorkerPool(settings)
        app.state.pool = pool
        await pool.start(wait=not settings.lazy)
        h = pool.health()
        log.info("ready=%s engine=%s workers=%d pool=%s queue=%d max_bytes=%d", h["ready"], h["engine"],
                 settings.workers, settings.pool, settings.queue, settings.limits.max_bytes)
        try:
            yield
        finally:
            await pool.stop()

    app = FastAPI(title="masker", version="0.1.0", lifespan=lifespan, docs_url=None, redoc_url=None,
                  description="遮盖申报人姓名与现单位公章 / mask the applicant's name and unit seal in application "
                              "scans. Multipart uploads; errors are `{\"error\": {\"code\", \"message\"}}`. "
                              "See shared/CONTRACT.md.")
    app.state.settings = settings
    app.add_middleware(RequestContext, settings=settings)
    if settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=list(settings.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["X-API-Key", "X-Request-ID", "Content-Type"],
                           expose_headers=["X-Masker-Report", "X-Request-ID", "Retry-After", "Content-Disposition"])

    # ---------------------------------------------------------- errors
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, e: ApiError):
        return _error_response(e)

    @app.exception_handler(MaskerError)
    async def _masker_error(request: Request, e: MaskerError):
        return _error_response(ApiError.from_masker(e))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, e: RequestValidationError):
        parts = []
        for err in e.errors()[:5]:
            loc = ".".join(str(x) for x in err.get("loc", ()) if x != "body")
            parts.append(f"{loc or 'body'}: {err.get('msg', 'invalid')}")
        return JSONResponse({"error": {"code": "VALIDATION", "message": "请求字段无效 / invalid request: " + "; ".join(parts)}},
                            status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, e: StarletteHTTPException):
        if isinstance(e.__cause__, _BodyTooLarge):  # FastAPI wraps body-reading errors in a 400
            return _error_response(_body_too_large(_SMALL_BODY))
        codes = {400: "BAD_REQUEST", 404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
        msgs = {400: "请求体无法解析 / the request body cannot be parsed", 404: "没有这个地址 / not found",
                405: "不支持此方法 / method not allowed"}
        return JSONResponse({"error": {"code": codes.get(e.status_code, "HTTP_ERROR"),
                                       "message": msgs.get(e.status_code, "请求错误 / request error")}},
                            status_code=e.status_code, headers=getattr(e, "headers", None))

    # ---------------------------------------------------------- contract endpoints
    @app.post("/v1/propose", response_model=M.ProposeResponse, responses=ERRORS, tags=["contract"],
              summary="找出需遮盖的内容 / find what must be masked",
              openapi_extra=_multipart({"file": _FILE, "name": _NAME, "unit": _UNIT,
                                        "preview": {"type": "boolean", "description": "add page previews and text "
                                                    "line boxes (for the web page)"}}, ["file", "name"]))
    async def propose(request: Request):
        s = _settings(request)
        async with _pool(request).admit():
            form = await _form(request)
            data, fname = _file(form)
            name = _text(form, "name", required=True)
            unit = _unit(form)
            reply = await _run(request, "propose", {
                "data": data, "input_name": fname, "name": name, "unit": unit,
                "preview": _flag(form.text("preview")), "preview_side": s.preview_side,
                "preview_pages": s.preview_pages}, [name, unit])
        return JSONResponse(reply["json"])

    @app.post("/v1/redact", responses={**_file_response("the masked file (same format family); the propose JSON "
                                                        "is in the X-Masker-Report header"), **ERRORS},
              tags=["contract"], summary="输出遮盖后的文件 / the masked file",
              openapi_extra=_multipart({"file": _FILE, "name": _NAME, "unit": _UNIT}, ["file", "name"]))
    async def redact(request: Request):
        async with _pool(request).admit():
            form = await _form(request)
            data, fname = _file(form)
            name = _text(form, "name", required=True)
            unit = _unit(form)
            reply = await _run(request, "redact", {"data": data, "input_name": fname, "name": name, "unit": unit},
                               [name, unit])
        return _file_reply(reply)

    @app.post("/v1/audit", response_model=M.AuditResponse, responses=OPTIONAL_ERRORS, tags=["contract"],
              summary="审核已遮盖文件 / judge a masked file",
              openapi_extra=_multipart({"file": _FILE, "name": _NAME, "unit": _UNIT,
                                        "original": {**_FILE, "description": "the unmasked original (optional)"}},
                                       ["file", "name"]))
    async def audit(request: Request):
        async with _pool(request).admit():
            form = await _form(request)
            data, fname = _file(form)
            original, _ = _file(form, "original", required=False)
            name = _text(form, "name", required=True)
            unit = _unit(form)
            reply = await _run(request, "audit", {"data": data, "input_name": fname, "name": name, "unit": unit,
                                                  "original": original}, [name, unit])
        return JSONResponse(reply["json"])

    @app.post("/v1/check", response_model=M.CheckResponse, responses=OPTIONAL_ERRORS, tags=["contract"],
              summary="图片合规检查 / image compliance",
              openapi_extra=_multipart({"file": _FILE, "expect": {"type": "string", "enum": ["document", "photo"],
                                                                  "default": "document"}}, ["file"]))
    async def check(request: Request):
        async with _pool(request).admit():
            form = await _form(request)
            data, fname = _file(form)
            expect = (_text(form, "expect") or "document").strip()
            if expect not in ("document", "photo"):
                raise ApiError(422, "BAD_OPTION", "expect 只能是 document 或 photo / expect must be document or photo")
            reply = await _run(request, "check", {"data": data, "input_name": fname, "expect": expect}, [])
        return JSONResponse(reply["json"])

    # ---------------------------------------------------------- the web editor's endpoints
    @app.post("/v1/apply", responses={**_file_response("the file masked with exactly the given boxes"), **ERRORS},
              tags=["editor"], summary="按确认的遮盖框输出文件 / mask exactly these boxes",
              openapi_extra=_multipart({"file": _FILE, "name": _NAME, "unit": _UNIT,
                                        "masks": {"type": "string", "description": "JSON list of "
                                                  "{page, kind, box, line_height?} in page units (px or pt)",
                                                  "examples": ['[{"page": 0, "kind": "name", "box": [10, 10, 60, 30]}]']}},
                                       ["file", "name", "masks"]))
    async def apply(request: Request):
        async with _pool(request).admit():
            form = await _form(request)
            data, fname = _file(form)
            name = _text(form, "name", required=True)
            unit = _unit(form)
            raw = _text(form, "masks", required=True)
            try:
                masks = json.loads(raw)
            except (ValueError, RecursionError):
                raise ApiError(422, "BAD_MASKS", "masks 不是有效的 JSON / masks is not valid JSON") from None
            reply = await _run(request, "apply", {"data": data, "input_name": fname, "name": name, "unit": unit,
                                                  "masks": masks}, [name, unit])
        return _file_reply(reply)

    @app.get("/v1/policy", response_model=M.PolicyResponse, tags=["editor"],
             summary="遮盖规则参数 / the mask policy's numbers")
    async def policy():
        from dataclasses import asdict

        return JSONResponse(asdict(DEFAULT_POLICY))

    @app.post("/v1/policy/check", response_model=M.PolicyCheckResponse,
              responses={400: {**_ERR, "description": "the body is not JSON"}, 413: ERRORS[413], 422: ERRORS[422]},
              tags=["editor"], summary="检查遮盖框是否符合规则 / which boxes the policy refuses, and why")
    async def policy_check(body: M.PolicyCheckRequest):
        from .jobs import validate_masks

        sizes = [(p.width, p.height) for p in body.pages]
        masks = [m.model_dump() for m in body.masks]
        try:
            results = validate_masks(masks, sizes, DEFAULT_POLICY)
        except MaskerError as e:
            raise ApiError.from_masker(e) from None
        return JSONResponse({"results": [{"page": r["page"], "kind": r["kind"], "box": [round(v, 2) for v in r["box"]],
                                          "ok": r["ok"], "reason": r["reason"]} for r in results]})

    # ---------------------------------------------------------- health and the page
    @app.get("/healthz", response_model=M.HealthResponse, tags=["ops"],
             responses={503: {"model": M.HealthResponse, "description": "the OCR engine is not loaded (yet)"}})
    async def healthz(request: Request):
        h = _pool(request).health()
        status = "ok" if h["ready"] else ("failed" if h["failed"] and not h["workers_ready"] else "loading")
        body = {"status": status, **{k: v for k, v in h.items() if k != "ready"}}
        if status != "ok":
            body["error"] = {"code": "NOT_READY", "message": "OCR 引擎尚未就绪 / the OCR engine is not loaded"}
        return JSONResponse(body, status_code=200 if status == "ok" else 503,
                            headers=None if status == "ok" else {"Retry-After": str(settings.retry_after_s)})

    web = resources.files("masker") / "web"

    def packaged(rel: str, media_type: str, cache: str = "no-cache") -> Response:
        """A file shipped in the masker package (the page, its script, Swagger UI), or 404."""
        try:
            body = (web / rel).read_bytes()
        except FileNotFoundError:
            raise StarletteHTTPException(404) from None
        return Response(body, media_type=media_type, headers={"Cache-Control": cache})

    @app.get("/", include_in_schema=False)
    async def index():
        return packaged("index.html", "text/html; charset=utf-8")

    @app.get("/docs", include_in_schema=False)
    async def docs():
        """Swagger UI from the package itself: the platform may be offline, so no CDN."""
        from fastapi.openapi.docs import get_swagger_ui_html

        return get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title="masker API",
                                   swagger_js_url="/static/docs/swagger-ui-bundle.js",
                                   swagger_css_url="/static/docs/swagger-ui.css", swagger_favicon_url="data:,")

    @app.get("/static/docs/{filename}", include_in_schema=False)
    async def docs_static(filename: str):
        if filename not in _DOCS_STATIC:
            raise StarletteHTTPException(404)
        return packaged(f"docs/{filename}", _DOCS_STATIC[filename], cache="max-age=86400")

    @app.get("/static/{filename}", include_in_schema=False)
    async def static(filename: str):
        if filename not in _STATIC:
            raise StarletteHTTPException(404)
        return packaged(filename, _STATIC[filename])

    return app


app = create_app()
