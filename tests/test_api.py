"""The HTTP API through a real uvicorn process on loopback (``api.testing.LiveServer``).

One server with the real OCR engine for the module (small limits so the 413 cases are cheap), and
a second "strict" one (API key, 1 s time limit) for the auth and timeout cases. The server's
whole output is captured: the applicant's name must never appear in it.
"""
from __future__ import annotations

import base64
import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from api import models as M
from api.testing import FONT, LiveServer, draw_page

NAME = "张伟"
UYGHUR = "艾合买提·阿不都热依木"
UNIT = "阿克苏地区水利局"
MAX_BYTES = 3_000_000

pytestmark = pytest.mark.skipif(not Path(FONT).exists(), reason="needs a CJK font to draw test pages")


# ------------------------------------------------------------------ test files

PAGE_LINES = [f"申报人：{NAME}，男，汉族，1980年出生。", "推荐单位：阿克苏地区水利局，同意推荐。",
              "审核人：王芳，联系电话：0997-1234567。"]


@pytest.fixture(scope="module")
def page():
    return draw_page(PAGE_LINES)


def text_pdf(text: str) -> bytes:
    import pymupdf as fitz

    doc = fitz.open()
    p = doc.new_page()
    p.insert_text((72, 100), text, fontname="china-s", fontsize=14)
    p.insert_text((72, 140), "推荐单位：阿克苏地区水利局", fontname="china-s", fontsize=14)
    data = doc.tobytes()
    doc.close()
    return data


def overlap(a, b) -> float:
    x0, y0, x1, y1 = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return max(0, x1 - x0) * max(0, y1 - y0)


# ------------------------------------------------------------------ servers

@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("api") / "server.log"
    env = {"MASKER_MAX_BYTES": str(MAX_BYTES), "MASKER_API_WORKERS": "1", "MASKER_API_QUEUE": "3",
           "MASKER_API_QUEUE_WAIT": "120", "MASKER_API_TIMEOUT": "120", "MASKER_API_RETRY_AFTER": "3"}
    with LiveServer(env=env, log_path=log) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


def post(client, path, data: bytes | None, fields: dict | None = None, filename="page.png", **kw):
    files = {"file": (filename, data, "application/octet-stream")} if data is not None else None
    return client.post(path, files=files, data=fields or {}, **kw)


def assert_error(r, status: int, code: str | None = None):
    assert r.status_code == status, r.text
    body = r.json()
    M.ErrorResponse.model_validate(body)
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code, body
    return body


# ------------------------------------------------------------------ health, docs

def test_healthz_reports_loaded_engine(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    h = M.HealthResponse.model_validate(r.json())
    assert h.status == "ok" and h.engine == "rapidocr" and h.workers_ready == 1


def test_openapi_describes_contract_endpoints(client):
    spec = client.get("/openapi.json").json()
    for path in ("/v1/propose", "/v1/redact", "/v1/audit", "/v1/check", "/healthz"):
        assert path in spec["paths"], path
    body = spec["paths"]["/v1/propose"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["required"]) == {"file", "name"}
    ok = spec["paths"]["/v1/propose"]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok["$ref"].endswith("/ProposeResponse")
    assert {"400", "413", "415", "422", "503"} <= set(spec["paths"]["/v1/propose"]["post"]["responses"])
    assert client.get("/docs").status_code == 200


# ------------------------------------------------------------------ propose / redact

def test_propose_finds_the_name(client, page):
    data, expected = page
    r = post(client, "/v1/propose", data, {"name": NAME, "unit": UNIT})
    assert r.status_code == 200, r.text
    body = r.json()
    M.ProposeResponse.model_validate(body)
    assert body["input"] == "page.png"
    p = body["pages"][0]
    assert (p["width"], p["height"], p["unit"], p["orientation"]) == (1000, 420, "px", 0)
    names = [m for m in p["masks"] if m["kind"] == "name"]
    assert len(names) == 1, p
    assert all(isinstance(v, int) for v in names[0]["box"])
    assert overlap(names[0]["box"], expected) > 0.6 * (expected[2] - expected[0]) * (expected[3] - expected[1])
    assert "preview" not in p  # only on request


def test_propose_json_is_the_cli_json(client, page, tmp_path):
    data, _ = page
    f = tmp_path / "page.png"
    f.write_bytes(data)
    cli = subprocess.run([sys.executable, "-m", "masker.cli", "propose", str(f), "--name", NAME, "--unit", UNIT, "--json"],
                         capture_output=True, text=True, timeout=120)
    assert cli.returncode == 0, cli.stderr
    api = post(client, "/v1/propose", data, {"name": NAME, "unit": UNIT}).json()

    def strip(d):
        for p in d["pages"]:
            p.pop("seconds", None)
        return d

    assert strip(api) == strip(json.loads(cli.stdout))


def test_propose_with_preview_for_the_web_page(client, page):
    data, _ = page
    r = post(client, "/v1/propose", data, {"name": NAME, "preview": "true"})
    assert r.status_code == 200
    p = r.json()["pages"][0]
    pv = p["preview"]
    im = Image.open(io.BytesIO(base64.b64decode(pv["data"])))
    assert im.format == "JPEG" and im.size == (pv["width"], pv["height"]) == (1000, 420)
    assert pv["scale"] == pytest.approx(1.0)
    assert p["lines"] and all(len(b) == 4 for b in p["lines"])


def test_redact_returns_masked_image_and_report(client, page):
    data, expected = page
    r = post(client, "/v1/redact", data, {"name": NAME})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "image/png"
    assert r.headers["content-disposition"] == 'attachment; filename="masked.png"'
    assert r.headers["cache-control"] == "no-store"
    report = json.loads(base64.b64decode(r.headers["x-masker-report"]).decode("utf-8"))
    M.ProposeResponse.model_validate(report)
    (mask,) = [m for m in report["pages"][0]["masks"] if m["kind"] == "name"]
    arr = np.asarray(Image.open(io.BytesIO(r.content)).convert("L"))
    x0, y0, x1, y1 = mask["box"]
    assert arr[y0:y1, x0:x1].max() < 30  # filled
    assert arr[180:240, :].min() < 100  # other lines still there


def test_redact_text_pdf_removes_the_name_from_the_text_layer(client):
    import pymupdf as fitz

    r = post(client, "/v1/redact", text_pdf(f"申报人：{NAME}，男"), {"name": NAME}, filename="form.pdf")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/pdf"
    report = json.loads(base64.b64decode(r.headers["x-masker-report"]))
    assert report["pages"][0]["unit"] == "pt" and report["pages"][0]["masks"]
    with fitz.open(stream=r.content, filetype="pdf") as doc:
        text = doc[0].get_text()
    assert NAME not in text and "阿克苏地区水利局" in text


def test_check_answers_contract_json(client, page):
    r = post(client, "/v1/check", page[0])
    if r.status_code == 501:
        pytest.skip("masker.compliance.check not available")
    assert r.status_code == 200, r.text
    M.CheckResponse.model_validate(r.json())


def test_audit_answers_contract_json(client, page):
    data, _ = page
    masked = post(client, "/v1/redact", data, {"name": NAME}).content
    r = client.post("/v1/audit", files={"file": ("masked.png", masked), "original": ("page.png", data)},
                    data={"name": NAME})
    if r.status_code == 501:
        pytest.skip("masker.audit not available")
    assert r.status_code == 200, r.text
    M.AuditResponse.model_validate(r.json())


# ------------------------------------------------------------------ the editor's endpoints

def test_apply_masks_exactly_the_given_boxes(client, page):
    data, _ = page
    masks = [{"page": 0, "kind": "name", "box": [100, 300, 180, 340]}]
    r = post(client, "/v1/apply", data, {"name": NAME, "masks": json.dumps(masks)})
    assert r.status_code == 200, r.text
    arr = np.asarray(Image.open(io.BytesIO(r.content)).convert("L"))
    assert arr[300:340, 100:180].max() < 10
    assert arr[40:90, 150:240].min() < 100  # the proposed name box was NOT applied: text still there
    report = json.loads(base64.b64decode(r.headers["x-masker-report"]))
    assert report["pages"][0]["masks"][0]["box"] == [100, 300, 180, 340]


def test_apply_refuses_a_box_the_policy_refuses(client, page):
    data, _ = page
    masks = [{"page": 0, "kind": "name", "box": [0, 0, 1000, 420]}]
    body = assert_error(post(client, "/v1/apply", data, {"name": NAME, "masks": json.dumps(masks)}), 422,
                        "POLICY_REFUSED")
    assert "过大" in body["error"]["message"]
    assert_error(post(client, "/v1/apply", data, {"name": NAME, "masks": "not json"}), 422, "BAD_MASKS")
    assert_error(post(client, "/v1/apply", data, {"name": NAME, "masks": json.dumps([{"page": 3, "box": [0, 0, 1, 1]}])}),
                 422, "BAD_MASKS")


def test_policy_check_says_why(client):
    r = client.post("/v1/policy/check", json={
        "pages": [{"width": 1000, "height": 1400}],
        "masks": [{"page": 0, "kind": "name", "box": [100, 100, 180, 140], "line_height": 40},
                  {"page": 0, "kind": "name", "box": [100, 100, 180, 400], "line_height": 40},
                  {"page": 0, "kind": "seal", "box": [0, 0, 900, 900]}]})
    assert r.status_code == 200, r.text
    res = M.PolicyCheckResponse.model_validate(r.json()).results
    assert [x.ok for x in res] == [True, False, False]
    assert "行高" in res[1].reason and "过大" in res[2].reason
    assert_error(client.post("/v1/policy/check", json={"pages": [], "masks": []}), 422, "VALIDATION")
    pol = client.get("/v1/policy").json()
    assert pol["max_page_share"] > 0


# ------------------------------------------------------------------ errors

def test_empty_file_is_400(client):
    assert_error(post(client, "/v1/propose", b"", {"name": NAME}), 400, "EMPTY")


def test_text_file_is_415(client):
    assert_error(post(client, "/v1/propose", "申报人：张伟\n".encode() * 10, {"name": NAME}, filename="scan.png"),
                 415, "UNSUPPORTED_FORMAT")


def test_missing_fields_are_422(client, page):
    assert_error(post(client, "/v1/propose", page[0], {}), 422, "MISSING_FIELD")
    assert_error(post(client, "/v1/redact", page[0], {"name": "  "}), 422)
    assert_error(client.post("/v1/propose", data={"name": NAME}), 422, "MISSING_FIELD")
    assert_error(client.post("/v1/propose"), 422, "MISSING_FIELD")
    assert_error(post(client, "/v1/check", page[0], {"expect": "selfie"}), 422, "BAD_OPTION")


def test_not_multipart_is_415(client):
    assert_error(client.post("/v1/propose", json={"name": NAME}), 415, "NOT_MULTIPART")


def test_malformed_multipart_is_400(client):
    r = client.post("/v1/propose", content=b"--x\r\ngarbage", headers={"Content-Type": "multipart/form-data; boundary=x"})
    assert r.status_code in (400, 422), r.text
    assert "error" in r.json()


def test_oversize_file_is_413_while_reading(client):
    big = b"\x89PNG\r\n\x1a\n" + bytes(MAX_BYTES + 10)
    assert_error(post(client, "/v1/propose", big, {"name": NAME}), 413, "TOO_LARGE")


def test_oversize_body_is_413_from_content_length(server):
    # a client announcing 30 MB is refused before it sends them (raw socket: httpx checks lengths)
    import socket

    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /v1/propose HTTP/1.1\r\nHost: x\r\nContent-Type: multipart/form-data; boundary=x\r\n"
                  + f"Content-Length: {10 * MAX_BYTES}\r\n\r\n".encode() + b"--x\r\n")
        reply = b""
        while b"\r\n\r\n" not in reply or not reply.rstrip().endswith(b"}"):
            chunk = s.recv(4096)
            if not chunk:
                break
            reply += chunk
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 413"), head
    assert json.loads(body)["error"]["code"] == "TOO_LARGE"


def test_pixel_bomb_is_413(client):
    # a tiny PNG that declares 20000 x 20000 pixels (over the 60 Mpx limit)
    import struct
    import zlib

    def chunk(kind, payload):
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 0, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"\x00" * 1000)) + chunk(b"IEND", b""))
    assert_error(post(client, "/v1/propose", png, {"name": NAME}), 413)


def test_unknown_path_and_method_use_the_error_shape(client):
    assert_error(client.get("/v1/nothing"), 404, "NOT_FOUND")
    assert_error(client.get("/v1/propose"), 405, "METHOD_NOT_ALLOWED")


def test_request_id_is_echoed(client, server):
    r = client.get("/healthz", headers={"X-Request-ID": "trace-abc.123"})
    assert r.headers["x-request-id"] == "trace-abc.123"
    r = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert r.headers["x-request-id"] != "bad id with spaces" and len(r.headers["x-request-id"]) == 32
    assert "rid=trace-abc.123 GET /healthz 200" in server.log_text()


# ------------------------------------------------------------------ load

@pytest.mark.slow
def test_burst_of_16_gets_only_200_or_503_and_server_stays_up(client, server, page):
    data, _ = page
    statuses: list[int] = []
    retry: list[str | None] = []
    barrier = threading.Barrier(16)

    def one():
        with httpx.Client(base_url=server.url, timeout=180) as c:
            barrier.wait()
            r = post(c, "/v1/propose", data, {"name": NAME})
            statuses.append(r.status_code)
            if r.status_code == 503:
                retry.append(r.headers.get("retry-after"))
                assert r.json()["error"]["code"] == "BUSY"

    threads = [threading.Thread(target=one) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert len(statuses) == 16
    assert set(statuses) <= {200, 503}, statuses
    assert statuses.count(200) >= 1 and statuses.count(503) >= 1  # capacity is workers + queue = 4
    assert all(v and v.isdigit() for v in retry)
    assert server.alive()
    assert client.get("/healthz").status_code == 200
    assert server.rss_mb() < 2500, server.rss_mb()


# ------------------------------------------------------------------ privacy: the log

def test_name_never_in_server_log(client, server, page):
    data, _ = page
    uy, _ = draw_page([f"申报人：{UYGHUR}", "单位：阿克苏地区水利局"], name=UYGHUR)
    post(client, "/v1/propose", data, {"name": NAME, "unit": UNIT}, filename=f"{NAME}_申报表.png")
    post(client, "/v1/redact", uy, {"name": UYGHUR, "unit": UNIT}, filename=f"{UYGHUR}.png")
    post(client, "/v1/propose", f"{NAME} {UYGHUR}".encode(), {"name": NAME}, filename=f"{NAME}.txt")
    post(client, "/v1/apply", data, {"name": NAME, "masks": f"[{{\"{NAME}\": 1}}]"})
    client.get(f"/v1/propose?name={NAME}")
    client.get(f"/{NAME}")
    client.get("/healthz", headers={"X-Request-ID": "x" * 10})
    log = server.log_text()
    assert "POST /v1/propose 200" in log  # the access log works
    for secret in (NAME, UYGHUR, "艾合买提", "阿不都热依木", "艾合买提阿不都热依木", UNIT, "申报表"):
        assert secret not in log, f"{secret!r} leaked into the server log"
    assert "Traceback" not in log


# ------------------------------------------------------------------ API key and time limit

@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    log = tmp_path_factory.mktemp("api-strict") / "server.log"
    env = {"MASKER_API_KEY": "s3cret", "MASKER_API_TIMEOUT": "1", "MASKER_API_RETRY_AFTER": "2",
           "MASKER_API_WORKERS": "1"}
    with LiveServer(env=env, log_path=log) as srv:
        yield srv


@pytest.mark.slow
def test_api_key_and_time_limit(strict, page):
    import time

    with httpx.Client(base_url=strict.url, timeout=60) as c:
        assert c.get("/healthz").status_code == 200  # health and docs need no key
        assert c.get("/openapi.json").status_code == 200
        assert_error(post(c, "/v1/propose", page[0], {"name": NAME}), 401, "UNAUTHORIZED")
        assert_error(post(c, "/v1/propose", page[0], {"name": NAME}, headers={"X-API-Key": "wrong"}), 401)
        key = {"X-API-Key": "s3cret"}
        assert c.get("/v1/policy", headers=key).status_code == 200
        # a page that takes longer than 1 s: the worker is stopped, the answer is 503 TIMEOUT (60
        # lines: 24 took 0.77 s on a faster machine)
        lines = [f"第{i}行：根据自治区职称改革工作领导小组的有关规定现将评审安排如下{NAME}" for i in range(60)]
        slow, _ = draw_page(lines, size=(1800, 60 * 64 + 80), font_px=30)
        t0 = time.monotonic()
        r = post(c, "/v1/propose", slow, {"name": NAME}, headers=key)
        assert_error(r, 503, "TIMEOUT")
        assert r.headers["retry-after"] == "2"
        assert time.monotonic() - t0 < 10
        # a fresh worker comes up and serves again
        deadline = time.monotonic() + 60
        while c.get("/healthz").status_code != 200 and time.monotonic() < deadline:
            time.sleep(0.2)
        r = post(c, "/v1/propose", b"", {"name": NAME}, headers=key)
        assert_error(r, 400, "EMPTY")
    assert strict.alive()
    log = strict.log_text()
    assert "over its time" in log and NAME not in log


def test_json_body_is_capped(server):
    import socket

    # chunked, no Content-Length: counted while it arrives
    def chunks():
        for _ in range(40):
            yield b"[" * 65536

    r = httpx.post(server.url + "/v1/policy/check", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(r, 413, "TOO_LARGE")
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(b"POST /v1/policy/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 99999999\r\n\r\n{")
        assert s.recv(4096).startswith(b"HTTP/1.1 413")


def test_report_header_is_shortened_to_fit():
    from api.app import REPORT_HEADER_MAX, report_header

    page = {"index": 0, "width": 100, "height": 100, "unit": "px", "orientation": 0,
            "masks": [{"kind": "name", "box": [1, 2, 3, 4], "text": NAME, "score": 1.0, "reason": "x" * 50}] * 20,
            "kept": [{"kind": "other_name", "box": [1, 2, 3, 4], "text": "某", "reason": "y" * 200}] * 20,
            "warnings": []}
    small = {"input": "a.png", "pages": [page]}
    value, cut = report_header(small)
    assert not cut and json.loads(base64.b64decode(value)) == small
    big = {"input": "a.pdf", "pages": [{**page, "index": i} for i in range(40)]}
    value, cut = report_header(big)
    doc = json.loads(base64.b64decode(value))
    assert cut and doc["truncated"] is True and len(value) <= REPORT_HEADER_MAX


def test_thread_pool_lazy_start_and_pdf_preview(tmp_path):
    """The other pool (threads in the server process), lazy engine loading, and a PDF's preview
    (text-layer PDFs need no OCR, so the null engine serves here)."""
    env = {"MASKER_API_POOL": "thread", "MASKER_OCR_ENGINE": "null", "MASKER_MODEL_LAZY": "1",
           "MASKER_API_CORS_ORIGINS": "https://platform.example"}
    with LiveServer(env=env, log_path=tmp_path / "server.log") as srv, httpx.Client(base_url=srv.url, timeout=60) as c:
        h = c.get("/healthz").json()
        assert (h["status"], h["pool"], h["engine"]) == ("ok", "thread", "null")
        pdf = text_pdf(f"申报人：{NAME}，男")
        r = post(c, "/v1/propose", pdf, {"name": NAME, "preview": "1"}, filename="form.pdf")
        assert r.status_code == 200, r.text
        p = r.json()["pages"][0]
        assert p["unit"] == "pt" and p["masks"][0]["kind"] == "name"
        assert p["preview"]["scale"] == pytest.approx(p["preview"]["width"] / p["width"])
        assert p["preview"]["width"] > p["width"]  # rendered at the PDF dpi, finer than 72 dpi
        masks = [{"page": 0, "kind": "name", "box": p["masks"][0]["box"]}]
        r = post(c, "/v1/apply", pdf, {"name": NAME, "masks": json.dumps(masks)}, filename="form.pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
        import pymupdf as fitz

        with fitz.open(stream=r.content, filetype="pdf") as doc:
            assert NAME not in doc[0].get_text()
        assert_error(post(c, "/v1/propose", b"%PDF-1.7 broken", {"name": NAME}, filename="x.pdf"), 400)
        # CORS only for the configured origin, and the report header is readable by its scripts
        pre = c.options("/v1/redact", headers={"Origin": "https://platform.example",
                                               "Access-Control-Request-Method": "POST"})
        assert pre.headers["access-control-allow-origin"] == "https://platform.example"
        r = post(c, "/v1/redact", pdf, {"name": NAME}, filename="form.pdf", headers={"Origin": "https://platform.example"})
        assert "X-Masker-Report" in r.headers["access-control-expose-headers"]
        pre = c.options("/v1/redact", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"})
        assert "access-control-allow-origin" not in pre.headers
        assert NAME not in srv.log_text()


def test_docs_page_is_served_offline(monkeypatch):
    """/docs loads Swagger UI from the package, not a CDN."""
    from fastapi.testclient import TestClient

    monkeypatch.setenv("MASKER_OCR_ENGINE", "null")

    from api.app import create_app

    with TestClient(create_app()) as c:
        html = c.get("/docs").text
        assert "/static/docs/swagger-ui-bundle.js" in html and "cdn" not in html.lower()
        js = c.get("/static/docs/swagger-ui-bundle.js")
        assert js.status_code == 200 and len(js.content) > 100_000
        assert c.get("/static/docs/../app.py").status_code == 404
