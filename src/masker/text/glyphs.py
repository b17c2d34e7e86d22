"""Do two CJK characters look alike? The recogniser's typical misreadings (喀/略, 局/属, 淏/溴) are
characters whose glyphs nearly coincide; comparing blurred renderings of both finds them without a
hand-made table. Used by the name finder (rare name characters) and the seal matcher.
"""
from __future__ import annotations

from functools import lru_cache

#: numerals, directions and the like: one of these read for another changes the meaning, so they
#: never count as look-alikes
NEVER_ALIKE = set("一二三四五六七八九十百零〇壹贰叁肆伍陆柒捌玖拾0123456789东南西北中上下前后左右甲乙丙丁新老大小")

_GLYPH_FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
                "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
                "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")


@lru_cache(maxsize=1)
def _glyph_font():
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover
        return None
    for path in _GLYPH_FONTS:
        try:
            return ImageFont.truetype(path, 40, index=2 if "Noto" in path else 0)
        except OSError:
            continue
    return None


@lru_cache(maxsize=4096)
def _glyph(ch: str):
    import numpy as np
    from PIL import Image, ImageDraw

    f = _glyph_font()
    im = Image.new("L", (48, 48), 0)
    ImageDraw.Draw(im).text((24, 24), ch, font=f, fill=255, anchor="mm")
    a = np.asarray(im, dtype=np.float32) / 255.0
    import cv2

    a = cv2.GaussianBlur(a, (0, 0), 2.0)
    a = a - a.mean()
    n = float(np.sqrt((a * a).sum()))
    return a / n if n > 0 else a


def glyph_similarity(a: str, b: str) -> float | None:
    """Correlation of the blurred glyphs of two characters (1.0: the same; ≥ 0.8: look-alikes
    the recogniser confuses); None without a CJK font."""
    if _glyph_font() is None:
        return None
    return float((_glyph(a) * _glyph(b)).sum())


@lru_cache(maxsize=16384)
def looks_alike(a: str, b: str) -> bool:
    """Do two CJK characters look alike (the recogniser's typical misreadings: 喀/略, 局/属,
    阿/河, 县/具 ...)? Correlation of their blurred glyphs; False without a CJK font."""
    if a == b:
        return True
    if not ("\u4e00" <= a <= "\u9fff" and "\u4e00" <= b <= "\u9fff") or a in NEVER_ALIKE or b in NEVER_ALIKE:
        return False
    sim = glyph_similarity(a, b)
    return sim is not None and sim >= 0.8
