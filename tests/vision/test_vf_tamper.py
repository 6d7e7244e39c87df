"""Each tamper state is found on frames altered that way and not on the others."""

import numpy as np
import pytest

from simulator.cameras import synth
from video_features.analyse import analyse_frame
from video_features.config import DEFAULT_CONFIG
from video_features.quality import measure_quality
from video_features.tamper import STATES, assess_tamper
from video_features.views import frame_views


def _evaluate(camera_set, use_reference: bool):
    counts = {s: {"tp": 0, "fp": 0, "fn": 0} for s in STATES}
    clean_flags = 0
    for seq in camera_set:
        ref = frame_views(seq.reference) if use_reference else None
        history = []
        for frame, truth in zip(seq.frames, seq.truths, strict=True):
            a = analyse_frame(frame, ref, history)
            found = set(a.tamper.detected)
            if not truth.states:
                clean_flags += bool(found)
            for s in STATES:
                if s in found and s in truth.states:
                    counts[s]["tp"] += 1
                elif s in found:
                    counts[s]["fp"] += 1
                elif s in truth.states:
                    counts[s]["fn"] += 1
            history = [*history, a.views][-3:]
    return counts, clean_flags


def _pr(c):
    p = c["tp"] / max(c["tp"] + c["fp"], 1)
    r = c["tp"] / max(c["tp"] + c["fn"], 1)
    return p, r


def test_precision_recall_with_reference(camera_set):
    counts, clean_flags = _evaluate(camera_set, use_reference=True)
    report = {s: tuple(round(x, 3) for x in _pr(c)) for s, c in counts.items()}
    print("precision/recall with reference:", report)
    for s in STATES:
        p, r = _pr(counts[s])
        assert p >= 0.95 and r >= 0.95, (s, counts[s])
    assert clean_flags == 0


def test_precision_recall_without_reference(camera_set):
    """A camera without a reference view yet: MOVED cannot be judged, the rest still work."""
    counts, clean_flags = _evaluate(camera_set, use_reference=False)
    print("without reference:", {s: tuple(round(x, 3) for x in _pr(c)) for s, c in counts.items()})
    assert counts["moved"]["tp"] == 0 and counts["moved"]["fp"] == 0
    for s in ("dark", "covered", "out_of_focus", "frozen"):
        p, r = _pr(counts[s])
        assert p >= 0.9 and r >= 0.9, (s, counts[s])
    assert clean_flags == 0


def test_results_carry_value_confidence_and_reason(camera_set):
    seq = camera_set[0]
    ref = frame_views(seq.reference)
    dark_frame = seq.frames[seq.truths.index(next(t for t in seq.truths if "dark" in t.states))]
    t = assess_tamper(frame_views(dark_frame), ref)
    assert t.detected == ("dark",)
    assert t.states["dark"].value < DEFAULT_CONFIG.dark_luma_max
    assert 0.5 <= t.states["dark"].confidence <= 1.0
    assert not t.states["covered"].evaluated and "dark" in t.states["covered"].reason
    clean = assess_tamper(frame_views(seq.frames[0]))
    assert (
        not clean.states["moved"].evaluated and clean.states["moved"].reason == "no reference view"
    )
    assert not clean.states["frozen"].evaluated


def test_frozen_needs_identical_pixels_not_a_static_scene():
    """Two live shots of an empty room differ by noise; the same image re-sent does not."""
    rng = np.random.default_rng(9)
    room = synth.make_classroom(rng)
    a, _ = synth.render_view(rng, room, (), light=1.0, jpeg_quality=60)
    b, _ = synth.render_view(rng, room, (), light=1.0, jpeg_quality=60)
    va, vb = frame_views(a), frame_views(b)
    assert not assess_tamper(vb, va, [va]).states["frozen"].detected
    assert assess_tamper(frame_views(a.copy()), va, [va]).states["frozen"].detected
    # A stuck encoder re-compressing the same picture at its quality: still caught (diff 0.02).
    again = frame_views(synth.jpeg_roundtrip(a, 60))
    assert assess_tamper(again, va, [va]).states["frozen"].detected


def test_quality_measures_move_the_right_way():
    rng = np.random.default_rng(2)
    frame, _ = synth.render_classroom(rng, 10, jpeg_quality=90)
    q = measure_quality(frame_views(frame))
    dim = measure_quality(frame_views((frame * 0.5).astype(np.uint8)))
    blur = measure_quality(frame_views(synth.defocus(rng, frame)))
    assert dim.brightness == pytest.approx(q.brightness * 0.5, rel=0.05)
    assert dim.contrast < q.contrast
    assert blur.sharpness < q.sharpness * 0.1
    noisy = np.clip(frame + rng.normal(0, 8, frame.shape), 0, 255).astype(np.uint8)
    assert measure_quality(frame_views(noisy)).noise_sigma > q.noise_sigma + 4
    # A colourful room has a wide chroma spread, so only a strong tint passes K > 1.6.
    tinted = np.clip(frame * np.array([0.5, 1.0, 1.5]), 0, 255).astype(np.uint8)  # BGR: warm
    tq = measure_quality(frame_views(tinted))
    assert tq.colour_cast > max(3 * q.colour_cast, DEFAULT_CONFIG.colour_cast_max)
    assert 0 <= tq.cast_hue_deg <= 120  # red-yellow
    flat = np.full((360, 640, 3), 128, np.uint8)
    fq = measure_quality(frame_views(flat))
    assert fq.sharpness == 0 and fq.noise_sigma == 0


def test_any_frame_size_works():
    rng = np.random.default_rng(4)
    frame, _ = synth.render_classroom(rng, 6, width=1280, height=720)
    a = analyse_frame(frame)
    assert a.views.size == (640, 360) and a.tamper.detected == ()
    grey = analyse_frame(frame[:, :, 0].copy())
    assert grey.quality.brightness > 0
