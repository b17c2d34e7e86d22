"""Simplified and traditional forms of one character (温 / 溫, 丽 / 麗, 伟 / 偉).

Why: PP-OCR reads a simplified name printed in a Taiwan- or Hong Kong-style Ming font (AR PL UMing
TW and the like, common in scanned certificates) as its traditional form: 温霞祥 comes out 溫霞祥.
That is the same name, not a misreading, so the name finder matches it as exact and the cascade
reads such characters again like the name's own.

The table is OpenCC's simplified → traditional character list (``opencc-python-reimplemented``,
Apache-2.0), taken both ways. Without it installed, characters only match themselves.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from functools import lru_cache
from importlib import resources

log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def _table() -> dict[str, frozenset[str]]:
    try:
        text = resources.files("opencc").joinpath("dictionary/STCharacters.txt").read_text(encoding="utf-8")
    except (ModuleNotFoundError, FileNotFoundError, OSError):
        log.debug("OpenCC's character table is not installed: no simplified/traditional variants")
        return {}
    table: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        simp, _, trad = line.partition("\t")
        for t in trad.split():
            if len(simp) == 1 and len(t) == 1 and t != simp:
                table[simp].add(t)
                table[t].add(simp)
    return {k: frozenset(v) for k, v in table.items()}


def variants(ch: str) -> frozenset[str]:
    """The other forms of ``ch`` (温 → {溫}); empty when it has none."""
    return _table().get(ch, frozenset())


def same_char(a: str, b: str) -> bool:
    """``a`` and ``b`` are one character, possibly in its simplified and traditional forms."""
    return a == b or b in variants(a)
