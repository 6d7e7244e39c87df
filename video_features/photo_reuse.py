"""Second stage of check-in photo reuse (W05): is a pHash candidate really the same picture?

Measured (README): a 64-bit pHash cannot tell different people apart when a kiosk frames
everyone the same way - real LFW faces on one plain background had 89 of 4,950 different-person
pairs within 10 bits, synthetic same-kiosk photos 109-129. So the index only proposes
candidates; this check confirms them on the pixels: the band-passed (difference of Gaussians)
grey images are aligned over small zooms and shifts (a reused photo is cropped, rescaled,
re-lit and re-compressed, but it is the same pixels), and the best normalised correlation is the
similarity. Measured: reused variants >= 0.94, different people at one kiosk <= 0.88, different
LFW faces <= 0.57. About 25 ms per pair at 160 px, so run it on candidates only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np

from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig

_SIDE = 160
_ZOOMS = tuple(round(0.88 + 0.02 * k, 2) for k in range(7))  # crops of up to ~6% per side


def _band_pass(image: np.ndarray) -> np.ndarray:
    grey = image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    h, w = grey.shape
    s = _SIDE / max(h, w)
    g = cv2.resize(grey, (max(8, round(w * s)), max(8, round(h * s))), interpolation=cv2.INTER_AREA)
    g = g.astype(np.float32)
    # Difference of Gaussians: drops the flat background and lighting, keeps the picture's detail.
    return cv2.GaussianBlur(g, (0, 0), 1.0) - cv2.GaussianBlur(g, (0, 0), 3.0)


def _best_alignment(a: np.ndarray, b: np.ndarray) -> float:
    """Best correlation of the centre of ``a`` (at several zooms) anywhere in ``b``."""
    h, w = a.shape
    best = -1.0
    for z in _ZOOMS:
        az = cv2.resize(a, (round(w * z), round(h * z)), interpolation=cv2.INTER_AREA)
        hh, ww = az.shape
        ch, cw = int(hh * 0.9), int(ww * 0.9)
        tmpl = az[(hh - ch) // 2 : (hh - ch) // 2 + ch, (ww - cw) // 2 : (ww - cw) // 2 + cw]
        if tmpl.shape[0] > b.shape[0] or tmpl.shape[1] > b.shape[1]:
            continue
        best = max(best, float(cv2.matchTemplate(b, tmpl, cv2.TM_CCOEFF_NORMED).max()))
    return best


@dataclass(frozen=True)
class ReuseVerdict:
    reused: bool
    similarity: float  # best aligned correlation, -1..1
    threshold: float
    confidence: float  # 0.5 at the threshold, towards 1.0 far from it


def verify_reuse(
    photo_a: np.ndarray, photo_b: np.ndarray, cfg: VideoFeatureConfig = DEFAULT_CONFIG
) -> ReuseVerdict:
    """Whether two decoded photos are the same picture (either may be the cropped one)."""
    a, b = _band_pass(photo_a), _band_pass(photo_b)
    sim = max(_best_alignment(a, b), _best_alignment(b, a))
    thr = cfg.photo_reuse_min_similarity
    conf = round(0.5 + 0.5 * (1 - math.exp(-abs(sim - thr) / 0.03)), 3)
    return ReuseVerdict(sim >= thr, round(sim, 4), thr, conf)
