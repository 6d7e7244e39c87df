"""SCORM 1.2 values and the sessions the LMS makes of them."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from elearning_factories import T0, events

from pipelines.district_feeds.conform import parse_duration
from pipelines.elearning.scorm import format_timespan, sessions


@pytest.mark.parametrize("seconds", [0.0, 59.99, 3600.0, 5400.25, 4 * 3600 + 61.5, 9999 * 3600])
def test_simulator_timespans_parse_back_to_the_same_seconds(seconds):
    text = format_timespan(seconds)
    assert len(text.split(":")[0]) == 4
    assert pl.select(parse_duration(pl.lit(text))).item() == pytest.approx(seconds, abs=0.005)


def test_growing_commits_of_one_session_count_once():
    s = sessions(
        events(
            (0, "launch", "sco1", None, None),
            (15, "commit", "sco1", "incomplete", 900.0),
            (30, "commit", "sco1", "incomplete", 1800.0),
            (45, "commit", "sco1", "completed", 2700.0),
            (45, "finish", "sco1", None, None),
        )
    )
    assert s.height == 1
    row = s.row(0, named=True)
    assert row["session_seconds"] == 2700.0  # not 900 + 1800 + 2700
    assert row["lesson_status"] == "completed"
    assert row["completed_at"] == T0 + dt.timedelta(minutes=45)
    assert (row["launched"], row["finished"], row["commits"]) == (True, True, 3)


def test_a_relaunch_starts_a_new_session_and_an_aborted_launch_credits_nothing():
    s = sessions(
        events(
            (0, "launch", "sco1", None, None),  # the package did not load
            (1, "launch", "sco1", None, None),
            (31, "commit", "sco1", "incomplete", 1800.0),
            (120, "launch", "sco1", None, None),
            (140, "commit", "sco1", "completed", 1200.0),
        )
    ).sort("started_at")
    assert s["session_seconds"].to_list() == [0.0, 1800.0, 1200.0]
    assert s["session_id"].to_list() == ["JS1|K1|sco1|1", "JS1|K1|sco1|2", "JS1|K1|sco1|3"]


def test_commits_without_a_launch_still_count_and_logins_are_not_sessions():
    s = sessions(
        events(
            (0, "login", None, None, None),
            (20, "commit", "sco1", "incomplete", 1200.0),
        ).with_columns(
            pl.when(pl.col("event") == "login").then(None).otherwise("course_id").alias("course_id")
        )
    )
    assert s.height == 1
    assert s.row(0, named=True)["session_seconds"] == 1200.0
    assert s.row(0, named=True)["launched"] is False


def test_a_claimed_session_time_extends_the_session_but_not_its_observed_end():
    s = sessions(
        events(
            (0, "launch", "sco1", None, None),
            (2, "commit", "sco1", "completed", 4 * 3600.0),
        )
    ).row(0, named=True)
    assert s["ended_at"] == T0 + dt.timedelta(hours=4)
    assert s["last_event_at"] == T0 + dt.timedelta(minutes=2)
