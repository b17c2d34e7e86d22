"""Face detection, offline.

OpenCV 5's headless wheel no longer has ``CascadeClassifier`` nor ships the Haar cascades, so
the detector is YuNet from libfacedetection (BSD-3-Clause, Shiqi Yu), as packaged by the
``yuface`` wheel with its weights compiled in: nothing to download. Where a YuNet ONNX file is
given instead (``MASKER_FACE_MODEL`` or ``models/face_detection_yunet*.onnx`` with its licence and
checksum in models/MANIFEST.json) OpenCV's ``FaceDetectorYN`` runs it. Neither: ``None`` (the
checks that need faces then say so instead of guessing).
"""
from __future__ import annotations

import glob
import logging
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

log = logging.getLogger(__name__)

MAX_SIDE = 640
MIN_SCORE = 0.6


@dataclass
class Face:
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in the image given
    score: float
    landmarks: np.ndarray | None = None  # (5, 2): right eye, left eye, nose, mouth right, mouth left

    @property
    def w(self) -> float:
        return self.box[2] - self.box[0]

    @property
    def h(self) -> float:
        return self.box[3] - self.box[1]

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


_LOCK = threading.Lock()
_BACKEND: object = None  # "yuface" | cv2.FaceDetectorYN | False


def _onnx_model() -> str | None:
    env = os.environ.get("MASKER_FACE_MODEL")
    if env and os.path.exists(env):
        return env
    root = Path(__file__).resolve().parents[3] / "models"
    found = sorted(glob.glob(str(root / "face_detection_yunet*.onnx")))
    return found[-1] if found else None


def _backend():
    global _BACKEND
    if _BACKEND is None:
        with _LOCK:
            if _BACKEND is None:
                try:
                    import yuface  # noqa: F401

                    _BACKEND = "yuface"
                except Exception:
                    path = _onnx_model()
                    if path and hasattr(cv2, "FaceDetectorYN"):
                        try:
                            _BACKEND = cv2.FaceDetectorYN.create(path, "", (320, 320), MIN_SCORE, 0.3, 50)
                        except Exception as e:
                            log.warning("YuNet model %s could not be loaded: %s", path, e)
                            _BACKEND = False
                    else:
                        _BACKEND = False
    return _BACKEND


def available() -> bool:
    return bool(_backend())


def backend_name() -> str:
    b = _backend()
    return "yuface (libfacedetection YuNet)" if b == "yuface" else ("opencv FaceDetectorYN" if b else "none")


def detect_faces(image: np.ndarray, min_score: float = MIN_SCORE) -> list[Face] | None:
    """Faces in a BGR image, largest first; None when no detector is available."""
    b = _backend()
    if not b:
        return None
    if image.ndim == 2:
        image = cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    H, W = image.shape[:2]
    s = min(1.0, MAX_SIDE / max(H, W))
    small = cv2.resize(image, (max(1, int(W * s)), max(1, int(H * s))), interpolation=cv2.INTER_AREA) if s < 1 else image
    small = np.ascontiguousarray(small)
    faces: list[Face] = []
    if b == "yuface":
        import yuface

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            confs, boxes, lms = yuface.detect(small)  # its own threshold 0.5; ours below
        for c, bb, lm in zip(confs, boxes, lms):
            sc = float(c) / 100.0
            if sc < min_score:
                continue
            x, y, w, h = (float(v) / s for v in bb)
            faces.append(Face((x, y, x + w, y + h), sc, np.asarray(lm, np.float64).reshape(5, 2) / s))
    else:
        det = b
        det.setInputSize((small.shape[1], small.shape[0]))
        _, out = det.detect(small)
        for row in (out if out is not None else []):
            x, y, w, h = (float(v) / s for v in row[:4])
            sc = float(row[-1])
            if sc >= min_score:
                faces.append(Face((x, y, x + w, y + h), sc, np.asarray(row[4:14], np.float64).reshape(5, 2) / s))
    faces.sort(key=lambda f: f.w * f.h, reverse=True)
    return faces

