"""Pure functions over decoded camera frames and check-in photos (no Dagster, no I/O beyond
reading the file you name). See video_features/README.md."""

from video_features.analyse import FrameAnalysis, analyse_frame
from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig, load_config
from video_features.decode import (
    DecodedFrame,
    FrameReason,
    SampledVideo,
    decode_image,
    read_image,
    sample_video,
)
from video_features.detectors import (
    CenterFaceDetector,
    CountResult,
    Detection,
    Detector,
    Detectors,
    ModelNotFound,
    ResultStatus,
    YoloOnnxDetector,
    count_people,
    detect_smoking,
    load_detectors,
)
from video_features.phash import hamming, phash64, phash_many
from video_features.photo_index import (
    PhotoHashIndex,
    build_index,
    near_duplicate_pairs,
    query,
    query_many,
)
from video_features.photo_reuse import ReuseVerdict, verify_reuse
from video_features.quality import Quality, measure_quality
from video_features.tamper import STATES, StateResult, TamperAssessment, assess_tamper
from video_features.views import FrameViews, frame_views

__all__ = [
    "DEFAULT_CONFIG",
    "STATES",
    "CenterFaceDetector",
    "CountResult",
    "DecodedFrame",
    "Detection",
    "Detector",
    "Detectors",
    "FrameAnalysis",
    "FrameReason",
    "FrameViews",
    "ModelNotFound",
    "PhotoHashIndex",
    "Quality",
    "ResultStatus",
    "ReuseVerdict",
    "SampledVideo",
    "StateResult",
    "TamperAssessment",
    "VideoFeatureConfig",
    "YoloOnnxDetector",
    "analyse_frame",
    "assess_tamper",
    "build_index",
    "count_people",
    "decode_image",
    "detect_smoking",
    "frame_views",
    "hamming",
    "load_config",
    "load_detectors",
    "measure_quality",
    "near_duplicate_pairs",
    "phash64",
    "phash_many",
    "query",
    "query_many",
    "read_image",
    "sample_video",
    "verify_reuse",
]
