"""Offline intervals and session coverage on the planted periods."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.cameras import tables
from tests.cameras._report import REPORT

HEARTBEAT = dt.timedelta(minutes=5)


def test_planted_offline_periods_are_found_from_heartbeats(city):
    truth = city.truth("offline").with_columns(
        pl.col("start").str.to_datetime(), pl.col("end").str.to_datetime()
    )
    found = city.table(tables.INTERVALS).filter(pl.col("source").str.starts_with("heartbeat"))
    assert found.height == truth.height  # nothing beyond the planted outages
    for cam, start, end, source, w11 in truth.select(
        "camera_id", "start", "end", "source", "w11"
    ).iter_rows():
        mine = found.filter((pl.col("camera_id") == cam) & (pl.col("source") == source))
        assert mine.height == 1, (cam, source)
        # heartbeats come every 5 minutes: the edges are known to within one period
        assert abs(mine["start"][0] - start) <= HEARTBEAT
        assert abs(mine["end"][0] - end) <= HEARTBEAT
        assert (mine["minutes"][0] > 24 * 60) == w11


def test_frame_gaps_during_sampled_sessions_match_the_outages(city):
    sessions = city.truth("sessions")
    gaps = city.table(tables.INTERVALS).filter(
        (pl.col("source") == "frames")
        & pl.col("session_id").is_in(sessions["session_id"].to_list())
    )
    outages = city.truth("offline").filter(pl.col("session_id").is_not_null())
    assert sorted(gaps["session_id"]) == sorted(outages["session_id"])
    for sid, minutes in outages.select("session_id", "minutes").iter_rows():
        got = gaps.filter(pl.col("session_id") == sid)["minutes"][0]
        assert abs(got - minutes) <= 2  # frames land in the first 20 s of each minute


def test_coverage_and_headcount_of_sampled_sessions(city):
    truth = city.truth("sessions")
    cov = city.table(tables.COVERAGE).join(truth, on="session_id", suffix="_truth")
    assert cov.height == truth.height
    lines = []
    for r in cov.iter_rows(named=True):
        assert r["status"] == "ok"
        assert r["session_minutes"] == r["minutes"]
        assert r["minutes_with_frames"] == r["minutes_with_frames_truth"]
        assert (r["coverage_share"] < 0.5) == r["w02"]
        assert abs(r["median_headcount"] - r["n_faces"]) <= 1
        assert abs(r["checked_in"] - r["checked_in_truth"]) <= 1
        level = (
            "red"
            if r["headcount_ratio"] < 0.5
            else "orange"
            if r["headcount_ratio"] < 0.8
            else None
        )
        assert level == r["w03"]
        lines.append(
            f"{r['role']}: share {r['coverage_share']:.2f} (truth {r['coverage_share_truth']:.2f})"
            f", headcount {r['median_headcount']:.0f} / {r['checked_in']} checked in"
        )
    REPORT["sessions"] = "; ".join(lines)


def test_tamper_episodes_show_as_camera_problems_of_the_session(city):
    faults = city.truth("faults").filter(pl.col("session_id").is_not_null())
    cov = city.table(tables.COVERAGE)
    for sid, fault in faults.select("session_id", "fault").iter_rows():
        problems = cov.filter(pl.col("session_id") == sid)["camera_problems"][0]
        assert fault in problems


def test_daily_health_has_uptime_and_last_frame(city):
    health = city.table(tables.HEALTH)
    outage = city.truth("offline").filter(pl.col("session_id").is_not_null()).row(0, named=True)
    day = dt.date.fromisoformat(outage["start"][:10])
    row = health.filter((pl.col("camera_id") == outage["camera_id"]) & (pl.col("day") == day))
    assert row.height == 1
    assert abs(row["offline_minutes"][0] - outage["minutes"]) <= 10
    assert row["uptime_share"][0] < 1.0
    assert row["last_frame_at"][0] is not None and row["frames"][0] > 0
    # a camera that only sent heartbeats that day is fully up
    quiet = health.filter((pl.col("frames") == 0) & (pl.col("offline_minutes") == 0))
    assert quiet.height > 0 and (quiet["uptime_share"] == 1.0).all()


def test_sessions_of_classes_without_cameras_say_no_data(city):
    cov = city.table(tables.COVERAGE)
    assert set(cov["status"]) <= {"ok", "no_frames", "no_camera_ids"}
    none = cov.filter(pl.col("status") == "no_camera_ids")
    assert none["coverage_share"].null_count() == none.height
