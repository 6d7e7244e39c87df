"""Fixtures of the early-warning tests.

- ``compiled``: the alert models compiled once per session by dbt against an empty lake;
  the rule tests run that SQL on hand-built mart tables in an in-memory DuckDB (one rule,
  its minimal case and its near miss: milliseconds each).
- ``tiny_city``: the simulator's tiny city (district feeds only, no cameras) ingested and
  built once per session through the real dbt project, for the end-to-end behaviours.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest
from mart_harness import Mart

from pipelines.settings import Settings, get_settings

TS, D, S, F, INT, B = "timestamp", "date", "varchar", "double", "bigint", "boolean"
# the upstream relations the alert models read, with the columns they use
TABLES: dict[str, dict[str, str]] = {
    "marts.dim_class": dict(class_key=S, district_code=S, class_id=S, institution_key=S,
                            occupation_code=S, filed_on=D, start_date=D, end_date=D,
                            planned_hours=INT, capacity=INT, camera_ids=S),
    "marts.fct_sessions": dict(session_key=S, district_code=S, session_id=S, class_key=S,
                               teacher_key=S, institution_key=S, starts_at=TS, ends_at=TS,
                               session_date=D, declared_hours=F, persons_checked_in=INT),
    "marts.fct_attendance": dict(record_key=S, district_code=S, class_key=S, session_key=S,
                                 person_pseudo=S, punch_kind=S, checked_at=TS, checked_on=D,
                                 punch_method=S, face_score=F, id_number_masked=S),
    "marts.fct_claims": dict(claim_key=S, district_code=S, claim_id=S, enrolment_key=S,
                             class_key=S, occupation_code=S, training_level=INT, person_pseudo=S,
                             id_number_masked=S, amount_yuan=F, claimed_on=D, attended_hours=F),
    "marts.fct_enrolments": dict(enrolment_key=S, class_key=S, person_pseudo=S),
    "staging.stg_district_feeds__quarantine": dict(district_code=S, feed=S, is_current=B,
                                                   person_pseudo=S),
    "marts.fct_session_attendance": dict(person_session_key=S, session_key=S, class_key=S,
                                         enrolment_key=S, person_pseudo=S,
                                         id_number_masked=S, first_check_in=TS),
    "marts.fct_person_overlaps": dict(person_pseudo=S, session_key_a=S, session_key_b=S,
                                      class_key_a=S, class_key_b=S, overlap_starts_at=TS,
                                      overlap_minutes=INT),
    "marts.dim_teacher": dict(teacher_key=S, teacher_id=S, occupation_code=S, cert_no=S,
                              cert_valid_until=D),
    "marts.dim_institution": dict(institution_key=S, institution_status=S,
                                  license_valid_until=D, delivered_at=TS),
    "marts.dim_person": dict(person_pseudo=S, id_number_masked=S),
    "marts.dim_camera": dict(camera_id=S, district_code=S, institution_key=S, room=S),
    "contract.contract_feeds": dict(feed=S, feed_zh=S, business_key=S),
    "marts.fct_deliveries": dict(district_code=S, delivery_file=S, feed=S, delivery_status=S,
                                 file_reason_code=S, data_day_min=D, data_day_max=D,
                                 delivered_at=TS),
    "alerts.int_alerts__as_of": dict(as_of_date=D, activity_as_of_date=D),
    "alerts.int_alerts__session_video": dict(district_code=S, institution_id=S, class_id=S,
                                             session_id=S, session_date=D, starts_at=TS,
                                             camera_ids=S, coverage_status=S,
                                             session_minutes=INT, minutes_with_frames=INT,
                                             coverage_share=F, counted_frames=INT,
                                             median_headcount=F, checked_in=INT,
                                             feed_alive=B),
    "alerts.stg_alerts__photo_reuse": dict(photo_a=S, photo_b=S, method=S, distance=INT,
                                           reused=B, record_a=S, person_a=S, day_a=D,
                                           session_a=S, class_a=S, district_a=S, record_b=S,
                                           person_b=S, day_b=D, session_b=S, class_b=S,
                                           district_b=S, finding=S),
    "alerts.stg_alerts__camera_offline_intervals": {"camera_id": S, "start": TS, "end": TS,
                                                     "minutes": F, "source": S,
                                                     "session_id": S},
    "alerts.stg_alerts__camera_frames": dict(camera_id=S, captured_at=TS, status=S, dark=B,
                                             covered=B, out_of_focus=B, moved=B, frozen=B,
                                             smoking_status=S, smoking_count=INT),
    "alerts.stg_alerts__institution_status_history": dict(
        district_code=S, institution_id=S, institution_status=S, license_valid_until=D,
        delivered_at=TS, effective_from=D, delivery_file=S),
    # online learning (issue 13): W08 and W12 count a 线上/混合 class's online hours
    "marts.fct_online_learning": dict(record_key=S, district_code=S, record_id=S, class_key=S,
                                      class_id=S, institution_key=S, class_mode=S,
                                      person_pseudo=S, id_number_masked=S, module_id=S,
                                      started_at=TS, ended_at=TS, learning_date=D,
                                      recorded_minutes=F, module_minutes=INT, progress_pct=F,
                                      is_completed=B, counts_towards_hours=B,
                                      credited_hours=F, device_id=S, ip_pseudo=S,
                                      ip_masked=S, face_checks=INT, face_failures=INT),
    "marts.fct_work_orders": dict(order_id=S, camera_id=S, district_code=S, institution_id=S,
                                  camera_registered=B, order_kind=S, opened_at=TS,
                                  closed_at=TS, order_result=S, is_open=B, is_done=B,
                                  hours_open=F, repaired_within_sla=B),
    "marts.fct_camera_patrols": dict(camera_key=S, district_code=S, camera_id=S,
                                     institution_id=S, camera_status=S, is_installed=B,
                                     installed_on=D, patrols=INT, last_patrol_at=TS,
                                     patrolled_in_window=B, patrol_due_on=D),
    "marts.alert_findings": dict(finding_id=S, rule_code=S, level=S, scope=S, district_code=S,
                                 institution_id=S, class_id=S, session_id=S, enrolment_id=S,
                                 subject_id=S, event_date=D, evidence=S),
}  # fmt: skip


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """model name -> compiled SQL of every model under models/alerts."""
    from pipelines.warehouse.project import run_dbt
    from pipelines.warehouse.seeds import write_seeds

    root = tmp_path_factory.mktemp("alerts_compile")
    settings = get_settings(root / "warehouse", root / "landing")
    write_seeds()
    target = root / "target"
    done = run_dbt(["compile", "--select", "path:models/alerts"], settings, target, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    out = {}
    for path in (target / "compiled" / "skillwatch" / "models" / "alerts").rglob("*.sql"):
        out[path.stem] = path.read_text(encoding="utf-8")
    return out


@pytest.fixture
def mart() -> Mart:
    m = Mart(TABLES, ("marts", "alerts", "main", "staging", "contract"))
    yield m
    m.close()


@pytest.fixture
def run_model(compiled, mart):
    """Run one compiled alert model on the hand-built tables."""

    def run(name: str) -> pl.DataFrame:
        sql = compiled[name]
        assert '"dbt".' in sql or "dbt." in sql, "compiled refs must name the dbt database"
        return mart.run(sql)

    return run


def day(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def ts(s: str) -> dt.datetime:
    return dt.datetime.fromisoformat(s)


@dataclass
class City:
    settings: Settings
    landing: Path
    truth: Path


def _ids(text: str) -> list[str]:
    return re.findall(r"[0-9a-f]{32}", text)
