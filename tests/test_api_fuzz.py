"""Mutated real files (the same hypothesis strategy as tests/test_fuzz.py) sent to a real uvicorn
server: every answer is 200 or a 4xx with the error shape — never a 5xx, never a dead server, and
no traceback in its log. The server runs the null OCR engine, so the fuzz spends its time on
parsing, loading, finders, redaction and the HTTP layer rather than on reading text."""
from __future__ import annotations

import httpx
import pytest
from hypothesis import given

from api.testing import LiveServer
from test_fuzz import SETTINGS, mutated


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("api-fuzz") / "server.log"
    env = {"MASKER_OCR_ENGINE": "null", "MASKER_API_WORKERS": "1", "MASKER_API_QUEUE": "2",
           "MASKER_MAX_PIXELS": "4000000", "MASKER_MAX_PAGES": "5"}
    with LiveServer(env=env, log_path=log) as srv:
        yield srv
        assert srv.alive()
        assert "Traceback" not in srv.log_text()


@pytest.fixture(scope="module")
def client(server):
    with httpx.Client(base_url=server.url, timeout=120) as c:
        yield c


@SETTINGS
@given(data=mutated())
def test_api_answers_mutated_files_without_5xx(client, data):
    for path in ("/v1/propose", "/v1/redact"):
        r = client.post(path, files={"file": ("upload.bin", data, "application/octet-stream")},
                        data={"name": "张伟", "unit": "阿克苏地区水利局"})
        assert r.status_code < 500, (path, r.status_code, r.text[:300])
        if r.status_code >= 400:
            assert r.json()["error"]["code"]
