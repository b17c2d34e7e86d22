"""Characters PP-OCR is known to confuse in names (both directions), with the score kept for a
match that needed the substitution. Small on purpose: each pair is a real, seen confusion class."""
from __future__ import annotations

_PAIRS = [
    "己已巳", "未末", "土士", "日曰", "买卖", "热熱", "丽麗", "尔爾", "江汪", "提堤",
    "孜玫", "娜哪", "古吉", "拉垃", "汗汉", "木术", "依衣", "吾晤", "热然", "克壳",
    "斯期", "亚惡", "迪笛", "扎礼", "赛塞", "帕帖", "苏芬", "阿啊", "力办", "艾文",
    "喆哲", "堃坤", "燊桑", "彧或", "祎伟", "昇升", "赟贇", "玥月", "翀冲", "犇奔",
    "王玉", "干于", "人入", "八入", "天夭", "q9", "0O", "1l",
]

CONFUSABLE: dict[str, set[str]] = {}
for group in _PAIRS:
    for a in group:
        CONFUSABLE.setdefault(a, set()).update(b for b in group if b != a)

#: score multiplier for a match that needed one confusion substitution
CONFUSION_SCORE = 0.92
#: ... and for an arbitrary substitution where OCR itself was unsure (long Uyghur names only)
UNSURE_SUB_SCORE = 0.82


def confusable(a: str, b: str) -> bool:
    return b in CONFUSABLE.get(a, ())


def alike(want: str, got: str) -> bool:
    """``got`` may stand for ``want``: the same character (in either script form) or a known
    confusion of it."""
    from .variants import same_char

    return same_char(want, got) or confusable(want, got)
