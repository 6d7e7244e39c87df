"""One call per snapshot: quality, tamper states and perceptual hash (no model inference).

People counting and smoking need a loaded detector and ~40-80 ms per frame, so they are
separate calls (``detectors.count_people`` / ``detectors.detect_smoking``) that a pipeline can
run on fewer frames or another worker.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig
from video_features.phash import phash64
from video_features.quality import Quality, measure_quality
from video_features.tamper import TamperAssessment, assess_tamper
from video_features.views import FrameViews, frame_views


@dataclass(frozen=True)
class FrameAnalysis:
    quality: Quality
    tamper: TamperAssessment
    phash: np.uint64
    views: FrameViews = field(repr=False)  # keep as history for the next frame's FROZEN check


def analyse_frame(
    frame_bgr: np.ndarray,
    reference: FrameViews | None = None,
    history: Sequence[FrameViews | np.ndarray] = (),
    cfg: VideoFeatureConfig = DEFAULT_CONFIG,
) -> FrameAnalysis:
    """Quality and tamper states of one decoded frame.

    ``reference``: the camera's reference view (``frame_views(clean_frame)``), or None when the
    camera has none yet (then MOVED is not evaluated and COVERED / OUT_OF_FOCUS use absolute
    thresholds). ``history``: previous frames' views or signatures, oldest first.
    """
    v = frame_views(frame_bgr, cfg.analysis_width)
    return FrameAnalysis(
        measure_quality(v), assess_tamper(v, reference, history, cfg), phash64(v.grey), v
    )
