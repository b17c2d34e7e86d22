"""A real uvicorn server on loopback, for the tests and the load benchmark.

    with LiveServer(env={"MASKER_API_QUEUE": "2"}, log_path=tmp / "server.log") as srv:
        httpx.get(srv.url + "/healthz")

The server runs as ``python -m uvicorn api.app:app`` in a child process with its own environment;
everything it prints (stdout and stderr, uvicorn's and ours) goes to ``log_path`` so tests can
assert on it (e.g. that an applicant's name never appears).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    def __init__(self, env: dict[str, str] | None = None, log_path: str | Path | None = None,
                 port: int | None = None, app: str = "api.app:app"):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, **(env or {})}
        self.log_path = Path(log_path) if log_path else Path(f"/tmp/masker-server-{self.port}.log")
        self.app = app
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 90.0) -> "LiveServer":
        import httpx

        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "uvicorn", self.app, "--host", "127.0.0.1", "--port", str(self.port),
             "--no-access-log", "--timeout-graceful-shutdown", "5"],
            cwd=str(REPO), env=self.env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited ({self.proc.returncode}):\n{self.log_text()[-3000:]}")
            try:
                if httpx.get(self.url + "/healthz", timeout=2).status_code == 200:
                    return self
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not healthy after {timeout:.0f} s:\n{self.log_text()[-3000:]}")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def pids(self) -> list[int]:
        """The server process and all its descendants (worker processes)."""
        if not self.proc:
            return []
        out, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            out.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                try:
                    todo += [int(c) for c in (task / "children").read_text().split()]
                except (OSError, ValueError):
                    pass
        return out

    def rss_mb(self) -> float:
        """Resident memory of the server and its workers together, in MB."""
        total = 0
        for pid in self.pids():
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            except OSError:
                pass
        return total / 1024

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        if getattr(self, "_log", None):
            self._log.close()

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def draw_page(lines: list[str], size=(1000, 420), font_px=36, name: str = "张伟"):
    """A white page with lines of text; returns (png bytes, box of the first occurrence of name)."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    f = ImageFont.truetype(FONT, font_px)
    im = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(im)
    box = None
    y = 40
    for text in lines:
        d.text((40, y), text, font=f, fill=(20, 20, 20))
        if box is None and name in text:
            pre = text[: text.index(name)]
            x0 = 40 + (d.textlength(pre, font=f) if pre else 0)
            x1 = 40 + d.textlength(pre + name, font=f)
            _, t, _, b = d.textbbox((40, y), text, font=f)
            box = (x0, t, x1, b)
        y += int(font_px * 2)
    buf = io.BytesIO()
    im.save(buf, "PNG")
    return buf.getvalue(), box
