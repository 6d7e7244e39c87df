"""E01-E03: the implausible is flagged, the merely quick or slow is not."""

from __future__ import annotations

import datetime as dt

import polars as pl
from elearning_factories import T0, events

from pipelines.contract import CITY_CODE
from pipelines.elearning.anomalies import alert_id, detect
from pipelines.elearning.progress import learner_course_progress
from pipelines.elearning.scorm import sessions
from pipelines.elearning.teachers import DIRECTORY_SCHEMA

COURSES = pl.DataFrame(
    {
        "course_id": ["K1", "K2"],
        "title": ["职业教育教学法", "安全生产"],
        "hours": [4.0, 2.0],
        "kind": ["SCORM1.2", "SCORM1.2"],
        "public": [False, False],
        "sco_count": [1, 1],
    }
)
NOW = dt.datetime(2026, 9, 30, 3, 0)
NOBODY = pl.DataFrame(schema=DIRECTORY_SCHEMA)


def alerts_for(ev: pl.DataFrame, directory: pl.DataFrame = NOBODY) -> pl.DataFrame:
    s = sessions(ev)
    progress = learner_course_progress(s, COURSES, dt.date(2026, 9, 30))
    return detect(s, progress, directory, NOW)


def studied(minutes: float, learner: str = "JS1", course: str = "K1", start: float = 0) -> list:
    """One honest session completing the one-SCO course after ``minutes``."""
    return [
        (start, "launch", "sco1", None, None, learner, course),
        (start + minutes, "commit", "sco1", "completed", minutes * 60, learner, course),
    ]


def test_a_fast_honest_learner_at_55_percent_of_the_length_is_not_flagged():
    # the 4-hour course in two evenings, 132 minutes in all
    evening = 24 * 60
    ev = events(
        (0, "launch", "sco1", None, None),
        (66, "commit", "sco1", "incomplete", 66 * 60.0),
        (evening, "launch", "sco1", None, None),
        (evening + 66, "commit", "sco1", "completed", 66 * 60.0),
    )
    assert alerts_for(ev).is_empty()


def test_a_four_hour_course_clicked_through_in_ten_minutes_is_flagged_e01():
    out = alerts_for(events(*studied(10)))
    assert out["rule_code"].to_list() == ["E01"]
    assert out["period_start"].to_list() == [T0.date()]
    assert "JS1" in out["evidence"][0] and "K1" in out["evidence"][0]


def test_a_click_through_that_posts_the_full_session_time_is_caught_by_its_span():
    ev = events((0, "launch", "sco1", None, None), (3, "commit", "sco1", "completed", 4 * 3600.0))
    assert alerts_for(ev)["rule_code"].to_list() == ["E01"]


def test_time_credited_above_one_and_a_half_course_lengths_is_flagged_e02():
    slow = events(*studied(4 * 60 * 1.4))
    assert alerts_for(slow).is_empty()
    over = events(*studied(4 * 60 * 1.6))
    out = alerts_for(over)
    assert out["rule_code"].to_list() == ["E02"]


def test_two_courses_studied_at_once_are_flagged_e03_but_a_tab_closed_late_is_not():
    two_tabs = events(
        (0, "launch", "sco1", None, None, "JS1", "K1"),
        (60, "commit", "sco1", "incomplete", 3600.0, "JS1", "K1"),
        (10, "launch", "sco1", None, None, "JS1", "K2"),
        (70, "commit", "sco1", "incomplete", 3600.0, "JS1", "K2"),
    )
    assert alerts_for(two_tabs)["rule_code"].to_list() == ["E03"]
    late_close = events(
        (0, "launch", "sco1", None, None, "JS1", "K1"),
        (60, "commit", "sco1", "incomplete", 3600.0, "JS1", "K1"),
        (58, "launch", "sco1", None, None, "JS1", "K2"),
        (100, "commit", "sco1", "incomplete", 2520.0, "JS1", "K2"),
    )
    assert alerts_for(late_close).is_empty()


def test_alert_identity_is_stable_and_a_known_teacher_is_placed_in_their_district():
    directory = pl.DataFrame(
        {"learner_id": ["JS1"], "district_code": ["310104"], "institution_id": ["JG01"]}
    )
    first = alerts_for(events(*studied(10)), directory).row(0, named=True)
    again = alerts_for(events(*studied(10)), directory).row(0, named=True)
    assert first["alert_id"] == again["alert_id"] == alert_id("E01", "JS1|K1", "day", T0.date())
    assert (first["scope"], first["district_code"], first["institution_id"]) == (
        "institution",
        "310104",
        "JG01",
    )
    assert (first["level"], first["period"], first["status"]) == ("orange", "day", "new")
    stranger = alerts_for(events(*studied(10, learner="X9"))).row(0, named=True)
    assert (stranger["scope"], stranger["district_code"]) == ("city", CITY_CODE)
