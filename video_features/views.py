"""The few derived arrays every picture-quality and tamper feature reads, computed once per frame.

Working on one 640-px grey image and a 160x90 thumbnail is what keeps quality + tamper well
above 150 frames/s on 2 cores (see benchmarks/RESULTS_video.md): colour is only needed for the
colour cast, and that is measured on the thumbnail.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

THUMB_W, THUMB_H = 160, 90  # 16 x 9 grid of 10x10 cells
GRID_W, GRID_H = 16, 9
SIGNATURE_STRIDE = 4


@dataclass(frozen=True)
class FrameViews:
    """Per-frame arrays. Keep one as a camera's reference view, and the last few as history."""

    grey: np.ndarray = field(repr=False)  # uint8, analysis width (640 px)
    thumb: np.ndarray = field(repr=False)  # float32 160x90 grey (area-averaged)
    thumb_bgr: np.ndarray = field(repr=False)  # uint8 160x90 colour
    cell_std: np.ndarray = field(repr=False)  # float32 9x16 grey std per thumbnail cell
    edges: np.ndarray = field(repr=False)  # float32 160x90 gradient magnitude of the thumbnail
    signature: np.ndarray = field(repr=False)  # uint8 every 4th pixel of grey: noise survives

    @property
    def size(self) -> tuple[int, int]:
        return self.grey.shape[1], self.grey.shape[0]


def frame_views(frame_bgr: np.ndarray, analysis_width: int = 640) -> FrameViews:
    """Derive the arrays from a BGR (or grey) uint8 frame of any size."""
    h, w = frame_bgr.shape[:2]
    if w != analysis_width:
        nh = max(1, round(h * analysis_width / w))
        frame_bgr = cv2.resize(frame_bgr, (analysis_width, nh), interpolation=cv2.INTER_AREA)
    if frame_bgr.ndim == 2:
        grey = frame_bgr
        frame_bgr = cv2.cvtColor(grey, cv2.COLOR_GRAY2BGR)
    else:
        grey = cv2.cvtColor(frame_bgr, cv2.COLOR_BGR2GRAY)
    thumb_bgr = cv2.resize(frame_bgr, (THUMB_W, THUMB_H), interpolation=cv2.INTER_AREA)
    thumb = cv2.cvtColor(thumb_bgr, cv2.COLOR_BGR2GRAY).astype(np.float32)
    cells = thumb.reshape(GRID_H, THUMB_H // GRID_H, GRID_W, THUMB_W // GRID_W)
    cell_std = cells.std(axis=(1, 3))
    gx = cv2.Sobel(thumb, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(thumb, cv2.CV_32F, 0, 1, ksize=3)
    edges = cv2.magnitude(gx, gy)
    signature = np.ascontiguousarray(grey[::SIGNATURE_STRIDE, ::SIGNATURE_STRIDE])
    return FrameViews(grey, thumb, thumb_bgr, cell_std, edges, signature)
