"""The web page in headless Chromium (Debian's ``chromium``, driven by Playwright) against a real
uvicorn server: upload a scan, see the proposed boxes, edit them (a box the policy refuses says
why and blocks the download), download the masked file. No request may leave the server.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import httpx
import numpy as np
import pytest
from PIL import Image

from api.testing import FONT, LiveServer, draw_page

NAME = "张伟"
UNIT = "阿克苏地区水利局"
PAGE_LINES = [f"申报人：{NAME}，男，汉族，1980年出生。", "推荐单位：阿克苏地区水利局，同意推荐。",
              "审核人：王芳，联系电话：0997-1234567。"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

playwright = pytest.importorskip("playwright.sync_api")
pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium"),
              pytest.mark.skipif(not Path(FONT).exists(), reason="needs a CJK font to draw test pages")]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("web") / "server.log"
    with LiveServer(env={"MASKER_API_WORKERS": "1", "MASKER_API_QUEUE": "4"}, log_path=log) as srv:
        yield srv


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    ctx = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 1000})
    pg = ctx.new_page()
    pg.set_default_timeout(60_000)
    pg.requests, pg.problems = [], []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    ctx.close()


def wait_true(pg, expression: str, timeout: float = 60.0) -> None:
    """Poll a JavaScript expression from the test side until it is true. Playwright's own
    ``wait_for_function`` evaluates a string predicate with ``eval`` inside the page, which the
    page's Content-Security-Policy (script-src 'self') rightly forbids in recent Chromium."""
    deadline = time.monotonic() + timeout
    while not pg.evaluate(f"() => Boolean({expression})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout:.0f} s: {expression}")
        pg.wait_for_timeout(100)


def settled_box(pg, selector: str, tries: int = 60) -> dict:
    """The box of the one element matching ``selector`` once the page stopped redrawing it (the
    editor redraws its boxes when the policy check answers, which detaches older handles)."""
    last = None
    for _ in range(tries):
        loc = pg.locator(selector)
        box = loc.bounding_box() if loc.count() == 1 else None
        if box is not None and box == last:
            return box
        last = box
        pg.wait_for_timeout(100)
    raise AssertionError(f"{selector} never settled")


def drag(pg, x0, y0, x1, y1, steps=8):
    pg.mouse.move(x0, y0)
    pg.mouse.down()
    pg.mouse.move(x1, y1, steps=steps)
    pg.mouse.up()


def test_upload_see_edit_download(page, server, tmp_path):
    pg = page
    data, expected = draw_page(PAGE_LINES)
    scan = tmp_path / "scan.png"
    scan.write_bytes(data)

    pg.goto(server.url + "/")
    assert pg.title() == "申报材料遮盖预览"
    pg.set_input_files("#file", str(scan))
    pg.fill("#name", NAME)
    pg.fill("#unit", UNIT)
    pg.click("#analyse")
    pg.wait_for_selector(".sheet img")
    box = pg.wait_for_selector(".box.mask.name")
    assert "申报人姓名" in box.get_attribute("title")  # the reason, on hover
    assert pg.locator("#mask-list li.name").count() == 1
    wait_true(pg, "!document.querySelector('#download').disabled")
    assert "识别完成" in pg.inner_text("#status")

    # the box sits where the name was drawn (page is 1000 px wide, shown at the sheet's width)
    sheet = pg.locator(".sheet").bounding_box()
    s = sheet["width"] / 1000
    # a locator, not the element handle: the page may re-render the boxes once the analysis ends
    bb = pg.locator(".box.mask.name").first.bounding_box()
    cx, cy = (bb["x"] - sheet["x"]) / s + bb["width"] / s / 2, (bb["y"] - sheet["y"]) / s + bb["height"] / s / 2
    assert expected[0] <= cx <= expected[2] and expected[1] <= cy <= expected[3]

    # add a box far too large for a name: refused, with the reason, and the download is blocked
    pg.click("#add-box")
    drag(pg, sheet["x"] + 20 * s, sheet["y"] + 100 * s, sheet["x"] + 990 * s, sheet["y"] + 410 * s)
    refused = pg.wait_for_selector(".box.mask.refused")
    assert "不符合规则" in refused.get_attribute("title")
    assert "过大" in pg.inner_text("#mask-list")
    assert pg.locator("#download").is_disabled()
    pg.click("#delete-box")
    wait_true(pg, "!document.querySelector('#download').disabled")

    # draw a small seal-free box over the phone number, and move it a little
    pg.click("#add-box")
    drag(pg, sheet["x"] + 600 * s, sheet["y"] + 186 * s, sheet["x"] + 700 * s, sheet["y"] + 226 * s)
    wait_true(pg, "document.querySelectorAll('.box.mask').length === 2")
    added = settled_box(pg, ".box.mask.selected")
    drag(pg, added["x"] + added["width"] / 2, added["y"] + added["height"] / 2,
         added["x"] + added["width"] / 2 + 20 * s, added["y"] + added["height"] / 2)
    wait_true(pg, "!document.querySelector('#download').disabled")
    assert pg.locator(".box.mask.refused").count() == 0

    with pg.expect_download() as dl:
        pg.click("#download")
    path = tmp_path / "masked.png"
    dl.value.save_as(path)
    assert dl.value.suggested_filename == "masked.png"
    out = np.asarray(Image.open(path).convert("L"))
    assert out.shape == (420, 1000)
    assert out[int(expected[1]) + 4:int(expected[3]) - 4, int(expected[0]) + 4:int(expected[2]) - 4].max() < 30
    assert out[195:215, 630:710].max() < 30  # the added, moved box
    assert out[120:160, 40:400].min() < 100  # the unit line is untouched
    wait_true(pg, "document.querySelector('#status').textContent.includes('已下载')")

    # nothing but the server itself was contacted; no script errors, no CSP violations
    assert all(u.startswith(server.url) or u.startswith(("data:", "blob:")) for u in pg.requests), pg.requests
    assert not pg.problems, pg.problems
    assert NAME not in server.log_text()


def test_bad_file_shows_the_servers_message(page, server, tmp_path):
    pg = page
    bad = tmp_path / "scan.png"
    bad.write_bytes("这不是图片".encode())
    pg.goto(server.url + "/")
    pg.set_input_files("#file", str(bad))
    pg.fill("#name", NAME)
    pg.click("#analyse")
    wait_true(pg, "document.querySelector('#status').classList.contains('error')")
    assert "不是可识别的图片或 PDF" in pg.inner_text("#status")
    assert pg.locator("#result").is_hidden()


def test_page_is_served_with_a_strict_policy(server):
    r = httpx.get(server.url + "/")
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    for asset in ("/static/app.js", "/static/style.css"):
        assert httpx.get(server.url + asset).status_code == 200
    assert httpx.get(server.url + "/static/../api/app.py").status_code == 404
    assert "http://" not in r.text and "https://" not in r.text  # no CDN
