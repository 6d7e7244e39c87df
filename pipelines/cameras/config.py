"""Settings of the camera pipeline (not the vision thresholds: those are
``video_features.VideoFeatureConfig``). Every field can be overridden with a
``SKILLWATCH_CAM_<FIELD>`` environment variable or, in Dagster, the run config."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass

ENV_PREFIX = "SKILLWATCH_CAM_"


@dataclass(frozen=True)
class CameraConfig:
    count_every: int = 5
    """Count people on every Nth ok frame of a camera (and always on its first). CenterFace
    costs ~80 ms per frame on 2 cores (stack NOTES) against ~7 ms for quality + tamper, so
    counting every frame of 2,000 cameras at one a minute does not fit; a session's median
    headcount needs a few dozen counted frames, not 240."""
    workers: int = 1
    """Processes for frame analysis. Each worker loads its own face model (~0.3 s, ~60 MB);
    onnxruntime already uses both cores of one process, so 1 is usually as fast (measured in
    the report of benchmarks/bench_cameras.py)."""
    thumb_width: int = 160
    """Width of the dashboard thumbnails (the height keeps the aspect)."""
    thumb_quality: int = 80
    """JPEG quality of the thumbnails."""
    mp4_every_s: float = 60.0
    """Sample a video segment every N seconds: one a minute, like the snapshots, so coverage
    and the frozen check mean the same for both kinds of input."""
    future_tolerance_minutes: float = 10.0
    """captured_at (from the path) may be at most this much later than the file's mtime or
    the processing time; beyond it the frame is flagged FUTURE (a camera clock running
    ahead). It is still analysed and kept. There is no limit the other way: a camera that
    was offline uploads its backlog when it reconnects, and archives are re-loaded, so any
    delay between capture and upload is normal."""
    clock_reset_before_year: int = 2018
    """A capture time before this year is a reset camera clock (1970 or 2000 after a power
    cut, the firmware's build date): the frame is flagged CLOCK_RESET, analysed and kept,
    counted in camera health on its upload day, and placed in no session."""
    history_frames: int = 3
    """Previous frames kept per camera for the frozen check (VideoFeatureConfig's
    frozen_min_repeats needs at most this many)."""
    heartbeat_gap_minutes: float = 15.0
    """No heartbeat for longer than this = offline (heartbeats come every 5 minutes)."""
    frame_gap_minutes: float = 10.0
    """No frame for longer than this during a scheduled session = offline by frame arrival
    (snapshots come once a minute; a few lost uploads are not an outage)."""
    reuse_max_distance: int | None = None
    """pHash distance for photo-reuse candidates; None = video_features'
    photo_reuse_max_distance (10)."""


DEFAULT = CameraConfig()


def load_camera_config(env: Mapping[str, str] | None = None, **overrides) -> CameraConfig:
    """Defaults, then ``SKILLWATCH_CAM_*`` variables, then keyword overrides."""
    env = os.environ if env is None else env
    values: dict = {}
    for f in dataclasses.fields(CameraConfig):
        raw = env.get(ENV_PREFIX + f.name.upper())
        if raw is None or raw == "":
            continue
        kind = str(f.type)  # a string: this module uses postponed annotations
        if kind == "int | None" and raw.lower() == "none":
            values[f.name] = None
        else:
            values[f.name] = int(raw) if kind.startswith("int") else float(raw)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return dataclasses.replace(DEFAULT, **values)
