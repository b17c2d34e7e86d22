"""``DIR/results.jsonl``: one JSON line per finished file, flushed and synced as it finishes, so a
batch stopped at any point (Ctrl-C, a crash, a reboot) resumes where it stopped."""
from __future__ import annotations

import json
import os
from pathlib import Path

from .job import TRANSIENT_ERRORS

RESULTS = "results.jsonl"
THUMBS = "thumbs"


def is_finished(row: dict) -> bool:
    """A row a resumed batch keeps: a verdict, or an input error that a rerun cannot change."""
    if row.get("verdict") in ("pass", "fail", "proposed"):
        return True
    err = row.get("error") or {}
    return row.get("verdict") == "error" and err.get("code") not in TRANSIENT_ERRORS


def read_results(path: Path) -> dict[str, dict]:
    """Rows by key (the last line for a key wins); a torn last line is ignored."""
    rows: dict[str, dict] = {}
    if not path.exists():
        return rows
    with open(path, "rb") as f:
        for raw in f:
            try:
                row = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                continue
            if isinstance(row, dict) and row.get("key"):
                rows[row["key"]] = row
    return rows


def repair_tail(path: Path) -> None:
    """Cut a line torn by a crash mid-write, so the next line starts clean."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb+") as f:
        f.seek(-1, os.SEEK_END)
        if f.read(1) == b"\n":
            return
        f.seek(0)
        cut = f.read().rfind(b"\n") + 1
        f.truncate(cut)


class ResultWriter:
    def __init__(self, out_dir: Path):
        self.out_dir = out_dir
        self.path = out_dir / RESULTS
        self.thumb_dir = out_dir / THUMBS
        repair_tail(self.path)
        self._f = open(self.path, "a", encoding="utf-8")

    def write(self, row: dict) -> dict:
        thumbs = row.pop("_thumbs", None) or {}
        if thumbs:
            self.thumb_dir.mkdir(exist_ok=True)
            names = {}
            for page, data in thumbs.items():
                name = f"{row['key']}-p{int(page) + 1}.jpg"
                (self.thumb_dir / name).write_bytes(data)
                names[str(page)] = name
            row["thumbs"] = names
        # thumbnails first: a line in results.jsonl means everything of that row is on disk
        self._f.write(json.dumps(row, ensure_ascii=False) + "\n")
        self._f.flush()
        try:
            os.fsync(self._f.fileno())
        except OSError:
            pass
        return row

    def close(self) -> None:
        self._f.close()
