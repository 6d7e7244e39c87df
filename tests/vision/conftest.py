"""Shared fixtures: the face model (loaded once), the real photos bundled with scikit-image,
and one synthetic camera set for the tamper tests."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

from simulator.cameras import synth
from video_features.config import DEFAULT_CONFIG
from video_features.detectors import CenterFaceDetector

# Every tamper state once per camera, with clean frames between (so FROZEN has live history).
CAMERA_STATES = (
    "clean", "clean", "covered", "clean", "dark", "clean",
    "out_of_focus", "clean", "moved", "clean", "frozen", "clean",
)  # fmt: skip


@pytest.fixture(scope="session")
def face_detector() -> CenterFaceDetector:
    return CenterFaceDetector(
        score_min=DEFAULT_CONFIG.face_score_min, nms_iou=DEFAULT_CONFIG.face_nms_iou
    )


@pytest.fixture(scope="session")
def skimage_data() -> Path:
    spec = importlib.util.find_spec("skimage")
    if spec is None:
        pytest.skip("scikit-image is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@pytest.fixture(scope="session")
def real_photo(skimage_data):
    def load(name: str) -> np.ndarray:
        img = cv2.imread(str(skimage_data / name), cv2.IMREAD_COLOR)
        assert img is not None, name
        return img

    return load


@pytest.fixture(scope="session")
def camera_set() -> list[synth.CameraSequence]:
    rng = np.random.default_rng(20261130)
    return [synth.camera_sequence(rng, CAMERA_STATES) for _ in range(30)]
