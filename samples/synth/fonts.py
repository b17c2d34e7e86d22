"""Fonts for the generator: which faces each template family may use, loaded once and cached.

The two families use different faces so that a method tuned on one is measured on faces it has
not seen:

- ``main``: Noto Sans CJK SC / Noto Serif CJK SC (Regular, and Serif Bold for titles), WenQuanYi
  Zen Hei;
- ``independent``: AR PL UMing, AR PL UKai, WenQuanYi Micro Hei, Noto Sans CJK SC Bold (titles).

Text-layer PDFs can only embed (and subset) TrueType faces here, so PDF pages draw from
``PDF_FONTS`` of their family. Handwritten signatures use AR PL UKai in both families.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np
from PIL import ImageFont

__all__ = ["FONTS", "FAMILY_FONTS", "PDF_FONTS", "font", "measure", "has_glyph", "font_bytes",
           "SIGNATURE_FONT"]

_NOTO = "/usr/share/fonts/opentype/noto"
_WQY = "/usr/share/fonts/truetype/wqy"
_ARPHIC = "/usr/share/fonts/truetype/arphic"

#: key → (path, face index)
FONTS: dict[str, tuple[str, int]] = {
    "noto_sans": (f"{_NOTO}/NotoSansCJK-Regular.ttc", 2),
    "noto_serif": (f"{_NOTO}/NotoSerifCJK-Regular.ttc", 2),
    "noto_serif_bold": (f"{_NOTO}/NotoSerifCJK-Bold.ttc", 2),
    "noto_sans_bold": (f"{_NOTO}/NotoSansCJK-Bold.ttc", 2),
    "zenhei": (f"{_WQY}/wqy-zenhei.ttc", 0),
    "microhei": (f"{_WQY}/wqy-microhei.ttc", 0),
    "uming": (f"{_ARPHIC}/uming.ttc", 0),
    "ukai": (f"{_ARPHIC}/ukai.ttc", 0),
}

#: per family: role → candidate font keys. Roles: body, title, label (form labels / headings)
FAMILY_FONTS: dict[str, dict[str, list[str]]] = {
    "main": {
        "body": ["noto_serif", "noto_sans", "zenhei"],
        "title": ["noto_serif_bold", "zenhei", "noto_serif_bold"],
        "label": ["noto_sans", "noto_serif", "zenhei"],
    },
    "independent": {
        "body": ["uming", "microhei", "ukai", "uming"],
        "title": ["noto_sans_bold", "microhei", "uming"],
        "label": ["microhei", "uming", "ukai"],
    },
}

#: the TrueType faces text-layer PDFs may embed, per family
PDF_FONTS: dict[str, dict[str, list[str]]] = {
    "main": {"body": ["zenhei"], "title": ["zenhei"], "label": ["zenhei"]},
    "independent": {"body": ["uming"], "title": ["uming", "ukai"], "label": ["uming", "ukai"]},
}
# (WenQuanYi Micro Hei is left out of PDFs: its cmap maps 力 不 … to CJK compatibility
# ideographs too, and PyMuPDF then extracts U+F98A for 力.)

SIGNATURE_FONT = "ukai"

_MEASURE_PX = 100  # layout measures at this pixel size and scales to points


@lru_cache(maxsize=256)
def font(key: str, px: float) -> ImageFont.FreeTypeFont:
    path, index = FONTS[key]
    return ImageFont.truetype(path, size=px, index=index, layout_engine=ImageFont.Layout.BASIC)


@lru_cache(maxsize=65536)
def _char_w(key: str, ch: str) -> float:
    return font(key, _MEASURE_PX).getlength(ch) / _MEASURE_PX


def measure(text: str, key: str, size: float) -> float:
    """Advance width of ``text`` in points at ``size`` pt (sum of single-glyph advances: CJK
    faces have no kerning, so this is where the glyphs land)."""
    return sum(_char_w(key, c) for c in text) * size


def char_width(ch: str, key: str, size: float) -> float:
    return _char_w(key, ch) * size


@lru_cache(maxsize=4096)
def has_glyph(key: str, ch: str) -> bool:
    if ch.isspace() or ch.isascii() or "\u4e00" <= ch <= "\u9fff" or ch in "，。、；：？！（）《》“”—":
        return True  # every face here has these (the name pools were checked against all of them)
    f = font(key, 40)
    return _sig(f, ch) not in (_sig(f, "\ue000"), _sig(f, "\U000f0000"))


def _sig(f: ImageFont.FreeTypeFont, ch: str) -> tuple:
    m = f.getmask(ch)
    return (m.size, np.asarray(m).tobytes())


@lru_cache(maxsize=16)
def font_bytes(key: str) -> bytes:
    return Path(FONTS[key][0]).read_bytes()
