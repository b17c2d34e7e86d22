"""Batch input: a CSV manifest (shared/CONTRACT.md) or a folder of applicant folders.

Both become a list of :class:`Job` in a stable order (manifest row order, or folder names sorted),
so that the report has the same order however the batch was scheduled or resumed.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..errors import InputError

MODES = ("audit", "check", "propose")
META_FILES = ("applicant.json", "meta.json")
ORIGINAL_DIRS = ("original", "originals", "原件")
#: files never taken as attachments in the folder convention
IGNORED_FILES = {"thumbs.db", "desktop.ini", ".ds_store"}


class ManifestError(InputError):
    """The manifest itself is unusable (missing, unreadable, no ``file`` column, no rows): exit 2."""

    code = "BAD_MANIFEST"


@dataclass
class Job:
    """One file to process. Paths are absolute; ``file`` is the path as the manifest gives it
    (relative to the manifest), used in the report."""

    row: int                     # 1-based row number in the manifest (data rows), or file order
    file: str                    # as written in the manifest / relative to the folder root
    path: str                    # absolute path
    name: str = ""
    unit: str = ""
    mode: str = "audit"
    expect: str = "document"
    original: str = ""           # as written
    original_path: str = ""      # absolute, or ""
    #: a problem found while reading the manifest row (bad mode...): the job becomes an error row
    problem: dict | None = None
    key: str = ""
    file_sha256: str = ""
    extra: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> "Job":
        return cls(**{k: v for k, v in d.items() if k in cls.__dataclass_fields__})


def _sha256(path: str) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError:
        return "unreadable"
    return h.hexdigest()


def finalize(jobs: list[Job]) -> list[Job]:
    """Give every job its identity key: the manifest row's content (file, mode, name, unit,
    expect, original) plus the bytes of the file and of the original. A resumed batch skips
    a job only when this key already has a finished result."""
    cache: dict[str, str] = {}

    def digest(p: str) -> str:
        if not p:
            return ""
        if p not in cache:
            cache[p] = _sha256(p)
        return cache[p]

    for j in jobs:
        j.file_sha256 = digest(j.path)
        ident = [j.file, j.mode, j.name, j.unit, j.expect if j.mode == "check" else "",
                 j.original, j.file_sha256, digest(j.original_path),
                 json.dumps(j.problem, sort_keys=True) if j.problem else ""]
        j.key = hashlib.sha256(json.dumps(ident, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]
    return jobs


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    for enc in ("utf-8-sig", "gb18030"):  # Excel in a Chinese locale saves GBK
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise ManifestError("清单文件编码无法识别（请保存为 UTF-8）/ the manifest's encoding is not UTF-8 or GBK")


def _norm_mode(v: str) -> str:
    return (v or "").strip().lower() or "audit"


def _row_job(row_no: int, base: Path, file: str, name: str, unit: str, mode: str, expect: str,
             original: str) -> Job:
    file = file.strip()
    original = (original or "").strip()
    job = Job(row=row_no, file=file, path=str((base / file).resolve()) if file else "",
              name=(name or "").strip(), unit=(unit or "").strip(), mode=_norm_mode(mode),
              expect=(expect or "").strip().lower() or "document", original=original,
              original_path=str((base / original).resolve()) if original else "")
    if not file:
        job.problem = {"code": "MISSING_FILE", "message": "清单行缺少文件路径 / the manifest row has no file"}
    elif job.mode not in MODES:
        job.problem = {"code": "BAD_MODE", "message": f"未知的 mode（应为 audit、check 或 propose）/ unknown mode "
                                                      f"'{job.mode}' (audit, check or propose)"}
    elif job.mode == "check" and job.expect not in ("document", "photo"):
        job.problem = {"code": "BAD_OPTION", "message": "expect 只能是 document 或 photo / expect must be document or photo"}
    return job


def load_csv(path: Path) -> list[Job]:
    text = _read_text(path)
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames:
        raise ManifestError("清单为空 / the manifest is empty")
    cols = {(c or "").strip().lower(): c for c in reader.fieldnames}
    if "file" not in cols:
        raise ManifestError("清单缺少 file 列（表头应为 file,name,unit[,original,expect,mode]）/ the manifest has no "
                            "'file' column (header: file,name,unit[,original,expect,mode])")
    base = path.parent

    def get(r: dict, k: str) -> str:
        c = cols.get(k)
        v = r.get(c) if c is not None else None
        return v if isinstance(v, str) else ""

    jobs = []
    n = 0
    for r in reader:
        if not any((v or "").strip() for v in r.values() if isinstance(v, str)):
            continue  # blank line
        n += 1
        jobs.append(_row_job(n, base, get(r, "file"), get(r, "name"), get(r, "unit"), get(r, "mode"),
                             get(r, "expect"), get(r, "original")))
    return jobs


def _meta(folder: Path) -> dict | None:
    for m in META_FILES:
        p = folder / m
        if p.is_file():
            try:
                d = json.loads(_read_text(p))
            except (ValueError, ManifestError) as e:
                raise ManifestError(f"元数据文件无法解析 / cannot parse {folder.name}/{m}: {type(e).__name__}") from e
            if not isinstance(d, dict):
                raise ManifestError(f"元数据应为 JSON 对象 / {folder.name}/{m} must be a JSON object")
            return d
    return None


def _folder_jobs(root: Path, folder: Path, meta: dict, start: int) -> list[Job]:
    per_file = meta.get("files") or {}
    if not isinstance(per_file, dict):
        per_file = {}
    originals = next((folder / d for d in ORIGINAL_DIRS if (folder / d).is_dir()), None)
    jobs = []
    for p in sorted(folder.iterdir(), key=lambda q: q.name):
        if not p.is_file() or p.name.startswith(".") or p.name in META_FILES or p.name.lower() in IGNORED_FILES:
            continue
        opts = per_file.get(p.name)
        opts = opts if isinstance(opts, dict) else {}
        orig = ""
        if opts.get("original"):  # relative to the applicant's folder
            orig = os.path.relpath(folder / str(opts["original"]), root).replace(os.sep, "/")
        elif originals is not None and (originals / p.name).is_file():
            orig = (originals / p.name).relative_to(root).as_posix()
        mode = opts.get("mode") or meta.get("mode", "")
        expect = opts.get("expect") or meta.get("expect", "")
        rel = p.relative_to(root).as_posix()
        jobs.append(_row_job(start + len(jobs), root, rel, str(meta.get("name") or ""),
                             str(meta.get("unit") or ""), str(mode or ""), str(expect or ""), orig))
    return jobs


def load_folder(root: Path) -> list[Job]:
    """``root`` holds one folder per applicant (each with ``applicant.json`` or ``meta.json``), or
    is itself one applicant's folder."""
    meta = _meta(root)
    if meta is not None:
        return _folder_jobs(root.parent, root, meta, 1)
    jobs: list[Job] = []
    for d in sorted((p for p in root.iterdir() if p.is_dir() and not p.name.startswith(".")), key=lambda q: q.name):
        m = _meta(d)
        if m is None:
            continue
        jobs += _folder_jobs(root, d, m, len(jobs) + 1)
    return jobs


def load_jobs(manifest: str | Path) -> list[Job]:
    """Read a CSV manifest or an applicants folder; raises :class:`ManifestError` when it is unusable."""
    p = Path(manifest)
    if not p.exists():
        raise ManifestError("清单不存在 / the manifest does not exist", code="BAD_MANIFEST")
    if p.is_dir():
        jobs = load_folder(p)
        if not jobs:
            raise ManifestError("文件夹中没有申报人材料（每位申报人一个文件夹，内含 applicant.json）/ no applicant "
                                "folders with applicant.json and files were found")
    else:
        try:
            jobs = load_csv(p)
        except OSError as e:
            raise ManifestError(f"无法读取清单 / cannot read the manifest ({e.strerror})") from e
        except csv.Error as e:
            raise ManifestError(f"清单不是有效的 CSV / the manifest is not valid CSV ({e})") from e
        if not jobs:
            raise ManifestError("清单没有数据行 / the manifest has no rows")
    return finalize(jobs)
