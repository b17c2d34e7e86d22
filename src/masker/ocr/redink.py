"""Red ink (stamps, red titles and rules) taken out of a page before its text is found and read.

Why: at the detector's 960-px side, a stamp pressed over a line of print can make PP-OCRv6's
detector lose the whole line: on bench_names' fresh seed 89 a title certificate's sentence
经评审委员会评审通过，王凤同志具备工程师… runs under the issuing bureau's stamp, and no line was
found there at all (only rapidocr's full-resolution default found it), so the applicant's name
in it was missed. With the red pixels made grey at their own red level (light: stamp ink has
red ~200–240) the detector finds the line and the recogniser reads it whole; the red strokes
crossing glyphs no longer confuse the recogniser either.

Only red pixels change: bright, and red well above both green and blue (stamp ink, pale or
fresh). Black
and blue print keep their colour, and so does black print under a stamp (dark in every channel,
its red barely above the others). Red text itself becomes pale grey (seals are read by
``masker.seals`` from the page as scanned, not from these lines). Done on the detector's resized
input and on each line crop (``masker.ocr.detprep``, ``RapidOcrEngine.read``), never on a whole
page at full resolution: a 59.5-Mpx page would need another ~180 MB.
"""
from __future__ import annotations

import cv2
import numpy as np

#: red above max(green, blue), in 8-bit levels, that counts as red ink (a pale stamp on white
#: paper shows ~12–40; JPEG colour noise on black print stays below it)
RED_MARGIN = 12
#: and red itself above this: stamp ink is bright (red ~180–240); a dark red-brown pen stroke
#: (a scribble over a name, red ~120) is no stamp and stays as dark as it is
RED_MIN = 140


def red_over(b: np.ndarray, g: np.ndarray, r: np.ndarray, margin: int) -> np.ndarray:
    """255 where red exceeds both green and blue by more than ``margin`` levels, else 0 (8-bit
    planes). Also where a stamp may be (``masker.seals.hint``, with its own margin)."""
    return cv2.compare(cv2.subtract(r, cv2.max(g, b)), margin, cv2.CMP_GT)


def without_red_ink(img: np.ndarray) -> np.ndarray:
    """``img`` (BGR) with each red pixel grey at its red level; ``img`` itself where there is none."""
    if img.ndim != 3 or img.shape[2] < 3:
        return img
    b, g, r = cv2.split(np.ascontiguousarray(img[..., :3]))
    red = cv2.bitwise_and(red_over(b, g, r, RED_MARGIN), cv2.compare(r, RED_MIN, cv2.CMP_GT))
    if not cv2.countNonZero(red):
        return img
    cv2.copyTo(r, red, b)
    cv2.copyTo(r, red, g)
    return cv2.merge([b, g, r])
