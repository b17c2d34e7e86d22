"""Command line: a thin shell over ``masker.Masker``. The one place that maps errors to exit codes."""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

from .errors import InputError, MaskerError

log = logging.getLogger("masker")


def _emit(doc: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def _summary_propose(res: dict, out: str | None = None) -> None:
    lines = []
    for p in res["pages"]:
        lines.append(f"第 {p['index'] + 1} 页 / page {p['index'] + 1}: 遮盖 {len(p['masks'])} 处 / {len(p['masks'])} masks, "
                     f"保留 {len(p['kept'])} 处 / {len(p['kept'])} kept")
        for m in p["masks"]:
            lines.append(f"  遮盖 mask   {m['kind']:<9} {m['box']}  {m.get('reason', '')}")
        for k in p["kept"]:
            lines.append(f"  保留 keep   {k['kind']:<9} {k['box']}  {k['reason']}")
        for w in p.get("warnings", []):
            lines.append(f"  警告 warn   {w['code']}: {w['message']}")
    if out:
        lines.append(f"已写入 / written: {out}")
    print("\n".join(lines))


def _masker(args):
    from .masker import Masker

    return Masker(engine=getattr(args, "engine", None))


def cmd_propose(args) -> int:
    res = _masker(args).propose(args.file, args.name, args.unit).to_dict()
    _emit(res) if args.json else _summary_propose(res)
    return 0


def cmd_redact(args) -> int:
    data, res = _masker(args).redact(args.file, args.name, args.unit)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    d = res.to_dict()
    d["output"] = str(out)
    _emit(d) if args.json else _summary_propose(d, str(out))
    return 0


def _verdict_summary(d: dict) -> None:
    print(f"结论 / verdict: {d.get('verdict')}")
    for p in d.get("pages", []):
        for f in p.get("findings", []):
            print(f"  第 {p['index'] + 1} 页 [{f['severity']}] {f['code']}: {f['message']} {f.get('box', '')}")
    for f in (d.get("photo") or {}).get("findings", []):
        print(f"  照片 photo [{f['severity']}] {f['code']}: {f['message']}")


def cmd_audit(args) -> int:
    m = _masker(args)
    res = m.audit(args.file, args.name, args.unit, original=args.original, annotate=args.annotate)
    d = res.to_dict()
    _emit(d) if args.json else _verdict_summary(d)
    return 0 if d["verdict"] == "pass" else 1


def cmd_check(args) -> int:
    res = _masker(args).check(args.file, expect=args.expect)
    d = res.to_dict()
    _emit(d) if args.json else _verdict_summary(d)
    return 0 if d["verdict"] == "pass" else 1


def cmd_batch(args) -> int:
    from .batch import run_batch

    return run_batch(args)


def cmd_serve(args) -> int:
    import uvicorn

    # the api/ package sits at the repository root; uvicorn's own access log is off because it
    # prints query strings (our middleware logs one line per request, without names)
    app_dir = Path(__file__).resolve().parents[2]
    uvicorn.run("api.app:app", host=args.host, port=args.port, log_level="info", access_log=False,
                timeout_graceful_shutdown=10,
                app_dir=str(app_dir) if (app_dir / "api" / "app.py").exists() else None)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="masker", description="申报材料姓名与现单位公章遮盖工具 / mask the applicant's "
                                "name and unit seal in application scans")
    p.add_argument("--engine", default=None, help="OCR 引擎 / OCR engine: rapidocr (default), paddleocr, null")
    p.add_argument("-v", "--verbose", action="store_true", help="详细日志 / verbose logs (stderr)")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp, name_required=True):
        sp.add_argument("file", help="图片或 PDF / image or PDF")
        sp.add_argument("--name", required=name_required, help="申报人姓名 / the applicant's name")
        sp.add_argument("--unit", default=None, help="现单位名称 / the applicant's current unit")
        sp.add_argument("--json", action="store_true", help="输出 JSON / print one JSON document")

    sp = sub.add_parser("propose", help="找出需遮盖的内容 / find what must be masked")
    common(sp)
    sp.set_defaults(func=cmd_propose)
    sp = sub.add_parser("redact", help="输出遮盖后的文件 / write a masked copy")
    common(sp)
    sp.add_argument("-o", "--output", required=True, help="输出文件 / output file")
    sp.set_defaults(func=cmd_redact)
    sp = sub.add_parser("audit", help="审核已遮盖文件 / judge a masked file")
    common(sp)
    sp.add_argument("--original", default=None, help="未遮盖的原件 / the unmasked original")
    sp.add_argument("--annotate", default=None, help="标注图输出 / write the page with findings drawn (PNG)")
    sp.set_defaults(func=cmd_audit)
    sp = sub.add_parser("check", help="图片合规检查 / image compliance")
    sp.add_argument("file")
    sp.add_argument("--expect", choices=["document", "photo"], default="document")
    sp.add_argument("--json", action="store_true")
    sp.set_defaults(func=cmd_check)
    sp = sub.add_parser("batch", help="批量审核 / batch over a manifest")
    sp.add_argument("manifest", help="CSV 清单或申报人文件夹 / CSV manifest or folder of applicants")
    sp.add_argument("--out", required=True)
    sp.add_argument("--workers", type=int, default=0,
                    help="并行进程数（0 = 每核一个）/ worker processes (0: one per core, 1 OCR thread each)")
    sp.add_argument("--resume", action="store_true", help="跳过已完成的文件 / skip files already in DIR/results.jsonl")
    sp.add_argument("--engine", dest="batch_engine", default=None, metavar="local|ray",
                    help="同 --engine-backend / same as --engine-backend (another value names the OCR engine)")
    sp.add_argument("--timeout", type=float, default=None, help="单个文件时限（秒）/ per-file time limit, seconds")
    sp.add_argument("--threads", type=int, default=None, help="每进程 OCR 线程数 / OCR threads per worker")
    sp.add_argument("--no-progress", dest="no_progress", action="store_true", help="不显示进度条 / no progress bar")
    sp.add_argument("--engine-backend", dest="backend", choices=["local", "ray"], default="local")
    sp.add_argument("--address", default=None, help="Ray 集群地址 / Ray cluster address")
    sp.set_defaults(func=cmd_batch)
    sp = sub.add_parser("serve", help="HTTP 服务 / HTTP API")
    sp.add_argument("--host", default="127.0.0.1")
    sp.add_argument("--port", type=int, default=8000)
    sp.set_defaults(func=cmd_serve)
    return p


def run(argv: list[str] | None, call: Callable[[argparse.Namespace], int] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as e:  # argparse: bad or missing option
        return 2 if e.code else 0
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")
    want_json = getattr(args, "json", False)
    try:
        return (call or args.func)(args)
    except MaskerError as e:
        if want_json:
            _emit(e.to_dict())
        print(f"错误 / error [{e.code}]: {e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print("已中断 / interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (``masker propose ... | head``): not an error of ours
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # nothing more to flush into the closed pipe
        return 0
    except MemoryError:
        err = InputError("文件过大，内存不足 / the file needs too much memory", code="TOO_LARGE")
        if want_json:
            _emit(err.to_dict())
        print(f"错误 / error: {err.message}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - last resort: never a bare traceback for users
        err = MaskerError(f"内部错误 / internal error: {type(e).__name__}", code="INTERNAL")
        if want_json:
            _emit(err.to_dict())
        print(f"错误 / error: {err.message} (使用 -v 查看详情 / use -v for details)", file=sys.stderr)
        if args.verbose:
            traceback.print_exc()
        return 3


def main(argv: list[str] | None = None) -> None:
    sys.exit(run(argv if argv is not None else sys.argv[1:]))


if __name__ == "__main__":
    main()
