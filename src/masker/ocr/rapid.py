"""PP-OCRv6 small (detection + recognition) on onnxruntime, with rapidocr's detector and models.

Settings (measured on this 2-core machine, see shared/notes/ocr-measurements.md and README):
- no line-direction classifier: it turned upright lines upside down and caused most misses;
  page orientation is handled at page level (``masker.compliance``);
- detector input limited to a 960 px long side: halves the time, same name recall;
- recognition and per-character boxes are ours (``recognizer``, ``ctc``, ``charboxes``): same
  model and box geometry as rapidocr's ``return_word_box`` + ``return_single_char_box``, without
  its 320-px batch padding and its per-point Python (together ~35% of the page time);
- with a ``Focus`` (the name and unit being looked for), a cascade: every line is read narrowed
  first, and only the parts of lines that may hold what is looked for are read again at full
  width (``masker.ocr.cascade``); opt-in, the first pass runs an int8 copy of the recogniser
  (``masker.ocr.models``, ~0.72× the time).
"""
from __future__ import annotations

import logging
import time
from typing import Sequence

import numpy as np

from ..geometry import from_quad
from .base import Char, TextLine
from .cascade import Focus, splice, widen
from .charboxes import Span, span_quads, spans
from .detprep import install as install_det_input
from .models import int8_first_pass, seal_ring_model
from .recognizer import LineRecognizer, shared_width
from .redink import without_red_ink
from .runtime import open_model, rapidocr_params, runtime_name, sessions_for_rapidocr, threads

log = logging.getLogger(__name__)

DEFAULT_PARAMS = {
    "Global.use_cls": False,
    "Global.log_level": "error",
    "Det.limit_type": "max",
    "Det.limit_side_len": 960,
}

#: width factor of the cascade's first pass (see ``masker.ocr.recognizer``)
FIRST_PASS_SQUEEZE = 0.5
#: ``warm_up`` prepares the recogniser's shared widths up to this (a line of ~40 characters at
#: full width; wider ones are rare and prepared when they come)
WARM_MAX_WIDTH = 1024
#: lines whose reading scores below this are dropped (rapidocr's ``Global.text_score``)
TEXT_SCORE = 0.5


class RapidOcrEngine:
    name = "rapidocr"
    #: ``read`` takes a ``focus`` (``Masker.analyse`` passes one when it knows the query)
    accepts_focus = True

    def __init__(self, params: dict | None = None, squeeze: float = FIRST_PASS_SQUEEZE):
        from rapidocr import RapidOCR  # imported here: heavy, and optional for NullEngine users

        p = dict(DEFAULT_PARAMS)
        if threads() > 0:
            p["EngineConfig.onnxruntime.intra_op_num_threads"] = threads()
            p["EngineConfig.onnxruntime.inter_op_num_threads"] = 1
        #: the inference runtime of the detector and recogniser (``masker.ocr.runtime``)
        self.runtime = runtime_name()
        p.update(rapidocr_params(self.runtime))
        if params:
            p.update(params)
        self.params = p
        self.squeeze = squeeze
        self._ocr = RapidOCR(params=p)
        with sessions_for_rapidocr(self.runtime if "Rec.model_path" in p else "onnxruntime"):
            install_det_input(self._ocr._load_det_model())
            self._ocr._load_rec_model()
        self._lines: LineRecognizer | None = None
        self._first: LineRecognizer | None = None
        self._rings: LineRecognizer | None = None
        logging.getLogger("RapidOCR").setLevel(logging.ERROR)
        #: [detection, classifier, recognition] seconds of the last page, for profiling
        self.last_elapse: list[float] = [0.0, 0.0, 0.0]
        #: lines read, windows read again at full width, and the share of the lines' width they
        #: cover, on the last page
        self.last_counts: tuple[int, int, float] = (0, 0, 0.0)

    @property
    def line_recognizer(self) -> LineRecognizer:
        if self._lines is None:
            rec = self._ocr._load_rec_model()
            self._lines = LineRecognizer(rec.session, list(rec.postprocess_op.character))
            self._lines.prime()
        return self._lines

    def _derived(self, find) -> LineRecognizer:
        """A copy of the recogniser made from the stock one (its charset), where ``find(the stock
        model's path)`` gives its file (``masker.ocr.models``), else the stock recogniser."""
        src = _model_path(self._ocr._load_rec_model().session)
        path = find(str(src)) if src else None
        if path is None:
            return self.line_recognizer
        rec = LineRecognizer(open_model(path, self.runtime), self.line_recognizer.charset)
        rec.prime()
        return rec

    @property
    def ring_recognizer(self) -> LineRecognizer:
        """The recogniser for unwrapped seal rings: the copy fine-tuned on them, else the stock one."""
        if self._rings is None:
            self._rings = self._derived(seal_ring_model)
        return self._rings

    @property
    def first_pass(self) -> LineRecognizer:
        """The cascade's first-pass recogniser: the int8 copy of the model, else the fp32 one."""
        if self._first is None:
            self._first = self._derived(int8_first_pass)
        return self._first

    def read(self, image: np.ndarray, focus: Focus | None = None) -> list[TextLine]:
        """All text lines of a BGR page. With ``focus``, lines that cannot hold what it looks for
        keep their cheap first reading (their text may differ in spacing and punctuation)."""
        from rapidocr.main import RapidOCRError
        from rapidocr.utils.process_img import map_boxes_to_original

        if image.ndim == 2:
            image = np.stack([image] * 3, axis=-1)
        t0 = time.perf_counter()
        img, op_record = self._ocr.preprocess_img(image)
        try:
            crops, det = self._ocr.detect_and_crop(img, op_record)  # red ink whitened (detprep)
            crops = [without_red_ink(c) for c in crops]
        except RapidOCRError:
            self.last_elapse, self.last_counts = [time.perf_counter() - t0, 0.0, 0.0], (0, 0, 0.0)
            return []
        t1 = time.perf_counter()
        line_quads = map_boxes_to_original(np.array(det.boxes, np.float32), op_record, image.shape[0], image.shape[1])
        boxes = None
        if focus is not None and focus.unit_near is not None:
            boxes = [from_quad(q) for q in line_quads]
        readings = self._recognise(crops, focus, boxes)
        t2 = time.perf_counter()
        self.last_elapse = [t1 - t0, 0.0, t2 - t1]
        keep = [i for i, (_, score, raw) in enumerate(readings) if raw.strip() and score >= TEXT_SCORE]
        if not keep:
            return []
        per_line = [span_quads(det.boxes[i], readings[i][0]) for i in keep]
        char_quads = map_boxes_to_original(np.concatenate(per_line), op_record, image.shape[0], image.shape[1]) \
            if any(len(q) for q in per_line) else np.zeros((0, 4, 2), np.float32)
        lines: list[TextLine] = []
        at = 0
        for i in keep:
            sp, score, raw = readings[i]
            chars = [Char(s.ch, from_quad(char_quads[at + k]), s.conf) for k, s in enumerate(sp)]
            at += len(sp)
            lines.append(TextLine(text="".join(s.ch for s in sp) if sp else raw, box=from_quad(line_quads[i]),
                                  score=score, chars=chars, source="ocr"))
        return lines

    def _recognise(self, crops: list[np.ndarray], focus: Focus | None,
                   boxes: list | None = None) -> list[tuple[list[Span], float, str]]:
        """Per crop: character spans, line score and raw text (spaces included); ``boxes``: the
        crops' boxes on the page, where the focus asks for them."""
        rec = self.line_recognizer
        if focus is None or self.squeeze >= 1.0:
            self.last_counts = (len(crops), len(crops), 1.0)
            return [(spans(r, c.shape[1]), r.score, r.text) for r, c in zip(rec.read(crops), crops)]
        first = self.first_pass.read(crops, squeeze=self.squeeze, widths=shared_width)
        out = [(spans(r, c.shape[1]), r.score, r.text) for r, c in zip(first, crops)]
        jobs = [(i, w) for i, (r, c) in enumerate(zip(first, crops))
                for w in focus.windows(r, out[i][0], c.shape[1], c.shape[0], boxes[i] if boxes else None)]
        jobs = [(i, widen(a, b, crops[i].shape[1], crops[i].shape[0])) for i, (a, b) in jobs]
        again = rec.read([np.ascontiguousarray(crops[i][:, a:b]) for i, (a, b) in jobs], widths=shared_width)
        by_line: dict[int, list] = {}
        for (i, (a, b)), r in zip(jobs, again):
            if a == 0 and b >= crops[i].shape[1]:  # the whole line: its full reading as it is
                out[i] = (spans(r, crops[i].shape[1]), r.score, r.text)
            else:
                by_line.setdefault(i, []).append(((a, b), r, spans(r, b - a, offset=a)))
        for i, reads in by_line.items():
            sp = splice(out[i][0], [(w, s) for w, _, s in reads], crops[i].shape[1], crops[i].shape[0])
            score = sum(s.conf for s in sp) / len(sp) if sp else 0.0
            out[i] = (sp, score, "".join(s.ch for s in sp))
        total = sum(c.shape[1] for c in crops) or 1
        self.last_counts = (len(crops), len(jobs), sum(b - a for _, (a, b) in jobs) / total)
        return out

    def warm_up(self, max_width: int = WARM_MAX_WIDTH) -> None:
        """Prepare the runtime's kernels for the shapes pages bring: the recogniser's shared widths
        up to ``max_width`` in batches of 1 and 6 rows (``recognizer.shared_width``,
        ``batches_by_width``) and the detector on A4 pages either way up. For long-lived processes
        (``masker serve``, batch workers): a new shape costs up to as much as the reading itself,
        so a fresh process reads its first pages slower than later ones (README, "Speed")."""
        widths = sorted({shared_width(w) for w in range(8, max_width + 1, 8)})
        self.first_pass.warm_up(widths)
        if self.first_pass is not self.line_recognizer:
            self.line_recognizer.warm_up(widths)
        for shape in ((1754, 1240, 3), (1240, 1754, 3)):  # 150-dpi A4, upright and turned
            self.read(np.full(shape, 255, np.uint8))
        self.ring_recognizer  # the seal-ring model loads now (~0.18 s), not on a request's first stamp

    def recognize(self, crops: Sequence[np.ndarray]) -> list[tuple[str, float]]:
        """Text and score of each single-line crop, by the same recogniser loop as ``read``
        (``LineRecognizer``: no 320-px minimum width, so short crops beside a mask or from a
        line piece cost what they hold)."""
        if not len(crops):
            return []
        return [(r.text, r.score) for r in self.line_recognizer.read(list(crops))]


def _model_path(session) -> str | None:
    """The ONNX file behind a session: one of ours, or rapidocr's onnxruntime one."""
    return getattr(session, "model_path", None) or getattr(getattr(session, "session", None), "_model_path", None)

