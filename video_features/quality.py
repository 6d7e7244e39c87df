"""Picture-quality measurements: brightness, contrast, sharpness, noise, colour cast.

These are numbers for dashboards and for the tamper rules, not alarms by themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from video_features.views import FrameViews

# Immerkaer (1996) fast noise estimate: this kernel cancels image structure up to second order,
# so the response is mostly noise. Textured scenes inflate it a little (it is an upper bound).
_NOISE_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


@dataclass(frozen=True)
class Quality:
    brightness: float  # mean luma 0-255
    contrast: float  # RMS contrast: standard deviation of luma
    sharpness: float  # variance of the Laplacian of the 640-px grey image
    noise_sigma: float  # estimated sensor noise standard deviation, grey levels
    colour_cast: float  # K = D / M in Lab: chroma offset over chroma spread (>1.6 = cast)
    cast_hue_deg: float  # direction of the cast in the a*b* plane (0 = red, 90 = yellow)


def sharpness(grey: np.ndarray) -> float:
    """Variance of the Laplacian: high for crisp edges, collapses when out of focus."""
    _, std = cv2.meanStdDev(cv2.Laplacian(grey, cv2.CV_32F))
    return float(std[0, 0] ** 2)


def noise_sigma(grey: np.ndarray) -> float:
    h, w = grey.shape
    resp = cv2.filter2D(grey.astype(np.float32), -1, _NOISE_KERNEL)[1:-1, 1:-1]
    return float(np.sqrt(np.pi / 2) * cv2.norm(resp, cv2.NORM_L1) / (6 * (w - 2) * (h - 2)))


def colour_cast(thumb_bgr: np.ndarray) -> tuple[float, float]:
    """Colour-cast factor K and its hue (equivalent-circle method on Lab a*, b*)."""
    lab = cv2.cvtColor(thumb_bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    a, b = lab[..., 1] - 128, lab[..., 2] - 128
    d = float(np.hypot(a.mean(), b.mean()))
    m = float(np.hypot(a.std(), b.std()))
    hue = float(np.degrees(np.arctan2(b.mean(), a.mean())) % 360)
    return d / max(m, 1.0), hue


def measure_quality(v: FrameViews) -> Quality:
    mean, std = cv2.meanStdDev(v.grey)
    k, hue = colour_cast(v.thumb_bgr)
    return Quality(
        brightness=round(float(mean[0, 0]), 2),
        contrast=round(float(std[0, 0]), 2),
        sharpness=round(sharpness(v.grey), 2),
        noise_sigma=round(noise_sigma(v.grey), 3),
        colour_cast=round(k, 3),
        cast_hue_deg=round(hue, 1),
    )
