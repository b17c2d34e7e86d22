"""Read a multipart upload into memory, with size caps enforced while the body arrives.

Why not Starlette's ``request.form()``: it spools every file part over 1 MB to a temporary file on
disk (``SpooledTemporaryFile``), which an applicant's scan must never touch, and it has no cap on
a file part's size, so a client could make the server buffer gigabytes before any check runs.
Here the body is streamed chunk by chunk into python-multipart's push parser; every part lives in
a ``bytearray``; the request is refused with 413 as soon as it (or one part) passes its limit, and
with 413 at once when ``Content-Length`` already says so. Nothing is written anywhere.
"""
from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from python_multipart.exceptions import MultipartParseError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from .errors import ApiError

#: parts that hold files (capped at the file size limit); every other part is a small text field
FILE_FIELDS = ("file", "original")
MAX_FIELD_BYTES = 64 * 1024
MAX_PARTS = 16


@dataclass
class Part:
    name: str
    filename: str | None
    content_type: str | None
    data: bytearray = field(default_factory=bytearray)


@dataclass
class Form:
    parts: dict[str, Part] = field(default_factory=dict)

    def file(self, name: str) -> Part | None:
        return self.parts.get(name)

    def text(self, name: str) -> str | None:
        p = self.parts.get(name)
        if p is None:
            return None
        try:
            return bytes(p.data).decode("utf-8")
        except UnicodeDecodeError:
            raise ApiError(422, "BAD_FIELD", f"字段 {name} 不是 UTF-8 文本 / field {name} is not UTF-8 text") from None


def _too_large(limit: int, what: str = "请求") -> ApiError:
    return ApiError(413, "TOO_LARGE", f"{what}过大（上限 {limit} 字节）/ upload too large (limit {limit} bytes)")


def _disposition(value: bytes) -> tuple[str | None, str | None]:
    kind, params = parse_options_header(value)
    if kind != b"form-data":
        return None, None
    name = params.get(b"name")
    filename = params.get(b"filename")

    def dec(b: bytes | None) -> str | None:
        return None if b is None else b.decode("utf-8", "replace")

    return dec(name), dec(filename)


async def read_form(request: Request, *, max_body: int, max_file: int, read_timeout: float) -> Form:
    ctype = request.headers.get("content-type")
    length = request.headers.get("content-length")
    if length is not None:
        try:
            n = int(length)
        except ValueError:
            raise ApiError(400, "BAD_REQUEST", "Content-Length 无效 / invalid Content-Length") from None
        if n > max_body:
            raise _too_large(max_body)
        if n == 0 and not ctype:
            raise ApiError(422, "MISSING_FIELD", "缺少上传文件 file / missing field: file")
    if not ctype:
        raise ApiError(422, "MISSING_FIELD", "缺少上传文件 file / missing field: file")
    kind, params = parse_options_header(ctype)
    if kind == b"application/x-www-form-urlencoded":  # a form without a file
        raise ApiError(422, "MISSING_FIELD", "缺少上传文件 file（请以 multipart/form-data 上传）/ missing field: file "
                                             "(send multipart/form-data)")
    if kind != b"multipart/form-data":
        raise ApiError(415, "NOT_MULTIPART", "请以 multipart/form-data 上传 / send the request as multipart/form-data")
    boundary = params.get(b"boundary")
    if not boundary or len(boundary) > 200:
        raise ApiError(400, "BAD_MULTIPART", "multipart 缺少 boundary / multipart boundary missing")

    form = Form()
    state: dict = {"headers": {}, "field": b"", "value": b"", "part": None}

    def on_part_begin() -> None:
        state["headers"] = {}
        state["part"] = None

    def on_header_field(data: bytes, start: int, end: int) -> None:
        state["field"] += data[start:end]

    def on_header_value(data: bytes, start: int, end: int) -> None:
        state["value"] += data[start:end]

    def on_header_end() -> None:
        state["headers"][state["field"].lower()] = state["value"]
        state["field"] = b""
        state["value"] = b""

    def on_headers_finished() -> None:
        if len(form.parts) >= MAX_PARTS:
            raise ApiError(400, "BAD_MULTIPART", "表单字段过多 / too many form parts")
        name, filename = _disposition(state["headers"].get(b"content-disposition", b""))
        if name is None:
            raise ApiError(400, "BAD_MULTIPART", "multipart 字段缺少名称 / a form part has no name")
        ct = state["headers"].get(b"content-type")
        part = Part(name=name, filename=filename, content_type=ct.decode("latin-1") if ct else None)
        state["part"] = part
        state["cap"] = max_file if name in FILE_FIELDS else MAX_FIELD_BYTES
        if name not in form.parts:  # the first of repeated fields wins
            form.parts[name] = part

    def on_part_data(data: bytes, start: int, end: int) -> None:
        part: Part = state["part"]
        if len(part.data) + (end - start) > state["cap"]:
            what = "文件" if part.name in FILE_FIELDS else f"字段 {part.name} "
            raise _too_large(state["cap"], what)
        part.data += data[start:end]

    parser = MultipartParser(boundary, {
        "on_part_begin": on_part_begin, "on_header_field": on_header_field,
        "on_header_value": on_header_value, "on_header_end": on_header_end,
        "on_headers_finished": on_headers_finished, "on_part_data": on_part_data,
    })
    total = 0
    try:
        async with asyncio.timeout(read_timeout):
            async for chunk in request.stream():
                total += len(chunk)
                if total > max_body:
                    raise _too_large(max_body)
                if chunk:
                    parser.write(chunk)
        parser.finalize()
    except TimeoutError:
        raise ApiError(400, "READ_TIMEOUT", f"上传超时（{read_timeout:g} 秒）/ the upload took too long") from None
    except ClientDisconnect:
        raise ApiError(400, "DISCONNECTED", "客户端已断开 / the client disconnected") from None
    except MultipartParseError:
        raise ApiError(400, "BAD_MULTIPART", "multipart 表单格式错误 / malformed multipart form") from None
    return form
