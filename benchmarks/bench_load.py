"""Load benchmark of the HTTP API: N concurrent clients for a fixed time on loopback.

Each client posts the same scan to an endpoint in a loop (a new request as soon as the last one is
answered; after a 503 it waits Retry-After, or ``--retry-wait`` seconds) for ``--duration`` seconds. Reported per level of concurrency:
throughput of answered requests, p50/p95 latency of the 200s, the share of 503s (busy), any other
status or transport error, and the server's peak resident memory (server + worker processes).

    python benchmarks/bench_load.py                          # starts its own server
    python benchmarks/bench_load.py --clients 1,4,16 --duration 30 --workers 2 --queue 4
    python benchmarks/bench_load.py --url http://127.0.0.1:8000 --clients 8   # an existing server

The page is a rendered A4 letter at 150 dpi (1240×1754 px), the size of a typical scan.
"""
from __future__ import annotations

import argparse
import io
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx  # noqa: E402


def sample_page(seed: int = 3) -> bytes:
    from PIL import Image

    from masker.compliance.testpages import render_page

    bgr = render_page(seed=seed, layout="letter")
    buf = io.BytesIO()
    Image.fromarray(bgr[:, :, ::-1].copy()).save(buf, "JPEG", quality=88)
    return buf.getvalue()


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    v = sorted(values)
    k = max(0, min(len(v) - 1, int(round(q * (len(v) - 1)))))
    return v[k]


def run_level(url: str, endpoint: str, data: bytes, name: str, clients: int, duration: float,
              api_key: str | None, rss=None, retry_wait: float | None = None) -> dict:
    results: list[tuple[int, float]] = []  # (status or -1 for a transport error, seconds)
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]
    peak = [0.0]

    def client() -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        with httpx.Client(base_url=url, timeout=300, headers=headers) as c:
            start.wait()
            while time.monotonic() < stop_at[0]:
                t0 = time.monotonic()
                try:
                    r = c.post(endpoint, files={"file": ("scan.jpg", data, "image/jpeg")}, data={"name": name})
                    status = r.status_code
                except httpx.HTTPError:
                    status = -1
                with lock:
                    results.append((status, time.monotonic() - t0))
                if status == 503:  # a platform client waits Retry-After (or --retry-wait) before trying again
                    wait = retry_wait
                    if wait is None:
                        try:
                            wait = float(r.headers.get("retry-after", "1"))
                        except ValueError:
                            wait = 1.0
                    time.sleep(max(0.0, min(wait, stop_at[0] - time.monotonic())))

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.monotonic() + duration
    t_start = time.monotonic()
    start.wait()
    while any(t.is_alive() for t in threads):
        if rss is not None:
            peak[0] = max(peak[0], rss())
        time.sleep(0.25)
    elapsed = time.monotonic() - t_start
    ok = [s for st, s in results if st == 200]
    busy = sum(1 for st, _ in results if st == 503)
    other = sum(1 for st, _ in results if st not in (200, 503))
    return {"clients": clients, "requests": len(results), "ok": len(ok), "busy": busy, "other": other,
            "elapsed": elapsed, "throughput": len(ok) / elapsed if elapsed else 0.0,
            "p50": pct(ok, 0.50), "p95": pct(ok, 0.95), "mean": statistics.fmean(ok) if ok else float("nan"),
            "share_503": busy / len(results) if results else 0.0, "rss_mb": peak[0]}


def table(rows: list[dict], title: str) -> str:
    out = [f"### {title}", "",
           "| clients | requests | 200 | 503 | other | throughput (200/s) | p50 (s) | p95 (s) | 503 share | peak RSS (MB) |",
           "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        out.append(f"| {r['clients']} | {r['requests']} | {r['ok']} | {r['busy']} | {r['other']} | "
                   f"{r['throughput']:.2f} | {r['p50']:.2f} | {r['p95']:.2f} | {r['share_503']:.0%} | "
                   f"{r['rss_mb']:.0f} |")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", help="an existing server (default: start one)")
    ap.add_argument("--endpoint", default="/v1/propose", choices=["/v1/propose", "/v1/redact", "/v1/check"])
    ap.add_argument("--clients", default="1,4,16", help="comma list of concurrency levels")
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per level")
    ap.add_argument("--workers", type=int, default=1, help="MASKER_API_WORKERS of the started server")
    ap.add_argument("--queue", type=int, default=4, help="MASKER_API_QUEUE of the started server")
    ap.add_argument("--pool", default="process", choices=["process", "thread"])
    ap.add_argument("--file", help="scan to send (default: a rendered A4 letter)")
    ap.add_argument("--name", default="张伟")
    ap.add_argument("--api-key", default=None)
    ap.add_argument("--retry-wait", type=float, default=None,
                    help="seconds a client waits after a 503 (default: the server's Retry-After)")
    args = ap.parse_args(argv)

    data = Path(args.file).read_bytes() if args.file else sample_page()
    levels = [int(x) for x in args.clients.split(",") if x.strip()]
    server = None
    if not args.url:
        from api.testing import LiveServer

        server = LiveServer(env={"MASKER_API_WORKERS": str(args.workers), "MASKER_API_QUEUE": str(args.queue),
                                 "MASKER_API_POOL": args.pool, "MASKER_API_QUEUE_WAIT": "300"},
                            log_path=Path("/tmp/masker-bench-load-server.log")).start()
        url = server.url
    else:
        url = args.url.rstrip("/")
    rows = []
    try:
        # one warm-up request so the first level does not pay for lazy initialisation
        httpx.post(url + args.endpoint, files={"file": ("scan.jpg", data)}, data={"name": args.name}, timeout=300,
                   headers={"X-API-Key": args.api_key} if args.api_key else {})
        for n in levels:
            r = run_level(url, args.endpoint, data, args.name, n, args.duration, args.api_key,
                          rss=server.rss_mb if server else None, retry_wait=args.retry_wait)
            rows.append(r)
            print(f"clients={n}: {r['ok']} ok, {r['busy']} busy, {r['other']} other, "
                  f"{r['throughput']:.2f}/s, p50 {r['p50']:.2f}s p95 {r['p95']:.2f}s", file=sys.stderr)
        alive = server.alive() if server else True
    finally:
        if server:
            server.stop()
    cfg = (f"{args.endpoint}, {len(data) // 1024} KB JPEG, {args.duration:g} s per level"
           + (f", server: workers={args.workers} queue={args.queue} pool={args.pool}" if server else f", server {url}"))
    print(table(rows, f"Load: {cfg}"))
    if server and not alive:
        print("\n**the server died during the run**")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
