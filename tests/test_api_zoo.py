"""The file zoo (samples/zoo.py) through the HTTP API on a real uvicorn server: every hostile file
gets its 4xx status and error code with a Chinese/English message, every odd but valid file is
processed with the name found where the viewer shows it — the same outcomes as through the CLI
(tests/test_bad_input.py, tests/test_zoo.py)."""
from __future__ import annotations

import httpx
import pytest

from api.testing import LiveServer
from samples.zoo import BAD, ODD, TINY, demo_truth, problems_with


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    log = tmp_path_factory.mktemp("api-zoo") / "server.log"
    env = {"MASKER_API_WORKERS": "1", "MASKER_API_QUEUE": "2", "MASKER_API_TIMEOUT": "300",
           "MASKER_API_QUEUE_WAIT": "300"}
    with LiveServer(env=env, log_path=log) as srv, httpx.Client(base_url=srv.url, timeout=300) as c:
        yield c
        assert srv.alive()
        assert "Traceback" not in srv.log_text()


def _propose(client, fname: str, data: bytes, name: str) -> httpx.Response:
    return client.post("/v1/propose", files={"file": (fname, data, "application/octet-stream")}, data={"name": name})


@pytest.mark.parametrize("fname", sorted(BAD))
def test_hostile_files_are_refused(client, fname):
    bad = BAD[fname]
    r = _propose(client, fname, bad.make(), "张伟")
    assert r.status_code == bad.status, r.text
    err = r.json()["error"]
    assert err["code"] == bad.code and "/ " in err["message"]


@pytest.mark.slow
@pytest.mark.parametrize("fname", sorted(ODD))
def test_odd_files_are_processed(client, fname):
    r = _propose(client, fname, ODD[fname](), demo_truth()["name"])
    assert r.status_code == 200, r.text
    assert problems_with(r.json(), fname) == []


def test_tiny_image_is_processed(client):
    r = _propose(client, TINY[0], TINY[1](), "张伟")
    assert r.status_code == 200 and r.json()["pages"][0]["masks"] == []
