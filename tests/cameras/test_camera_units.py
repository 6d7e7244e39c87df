"""The pure pieces on hand-made inputs: paths, clock skew, intervals, no-camera sessions."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.cameras.coverage import session_coverage
from pipelines.cameras.health import (
    frame_gap_intervals,
    heartbeat_intervals,
    union_minutes_by_day,
)
from pipelines.cameras.layout import TimeFlag, capture_time_flag, parse_frame_path

T = dt.datetime(2026, 9, 3, 9, 0)
M = dt.timedelta(minutes=1)


def test_frame_paths_give_camera_and_local_capture_time():
    assert parse_frame_path(("CAM1", "20260903", "090512.jpg")) == (
        "CAM1",
        dt.datetime(2026, 9, 3, 9, 5, 12),
        "",
        "",
    )
    assert parse_frame_path(("CAM1", "20260903", "256000.jpg"))[2] == "BAD_TIMESTAMP"
    assert parse_frame_path(("CAM1", "2026-09-03", "090512.jpg"))[2] == "BAD_PATH"
    assert parse_frame_path(("CAM1", "x", "20260903", "090512.jpg"))[:3:2] == ("CAM1", "BAD_PATH")
    assert parse_frame_path(("CAM1", "20260903", "090512.gif"))[2] == "UNSUPPORTED_FORMAT"


def test_capture_time_flags_implausible_clocks_never_a_backlog():
    now = dt.datetime(2026, 11, 30)

    def flag(captured, uploaded, installed_on=None):
        return capture_time_flag(captured, uploaded, now, installed_on=installed_on)[0]

    assert flag(T, T + 30 * M) == ""
    assert flag(T, T + dt.timedelta(hours=30)) == ""  # a backlog
    assert flag(T, T + dt.timedelta(days=7)) == ""  # a week-old backlog
    assert flag(T, T + dt.timedelta(days=400)) == ""  # a re-loaded archive
    assert flag(dt.datetime(1970, 1, 1), T) == TimeFlag.CLOCK_RESET
    assert flag(dt.datetime(2000, 1, 1, 0, 5), T) == TimeFlag.CLOCK_RESET
    assert flag(T + dt.timedelta(hours=3), T) == TimeFlag.FUTURE  # clock fast
    assert flag(now + dt.timedelta(days=1), now + dt.timedelta(days=1)) == TimeFlag.FUTURE
    assert flag(T, T + M, installed_on=T.date() + dt.timedelta(days=1)) == "BEFORE_INSTALLED"
    assert flag(T, T + M, installed_on=T.date()) == ""
    why = capture_time_flag(dt.datetime(1970, 1, 1), T, now)[1]
    assert "1970-01-01" in why and "reset" in why


def _hb(rows):
    return pl.DataFrame(rows, schema=["camera_id", "ts", "online"], orient="row")


def test_heartbeat_gaps_and_offline_runs_become_intervals():
    beats = [("C", T + k * 5 * M, True) for k in range(12)]  # 09:00 .. 09:55
    beats += [("C", T + k * 5 * M, False) for k in range(30, 34)]  # 11:30 .. 11:45 offline
    beats += [("C", T + k * 5 * M, True) for k in range(34, 40)]
    iv = heartbeat_intervals(_hb(beats), gap_minutes=15)
    assert iv.select("start", "end", "source").rows() == [
        (T + 55 * M, T + 150 * M, "heartbeat_gap"),
        (T + 150 * M, T + 170 * M, "heartbeat_offline"),
    ]


def test_frame_gaps_count_leading_and_trailing_minutes_of_a_session():
    windows = pl.DataFrame(
        {"camera_id": ["C"], "session_id": ["S"], "starts_at": [T], "ends_at": [T + 240 * M]}
    )
    times = [T + k * M for k in range(30, 100)] + [T + k * M for k in range(150, 225)]
    frames = pl.DataFrame({"camera_id": ["C"] * len(times), "captured_at": times})
    iv = frame_gap_intervals(frames, windows, gap_minutes=10)
    assert iv.select("start", "end").rows() == [
        (T, T + 30 * M),
        (T + 99 * M, T + 150 * M),
        (T + 224 * M, T + 240 * M),
    ]


def test_overlapping_intervals_are_counted_once_and_split_at_midnight():
    iv = pl.DataFrame(
        {
            "camera_id": ["C", "C"],
            "start": [dt.datetime(2026, 9, 3, 23, 0), dt.datetime(2026, 9, 3, 23, 30)],
            "end": [dt.datetime(2026, 9, 4, 1, 0), dt.datetime(2026, 9, 4, 0, 30)],
        }
    )
    out = union_minutes_by_day(iv).sort("day")
    assert out["minutes"].to_list() == [60.0, 60.0]


def test_a_class_without_camera_ids_is_no_data_not_zero_coverage():
    sessions = pl.DataFrame(
        {
            "src_district_code": ["310101"],
            "session_id": ["S1"],
            "class_id": ["K1"],
            "starts_at": [T],
            "ends_at": [T + 60 * M],
        }
    )
    classes = pl.DataFrame(
        {
            "src_district_code": ["310101"],
            "class_id": ["K1"],
            "institution_id": ["I1"],
            "mode": ["线下"],
            "camera_ids": [None],
        },
        schema_overrides={"camera_ids": pl.String},
    )
    attendance = pl.DataFrame({"session_id": ["S1"], "id_number_pseudo": ["p"], "kind": ["签到"]})
    frames = pl.DataFrame(
        schema={
            "camera_id": pl.String,
            "captured_at": pl.Datetime("us"),
            "status": pl.String,
            "people_count": pl.Int64,
            "tamper_states": pl.String,
            **dict.fromkeys(["dark", "covered", "out_of_focus", "moved", "frozen"], pl.Boolean),
        }  # fmt: skip
    )
    intervals = pl.DataFrame(
        schema={
            "camera_id": pl.String,
            "start": pl.Datetime("us"),
            "end": pl.Datetime("us"),
            "source": pl.String,
        }  # fmt: skip
    )
    cov = session_coverage(sessions, classes, attendance, frames, intervals, set())
    row = cov.row(0, named=True)
    assert row["status"] == "no_camera_ids" and row["coverage_share"] is None
    assert row["checked_in"] == 1 and "no data" in row["camera_problems"]
