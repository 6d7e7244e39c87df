"""A simulated month of the e-learning system, end to end: exports -> ingest -> e-learning
build -> dbt marts, checked against the simulator's truth."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest
from deltalake import DeltaTable

from pipelines.district_feeds.ingest import ingest
from pipelines.elearning.anomalies import alert_id
from pipelines.elearning.build import ALERTS, REMINDERS, build, outbox_dir, silver
from pipelines.lib import delta_io
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.project import build_db_path, run_dbt
from simulator.elearning.simulate import CONTACTS_FILE, simulate_elearning
from simulator.truth import truth_dir

NOW = dt.datetime(2026, 9, 30, 3, 0)
SILVER_TABLES = (
    "elearning_sessions",
    "elearning_progress",
    "elearning_compliance",
    ALERTS,
    REMINDERS,
)


@dataclass
class Lake:
    settings: Settings
    truth: Path
    linked: str  # an active learner who is a district-feed teacher
    idle: str  # a district-feed teacher with no continuing education at all


def _district_teachers(settings: Settings, ids: list[str]) -> None:
    """A bronze teachers table as the district feeds would leave it (only the link columns)."""
    frame = pl.DataFrame(
        {
            "teacher_id": ids,
            "institution_id": [f"JG{i:03d}" for i in range(len(ids))],
            "src_district_code": [i[2:8] for i in ids],
            "src_delivered_at": [dt.datetime(2026, 9, 2, 2, 0)] * len(ids),
        }
    )
    delta_io.merge(settings.bronze("teachers"), frame, keys=["teacher_id"])


@pytest.fixture(scope="module")
def lake(tmp_path_factory) -> Lake:
    root = tmp_path_factory.mktemp("elearning")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLWATCH_SECRET_KEY", "test-secret-key-for-pseudonyms")
        mp.delenv("SKILLWATCH_ELEARNING_CONTACTS", raising=False)
        settings = get_settings(root / "warehouse", root / "landing")
        simulate_elearning(settings.landing, scale="small", seed=5)
        truth = truth_dir(settings.landing)
        ingest(settings)
        enrolments = pl.read_csv(truth / "elearning_enrolments.csv")
        linked = enrolments.filter(pl.col("completed"))["learner_id"][0]
        idle = "JS31015199999"
        _district_teachers(settings, [linked, idle])
        build(settings, now=NOW)
        selection = [
            f"path:models/{layer}/elearning" for layer in ("staging", "intermediate", "marts")
        ]
        result = run_dbt(
            ["build", "--select", *selection], settings, target_path=root / "dbt", check=False
        )
        assert result.returncode == 0, result.stdout[-3000:]
    return Lake(settings, truth, linked, idle)


def marts(lake: Lake, sql: str) -> pl.DataFrame:
    with duckdb.connect(str(build_db_path(lake.settings)), read_only=True) as con:
        return con.sql(sql).pl()


def test_every_exported_row_is_accepted_or_quarantined_and_bad_scorm_values_have_reasons(lake):
    register = delta_io.read(lake.settings.deliveries)
    assert (register["rows_read"] == register["rows_accepted"] + register["rows_quarantined"]).all()
    planted = dict(pl.read_csv(lake.truth / "elearning_malformed.csv").iter_rows())
    quarantine = delta_io.read(lake.settings.quarantine)
    found = {}
    for values, codes in quarantine.select("original_values", "reason_codes").iter_rows():
        key = re.search(r'"(?:event_id|play_id)": "([^"]+)"', values).group(1)
        found[key] = codes
    assert set(found) == set(planted)
    assert all(planted[k] in codes for k, codes in found.items())


def test_learner_progress_matches_the_simulator(lake):
    truth = pl.read_csv(lake.truth / "elearning_enrolments.csv", try_parse_dates=True).filter(
        pl.col("sessions") > 0
    )
    got = delta_io.read(silver(lake.settings, "elearning_progress"))
    joined = truth.join(got, on=["learner_id", "course_id"], how="full", coalesce=True)
    assert joined.height == truth.height == got.height
    assert (joined["completed"] == joined["completed_right"]).all()
    assert (joined["completed_at"].eq_missing(joined["completed_at_right"])).all()
    assert (joined["learning_seconds"] - joined["learning_seconds_right"]).abs().max() < 0.01


def test_course_completion_mart_matches_the_simulator(lake):
    truth = (
        pl.read_csv(lake.truth / "elearning_enrolments.csv")
        .filter(pl.col("sessions") > 0)
        .group_by("course_id")
        .agg(pl.len().alias("learners"), pl.col("completed").sum().alias("completed"))
    )
    got = marts(lake, "select course_id, learners, completed from marts.stats_elearning_courses")
    joined = got.join(truth, on="course_id", how="left").fill_null(0)
    assert joined["completed"].sum() > 0
    assert (joined["learners"] == joined["learners_right"]).all()
    assert (joined["completed"] == joined["completed_right"]).all()


def test_public_course_plays_and_watch_time_medians_match_the_simulator(lake):
    truth = pl.read_csv(lake.truth / "elearning_plays_by_course.csv")
    got = marts(
        lake,
        "select course_id, plays, unique_viewers, completed_plays, median_watched_seconds, "
        "total_watch_hours from marts.stats_public_courses_by_course where plays > 0",
    )
    joined = got.join(truth, on="course_id", how="full", coalesce=True)
    assert joined.height == truth.height
    for col in ("plays", "unique_viewers", "completed_plays", "median_watched_seconds"):
        assert (joined[col] == joined[f"{col}_right"]).all(), col
    overall = marts(
        lake, "select plays from marts.stats_public_courses_by_slice where slice = 'all'"
    )
    assert overall["plays"][0] == truth["plays"].sum()


def _targets(alerts: pl.DataFrame) -> set[tuple]:
    out = set()
    for rule, day, text in alerts.select("rule_code", "period_start", "evidence").iter_rows():
        learner = re.search(r"学员 (\S+) ", text).group(1)
        course = re.search(r"课程 (\w+)（", text)
        out.add((rule, learner, course.group(1) if rule != "E03" else day.isoformat()))
    return out


def test_planted_anomalies_are_flagged_and_ordinary_fast_learners_are_not(lake):
    truth = pl.read_csv(lake.truth / "elearning_anomalies.csv")
    expected = {(r, lr, c if r != "E03" else d) for r, lr, c, d in truth.iter_rows()}
    alerts = delta_io.read(silver(lake.settings, ALERTS))
    assert {r for r, *_ in expected} == {"E01", "E02", "E03"}
    assert _targets(alerts) == expected
    e01 = truth.filter(pl.col("rule_code") == "E01").row(0, named=True)
    assert alert_id(
        "E01", f"{e01['learner_id']}|{e01['course_id']}", "day", dt.date.fromisoformat(e01["day"])
    ) in set(alerts["alert_id"])
    fast = pl.read_csv(lake.truth / "elearning_enrolments.csv").filter(
        (pl.col("behaviour") == "fast") & pl.col("completed")
    )
    assert fast.height > 0
    flagged = {lr for _, lr, _ in _targets(alerts)}
    assert not flagged & set(fast["learner_id"])


def test_compliance_links_teachers_and_lists_those_without_any_learning(lake):
    comp = delta_io.read(silver(lake.settings, "elearning_compliance"))
    idle = comp.filter(pl.col("learner_id") == lake.idle).row(0, named=True)
    assert (idle["year"], idle["credited_hours"], idle["met"], idle["district_code"]) == (
        2026,
        0.0,
        False,
        "310151",
    )
    linked = comp.filter(pl.col("learner_id") == lake.linked).row(0, named=True)
    assert linked["credited_hours"] > 0 and linked["institution_id"] == "JG000"
    mart = marts(
        lake,
        "select is_known_teacher from marts.fct_elearning_compliance "
        f"where learner_id = '{lake.idle}'",
    )
    assert mart["is_known_teacher"].to_list() == [True]


def test_a_second_run_adds_nothing_and_keeps_an_analysts_alert_status(lake):
    path = silver(lake.settings, ALERTS)
    first = delta_io.read(path).sort("alert_id")
    DeltaTable(str(path)).update(
        predicate=f"alert_id = '{first['alert_id'][0]}'", updates={"status": "'acknowledged'"}
    )
    summary = build(lake.settings, now=NOW + dt.timedelta(hours=1))
    assert (summary.alerts_new, summary.reminders_new) == (0, 0)
    again = delta_io.read(path).sort("alert_id")
    assert again["alert_id"].to_list() == first["alert_id"].to_list()
    assert again["status"][0] == "acknowledged"
    assert (again["first_seen_at"] == first["first_seen_at"]).all()


def test_no_clear_contact_reaches_silver_tables_outbox_or_marts(lake):
    contacts = pl.read_csv(lake.settings.landing / CONTACTS_FILE, infer_schema=False)
    secrets = {v for v in contacts["email"].to_list() + contacts["phone"].to_list() if v}
    texts = [p.read_text() for p in outbox_dir(lake.settings).glob("*.csv")]
    assert texts, "the run exported reminders"
    for name in SILVER_TABLES:
        texts.append(delta_io.read(silver(lake.settings, name)).write_csv())
    with duckdb.connect(str(build_db_path(lake.settings)), read_only=True) as con:
        tables = con.sql(
            "select table_name from information_schema.tables where table_schema = 'marts' "
            "and (table_name like '%elearning%' or table_name like '%public_courses%')"
        ).fetchall()
        texts += [con.sql(f"select * from marts.{t}").pl().write_csv() for (t,) in tables]
    blob = "\n".join(texts)
    assert not [s for s in secrets if s in blob]
    assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", blob)
    box = delta_io.read(silver(lake.settings, REMINDERS))
    assert box["contact_masked"].drop_nulls().str.contains(r"\*").all()
