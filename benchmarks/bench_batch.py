"""Batch throughput: files per minute for different worker × OCR-thread splits on this machine,
and the peak memory (VmHWM) of each worker. Prints a markdown table.

    python benchmarks/bench_batch.py [--files 12] [--mode propose|audit|check] [--configs 1x1,1x2,2x1]

Each config ``WxT`` runs W worker processes with T OCR threads each (``MASKER_OCR_THREADS``),
on the same generated A4-like pages (150 dpi, a dozen lines of text with the applicant's name).
``steady files/min`` counts from the moment every worker has finished its first file to the
last file, so process start and engine load (paid once per batch) do not dilute it; ``total
files/min`` includes them.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"
NAMES = ["张伟", "李娜", "王芳", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周杰", "吴敏", "徐强", "孙悦",
         "马超", "朱琳", "胡斌", "郭霞", "何勇", "林芳", "罗刚", "高洁"]


def make_pages(folder: Path, n: int) -> list[tuple[Path, str]]:
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(FONT, 30)
    small = ImageFont.truetype(FONT, 24)
    out = []
    for i in range(n):
        name = NAMES[i % len(NAMES)]
        im = Image.new("RGB", (1240, 1754), "white")
        d = ImageDraw.Draw(im)
        d.text((420, 120), "专业技术职务任职资格评审表", font=font, fill="black")
        lines = [f"姓名：{name}    性别：男    出生年月：1985年3月", "工作单位：阿克苏地区水利局",
                 "现任职务：水利工程师    申报资格：高级工程师", "学历：大学本科    专业：水利水电工程",
                 f"本人{name}自2008年参加工作以来，长期从事水利工程建设与管理工作，",
                 "主持完成灌区节水改造项目三项，发表论文四篇。",
                 "单位意见：同意推荐。", "审核人：李明华    日期：2024年5月20日",
                 "联系电话：0997-1234567", "备注：以上情况属实。"]
        for k, t in enumerate(lines):
            d.text((120, 260 + k * 90), t, font=small, fill="black")
        p = folder / f"page{i:03d}.png"
        im.save(p)
        out.append((p, name))
    return out


def _hwm_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


class PeakSampler(threading.Thread):
    """Polls the peak resident set (VmHWM) of this process's children."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self._halt = threading.Event()

    def run(self):
        import psutil

        me = psutil.Process()
        while not self._halt.is_set():
            for c in me.children(recursive=True):
                hwm = _hwm_kb(c.pid)
                if hwm:
                    self.peaks[c.pid] = max(self.peaks.get(c.pid, 0), hwm)
                try:
                    t = c.cpu_times()
                    self.cpu[c.pid] = max(self.cpu.get(c.pid, 0.0), t.user + t.system)
                except psutil.Error:
                    pass
            self._halt.wait(0.2)

    def stop(self):
        self._halt.set()
        self.join()


def run_config(jobs, workers: int, threads: int) -> dict:
    from masker.batch.local import run_local

    sampler = PeakSampler()
    sampler.start()
    t0 = time.perf_counter()
    stamps = []
    verdicts = []
    cpu_files = []
    for row in run_local(jobs, workers, threads, thumbs=False):
        stamps.append(time.perf_counter())
        verdicts.append(row["verdict"])
        if row.get("cpu_seconds") is not None:
            cpu_files.append(row["cpu_seconds"])
    t1 = time.perf_counter()
    sampler.stop()
    n = len(stamps)
    w = min(workers, n)
    steady = (n - w) / (stamps[-1] - stamps[w - 1]) * 60 if n > w and stamps[-1] > stamps[w - 1] else float("nan")
    big = [pid for pid, kb in sampler.peaks.items() if kb > 100_000]  # workers, not the resource tracker
    peaks = [sampler.peaks[p] / 1024 for p in big]
    cpu = sum(sampler.cpu.get(p, 0.0) for p in big)
    return {"workers": workers, "threads": threads, "files": n, "wall": t1 - t0, "total_fpm": n / (t1 - t0) * 60,
            "steady_fpm": steady, "cpu_s": cpu,
            "cpu_per_file": sum(cpu_files) / len(cpu_files) if cpu_files else float("nan"), "peak_mb": max(peaks) if peaks else float("nan"),
            "errors": sum(v == "error" for v in verdicts)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=12)
    ap.add_argument("--mode", default="propose", choices=["propose", "audit", "check"])
    ap.add_argument("--configs", default="1x1,1x2,2x1", help="comma-separated WORKERSxTHREADS")
    args = ap.parse_args(argv)
    from masker.batch.manifest import Job, finalize

    with tempfile.TemporaryDirectory() as tmp:
        pages = make_pages(Path(tmp), args.files)
        jobs = finalize([Job(row=i + 1, file=p.name, path=str(p), name=n, unit="阿克苏地区水利局", mode=args.mode)
                         for i, (p, n) in enumerate(pages)])
        results = []
        for cfg in args.configs.split(","):
            w, t = (int(x) for x in cfg.lower().split("x"))
            r = run_config(jobs, w, t)
            results.append(r)
            print(f"{cfg}: {r}", file=sys.stderr)
    base = next((r for r in results if r["workers"] == 1 and r["threads"] == 1), results[0])
    load = os.getloadavg()
    print(f"\n{args.files} pages of 1240×1754 px, mode {args.mode}, {os.cpu_count()} cores, "
          f"load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}\n")
    cores = os.cpu_count() or 1
    print("| workers × OCR threads | steady files/min | speed-up vs 1×1 | total files/min (incl. start) | wall s "
          "| CPU s per file | CPU-bound bound on idle cores, files/min | peak RSS per worker MB |")
    print("|---|---|---|---|---|---|---|---|")
    for r in results:
        # W single-threaded workers on ≥ W idle cores: W files per (CPU s per file); a multi-threaded
        # worker can at best use min(T, cores) cores
        bound = 60 * min(cores, r["workers"] * r["threads"]) / r["cpu_per_file"]
        print(f"| {r['workers']} × {r['threads']} | {r['steady_fpm']:.1f} | {r['steady_fpm'] / base['steady_fpm']:.2f}× "
              f"| {r['total_fpm']:.1f} | {r['wall']:.1f} | {r['cpu_per_file']:.2f} | {bound:.1f} "
              f"| {r['peak_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
