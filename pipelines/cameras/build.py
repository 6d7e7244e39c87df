"""The camera tables downstream of the frames: health, offline intervals and session coverage,
rebuilt from bronze and ``camera_frames`` (thin I/O around the pure functions)."""

from __future__ import annotations

import polars as pl

from pipelines.cameras import coverage, health, tables
from pipelines.cameras.config import CameraConfig
from pipelines.cameras.frames import read_frames, registered_cameras
from pipelines.lib import delta_io
from pipelines.settings import Settings

_FRAME_COLUMNS = [
    "camera_id", "captured_at", "status", "brightness", "sharpness", "people_count",
    "tamper_states", *tables.STATES, "time_flag", "source_mtime",
]  # fmt: skip


def _overwrite(path, frame: pl.DataFrame) -> None:
    # derived tables are rebuilt whole; Delta keeps the previous versions (time travel)
    delta_io.replace(path, frame)


def _read(settings: Settings, feed: str, columns: list[str]) -> pl.DataFrame:
    frame = delta_io.read(settings.bronze(feed), columns=columns)
    return frame if not frame.is_empty() else pl.DataFrame(schema=dict.fromkeys(columns, pl.String))


def load_inputs(settings: Settings) -> dict[str, pl.DataFrame]:
    frames = read_frames(settings, _FRAME_COLUMNS)
    hb = delta_io.read(settings.bronze("heartbeats"), columns=["camera_id", "ts", "online"])
    if hb.is_empty():
        hb = pl.DataFrame(
            schema={"camera_id": pl.String, "ts": pl.Datetime("us"), "online": pl.Boolean}
        )
    return {
        "frames": frames,
        "heartbeats": hb,
        "sessions": _read(
            settings,
            "sessions",
            ["src_district_code", "session_id", "class_id", "starts_at", "ends_at"],
        ),
        "classes": _read(
            settings,
            "classes",
            ["src_district_code", "class_id", "institution_id", "mode", "camera_ids"],
        ),
        "attendance": _read(settings, "attendance", ["session_id", "id_number_pseudo", "kind"]),
    }


def build_health_and_coverage(settings: Settings, cfg: CameraConfig) -> dict[str, pl.DataFrame]:
    """Rebuild camera_offline_intervals, camera_health and session_coverage."""
    i = load_inputs(settings)
    registered = registered_cameras(settings)
    sched = (
        coverage.scheduled_sessions(i["sessions"], i["classes"])
        if not i["sessions"].is_empty()
        else None
    )
    windows = (
        coverage.session_windows(sched)
        if sched is not None
        else pl.DataFrame(
            schema={
                "session_id": pl.String,
                "starts_at": pl.Datetime("us"),
                "ends_at": pl.Datetime("us"),
                "camera_id": pl.String,
            }  # fmt: skip
        )
    )
    ok_frames = i["frames"].filter(pl.col("status") == "ok")
    intervals = pl.concat(
        [
            health.heartbeat_intervals(i["heartbeats"], cfg.heartbeat_gap_minutes),
            health.frame_gap_intervals(ok_frames, windows, cfg.frame_gap_minutes),
        ]
    ).sort("camera_id", "start")
    daily = health.daily_health(i["heartbeats"], i["frames"], intervals, registered)
    if sched is not None:
        cov = coverage.session_coverage(
            i["sessions"], i["classes"], i["attendance"], i["frames"], intervals, registered
        )
    else:
        cov = tables.empty(tables.COVERAGE_SCHEMA)
    _overwrite(tables.silver(settings, tables.INTERVALS), intervals)
    _overwrite(tables.silver(settings, tables.HEALTH), daily)
    _overwrite(tables.silver(settings, tables.COVERAGE), cov)
    return {"intervals": intervals, "health": daily, "coverage": cov}
