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
    """A live server whose temporary directory is a fresh, empty one: uploads (the 9.7 MB TIFF
    among them, far over Starlette's 1 MB spool threshold) must never land there."""
    log = tmp_path_factory.mktemp("api-zoo") / "server.log"
    tmp = tmp_path_factory.mktemp("server-tmp")
    env = {"MASKER_API_WORKERS": "1", "MASKER_API_QUEUE": "2", "MASKER_API_TIMEOUT": "300",
           "MASKER_API_QUEUE_WAIT": "300", "TMPDIR": str(tmp)}
    with LiveServer(env=env, log_path=log) as srv, httpx.Client(base_url=srv.url, timeout=300) as c:
        yield c
        assert srv.alive()
        assert "Traceback" not in srv.log_text()
        # onnxruntime keeps a 51-byte session-id file (timestamp + UUID, no user data) there
        written = [f.name for f in tmp.iterdir() if f.name != ".ses"]
        assert written == [], "the server wrote files to its temporary directory"


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
