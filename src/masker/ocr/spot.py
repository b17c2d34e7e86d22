"""How well a recogniser output reads as a given text: the best CTC alignment of the text anywhere
in a line (keyword spotting), against the line's own greedy reading.

Why: greedy decoding keeps one character per step and throws the rest away. A worn 喀 that the
recogniser reads 巴 may still give 喀 a tenth of the probability, while a namesake's clean 新 gives
喀 almost none — the ratio tells a damaged reading of the text from a reading of another text,
which no comparison of decoded strings can (``masker.seals.match`` works on strings; the seal
finder asks this where the strings leave it unsure).

Input: a ``Reading.focus`` array (per time step: the best class's probability, the blank's, then
each focus class's), so only a few columns of the recogniser's output are kept.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

_EPS = 1e-9
#: back pointer of a path that starts at this step; the others say how many states back the path
#: came from (0 stays, 1 steps on, 2 skips a blank)
_START = 3


@dataclass(frozen=True)
class Spot:
    """The best alignment of a text in one reading."""

    #: log P(alignment) − log P(greedy reading) over the time steps the text spans (≤ 0; 0 where
    #: the greedy reading is the text itself)
    log_ratio: float
    #: per character of the text: its highest probability over the steps it is aligned to
    probs: tuple[float, ...]
    #: per character: the first time step it is aligned to
    steps: tuple[int, ...]


def spot(focus: np.ndarray, columns: Sequence[int]) -> Spot | None:
    """Align the text whose characters are ``focus`` columns ``columns`` (each ≥ 2; -1 for a
    character the recogniser cannot emit) anywhere in the reading ``focus`` (T, 2 + k).

    Viterbi over CTC's states (blank, character, blank, …) with a free start and end: steps
    before and after the text cost nothing, each step inside costs its log probability under the
    alignment minus that of the step's best class. None where the reading is empty or the text is.
    """
    n = len(columns)
    if focus is None or focus.ndim != 2 or focus.shape[0] == 0 or n == 0:
        return None
    T = focus.shape[0]
    logp = np.log(focus.astype(np.float64) + _EPS)
    best = logp[:, 0]
    chars = np.stack([logp[:, c] if c >= 2 else np.full(T, np.log(_EPS)) for c in columns], axis=1)
    S = 2 * n + 1
    gain = np.empty((T, S))
    gain[:, 0::2] = (logp[:, 1] - best)[:, None]
    gain[:, 1::2] = chars - best[:, None]
    np.minimum(gain, 0.0, out=gain)  # a focus class is never better than the best one
    # a character state may be entered from two states back unless it repeats the character there
    skip = np.zeros(S, bool)
    for j in range(1, n):
        skip[2 * j + 1] = columns[j] != columns[j - 1]
    v = np.full(S, -np.inf)
    back = np.zeros((T, S), np.int8)
    ends = np.full(T, -np.inf)
    end_state = np.zeros(T, np.intp)
    for t in range(T):
        stay = v
        step = np.concatenate([[-np.inf], v[:-1]])
        jump = np.concatenate([[-np.inf, -np.inf], v[:-2]])
        jump = np.where(skip, jump, -np.inf)
        cand = np.stack([stay, step, jump, np.full(S, -np.inf)])
        cand[_START, :2] = 0.0  # the text may start here
        k = cand.argmax(axis=0)
        v = cand[k, np.arange(S)] + gain[t]
        back[t] = k
        end_state[t] = S - 2 if v[S - 2] >= v[S - 1] else S - 1
        ends[t] = v[end_state[t]]
    t_end = int(ends.argmax())
    if not np.isfinite(ends[t_end]):
        return None
    # walk back from the end, noting each character's steps
    s = int(end_state[t_end])
    probs = [0.0] * n
    first = [-1] * n
    t = t_end
    while t >= 0:
        if s % 2 == 1:
            j = s // 2
            probs[j] = max(probs[j], float(focus[t, columns[j]]) if columns[j] >= 2 else 0.0)
            first[j] = t
        k = back[t, s]
        if k == _START:
            break
        s -= int(k)
        t -= 1
    return Spot(float(ends[t_end]), tuple(probs), tuple(first))
