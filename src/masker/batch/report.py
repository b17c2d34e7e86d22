"""The batch report: ``report.json`` (everything), ``report.csv`` (one row per file and page) and
``report.html`` (one self-contained page: inline CSS and JS, thumbnails as data: URIs).

Rows are in manifest order and carry no timing-dependent order, so a batch that was interrupted
and resumed gives the same report as one that ran straight through (bar the seconds)."""
from __future__ import annotations

import base64
import csv
import html
import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .manifest import Job
from .store import THUMBS

CSV_COLUMNS = ["row", "applicant", "unit", "file", "mode", "page", "verdict", "codes", "seconds",
               "file_seconds", "message"]
VERDICTS = ("pass", "fail", "error", "proposed", "pending")
VERDICT_ZH = {"pass": "通过", "fail": "不通过", "error": "出错", "proposed": "已建议", "pending": "未完成"}


def zh(message: str) -> str:
    """The Chinese part of a bilingual message ("中文 / English")."""
    return (message or "").split(" / ", 1)[0].strip()


def en(message: str) -> str:
    parts = (message or "").split(" / ", 1)
    return parts[1].strip() if len(parts) > 1 else ""


def _findings(page: dict) -> list[dict]:
    return list(page.get("findings") or []) + list(page.get("warnings") or [])


def page_rows(job: Job, row: dict | None) -> list[dict[str, Any]]:
    """The report's rows for one manifest row: one per page, one for the photo check, or one
    for an error / a file not yet done."""
    base = {"row": job.row, "applicant": job.name, "unit": job.unit, "file": job.file, "mode": job.mode,
            "key": job.key}
    if row is None:
        return [{**base, "page": None, "verdict": "pending", "codes": [], "seconds": None, "file_seconds": None,
                 "findings": [], "thumb": None}]
    fsec = row.get("seconds")
    if row.get("verdict") == "error":
        err = row.get("error") or {}
        return [{**base, "page": None, "verdict": "error", "codes": [err.get("code", "ERROR")], "seconds": fsec,
                 "file_seconds": fsec, "thumb": None,
                 "findings": [{"code": err.get("code", "ERROR"), "severity": "error",
                               "message": err.get("message", "")}]}]
    result = row.get("result") or {}
    pages = result.get("pages") or []
    thumbs = row.get("thumbs") or {}
    out = []
    for p in pages:
        idx = int(p.get("index", 0))
        fs = _findings(p)
        if row["verdict"] == "proposed":
            verdict = "proposed"
        else:
            verdict = "fail" if any(f.get("severity") == "error" for f in p.get("findings") or []) else "pass"
        sec = p.get("seconds")
        if sec is None and len(pages) == 1:
            sec = fsec
        out.append({**base, "page": idx + 1, "verdict": verdict, "codes": sorted({f.get("code", "?") for f in fs}),
                    "seconds": sec, "file_seconds": fsec, "findings": fs, "thumb": thumbs.get(str(idx)),
                    "masks": len(p.get("masks") or []) if row["verdict"] == "proposed" else None})
    photo = result.get("photo")
    if photo:
        fs = list(photo.get("findings") or [])
        out.append({**base, "page": "photo", "verdict": "fail" if any(f.get("severity") == "error" for f in fs)
                    else "pass", "codes": sorted({f.get("code", "?") for f in fs}), "seconds": None,
                    "file_seconds": fsec, "findings": fs, "thumb": thumbs.get("0") if fs else None})
    if not out:
        out.append({**base, "page": None, "verdict": row["verdict"], "codes": row.get("codes") or [],
                    "seconds": fsec, "file_seconds": fsec, "findings": [], "thumb": None})
    if row["verdict"] == "fail" and not any(r["verdict"] == "fail" for r in out):
        out[0]["verdict"] = "fail"  # a file-level failure with no page finding (should not happen)
    return out


def summarize(jobs: list[Job], rows: dict[str, dict]) -> dict[str, Any]:
    verdicts: Counter = Counter()
    codes: dict[str, dict[str, Any]] = {}
    applicants: dict[tuple, dict[str, Any]] = {}
    for job in jobs:
        row = rows.get(job.key)
        v = row.get("verdict") if row else "pending"
        verdicts[v] += 1
        a = applicants.setdefault((job.name, job.unit), {"applicant": job.name, "unit": job.unit, "files": 0,
                                                          **{k: 0 for k in VERDICTS}, "codes": Counter()})
        a["files"] += 1
        a[v] += 1
        seen = set()
        for pr in page_rows(job, row):
            for f in pr["findings"]:
                c = f.get("code", "?")
                d = codes.setdefault(c, {"code": c, "severity": f.get("severity", "warning"), "findings": 0,
                                         "files": 0, "message": zh(f.get("message", "")),
                                         "message_en": en(f.get("message", ""))})
                if f.get("severity") == "error":
                    d["severity"] = "error"
                d["findings"] += 1
                a["codes"][c] += 1
                if c not in seen:
                    d["files"] += 1
                    seen.add(c)
    return {"files": len(jobs), "verdicts": {k: verdicts.get(k, 0) for k in VERDICTS},
            "codes": sorted(codes.values(), key=lambda d: (d["severity"] != "error", -d["findings"], d["code"])),
            "applicants": [{**a, "codes": dict(sorted(a["codes"].items()))} for a in applicants.values()]}


def build_report(jobs: list[Job], rows: dict[str, dict], out_dir: Path, info: dict[str, Any]) -> dict[str, Any]:
    """Write report.json, report.csv and report.html; return the report dict."""
    summary = summarize(jobs, rows)
    files = []
    pages = []
    for job in jobs:
        row = rows.get(job.key)
        files.append({"row": job.row, "applicant": job.name, "unit": job.unit, "file": job.file, "mode": job.mode,
                      "expect": job.expect if job.mode == "check" else None, "original": job.original or None,
                      "key": job.key,
                      "verdict": row.get("verdict") if row else "pending",
                      "codes": row.get("codes", []) if row else [],
                      "seconds": row.get("seconds") if row else None,
                      "error": row.get("error") if row else None,
                      "thumbs": row.get("thumbs") if row else None,
                      "result": row.get("result") if row else None})
        pages += page_rows(job, row)
    report = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), **info,
              "complete": all(f["verdict"] != "pending" for f in files), "summary": summary, "files": files,
              "pages": [{k: v for k, v in p.items() if k not in ("key",)} for p in pages]}
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    write_csv(pages, out_dir / "report.csv")
    (out_dir / "report.html").write_text(render_html(report, pages, out_dir), encoding="utf-8")
    return report


def write_csv(pages: list[dict], path: Path) -> None:
    # utf-8 with BOM: Excel opens the Chinese correctly
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(CSV_COLUMNS)
        for p in pages:
            msgs = "; ".join(f"{x.get('code')}: {zh(x.get('message', ''))}" for x in p["findings"])
            if p.get("masks") is not None:
                msgs = (f"遮盖 {p['masks']} 处 / {p['masks']} masks" + ("; " + msgs if msgs else ""))
            w.writerow([p["row"], p["applicant"], p["unit"], p["file"], p["mode"],
                        "" if p["page"] is None else p["page"], p["verdict"], " ".join(p["codes"]),
                        "" if p["seconds"] is None else f"{p['seconds']:.3f}",
                        "" if p["file_seconds"] is None else f"{p['file_seconds']:.3f}", msgs])


# ---------------------------------------------------------------- HTML

_CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei","PingFang SC",sans-serif;margin:24px;color:#222;background:#fafafa}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
.muted{color:#777;font-size:12px}.cards{display:flex;gap:12px;flex-wrap:wrap;margin:12px 0}
.card{background:#fff;border:1px solid #ddd;border-radius:6px;padding:10px 16px;min-width:90px}
.card b{display:block;font-size:24px}.v-pass{color:#1a7f37}.v-fail{color:#c62828}.v-error{color:#8e24aa}
.v-proposed{color:#1565c0}.v-pending{color:#777}
table{border-collapse:collapse;background:#fff;font-size:13px}th,td{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f0f0f0;cursor:pointer;user-select:none;white-space:nowrap}th.asc:after{content:" ▲"}th.desc:after{content:" ▼"}
tr.fail td.verdict{color:#c62828;font-weight:bold}tr.error td.verdict{color:#8e24aa;font-weight:bold}
tr.pass td.verdict{color:#1a7f37}.code{font-family:monospace;font-size:12px;background:#eee;border-radius:3px;padding:0 3px;margin-right:3px}
.sev-error{color:#c62828}.sev-warning{color:#b26a00}.filters{margin:8px 0;display:flex;gap:8px;flex-wrap:wrap}
.filters input,.filters select{padding:4px 6px;font-size:13px}
.page{display:flex;gap:16px;background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;margin:12px 0}
.page img{max-width:560px;border:1px solid #ccc;align-self:flex-start}.page ul{margin:6px 0;padding-left:18px}
.en{color:#888;font-size:12px}a{color:#1565c0}.legend span{margin-right:14px}
.sw{display:inline-block;width:12px;height:12px;vertical-align:middle;margin-right:4px;border:2px solid}
"""

_JS = """
(function(){
var t=document.getElementById('pages');if(!t)return;var body=t.tBodies[0];
var q=document.getElementById('q'),fv=document.getElementById('fv'),fc=document.getElementById('fc'),n=document.getElementById('shown');
function apply(){var s=q.value.trim().toLowerCase(),v=fv.value,c=fc.value,k=0;
 for(var i=0;i<body.rows.length;i++){var r=body.rows[i];
  var ok=(!s||r.textContent.toLowerCase().indexOf(s)>=0)&&(!v||r.dataset.verdict===v)&&(!c||(' '+r.dataset.codes+' ').indexOf(' '+c+' ')>=0);
  r.style.display=ok?'':'none';if(ok)k++;}
 n.textContent=k;}
q.addEventListener('input',apply);fv.addEventListener('change',apply);fc.addEventListener('change',apply);
var ths=t.tHead.rows[0].cells;
for(var j=0;j<ths.length;j++)(function(j){ths[j].addEventListener('click',function(){
 var asc=!ths[j].classList.contains('asc');for(var x=0;x<ths.length;x++)ths[x].classList.remove('asc','desc');
 ths[j].classList.add(asc?'asc':'desc');var rows=Array.prototype.slice.call(body.rows);
 rows.sort(function(a,b){var x=a.cells[j].dataset.sort||a.cells[j].textContent,y=b.cells[j].dataset.sort||b.cells[j].textContent;
  var nx=parseFloat(x),ny=parseFloat(y);var r=(!isNaN(nx)&&!isNaN(ny))?nx-ny:x.localeCompare(y,'zh');return asc?r:-r;});
 rows.forEach(function(r){body.appendChild(r);});});})(j);
document.querySelectorAll('[data-filter]').forEach(function(a){a.addEventListener('click',function(e){e.preventDefault();
 q.value=a.dataset.filter;fv.value='';fc.value=a.dataset.code||'';if(a.dataset.code)q.value='';apply();t.scrollIntoView();});});
apply();})();
"""


def _e(x: Any) -> str:
    return html.escape("" if x is None else str(x), quote=True)


def _msg(f: dict) -> str:
    sev = f.get("severity", "warning")
    e_ = en(f.get("message", ""))
    return (f'<li class="sev-{_e(sev)}"><span class="code">{_e(f.get("code"))}</span>{_e(zh(f.get("message", "")))}'
            + (f' <span class="en">{_e(e_)}</span>' if e_ else "") + "</li>")


def _thumb_uri(out_dir: Path, name: str | None) -> str | None:
    if not name:
        return None
    p = out_dir / THUMBS / name
    try:
        return "data:image/jpeg;base64," + base64.b64encode(p.read_bytes()).decode("ascii")
    except OSError:
        return None


def render_html(report: dict, pages: list[dict], out_dir: Path) -> str:
    s = report["summary"]
    v = s["verdicts"]
    o: list[str] = []
    o.append('<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
             '<meta name="viewport" content="width=device-width, initial-scale=1">'
             f'<title>批量审核报告 / batch report</title><style>{_CSS}</style></head><body>')
    o.append('<h1>申报材料批量审核报告 <span class="muted">batch report</span></h1>')
    o.append(f'<div class="muted">生成时间 generated {_e(report.get("generated_at"))} · 清单 manifest '
             f'{_e(report.get("manifest", ""))}' + ("" if report.get("complete") else
                                                    ' · <b class="v-pending">未完成 / incomplete</b>') + '</div>')
    o.append('<div class="cards">' + f'<div class="card">文件 files<b>{s["files"]}</b></div>' + "".join(
        f'<div class="card v-{k}">{VERDICT_ZH[k]} {k}<b>{v[k]}</b></div>' for k in VERDICTS if v[k] or k in
        ("pass", "fail", "error")) + "</div>")

    o.append('<h2>按问题统计 / by finding code</h2>')
    if s["codes"]:
        o.append('<table><thead><tr><th>代码 code</th><th>级别 severity</th><th>说明</th><th>次数 findings</th>'
                 '<th>文件数 files</th></tr></thead><tbody>')
        for c in s["codes"]:
            o.append(f'<tr><td><a href="#pages" data-filter="" data-code="{_e(c["code"])}">'
                     f'<span class="code">{_e(c["code"])}</span></a></td><td class="sev-{_e(c["severity"])}">'
                     f'{_e(c["severity"])}</td><td>{_e(c["message"])}<br><span class="en">{_e(c["message_en"])}'
                     f'</span></td><td>{c["findings"]}</td><td>{c["files"]}</td></tr>')
        o.append('</tbody></table>')
    else:
        o.append('<p>没有发现问题 / no findings.</p>')

    o.append('<h2>按申报人统计 / by applicant</h2><table><thead><tr><th>申报人 applicant</th><th>单位 unit</th>'
             '<th>文件 files</th><th>通过 pass</th><th>不通过 fail</th><th>出错 error</th><th>问题 codes</th>'
             '</tr></thead><tbody>')
    for a in s["applicants"]:
        cls = "fail" if a["fail"] else ("error" if a["error"] else "pass")
        o.append(f'<tr class="{cls}"><td><a href="#pages" data-filter="{_e(a["applicant"])}">{_e(a["applicant"])}'
                 f'</a></td><td>{_e(a["unit"])}</td><td>{a["files"]}</td><td>{a["pass"] + a["proposed"]}</td>'
                 f'<td>{a["fail"]}</td><td>{a["error"]}</td><td>'
                 + "".join(f'<span class="code">{_e(k)}×{n}</span>' for k, n in a["codes"].items()) + '</td></tr>')
    o.append('</tbody></table>')

    all_codes = sorted({c for p in pages for c in p["codes"]})
    o.append('<h2 id="pages-h">全部文件与页面 / all files and pages</h2><div class="filters">'
             '<input id="q" type="search" placeholder="筛选：姓名、文件、代码… / filter" size="32">'
             '<select id="fv"><option value="">全部结论 all verdicts</option>'
             + "".join(f'<option value="{k}">{VERDICT_ZH[k]} {k}</option>' for k in VERDICTS)
             + '</select><select id="fc"><option value="">全部代码 all codes</option>'
             + "".join(f'<option value="{_e(c)}">{_e(c)}</option>' for c in all_codes)
             + '</select><span class="muted">显示 shown <b id="shown"></b> / ' + str(len(pages)) + '</span></div>')
    o.append('<table id="pages"><thead><tr><th>#</th><th>申报人 applicant</th><th>文件 file</th><th>页 page</th>'
             '<th>模式 mode</th><th>结论 verdict</th><th>问题 codes</th><th>秒 seconds</th></tr></thead><tbody>')
    for i, p in enumerate(pages):
        anchor = f'p{i}' if p["verdict"] in ("fail", "error") else None
        page = "" if p["page"] is None else p["page"]
        sec = "" if p["seconds"] is None else f'{p["seconds"]:.2f}'
        file_cell = _e(p["file"]) + (f' <a href="#{anchor}">→</a>' if anchor else "")
        o.append(f'<tr class="{_e(p["verdict"])}" data-verdict="{_e(p["verdict"])}" data-codes="{_e(" ".join(p["codes"]))}">'
                 f'<td data-sort="{p["row"]}">{p["row"]}</td><td>{_e(p["applicant"])}</td><td>{file_cell}</td>'
                 f'<td data-sort="{_e(page if page != "photo" else 0)}">{_e(page)}</td><td>{_e(p["mode"])}</td>'
                 f'<td class="verdict">{VERDICT_ZH.get(p["verdict"], "")} {_e(p["verdict"])}</td>'
                 f'<td>{"".join(f"<span class=code>{_e(c)}</span>" for c in p["codes"])}</td>'
                 f'<td data-sort="{sec or -1}">{sec}</td></tr>')
    o.append('</tbody></table>')

    bad = [(i, p) for i, p in enumerate(pages) if p["verdict"] == "fail"]
    o.append(f'<h2>不通过的页面 / failing pages ({len(bad)})</h2>'
             '<div class="legend muted"><span><i class="sw" style="border-color:#dc2828"></i>错误 error</span>'
             '<span><i class="sw" style="border-color:#ffb000"></i>警告 warning</span>'
             '<span><i class="sw" style="border-color:#1e78c8"></i>已遮盖处 masks found</span></div>')
    for i, p in bad:
        uri = _thumb_uri(out_dir, p.get("thumb"))
        img = f'<img alt="第 {_e(p["page"])} 页" src="{uri}">' if uri else '<div class="muted">（无缩略图 / no thumbnail）</div>'
        o.append(f'<div class="page" id="p{i}">{img}<div><b>{_e(p["applicant"])}</b> · {_e(p["file"])} · '
                 f'第 {_e(p["page"])} 页 page<ul>' + "".join(_msg(f) for f in p["findings"]) + '</ul></div></div>')
    errs = [(i, p) for i, p in enumerate(pages) if p["verdict"] == "error"]
    if errs:
        o.append(f'<h2>无法处理的文件 / files that could not be processed ({len(errs)})</h2>')
        for i, p in errs:
            o.append(f'<div class="page" id="p{i}"><div><b>{_e(p["applicant"])}</b> · {_e(p["file"])}<ul>'
                     + "".join(_msg(f) for f in p["findings"]) + '</ul></div></div>')
    o.append(f'<script>{_JS}</script></body></html>')
    return "\n".join(o)
