"""The camera tables: where they live and their schemas (one place, so the assets, the tests
and the dbt sources agree). All timestamps are Asia/Shanghai local, naive."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.settings import Settings

TS = pl.Datetime("us")

FILES = "camera_files"  # processed-files register of frames/ (photo_hashes is the photos' one)
FRAMES = "camera_frames"
STATE = "camera_state"  # per camera: reference view, last frame, frames since last count
HEALTH = "camera_health"
INTERVALS = "camera_offline_intervals"
COVERAGE = "session_coverage"
PHOTO_HASHES = "photo_hashes"
PHOTO_REUSE = "photo_reuse"


def silver(settings: Settings, table: str) -> Path:
    return settings.silver(table)


FILES_SCHEMA = {
    "source_path": pl.String,  # relative to the landing folder: the file's identity
    "kind": pl.String,  # frame | video | photo
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
    "mtime": TS,
    "sha256": pl.String,  # null for zero-byte or unreadable files
    "status": pl.String,  # ok | rejected
    "reason": pl.String,  # a PathReason / FrameReason code; set on ok videos cut short
    "detail": pl.String,
    "rows": pl.Int64,  # frames (video samples) or photos written for the file
    "processed_at": TS,
    "run_id": pl.String,
}

STATES = ("dark", "covered", "out_of_focus", "moved", "frozen")

FRAMES_SCHEMA = {
    "camera_id": pl.String,
    "captured_at": TS,
    # the Delta partition (YYYY-MM of captured_at, itself read from the path: a function of
    # the key, so a frame never changes partition); a day's frames rewrite their month only
    "captured_month": pl.String,
    "offset_s": pl.Float64,  # seconds into a video segment; 0 for snapshots
    "registered": pl.Boolean,  # the camera is in the bronze cameras register
    "status": pl.String,  # ok | rejected
    "reason": pl.String,
    "detail": pl.String,
    # an implausible capture time (layout.TimeFlag: CLOCK_RESET | FUTURE | BEFORE_INSTALLED),
    # null when plausible; the frame is analysed and kept either way
    "time_flag": pl.String,
    "time_reason": pl.String,
    "width": pl.Int64,
    "height": pl.Int64,
    "brightness": pl.Float64,
    "contrast": pl.Float64,
    "sharpness": pl.Float64,
    "noise_sigma": pl.Float64,
    "colour_cast": pl.Float64,
    **{s: pl.Boolean for s in STATES},  # null = not evaluated (suppressed or no reference)
    **{f"{s}_value": pl.Float64 for s in STATES},
    "tamper_states": pl.String,  # detected states, ';'-joined, "" when none
    "has_reference": pl.Boolean,
    "people_count": pl.Int64,  # null when the frame was not counted
    "people_confidence": pl.Float64,
    "people_method": pl.String,
    # on the frames due for a count: OK, or NOT_CONFIGURED when no people model could be
    # loaded (headcount and W03 cannot run; people_reason says why and how to fix it)
    "people_status": pl.String,
    "people_reason": pl.String,
    "smoking_status": pl.String,  # OK | NOT_CONFIGURED (no smoking model: W13 cannot run)
    "smoking_count": pl.Int64,  # detections on the counted frames when a model is configured
    "phash": pl.Int64,  # the 64 bits as a signed int64 (two's complement)
    "phash_hex": pl.String,
    "image_sha256": pl.String,
    "image_path": pl.String,  # relative to the warehouse
    "thumb_path": pl.String,
    "source_path": pl.String,
    "source_kind": pl.String,
    "source_mtime": TS,
    "processed_at": TS,
    "run_id": pl.String,
}
FRAMES_KEY = ["source_path", "offset_s"]
FRAMES_PARTITION = ["captured_month"]

STATE_SCHEMA = {
    "camera_id": pl.String,
    "reference_image_path": pl.String,  # replace to re-set a deliberately re-aimed camera
    "reference_captured_at": TS,
    "reference_source": pl.String,  # first_good_frame | operator
    "last_image_path": pl.String,
    "last_captured_at": TS,
    "frames_since_count": pl.Int64,
    "updated_at": TS,
}

INTERVALS_SCHEMA = {
    "camera_id": pl.String,
    "start": TS,
    "end": TS,
    "minutes": pl.Float64,
    "source": pl.String,  # heartbeat_offline | heartbeat_gap | frames
    "session_id": pl.String,  # frames: the session during which frames were missing
}

HEALTH_SCHEMA = {
    "camera_id": pl.String,
    "day": pl.Date,
    "registered": pl.Boolean,
    "heartbeats": pl.Int64,
    "offline_minutes": pl.Float64,  # union of heartbeat-based intervals within the day
    "uptime_share": pl.Float64,  # 1 - offline minutes / minutes observed that day
    "frame_gap_minutes": pl.Float64,  # frames missing during the day's sessions
    "frames": pl.Int64,
    "frames_rejected": pl.Int64,
    "first_frame_at": TS,
    "last_frame_at": TS,
    "median_brightness": pl.Float64,
    "median_sharpness": pl.Float64,
    **{f"{s}_frames": pl.Int64 for s in STATES},
    "counted_frames": pl.Int64,
    "median_people": pl.Float64,
}

COVERAGE_SCHEMA = {
    "session_id": pl.String,
    "class_id": pl.String,
    "district_code": pl.String,
    "institution_id": pl.String,
    "starts_at": TS,
    "ends_at": TS,
    "camera_ids": pl.List(pl.String),
    "status": pl.String,  # ok | no_camera_ids (no data) | no_frames
    "session_minutes": pl.Int64,
    "minutes_with_frames": pl.Int64,
    "coverage_share": pl.Float64,  # null when status is no_camera_ids
    "frames": pl.Int64,
    "counted_frames": pl.Int64,
    "median_headcount": pl.Float64,  # max over the class's cameras of each one's median
    "checked_in": pl.Int64,
    "headcount_ratio": pl.Float64,
    "tampered_frames": pl.Int64,
    "tamper_states": pl.String,
    "offline_minutes": pl.Float64,  # heartbeat-based offline minutes of its cameras in it
    "unregistered_cameras": pl.List(pl.String),
    "camera_problems": pl.String,
}

PHOTO_HASHES_SCHEMA = {
    "photo_id": pl.String,
    "status": pl.String,  # ok | rejected
    "reason": pl.String,
    "detail": pl.String,
    "phash": pl.Int64,
    "phash_hex": pl.String,
    "sha256": pl.String,
    "width": pl.Int64,
    "height": pl.Int64,
    "image_path": pl.String,
    "thumb_path": pl.String,
    "source_path": pl.String,  # the key: also the register of photos/ (with size, mtime)
    "size": pl.Int64,
    "mtime_ns": pl.Int64,
    "mtime": TS,
    "processed_at": TS,
    "run_id": pl.String,
}

PAIRS_SCHEMA = {
    "photo_a": pl.String,
    "photo_b": pl.String,
    "method": pl.String,  # phash_verified | same_photo_id
    "distance": pl.Int64,
    "similarity": pl.Float64,
    "reused": pl.Boolean,  # confirmed on the pixels (false = pHash-near, different picture)
    "found_at": TS,
}

REUSE_CONTEXT = {
    "record_a": pl.String,
    "person_a": pl.String,  # id_number pseudonym
    "day_a": pl.Date,
    "session_a": pl.String,
    "class_a": pl.String,
    "district_a": pl.String,
    "record_b": pl.String,
    "person_b": pl.String,
    "day_b": pl.Date,
    "session_b": pl.String,
    "class_b": pl.String,
    "district_b": pl.String,
    "finding": pl.String,  # different_people | same_person_different_days | same_person_same_day
    # | no_attendance (a photo no check-in refers to yet)
}
PHOTO_REUSE_SCHEMA = {**PAIRS_SCHEMA, **REUSE_CONTEXT}


def empty(schema: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)


def conform(rows: list[dict] | pl.DataFrame, schema: dict) -> pl.DataFrame:
    """Rows in exactly the schema's columns and types (missing columns as nulls)."""
    frame = rows if isinstance(rows, pl.DataFrame) else pl.DataFrame(rows, infer_schema_length=None)
    if frame.is_empty() and not frame.columns:
        return empty(schema)
    return frame.select(
        [
            pl.col(c).cast(t) if c in frame.columns else pl.lit(None, t).alias(c)
            for c, t in schema.items()
        ]
    )
