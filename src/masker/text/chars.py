"""Character classes used by the name finder. Tables, not logic, so they can be read and extended."""
from __future__ import annotations

import unicodedata

#: every way a Uyghur name's middle dot is written or misread by OCR
DOT_LIKE = set("·•・.-‧･∙⋅．－—–‐‑_'`’﹒°。丶")
#: OCR readings that stand in for the middle dot only *where the name has one*
DOT_STANDINS = DOT_LIKE | set("、一")
SPACE_LIKE = set(" \t\u3000\u00a0\u2002\u2003\u2009\u200b")
#: punctuation that always ends a name
BOUNDARY_PUNCT = set("，,、;；:：()（）[]【】《》<>〈〉“”\"'‘’!！?？。/\\|｜·•")


def is_han(ch: str) -> bool:
    if not ch:
        return False
    o = ord(ch[0])
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2FFFF or 0xF900 <= o <= 0xFAFF


def char_class(ch: str) -> str:
    """One of: han, dot, space, punct, digit, latin, other."""
    if ch in SPACE_LIKE or ch.isspace():
        return "space"
    if ch in DOT_LIKE:
        return "dot"
    if is_han(ch):
        return "han"
    if ch.isdigit():
        return "digit"
    if ch.isascii() and ch.isalpha():
        return "latin"
    cat = unicodedata.category(ch)
    if cat.startswith("P") or cat.startswith("S") or ch in BOUNDARY_PUNCT:
        return "punct"
    return "other"


def normalize_name(name: str) -> tuple[list[str], set[int]]:
    """Split a name into its core characters and the positions where a dot may stand.

    ``艾合买提·阿不都热依木`` → (['艾','合','买','提','阿','不','都','热','依','木'], {4}): a dot may
    stand before core index 4. Spaces (padding such as ``张　伟``) are dropped.
    """
    core: list[str] = []
    dots: set[int] = set()
    for ch in unicodedata.normalize("NFKC", name) if False else name:
        cls = char_class(ch)
        if cls == "space":
            continue
        if cls == "dot":
            if core:
                dots.add(len(core))
            continue
        core.append(ch)
    return core, dots
