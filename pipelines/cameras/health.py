"""Camera health from heartbeats and frame arrival: offline intervals, daily uptime, the last
frame and a picture-quality summary. Pure polars functions of the input frames.

Two kinds of evidence, kept apart in ``source``:

* heartbeats: a run of ``online = false`` (``heartbeat_offline``), or no heartbeat at all for
  longer than ``heartbeat_gap_minutes`` (``heartbeat_gap``: the camera or its 4G link is
  down). The interval runs from the last heartbeat before to the first one after, so it
  overstates a real outage by at most one heartbeat period on each side.
* frames: during a scheduled session of a class the camera films, no frame for longer than
  ``frame_gap_minutes`` (``frames``). Only judged on days the camera sent at least one frame:
  a camera silent all day is already an offline interval by heartbeats, or a session with
  no coverage at all (W02), and cameras may legitimately be idle outside sessions.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.cameras.tables import HEALTH_SCHEMA, INTERVALS_SCHEMA, STATES, conform, empty

_MIN = 60_000_000  # microseconds per minute


def _minutes(end: pl.Expr, start: pl.Expr) -> pl.Expr:
    return ((end - start).dt.total_microseconds() / _MIN).round(2)


def heartbeat_intervals(heartbeats: pl.DataFrame, gap_minutes: float) -> pl.DataFrame:
    """Offline intervals per camera from heartbeats (camera_id, ts, online)."""
    if heartbeats.is_empty():
        return empty(INTERVALS_SCHEMA)
    gap = dt.timedelta(minutes=gap_minutes)
    seg = (
        heartbeats.select("camera_id", "ts", "online")
        .drop_nulls(["camera_id", "ts"])
        .unique(["camera_id", "ts"], keep="last")
        .sort("camera_id", "ts")
        .with_columns(nxt=pl.col("ts").shift(-1).over("camera_id"))
        .with_columns(
            source=pl.when(~pl.col("online").fill_null(True))
            .then(pl.lit("heartbeat_offline"))
            .when((pl.col("nxt") - pl.col("ts")) > gap)
            .then(pl.lit("heartbeat_gap"))
            .otherwise(None)
        )
        # a camera still offline at its last heartbeat: the interval ends there (known so far)
        .with_columns(nxt=pl.col("nxt").fill_null(pl.col("ts")))
    )
    runs = seg.with_columns(
        run=(pl.col("source").fill_null("") != pl.col("source").fill_null("").shift(1))
        .fill_null(True)
        .cum_sum()
        .over("camera_id")
    ).filter(pl.col("source").is_not_null())
    out = (
        runs.group_by("camera_id", "run", "source")
        .agg(start=pl.col("ts").min(), end=pl.col("nxt").max())
        .filter(pl.col("end") > pl.col("start"))
        .with_columns(minutes=_minutes(pl.col("end"), pl.col("start")), session_id=pl.lit(None))
        .sort("camera_id", "start")
    )
    return conform(out, INTERVALS_SCHEMA)


def frame_gap_intervals(
    frames: pl.DataFrame, windows: pl.DataFrame, gap_minutes: float
) -> pl.DataFrame:
    """Stretches of scheduled sessions without frames, per camera.

    ``frames``: ok frames (camera_id, captured_at). ``windows``: (camera_id, session_id,
    starts_at, ends_at) of the sessions each camera films. A window counts only on a day the
    camera sent frames (see the module docstring).
    """
    if frames.is_empty() or windows.is_empty():
        return empty(INTERVALS_SCHEMA)
    gap = dt.timedelta(minutes=gap_minutes)
    f = frames.select("camera_id", "captured_at").with_columns(day=pl.col("captured_at").dt.date())
    days = f.select("camera_id", "day").unique()
    w = windows.with_columns(day=pl.col("starts_at").dt.date()).join(
        days, on=["camera_id", "day"], how="semi"
    )
    if w.is_empty():
        return empty(INTERVALS_SCHEMA)
    inside = (
        w.join(f.drop("day"), on="camera_id", how="left")
        .filter(
            pl.col("captured_at").is_null()
            | (pl.col("captured_at") >= pl.col("starts_at"))
            & (pl.col("captured_at") < pl.col("ends_at"))
        )
        .select("camera_id", "session_id", "starts_at", "ends_at", t="captured_at")
    )
    # each window's frame times plus its two ends, so leading and trailing gaps count too
    ends = w.select(
        "camera_id", "session_id", "starts_at", "ends_at", t=pl.concat_list("starts_at", "ends_at")
    ).explode("t")
    points = (
        pl.concat([inside.drop_nulls("t"), ends], how="vertical_relaxed")
        .unique()
        .sort("camera_id", "session_id", "t")
        .with_columns(nxt=pl.col("t").shift(-1).over("camera_id", "session_id"))
        .filter(pl.col("nxt").is_not_null() & ((pl.col("nxt") - pl.col("t")) > gap))
    )
    out = points.select(
        "camera_id",
        "session_id",
        start=pl.col("t"),
        end=pl.col("nxt"),
        minutes=_minutes(pl.col("nxt"), pl.col("t")),
        source=pl.lit("frames"),
    ).sort("camera_id", "start")
    return conform(out, INTERVALS_SCHEMA)


def _split_by_day(intervals: pl.DataFrame) -> pl.DataFrame:
    """Intervals cut at midnight: (camera_id, day, start, end) pieces."""
    if intervals.is_empty():
        return pl.DataFrame(
            schema={
                "camera_id": pl.String,
                "day": pl.Date,
                "start": pl.Datetime("us"),
                "end": pl.Datetime("us"),
            }  # fmt: skip
        )
    return (
        intervals.with_columns(
            day=pl.date_ranges(pl.col("start").dt.date(), pl.col("end").dt.date())
        )
        .explode("day")
        .with_columns(midnight=pl.col("day").cast(pl.Datetime("us")))
        .select(
            "camera_id",
            "day",
            start=pl.max_horizontal("start", "midnight"),
            end=pl.min_horizontal("end", pl.col("midnight") + pl.duration(days=1)),
        )
        .filter(pl.col("end") > pl.col("start"))
    )


def union_minutes_by_day(intervals: pl.DataFrame) -> pl.DataFrame:
    """Minutes covered by the union of (possibly overlapping) intervals, per camera and day."""
    pieces = _split_by_day(intervals)
    if pieces.is_empty():
        return pl.DataFrame(schema={"camera_id": pl.String, "day": pl.Date, "minutes": pl.Float64})
    merged = (
        pieces.sort("camera_id", "day", "start")
        .with_columns(
            reach=pl.col("end").cum_max().shift(1).over("camera_id", "day"),
        )
        .with_columns(
            new=(pl.col("reach").is_null() | (pl.col("start") > pl.col("reach")))
            .cum_sum()
            .over("camera_id", "day")
        )
        .group_by("camera_id", "day", "new")
        .agg(start=pl.col("start").min(), end=pl.col("end").max())
    )
    return merged.group_by("camera_id", "day").agg(
        minutes=_minutes(pl.col("end"), pl.col("start")).sum()
    )


def _frame_day(frames: pl.DataFrame) -> tuple[pl.Expr, pl.Expr]:
    """(the day a frame counts on, whether its capture time can be trusted). A frame whose
    camera clock was reset (time_flag CLOCK_RESET: 1970...) counts on the day it was uploaded;
    its capture time says nothing, so it is not a first or last frame time either."""
    day = pl.col("captured_at").dt.date()
    if not {"time_flag", "source_mtime"} <= set(frames.columns):
        return day, pl.lit(True)
    reset = pl.col("time_flag").fill_null("") == "CLOCK_RESET"
    return pl.when(reset).then(pl.col("source_mtime").dt.date()).otherwise(day), ~reset


def daily_health(
    heartbeats: pl.DataFrame,
    frames: pl.DataFrame,
    intervals: pl.DataFrame,
    registered: set[str],
) -> pl.DataFrame:
    """One row per camera and day with heartbeats or frames."""
    hb = (
        heartbeats.with_columns(day=pl.col("ts").dt.date())
        .group_by("camera_id", "day")
        .agg(heartbeats=pl.len())
        if not heartbeats.is_empty()
        else pl.DataFrame(schema={"camera_id": pl.String, "day": pl.Date, "heartbeats": pl.UInt32})
    )
    # uptime is judged between a camera's first and last heartbeat (before: not yet installed)
    span = (
        heartbeats.group_by("camera_id").agg(first=pl.col("ts").min(), last=pl.col("ts").max())
        if not heartbeats.is_empty()
        else pl.DataFrame(
            schema={"camera_id": pl.String, "first": pl.Datetime("us"), "last": pl.Datetime("us")}
        )  # fmt: skip
    )
    observed = union_minutes_by_day(span.rename({"first": "start", "last": "end"})).rename(
        {"minutes": "observed_minutes"}
    )
    hb_iv = intervals.filter(pl.col("source").str.starts_with("heartbeat"))
    offline = union_minutes_by_day(hb_iv).rename({"minutes": "offline_minutes"})
    gaps = union_minutes_by_day(intervals.filter(pl.col("source") == "frames")).rename(
        {"minutes": "frame_gap_minutes"}
    )
    if frames.is_empty():
        # no frames yet (district feeds and heartbeats only): the counts below are still read
        fr = pl.DataFrame(
            schema={
                "camera_id": pl.String,
                "day": pl.Date,
                "frames": pl.UInt32,
                "frames_rejected": pl.UInt32,
            }  # fmt: skip
        )
    else:
        ok = pl.col("status") == "ok"
        day, placed = _frame_day(frames)
        fr = (
            frames.filter(pl.col("captured_at").is_not_null())
            .with_columns(day=day)
            .group_by("camera_id", "day")
            .agg(
                ok.sum().alias("frames"),
                (~ok).sum().alias("frames_rejected"),
                pl.col("captured_at").filter(ok & placed).min().alias("first_frame_at"),
                pl.col("captured_at").filter(ok & placed).max().alias("last_frame_at"),
                pl.col("brightness").filter(ok).median().alias("median_brightness"),
                pl.col("sharpness").filter(ok).median().alias("median_sharpness"),
                *[pl.col(s).fill_null(False).sum().alias(f"{s}_frames") for s in STATES],
                pl.col("people_count").is_not_null().sum().alias("counted_frames"),
                pl.col("people_count").median().alias("median_people"),
            )
        )
    keys = pl.concat(
        [hb.select("camera_id", "day"), fr.select("camera_id", "day")], how="vertical_relaxed"
    ).unique()
    out = (
        keys.join(hb, on=["camera_id", "day"], how="left")
        .join(fr, on=["camera_id", "day"], how="left")
        .join(observed, on=["camera_id", "day"], how="left")
        .join(offline, on=["camera_id", "day"], how="left")
        .join(gaps, on=["camera_id", "day"], how="left")
        .with_columns(
            registered=pl.col("camera_id").is_in(sorted(registered)),
            heartbeats=pl.col("heartbeats").fill_null(0),
            frames=pl.col("frames").fill_null(0),
            frames_rejected=pl.col("frames_rejected").fill_null(0),
            offline_minutes=pl.col("offline_minutes").fill_null(0.0),
            frame_gap_minutes=pl.col("frame_gap_minutes").fill_null(0.0),
        )
        .with_columns(
            uptime_share=pl.when(pl.col("observed_minutes") > 0)
            .then((1 - pl.col("offline_minutes") / pl.col("observed_minutes")).clip(0, 1).round(4))
            .otherwise(None)
        )
        .sort("camera_id", "day")
    )
    return conform(out, HEALTH_SCHEMA)
