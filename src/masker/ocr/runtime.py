"""Which inference runtime runs the PP-OCR models (the same ONNX files either way).

Why OpenVINO by default: on this machine's CPU (AMD EPYC with AVX-512 BF16) OpenVINO runs the
PP-OCRv6 small detector in ~0.37× and the recogniser in ~0.5× of onnxruntime's time
(``benchmarks/bench_runtime.py``). Most of that comes from OpenVINO's default inference precision,
bf16 on CPUs that have it: the class probabilities move by a few hundredths, which the name
benchmark does not notice (README, "Speed"). On CPUs without bf16 it runs fp32 (~0.8× of
onnxruntime's time, identical outputs).

``MASKER_OCR_RUNTIME`` chooses: ``auto`` (OpenVINO when it is installed, else onnxruntime),
``openvino``, ``onnxruntime``. ``MASKER_OCR_PRECISION=f32`` keeps OpenVINO in fp32.
``MASKER_OCR_THREADS`` sets the threads of either (0: the runtime's default, one per core).
(Running a page's recogniser batches side by side on two OpenVINO streams was tried: ~2% faster on
this 2-core machine for a second compiled copy, +0.3 GB; not kept.)
"""
from __future__ import annotations

import importlib.util
import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

import numpy as np

from ..errors import OptionError

RUNTIMES = ("auto", "openvino", "onnxruntime")
#: the PP-OCRv6 small files inside the rapidocr wheel (its onnxruntime defaults)
DET_MODEL, REC_MODEL = "PP-OCRv6_det_small.onnx", "PP-OCRv6_rec_small.onnx"

#: OpenVINO's CPU plugin keeps prepared kernels per input shape and node, ~30 entries a shape
#: of the recogniser (5000 by default). Exact line widths made every batch a new shape: a
#: long-lived worker grew by ~13 MB a page (1.2 GB after 40 pages), and a new shape costs up to
#: as much as the reading itself (a 6 x 400 px batch: 128 ms new, 58 ms prepared). The
#: recogniser's batches now come in shared widths and rows of 1 or 6 (``recognizer.shared_width``,
#: ``cascade.widen``, ``recognizer.batches_by_width``): ~90 shapes over 40 documents, 108 over 225; 1000 entries
#: keep the recurring ones prepared (38 new pages: 0.85x the time of 64 entries) and bound the
#: memory (one process over 225 documents: ~1.2 GB resident).
KERNEL_CACHE = 1000
#: the cache when the process is warmed up at start (``warm_up_wanted``): the ~80 recogniser
#: shapes ``RapidOcrEngine.warm_up`` prepares all stay (+~200 MB resident, measured)
KERNEL_CACHE_WARM = 4000


def warm_up_wanted() -> bool:
    """``MASKER_OCR_WARM_UP=1``: long-lived processes (``masker serve``'s workers, batch workers)
    prepare the recogniser's usual shapes at start (~6 s) and keep them all: over 40 new pages,
    ~0.9x the time a page (``benchmarks/bench_warm_up.py``), at ~1.15 GB resident against ~0.95
    (README, "Speed"). Off by default: the memory bound is 1.5 GB a process and
    ``redact`` of the largest admitted image alone peaks at ~1.36 GB."""
    return (os.environ.get("MASKER_OCR_WARM_UP") or "").strip().lower() in ("1", "true", "yes", "on")


def kernel_cache() -> int:
    return KERNEL_CACHE_WARM if warm_up_wanted() else KERNEL_CACHE

#: ``batch -> first output``: how the detector and recogniser are called
Model = Callable[[np.ndarray], np.ndarray]


def threads() -> int:
    return int(os.environ.get("MASKER_OCR_THREADS", "0") or 0)


def runtime_name() -> str:
    """The runtime chosen by ``MASKER_OCR_RUNTIME`` (``auto`` resolved)."""
    name = (os.environ.get("MASKER_OCR_RUNTIME") or "auto").lower()
    if name not in RUNTIMES:
        raise OptionError(f"未知的推理运行时 / unknown OCR runtime: {name} (auto, openvino, onnxruntime)")
    if name == "auto":
        name = "openvino" if importlib.util.find_spec("openvino") is not None else "onnxruntime"
    return name


def open_model(path: str | Path, runtime: str | None = None) -> Model:
    """Load an ONNX model on ``runtime`` (default: ``runtime_name()``)."""
    runtime = runtime or runtime_name()
    if runtime == "openvino":
        return OpenVinoModel(str(path), str(path))
    return _onnxruntime(Path(path))


def rapidocr_params(runtime: str) -> dict:
    """rapidocr settings that make it build its detector and recogniser on ``runtime`` from the
    PP-OCRv6 small ONNX files in its wheel (never a download: rapidocr's OpenVINO defaults name
    files it would fetch). Empty where onnxruntime is meant or the files are not there."""
    if runtime != "openvino":
        return {}
    from rapidocr import EngineType

    spec = importlib.util.find_spec("rapidocr")
    if spec is None or spec.origin is None:
        return {}
    det, rec = (Path(spec.origin).parent / "models" / name for name in (DET_MODEL, REC_MODEL))
    if not (det.is_file() and rec.is_file()):
        return {}
    params = {"Det.engine_type": EngineType.OPENVINO, "Det.model_path": str(det),
              "Rec.engine_type": EngineType.OPENVINO, "Rec.model_path": str(rec),
              "EngineConfig.openvino.performance_hint": "LATENCY"}
    if threads() > 0:
        params["EngineConfig.openvino.inference_num_threads"] = threads()
    return params


@contextmanager
def sessions_for_rapidocr(runtime: str):
    """While open, rapidocr's detector and recogniser build their OpenVINO sessions as
    ``RapidOcrOpenVinoSession`` (our settings: kernel cache, precision, threads; a request per
    thread, since rapidocr's single request is not thread-safe).

    Why: rapidocr's ``get_engine`` takes no factory, and its own session compiles each model with
    its settings only, so masker used to compile both models a second time (~0.4 s of start-up).
    It is looked up by name in the two modules that build sessions, so swapping that name for
    the duration of the build is enough; the lock keeps two engines from doing it at once."""
    if runtime != "openvino":
        yield
        return
    from rapidocr import EngineType
    from rapidocr.ch_ppocr_det import main as det_main
    from rapidocr.ch_ppocr_rec import main as rec_main

    with _BUILD_LOCK:
        saved = det_main.get_engine, rec_main.get_engine

        def get_engine(engine_type):
            return RapidOcrOpenVinoSession if engine_type == EngineType.OPENVINO else saved[0](engine_type)

        det_main.get_engine = rec_main.get_engine = get_engine
        try:
            yield
        finally:
            det_main.get_engine, rec_main.get_engine = saved


_BUILD_LOCK = threading.Lock()


def _onnxruntime(path: Path) -> Model:
    """An onnxruntime session set up as rapidocr sets up its own (threads, no memory arena)."""
    import onnxruntime as ort

    so = ort.SessionOptions()
    so.log_severity_level = 4
    so.enable_cpu_mem_arena = False
    so.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if threads() > 0:
        so.intra_op_num_threads = threads()
        so.inter_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return lambda batch: sess.run(None, {name: batch})[0]


def _openvino_config() -> dict[str, object]:
    config: dict[str, object] = {"CPU_RUNTIME_CACHE_CAPACITY": kernel_cache(), "PERFORMANCE_HINT": "LATENCY"}
    if threads() > 0:
        config["INFERENCE_NUM_THREADS"] = threads()
    if (os.environ.get("MASKER_OCR_PRECISION") or "").lower() == "f32":
        config["INFERENCE_PRECISION_HINT"] = "f32"
    return config


class OpenVinoModel:
    """An ONNX model on OpenVINO's CPU plugin, compiled for latency (all threads on one batch).

    Requests are per thread (a request is not thread-safe; the API's thread pool shares one
    engine) and reused: shapes change from call to call (line widths), which the dynamic-shape CPU
    plugin handles without recompiling. Outputs are copied because a request's buffer is
    overwritten by its next call.
    """

    def __init__(self, model, model_path: str | None = None):
        import openvino as ov

        self.model_path = model_path
        self._compiled = ov.Core().compile_model(model, "CPU", _openvino_config())
        self._local = threading.local()

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return np.array(self.view(batch), copy=True)

    def view(self, batch: np.ndarray) -> np.ndarray:
        """The first output, not copied: valid until this thread's next call. Why: the
        recogniser's output is ~70 kB a time step (18710 classes); copying a page's worth
        (~50 MB) only to reduce it to one class per step cost ~10 ms a page."""
        request = getattr(self._local, "request", None)
        if request is None:
            request = self._local.request = self._compiled.create_infer_request()
        request.infer([np.ascontiguousarray(batch, np.float32)])
        return request.get_output_tensor(0).data


def _rapidocr_session_base():
    from rapidocr.inference_engine.openvino.main import OpenVINOInferSession

    return OpenVINOInferSession


class RapidOcrOpenVinoSession(OpenVinoModel):
    """What rapidocr's detector and recogniser expect of a session (a callable, plus the
    recogniser's character list read from the model's metadata), compiled once with masker's
    settings (``sessions_for_rapidocr``)."""

    def __init__(self, cfg):
        import openvino as ov

        path = str(cfg["model_path"])
        self.model = ov.Core().read_model(path)
        super().__init__(self.model, path)

    def have_key(self, key: str = "character") -> bool:
        return _rapidocr_session_base().have_key(self, key)

    def get_character_list(self, key: str = "character") -> list[str]:
        return _rapidocr_session_base().get_character_list(self, key)

    def get_rt_info_framework(self):
        return _rapidocr_session_base().get_rt_info_framework(self)
