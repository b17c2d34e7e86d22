"""onnxruntime against OpenVINO for the PP-OCRv6 small detector and recogniser, on the inputs masker
really gives them: the detector's 960-px page tensors and line crops cut by masker's own detector
from generated 150-dpi pages. Reports CPU seconds (steadier than wall time on a shared machine)
and how far the outputs move: detector boxes kept, recogniser lines and Han characters read alike.

    python benchmarks/bench_runtime.py --n 8
"""
from __future__ import annotations

import argparse
import difflib
import os
import time

import cv2
import numpy as np
from common import REPO, generate

from masker.ocr.rapid import RapidOcrEngine


def han(text: str) -> list[str]:
    return [c for c in text if "\u4e00" <= c <= "\u9fff"]


def matched(a: list, b: list) -> int:
    """Items of ``a`` found, in order, in ``b`` (lines may come in another order where a box
    moved by a pixel, so pages are compared as sequences, not line by line)."""
    return sum(m.size for m in difflib.SequenceMatcher(None, a, b, autojunk=False).get_matching_blocks())


def per_page(texts: list[str], crops: list[list]) -> list[list[str]]:
    out, at = [], 0
    for cs in crops:
        out.append(texts[at:at + len(cs)])
        at += len(cs)
    return out


def run(runtime: str, precision: str, pages: list[np.ndarray]) -> dict:
    os.environ["MASKER_OCR_RUNTIME"] = runtime
    os.environ["MASKER_OCR_PRECISION"] = precision
    eng = RapidOcrEngine()
    det = eng._ocr._load_det_model()
    tensors, crops, boxes = [], [], []
    for img in pages:
        pre, record = eng._ocr.preprocess_img(img)
        tensors.append(det.get_preprocess()(pre))
        c, out = eng._ocr.detect_and_crop(pre, record)
        crops.append(c)
        boxes.append(np.asarray(out.boxes))
    det.session(tensors[0])  # warm up
    t = time.process_time()
    for x in tensors:
        det.session(x)
    det_s = (time.process_time() - t) / len(pages)
    flat = [c for cs in crops for c in cs]
    rec = eng.line_recognizer
    rec.read(flat[:12])
    t = time.process_time()
    full = rec.read(flat)
    rec_s = (time.process_time() - t) / len(pages)
    t = time.process_time()
    half = rec.read(flat, squeeze=0.5)
    half_s = (time.process_time() - t) / len(pages)
    return {"det_s": det_s, "rec_s": rec_s, "half_s": half_s, "boxes": boxes, "crops": crops,
            "full": [r.text for r in full], "half": [r.text for r in half]}


def same_boxes(a: np.ndarray, b: np.ndarray, tol: float = 2.0) -> int:
    """Boxes of ``a`` with a box in ``b`` whose corners are all within ``tol`` px."""
    if not len(a) or not len(b):
        return 0
    return sum(bool((np.abs(b - q[None]).max(axis=(1, 2)) <= tol).any()) for q in a)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=8)
    ap.add_argument("--seed", type=int, default=5)
    args = ap.parse_args()
    folder = REPO / "benchmarks" / "out" / f"runtime-{args.seed}-{args.n}"
    gt = generate(folder, "main", args.n, args.seed, ["--pdf-share", "0"])
    pages = [cv2.imread(str(folder / p["file"])) for p in gt["pages"]]
    ref = run("onnxruntime", "", pages)
    print("| runtime | detector CPU s/page | recogniser, all lines full width | half width | "
          "boxes as onnxruntime (±2 px) | lines read alike (full width) | Han characters alike (full width) |")
    print("|---|---|---|---|---|---|---|")
    for runtime, precision in (("onnxruntime", ""), ("openvino", "f32"), ("openvino", "")):
        r = ref if runtime == "onnxruntime" else run(runtime, precision, pages)
        nbox = sum(len(b) for b in ref["boxes"])
        kept = sum(same_boxes(a, b) for a, b in zip(ref["boxes"], r["boxes"]))
        pa, pb = per_page(ref["full"], ref["crops"]), per_page(r["full"], r["crops"])
        lines = sum(matched(a, b) for a, b in zip(pa, pb))
        same = sum(matched(han("".join(a)), han("".join(b))) for a, b in zip(pa, pb))
        total = len(han("".join(ref["full"])))
        label = runtime + (f" ({precision or 'default precision'})" if runtime == "openvino" else "")
        print(f"| {label} | {r['det_s']:.3f} | {r['rec_s']:.3f} | {r['half_s']:.3f} | {kept}/{nbox} | "
              f"{lines}/{len(ref['full'])} | {same}/{total} = {same / total:.4f} |")


if __name__ == "__main__":
    main()
