"""Session coverage (inputs to W02 and W03): for every scheduled session of an offline or
mixed class, how many of its minutes have at least one frame from the class's cameras, and
the video headcount against the checked-in trainees. Pure polars functions.

Headcount: the median of the counted frames per camera, then the largest of those medians
over the class's cameras. A second camera of a room often films the board or the door and
sees few faces; taking the best-placed camera keeps W03 from firing on camera placement.
Frames with any tamper state are left out of the headcount (a covered lens counts nobody),
but they do count for coverage (the camera was sending).
"""

from __future__ import annotations

import polars as pl

from pipelines.cameras.tables import COVERAGE_SCHEMA, STATES, conform

CAMERA_MODES = ("线下", "混合")  # online classes (线上) have no classroom to film
CHECK_IN = "签到"


def class_cameras(classes: pl.DataFrame) -> pl.DataFrame:
    """(src_district_code, class_id, institution_id, mode, camera_ids as a clean list)."""
    return classes.select(
        "src_district_code",
        "class_id",
        "institution_id",
        "mode",
        camera_ids=pl.col("camera_ids")
        .fill_null("")
        .str.replace_all("；", ";")  # full-width semicolons, as typed on Chinese keyboards
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != ""))
        .list.unique(maintain_order=True),
    )


def scheduled_sessions(sessions: pl.DataFrame, classes: pl.DataFrame) -> pl.DataFrame:
    """Sessions of offline/mixed classes with their class's cameras."""
    cams = class_cameras(classes).filter(pl.col("mode").is_in(CAMERA_MODES))
    return sessions.select(
        "src_district_code", "session_id", "class_id", "starts_at", "ends_at"
    ).join(cams, on=["src_district_code", "class_id"], how="inner")


def session_windows(scheduled: pl.DataFrame) -> pl.DataFrame:
    """(camera_id, session_id, starts_at, ends_at): what each camera should be filming."""
    return (
        scheduled.select("session_id", "starts_at", "ends_at", camera_id="camera_ids")
        .explode("camera_id")
        .drop_nulls("camera_id")
        .unique()
    )


def _frames_in_sessions(windows: pl.DataFrame, frames: pl.DataFrame) -> pl.DataFrame:
    # join on (camera, day) first: a camera has a year of frames and hundreds of sessions
    w = windows.with_columns(
        day=pl.date_ranges(pl.col("starts_at").dt.date(), pl.col("ends_at").dt.date())
    ).explode("day")
    f = frames.with_columns(day=pl.col("captured_at").dt.date())
    return (
        w.join(f, on=["camera_id", "day"], how="inner")
        .filter(
            (pl.col("captured_at") >= pl.col("starts_at"))
            & (pl.col("captured_at") < pl.col("ends_at"))
        )
        .drop("day")
    )


def _overlap_minutes(windows: pl.DataFrame, intervals: pl.DataFrame) -> pl.DataFrame:
    """Heartbeat-offline minutes of each camera inside each session, per camera."""
    if intervals.is_empty():
        return pl.DataFrame(
            schema={"session_id": pl.String, "camera_id": pl.String, "offline": pl.Float64}
        )
    iv = intervals.filter(pl.col("source").str.starts_with("heartbeat")).select(
        "camera_id", iv_start="start", iv_end="end"
    )
    return (
        windows.join(iv, on="camera_id", how="inner")
        .with_columns(
            s=pl.max_horizontal("starts_at", "iv_start"), e=pl.min_horizontal("ends_at", "iv_end")
        )
        .filter(pl.col("e") > pl.col("s"))
        .group_by("session_id", "camera_id")
        .agg(offline=((pl.col("e") - pl.col("s")).dt.total_seconds() / 60).sum())
    )


def session_coverage(
    sessions: pl.DataFrame,
    classes: pl.DataFrame,
    attendance: pl.DataFrame,
    frames: pl.DataFrame,
    intervals: pl.DataFrame,
    registered: set[str],
) -> pl.DataFrame:
    """One row per scheduled session of an offline or mixed class."""
    sched = scheduled_sessions(sessions, classes)
    windows = session_windows(sched)
    ok = frames.filter(pl.col("status") == "ok").select(
        "camera_id", "captured_at", "people_count", "tamper_states", *STATES
    )
    inside = _frames_in_sessions(windows, ok)
    clean = pl.col("tamper_states").fill_null("") == ""
    per_camera = (
        inside.filter(pl.col("people_count").is_not_null() & clean)
        .group_by("session_id", "camera_id")
        .agg(median=pl.col("people_count").median(), n=pl.len())
        .group_by("session_id")
        .agg(median_headcount=pl.col("median").max(), counted_frames=pl.col("n").sum())
    )
    per_session = inside.group_by("session_id").agg(
        frames=pl.len(),
        minutes_with_frames=pl.col("captured_at").dt.truncate("1m").n_unique(),
        tampered_frames=(~clean).sum(),
        **{f"_{s}": pl.col(s).fill_null(False).sum() for s in STATES},
    )
    states_text = pl.concat_str(
        [
            pl.when(pl.col(f"_{s}") > 0).then(pl.format(f"{s}:{{}}", pl.col(f"_{s}")))
            for s in STATES
        ],
        separator=";",
        ignore_nulls=True,
    )
    checked = (
        attendance.filter(pl.col("kind") == CHECK_IN)
        .group_by("session_id")
        .agg(checked_in=pl.col("id_number_pseudo").drop_nulls().n_unique())
        if not attendance.is_empty()
        else pl.DataFrame(schema={"session_id": pl.String, "checked_in": pl.UInt32})
    )
    offline = _overlap_minutes(windows, intervals)
    cam_frames = inside.group_by("session_id", "camera_id").agg(n=pl.len())
    problems = _problems(windows, cam_frames, offline, inside, registered)
    reg = sorted(registered)
    out = (
        sched.join(per_session, on="session_id", how="left")
        .join(per_camera, on="session_id", how="left")
        .join(checked, on="session_id", how="left")
        .join(
            offline.group_by("session_id").agg(offline_minutes=pl.col("offline").max()),
            on="session_id",
            how="left",
        )
        .join(problems, on="session_id", how="left")
        .with_columns(
            session_minutes=((pl.col("ends_at") - pl.col("starts_at")).dt.total_seconds() / 60)
            .ceil()
            .cast(pl.Int64),
            frames=pl.col("frames").fill_null(0),
            minutes_with_frames=pl.col("minutes_with_frames").fill_null(0),
            counted_frames=pl.col("counted_frames").fill_null(0),
            tampered_frames=pl.col("tampered_frames").fill_null(0),
            checked_in=pl.col("checked_in").fill_null(0),
            offline_minutes=pl.col("offline_minutes").fill_null(0.0).round(1),
            tamper_states=states_text,
            unregistered_cameras=pl.col("camera_ids").list.eval(
                pl.element().filter(~pl.element().is_in(reg))
            ),
            district_code=pl.col("src_district_code"),
        )
        .with_columns(
            status=pl.when(pl.col("camera_ids").list.len() == 0)
            .then(pl.lit("no_camera_ids"))
            .when(pl.col("frames") == 0)
            .then(pl.lit("no_frames"))
            .otherwise(pl.lit("ok")),
        )
        .with_columns(
            # "no data" stays null, never a silent 0% (a class without cameras is its own case)
            coverage_share=pl.when(pl.col("status") == "no_camera_ids")
            .then(None)
            .otherwise(
                (pl.col("minutes_with_frames") / pl.col("session_minutes").clip(1, None)).round(4)
            ),
            headcount_ratio=pl.when(pl.col("checked_in") > 0)
            .then((pl.col("median_headcount") / pl.col("checked_in")).round(4))
            .otherwise(None),
            camera_problems=pl.when(pl.col("status") == "no_camera_ids")
            .then(pl.lit("class lists no camera (no data)"))
            .otherwise(pl.col("camera_problems")),
        )
        .sort("starts_at", "session_id")
    )
    return conform(out, COVERAGE_SCHEMA)


def _problems(
    windows: pl.DataFrame,
    cam_frames: pl.DataFrame,
    offline: pl.DataFrame,
    inside: pl.DataFrame,
    registered: set[str],
) -> pl.DataFrame:
    """A readable per-session summary: '<camera>: offline 95 min; covered 3 frames; ...'."""
    tamper = inside.group_by("session_id", "camera_id").agg(
        **{s: pl.col(s).fill_null(False).sum() for s in STATES}
    )
    per = (
        windows.select("session_id", "camera_id")
        .join(cam_frames, on=["session_id", "camera_id"], how="left")
        .join(offline, on=["session_id", "camera_id"], how="left")
        .join(tamper, on=["session_id", "camera_id"], how="left")
    )
    parts = [
        pl.when(~pl.col("camera_id").is_in(sorted(registered))).then(pl.lit("not in register")),
        pl.when(pl.col("n").is_null()).then(pl.lit("no frames")),
        pl.when(pl.col("offline") > 0).then(
            pl.format("offline {} min", pl.col("offline").round(0).cast(pl.Int64))
        ),
        *[
            pl.when(pl.col(s).fill_null(0) > 0).then(pl.format(f"{s} {{}} frames", pl.col(s)))
            for s in STATES
        ],
    ]
    text = pl.concat_str(parts, separator=", ", ignore_nulls=True)
    return (
        per.with_columns(t=text)
        .filter(pl.col("t") != "")
        .sort("session_id", "camera_id")
        .group_by("session_id", maintain_order=True)
        .agg(camera_problems=(pl.col("camera_id") + ": " + pl.col("t")).str.join("; "))
    )
