"""Time and peak memory of every zoo file (samples/zoo.py) through the real CLI, plus the largest
files the limits still admit, so README can state the worst case one file costs.

Each file runs in its own ``masker redact`` process (real OCR engine); peak memory is the child's
maximum resident set size from ``wait4`` (onnxruntime and MuPDF included), time is wall clock.
Linux carries a parent's peak RSS into a forked child, so the files are written by a separate
process and the measuring process imports nothing heavy.

    python benchmarks/bench_zoo.py            # writes benchmarks/out/zoo/report.md
    python benchmarks/bench_zoo.py --quick    # skip the largest admitted files
"""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

OUT = REPO / "benchmarks" / "out" / "zoo"


def _largest_image() -> bytes:
    """An image just under the 60 Mpx limit (6400×9300) holding the demo page 5× enlarged: the
    most pixels a single upload may have, with real text on it."""
    from PIL import Image

    from samples import zoo

    page = zoo.demo_image()
    big = page.resize((6400, int(6400 * page.height / page.width)))
    canvas = Image.new("RGB", (6400, 9300), "white")
    canvas.paste(big, (0, 0))
    buf = io.BytesIO()
    canvas.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _text_pdf(pages: int) -> bytes:
    """A text-layer PDF at the page limit, the name on every page."""
    import pymupdf

    d = pymupdf.open()
    for i in range(pages):
        p = d.new_page()
        for k in range(30):
            p.insert_text((50, 60 + 24 * k), f"第{i + 1}页 第{k + 1}行 申报人：张伟，审核人：王芳。", fontname="china-s",
                          fontsize=11)
    data = d.tobytes(garbage=3, deflate=True)
    d.close()
    return data


def _scanned_pdf(pages: int) -> bytes:
    """A scanned PDF: the demo page as an image on every page."""
    import pymupdf

    from samples import zoo

    buf = io.BytesIO()
    zoo.demo_image().save(buf, "JPEG", quality=85)
    d = pymupdf.open()
    for _ in range(pages):
        p = d.new_page(width=595, height=842)
        p.insert_image(p.rect, stream=buf.getvalue())
    data = d.tobytes(garbage=3, deflate=True)
    d.close()
    return data


def run_one(path: Path, name: str) -> dict:
    """Run one file in a child process; its own peak RSS comes from ``wait4``."""
    out = path.with_suffix(path.suffix + ".masked")
    log_out, log_err = path.with_suffix(".stdout"), path.with_suffix(".stderr")
    t0 = time.perf_counter()
    with open(log_out, "wb") as so, open(log_err, "wb") as se:
        proc = subprocess.Popen([sys.executable, "-m", "masker.cli", "redact", str(path), "--name", name, "-o", str(out),
                                 "--json"], stdout=so, stderr=se, cwd=REPO)
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    code = None
    try:
        code = json.loads(log_out.read_bytes() or b"{}").get("error", {}).get("code")
    except (json.JSONDecodeError, AttributeError):
        pass
    return {"file": path.name, "bytes": path.stat().st_size, "exit": os.waitstatus_to_exitcode(status), "code": code,
            "seconds": round(wall, 2), "peak_mb": round(usage.ru_maxrss / 1024),
            "traceback": b"Traceback" in log_err.read_bytes()}


def write_files(folder: Path, quick: bool) -> None:
    """Write the zoo and the largest admitted files, with ``runs.json``: (file, name) to run."""
    sys.path.insert(0, str(REPO))
    from samples import zoo

    listing = zoo.write(folder)
    demo_name = zoo.demo_truth()["name"]
    runs = [(f, demo_name if e.get("name") else "张伟") for f, e in listing.items()]
    if not quick:
        for fname, data, name in [("largest_image_59mpx.jpg", _largest_image(), demo_name),
                                  ("text_200_pages.pdf", _text_pdf(200), "张伟"),
                                  ("scanned_10_pages.pdf", _scanned_pdf(10), demo_name)]:
            (folder / fname).write_bytes(data)
            runs.append((fname, name))
    (folder / "runs.json").write_text(json.dumps(runs, ensure_ascii=False), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the largest admitted files")
    ap.add_argument("--write-only", type=Path, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.write_only:
        write_files(args.write_only, args.quick)
        return
    folder = OUT / "files"
    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, __file__, "--write-only", str(folder)] + (["--quick"] if args.quick else []),
                   check=True, cwd=REPO)
    runs = json.loads((folder / "runs.json").read_text(encoding="utf-8"))
    rows = [run_one(folder / f, n) for f, n in runs]
    lines = ["| file | bytes | exit | code | seconds | peak RSS MB |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['file']} | {r['bytes']} | {r['exit']} | {r['code'] or ''} | {r['seconds']} | "
                     f"{r['peak_mb']} |")
    worst_t = max(rows, key=lambda r: r["seconds"])
    worst_m = max(rows, key=lambda r: r["peak_mb"])
    lines.append("")
    lines.append(f"worst time: {worst_t['file']} {worst_t['seconds']} s; worst memory: {worst_m['file']} "
                 f"{worst_m['peak_mb']} MB; tracebacks: {sum(r['traceback'] for r in rows)}")
    report = "\n".join(lines)
    (OUT / "report.md").write_text(report + "\n", encoding="utf-8")
    (OUT / "report.json").write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
