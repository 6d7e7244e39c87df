"""Dagster assets of the camera network: thin wrappers around ``frames``, ``photos`` and
``build``. Wire ``ASSETS``, ``SENSORS`` and ``JOBS`` into pipelines/definitions.py (the
resource is the common ``skillwatch``). No ``from __future__ import annotations`` here:
Dagster resolves the config class from the live annotation.
"""

import dataclasses
import os

import dagster as dg
from pydantic import Field

from pipelines.asset_keys import silver_key
from pipelines.cameras import tables
from pipelines.cameras.build import build_health_and_coverage
from pipelines.cameras.config import DEFAULT, CameraConfig, load_camera_config
from pipelines.cameras.frames import process_frames
from pipelines.cameras.layout import FRAMES_DIR, PHOTOS_DIR
from pipelines.cameras.photos import process_photos
from pipelines.district_feeds.assets import bronze_key
from pipelines.resources import SkillWatchResource
from video_features import load_config as load_vf_config

GROUP = "cameras"


class CameraRunConfig(dg.Config):
    """Overrides of pipelines/cameras/config.py (0 / empty = the default or the
    SKILLWATCH_CAM_* variable)."""

    count_every: int = Field(0, description="count people on every Nth usable frame per camera")
    workers: int = Field(0, description="processes for frame analysis (1 = in process)")
    heartbeat_gap_minutes: float = Field(0.0, description="no heartbeat this long = offline")
    frame_gap_minutes: float = Field(0.0, description="no frame this long in a session = gap")
    vf_config_toml: str = Field(
        "", description="TOML file with video_features thresholds ([video_features] table)"
    )

    def camera_config(self) -> CameraConfig:
        given = {
            f.name: getattr(self, f.name)
            for f in dataclasses.fields(CameraConfig)
            if hasattr(self, f.name) and getattr(self, f.name)
        }
        return load_camera_config(**given)


def _progress(context: dg.AssetExecutionContext):
    last = {"pct": -1}

    def report(step: str, done: int, total: int) -> None:
        pct = 100 * done // max(total, 1)
        if pct // 10 != last["pct"] // 10 or done == total:
            context.log.info(f"{step}: {done}/{total} ({pct}%)")
            last["pct"] = pct

    return report


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            silver_key(tables.FRAMES),
            group_name=GROUP,
            description="One row per analysed camera frame (ok or rejected with its reason): "
            "quality, tamper states, people count every Nth frame, pHash, image store paths.",
            kinds={"delta", "polars"},
            deps=[bronze_key("cameras")],
        ),
        dg.AssetSpec(
            silver_key(tables.FILES),
            group_name=GROUP,
            description="Processed-files register of frames/ and photos/: re-runs skip "
            "what it holds (same path, size and mtime). files seen = ok + rejected.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            silver_key(tables.STATE),
            group_name=GROUP,
            description="Per camera: reference view (for MOVED), last frame (for FROZEN).",
            kinds={"delta"},
        ),
    ],
    can_subset=False,
)
def camera_frames(
    context: dg.AssetExecutionContext, config: CameraRunConfig, skillwatch: SkillWatchResource
):
    """Analyse the new files of <landing>/frames/ (snapshots and .mp4 segments)."""
    settings = skillwatch.settings()
    vf = load_vf_config(config.vf_config_toml or None)
    s = process_frames(
        settings,
        config.camera_config(),
        vf,
        progress=_progress(context),
        run_id=context.run.run_id[:12],
    )
    meta = {
        "files_seen": dg.MetadataValue.int(s.files_seen),
        "files_new": dg.MetadataValue.int(s.files_new),
        "files_ok": dg.MetadataValue.int(s.files_ok),
        "files_rejected": dg.MetadataValue.int(s.files_rejected),
        "frames_ok": dg.MetadataValue.int(s.frames_ok),
        "frames_counted": dg.MetadataValue.int(s.frames_counted),
        "reject_reasons": dg.MetadataValue.json(s.reasons),
        "time_flags": dg.MetadataValue.json(s.time_flags),
        "unregistered_cameras": dg.MetadataValue.json(list(s.unregistered_cameras)),
        "people_count": dg.MetadataValue.text(
            f"not_configured: {s.people_not_configured}" if s.people_not_configured else "ok"
        ),
    }
    if s.people_not_configured:
        # one line, naming the fix: quality and tamper states were computed, only the
        # headcount (W03) waits for the model
        context.log.warning(
            "people count not configured, headcount and W03 are not_configured "
            f"(quality and tamper states computed): {s.people_not_configured}"
        )
    yield dg.MaterializeResult(asset_key=silver_key(tables.FRAMES), metadata=meta)
    yield dg.MaterializeResult(asset_key=silver_key(tables.FILES))
    yield dg.MaterializeResult(asset_key=silver_key(tables.STATE))


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            silver_key(tables.PHOTO_HASHES),
            group_name=GROUP,
            description="pHash (int64 + hex) and sha256 of every check-in photo, or why not.",
            kinds={"delta"},
        ),
        dg.AssetSpec(
            silver_key(tables.PHOTO_REUSE),
            group_name=GROUP,
            description="W05 input: photo pairs that are the same or a near-same picture "
            "(multi-index pHash search + pixel verification, or one photo id on several "
            "check-ins), with each photo's person pseudonym, day, session and class.",
            kinds={"delta", "polars"},
            deps=[bronze_key("attendance")],
        ),
    ],
    can_subset=False,
)
def photo_reuse(
    context: dg.AssetExecutionContext, config: CameraRunConfig, skillwatch: SkillWatchResource
):
    """Hash new check-in photos, search near-duplicates, verify them, add attendance context."""
    vf = load_vf_config(config.vf_config_toml or None)
    counts = process_photos(
        skillwatch.settings(),
        config.camera_config(),
        vf,
        progress=_progress(context),
        run_id=context.run.run_id[:12],
    )
    yield dg.MaterializeResult(
        asset_key=silver_key(tables.PHOTO_HASHES),
        metadata={k: dg.MetadataValue.int(v) for k, v in counts.items() if k.startswith("photo")},
    )
    yield dg.MaterializeResult(
        asset_key=silver_key(tables.PHOTO_REUSE),
        metadata={k: dg.MetadataValue.int(v) for k, v in counts.items()},
    )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            silver_key(tables.INTERVALS),
            group_name=GROUP,
            description="Offline intervals per camera: from heartbeats (online=false runs, "
            "gaps) and from missing frames during scheduled sessions.",
            kinds={"delta"},
            deps=[
                silver_key(tables.FRAMES),
                bronze_key("heartbeats"),
                bronze_key("sessions"),
                bronze_key("classes"),
            ],  # fmt: skip
        ),
        dg.AssetSpec(
            silver_key(tables.HEALTH),
            group_name=GROUP,
            description="Per camera per day: heartbeats, offline minutes, uptime share, "
            "frames, last frame, median brightness/sharpness, tamper counts.",
            kinds={"delta"},
            deps=[silver_key(tables.FRAMES), bronze_key("heartbeats"), bronze_key("cameras")],
        ),
        dg.AssetSpec(
            silver_key(tables.COVERAGE),
            group_name=GROUP,
            description="W02/W03 input: per scheduled session of an offline/mixed class, "
            "minutes with frames, coverage share, median headcount, checked-in persons, "
            "camera problems; status no_camera_ids when the class lists no camera.",
            kinds={"delta", "polars"},
            deps=[
                silver_key(tables.FRAMES),
                bronze_key("sessions"),
                bronze_key("classes"),
                bronze_key("attendance"),
                bronze_key("heartbeats"),
            ],  # fmt: skip
        ),
    ],
    can_subset=False,
)
def camera_health(
    context: dg.AssetExecutionContext, config: CameraRunConfig, skillwatch: SkillWatchResource
):
    """Rebuild offline intervals, daily camera health and session coverage."""
    out = build_health_and_coverage(skillwatch.settings(), config.camera_config())
    cov = out["coverage"]
    yield dg.MaterializeResult(
        asset_key=silver_key(tables.INTERVALS),
        metadata={"intervals": dg.MetadataValue.int(out["intervals"].height)},
    )
    yield dg.MaterializeResult(
        asset_key=silver_key(tables.HEALTH),
        metadata={"camera_days": dg.MetadataValue.int(out["health"].height)},
    )
    yield dg.MaterializeResult(
        asset_key=silver_key(tables.COVERAGE),
        metadata={
            "sessions": dg.MetadataValue.int(cov.height),
            "by_status": dg.MetadataValue.json(
                {k: int(v) for k, v in cov.group_by("status").len().iter_rows()}
            ),
        },
    )


ASSETS = [camera_frames, photo_reuse, camera_health]

# its own assets, not the group: the group also shows bronze heartbeats, which come from
# the shared ingest multi-asset (it cannot be subset)
camera_job = dg.define_asset_job(
    "camera_network",
    selection=dg.AssetSelection.assets(camera_frames, photo_reuse, camera_health),
    tags={"source": "cameras"},
)
JOBS = [camera_job]


def _newest_mtime(landing) -> int:
    """Newest mtime (ns) of the folders that change when a frame or photo lands.

    A new file changes its folder's mtime, so only folders are looked at: each camera's
    folder and its two latest day folders, and photos/ - not millions of files per tick.
    """
    newest = 0
    frames = landing / FRAMES_DIR
    if frames.is_dir():
        newest = max(newest, frames.stat().st_mtime_ns)
        with os.scandir(frames) as cams:
            for cam in cams:
                if not cam.is_dir():
                    newest = max(newest, cam.stat().st_mtime_ns)
                    continue
                newest = max(newest, cam.stat().st_mtime_ns)
                days = sorted(d.name for d in os.scandir(cam.path) if d.is_dir())
                for day in days[-2:]:
                    newest = max(newest, os.stat(os.path.join(cam.path, day)).st_mtime_ns)
    photos = landing / PHOTOS_DIR
    if photos.is_dir():
        newest = max(newest, photos.stat().st_mtime_ns)
    return newest


@dg.sensor(job=camera_job, minimum_interval_seconds=60)
def camera_files_sensor(context: dg.SensorEvaluationContext, skillwatch: SkillWatchResource):
    """Requests a camera run when frames/ or photos/ changed since the cursor (newest folder
    mtime). A spurious run costs little: the register makes it process nothing."""
    landing = skillwatch.settings().landing
    newest = _newest_mtime(landing)
    if not newest:
        return dg.SkipReason(f"no frames/ or photos/ under {landing}")
    cursor = str(newest)
    if cursor == context.cursor:
        return dg.SkipReason("no new camera files since the last run")
    context.update_cursor(cursor)
    return dg.RunRequest(run_key=cursor)


SENSORS = [camera_files_sensor]
__all__ = ["ASSETS", "DEFAULT", "JOBS", "SENSORS"]
