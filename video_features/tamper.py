"""Tamper and environment states of a camera picture (W11): dark, covered, out of focus, moved,
frozen. Each is a pure function of the frame's views, the camera's reference view (a clean
frame chosen when the camera was installed or last re-aimed on purpose) and recent history.

Precedence, because one cause shows in several measurements: a DARK picture is also
featureless and blurred, so COVERED, OUT_OF_FOCUS, MOVED and FROZEN are not judged on it; a
COVERED picture is also blurred and unlike the reference, so OUT_OF_FOCUS and MOVED are not
judged on it. A suppressed state has ``evaluated=False`` and says why.

Measured separations on the synthetic set (see README): mean luma dark <= 28 vs lit >= 100;
lost texture covered >= 0.72 vs clean <= 0.10 (blurred <= 0.28); normalised sharpness ratio
blurred <= 0.04 vs clean >= 0.69 (moved >= 0.47); reference-cell match moved <= 0.18 vs clean
>= 0.44; frozen signature difference 0 (re-encoded 0.23) vs a static empty room >= 0.54.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig
from video_features.views import GRID_H, GRID_W, THUMB_H, THUMB_W, FrameViews

DARK, COVERED, OUT_OF_FOCUS, MOVED, FROZEN = "dark", "covered", "out_of_focus", "moved", "frozen"
STATES = (DARK, COVERED, OUT_OF_FOCUS, MOVED, FROZEN)

# Cells this textured in the reference view are the ones whose loss means a cover, and the ones
# compared for a re-aimed camera (plain wall cells carry no evidence either way).
_TEXTURED_STD = 6.0
_CELL_MATCH_NCC = 0.7


@dataclass(frozen=True)
class StateResult:
    """One state's verdict: the measured ``value``, the ``threshold`` it was compared with, and
    a ``confidence`` in the verdict (0.5 at the threshold, towards 1.0 far from it)."""

    state: str
    detected: bool
    value: float
    threshold: float
    confidence: float
    evaluated: bool = True
    reason: str = ""


def _confidence(value: float, threshold: float, scale: float) -> float:
    return round(0.5 + 0.5 * (1.0 - math.exp(-abs(value - threshold) / scale)), 3)


def _not_evaluated(state: str, threshold: float, reason: str) -> StateResult:
    return StateResult(state, False, float("nan"), threshold, 0.0, False, reason)


def dark(v: FrameViews, cfg: VideoFeatureConfig = DEFAULT_CONFIG) -> StateResult:
    """DARK: mean luma under ``dark_luma_max`` (lights off, night, black cover)."""
    luma = float(v.thumb.mean())
    thr = cfg.dark_luma_max
    return StateResult(DARK, luma < thr, round(luma, 2), thr, _confidence(luma, thr, 10.0))


def covered(
    v: FrameViews, reference: FrameViews | None = None, cfg: VideoFeatureConfig = DEFAULT_CONFIG
) -> StateResult:
    """COVERED: most of the texture the camera normally sees is gone (hand, paper, cloth, tape).

    Value: the fraction of the reference's textured cells that are now featureless; without a
    reference, the fraction of all cells that are featureless (a higher bar applies).
    """
    flat = v.cell_std < cfg.covered_cell_std_max
    if reference is not None:
        textured = reference.cell_std >= _TEXTURED_STD
        if textured.sum() >= 8:
            lost = float((flat & textured).sum() / textured.sum())
            thr = cfg.covered_fraction_min
            return StateResult(
                COVERED, lost >= thr, round(lost, 3), thr, _confidence(lost, thr, 0.15)
            )
    frac = float(flat.mean())
    thr = cfg.covered_no_reference_fraction_min
    return StateResult(
        COVERED,
        frac >= thr,
        round(frac, 3),
        thr,
        _confidence(frac, thr, 0.1),
        reason="no reference",
    )


def normalised_sharpness(v: FrameViews) -> float:
    """Variance of the Laplacian over the grey variance: focus, independent of light level."""
    _, lap_std = cv2.meanStdDev(cv2.Laplacian(v.grey, cv2.CV_32F))
    _, std = cv2.meanStdDev(v.grey)
    return float(lap_std[0, 0] ** 2 / max(std[0, 0] ** 2, 1.0))


def out_of_focus(
    v: FrameViews, reference: FrameViews | None = None, cfg: VideoFeatureConfig = DEFAULT_CONFIG
) -> StateResult:
    """OUT_OF_FOCUS: sharpness collapsed compared with the reference view.

    Value: normalised sharpness / the reference's. Without a reference, the absolute variance of
    the Laplacian against ``blur_laplacian_var_max`` (scene-dependent: less reliable).
    """
    if reference is not None:
        ratio = normalised_sharpness(v) / max(normalised_sharpness(reference), 1e-6)
        thr = cfg.blur_ratio_to_reference_max
        return StateResult(
            OUT_OF_FOCUS, ratio < thr, round(ratio, 3), thr, _confidence(ratio, thr, 0.1)
        )
    _, lap_std = cv2.meanStdDev(cv2.Laplacian(v.grey, cv2.CV_32F))
    var = float(lap_std[0, 0] ** 2)
    thr = cfg.blur_laplacian_var_max
    return StateResult(
        OUT_OF_FOCUS,
        var < thr,
        round(var, 2),
        thr,
        _confidence(var, thr, 20.0),
        reason="no reference",
    )


def reference_match(v: FrameViews, reference: FrameViews) -> float:
    """Fraction of the reference's textured cells that still look the same at the same place.

    Normalised cross-correlation per 10x10 thumbnail cell, so lighting changes do not matter;
    trainees cover some cells, but the walls, windows and boards keep matching (clean frames
    >= 0.44, re-aimed ones <= 0.18 on the synthetic set).
    """
    cs = THUMB_W // GRID_W

    def cells(t: np.ndarray) -> np.ndarray:
        c = t.reshape(GRID_H, THUMB_H // GRID_H, GRID_W, cs).transpose(0, 2, 1, 3)
        c = c.reshape(GRID_H * GRID_W, -1)
        return c - c.mean(axis=1, keepdims=True)

    a, b = cells(reference.thumb), cells(v.thumb)
    ncc = (a * b).sum(1) / np.maximum(np.sqrt((a * a).sum(1) * (b * b).sum(1)), 1e-6)
    textured = reference.cell_std.ravel() >= _TEXTURED_STD
    if not textured.any():
        return float("nan")
    return float((ncc[textured] > _CELL_MATCH_NCC).mean())


def moved(
    v: FrameViews, reference: FrameViews | None = None, cfg: VideoFeatureConfig = DEFAULT_CONFIG
) -> StateResult:
    """MOVED: the picture no longer shows the reference view (panned, tilted, rolled, zoomed,
    or pointed elsewhere). Needs a reference view; value is ``reference_match``."""
    thr = cfg.moved_match_min
    if reference is None:
        return _not_evaluated(MOVED, thr, "no reference view")
    match = reference_match(v, reference)
    if math.isnan(match):
        return _not_evaluated(MOVED, thr, "reference view has no texture")
    return StateResult(MOVED, match < thr, round(match, 3), thr, _confidence(match, thr, 0.1))


def signature_difference(a: np.ndarray, b: np.ndarray) -> float:
    """Mean absolute grey difference of two frame signatures (inf if sizes differ)."""
    if a.shape != b.shape:
        return float("inf")
    return float(cv2.norm(a, b, cv2.NORM_L1) / a.size)


def frozen(
    v: FrameViews,
    history: Sequence[FrameViews | np.ndarray] = (),
    cfg: VideoFeatureConfig = DEFAULT_CONFIG,
) -> StateResult:
    """FROZEN: the same image as the previous ``frozen_min_repeats`` frames (oldest first in
    ``history``). Live pictures always differ by sensor noise, even of an empty room."""
    thr = cfg.frozen_diff_max
    need = cfg.frozen_min_repeats
    if len(history) < need:
        return _not_evaluated(FROZEN, thr, f"needs {need} previous frame(s)")
    sigs = [h.signature if isinstance(h, FrameViews) else h for h in history[-need:]]
    diff = max(signature_difference(v.signature, s) for s in sigs)
    if math.isinf(diff):
        return StateResult(FROZEN, False, diff, thr, 1.0, reason="previous frame of another size")
    return StateResult(FROZEN, diff < thr, round(diff, 3), thr, _confidence(diff, thr, 0.2))


@dataclass(frozen=True)
class TamperAssessment:
    states: dict[str, StateResult]

    @property
    def detected(self) -> tuple[str, ...]:
        return tuple(s for s, r in self.states.items() if r.detected)


def assess_tamper(
    v: FrameViews,
    reference: FrameViews | None = None,
    history: Sequence[FrameViews | np.ndarray] = (),
    cfg: VideoFeatureConfig = DEFAULT_CONFIG,
) -> TamperAssessment:
    """All five states with the precedence described in the module docstring."""
    out = {DARK: dark(v, cfg)}
    if out[DARK].detected:
        for state, thr in (
            (COVERED, cfg.covered_fraction_min),
            (OUT_OF_FOCUS, cfg.blur_ratio_to_reference_max),
            (MOVED, cfg.moved_match_min),
            (FROZEN, cfg.frozen_diff_max),
        ):
            out[state] = _not_evaluated(state, thr, "suppressed: picture is dark")
        return TamperAssessment(out)
    out[COVERED] = covered(v, reference, cfg)
    if out[COVERED].detected:
        out[OUT_OF_FOCUS] = _not_evaluated(
            OUT_OF_FOCUS, cfg.blur_ratio_to_reference_max, "suppressed: lens covered"
        )
        out[MOVED] = _not_evaluated(MOVED, cfg.moved_match_min, "suppressed: lens covered")
    else:
        out[OUT_OF_FOCUS] = out_of_focus(v, reference, cfg)
        out[MOVED] = moved(v, reference, cfg)
    out[FROZEN] = frozen(v, history, cfg)
    return TamperAssessment(out)
