"""Fixtures of the online-learning, device-operations and service-desk tests (issue 13).

- ``ops_landing``: hand-written deliveries from the interface standard (not the simulator):
  the small district, its class made 混合, with online learning records, the camera
  operator's work orders and the service desk's tickets, each with planted rule cases and
  bad rows, in the forms the standard allows (Chinese headers, GB18030, XLSX, JSON Lines);
- ``ops_built``: that landing ingested, validated, built by dbt (all dbt tests) and
  published, once per session: the ingest, marts and privacy tests read it, and the rule
  tests run the SQL dbt compiled in that build on tiny hand-built tables (``Mart``).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl
import pytest
from mart_harness import Mart
from ops_build import build_ops_warehouse

from pipelines.settings import Settings


@dataclass
class OpsBuild:
    settings: Settings
    expected_reasons: dict[str, dict[str, str]]
    compiled: dict[str, str]  # model name -> SQL dbt compiled in the build
    build_log: str

    def published(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.settings.duckdb_path), read_only=True)


@pytest.fixture(scope="session")
def ops_built(tmp_path_factory: pytest.TempPathFactory) -> OpsBuild:
    built = build_ops_warehouse(tmp_path_factory.mktemp("operations"))
    compiled = {
        p.stem: p.read_text(encoding="utf-8")
        for p in (built.target / "compiled" / "skillwatch" / "models").rglob("*.sql")
    }
    return OpsBuild(built.settings, built.expected_reasons, compiled, built.build_log)


# --- the rule SQL on hand-built tables ------------------------------------------------------
TS, DAY, S, F, INT, B = "timestamp", "date", "varchar", "double", "bigint", "boolean"
TABLES: dict[str, dict[str, str]] = {
    "marts.fct_online_learning": dict(record_key=S, district_code=S, record_id=S, class_key=S,
                                      class_id=S, institution_key=S, class_mode=S,
                                      person_pseudo=S, id_number_masked=S, module_id=S,
                                      started_at=TS, ended_at=TS, learning_date=DAY,
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
                                     installed_on=DAY, patrols=INT, last_patrol_at=TS,
                                     patrolled_in_window=B, patrol_due_on=DAY),
    "marts.dim_camera": dict(camera_key=S, camera_id=S, district_code=S, institution_key=S,
                             room=S, installed_on=DAY, camera_status=S),
    "alerts.stg_alerts__camera_offline_intervals": {"camera_id": S, "start": TS, "end": TS,
                                                     "minutes": F, "source": S,
                                                     "session_id": S},
    "alerts.int_alerts__as_of": dict(as_of_date=DAY, activity_as_of_date=DAY),
    "marts.dim_class": dict(class_key=S, district_code=S, class_id=S, institution_key=S,
                            occupation_code=S, filed_on=DAY, start_date=DAY, end_date=DAY,
                            planned_hours=INT, capacity=INT, camera_ids=S, training_mode=S),
    "marts.fct_sessions": dict(session_key=S, district_code=S, session_id=S, class_key=S,
                               institution_key=S, starts_at=TS, ends_at=TS, session_date=DAY,
                               declared_hours=F),
    "marts.fct_session_attendance": dict(person_session_key=S, session_key=S, class_key=S,
                                         enrolment_key=S, person_pseudo=S,
                                         id_number_masked=S, first_check_in=TS),
    "intermediate.int_operations__work_orders": dict(order_id=S, camera_id=S, district_code=S,
                                                     institution_id=S, order_kind=S,
                                                     opened_at=TS, closed_at=TS,
                                                     order_result=S, is_open=B, is_done=B),
    "marts.fct_camera_history": dict(camera_id=S, district_code=S, institution_id=S,
                                     happened_at=TS, event=S, order_id=S, site_number=INT),
    "alerts.stg_alerts__camera_frames": dict(camera_id=S, captured_at=TS, status=S, dark=B,
                                             covered=B, out_of_focus=B, moved=B, frozen=B),
    "marts.fct_claims": dict(claim_key=S, district_code=S, claim_id=S, enrolment_key=S,
                             class_key=S, occupation_code=S, training_level=INT, person_pseudo=S,
                             id_number_masked=S, amount_yuan=F, claimed_on=DAY,
                             attended_hours=F),
}  # fmt: skip


@pytest.fixture
def mart() -> Mart:
    m = Mart(TABLES, ("marts", "alerts", "staging", "intermediate"))
    yield m
    m.close()


@pytest.fixture
def run_model(ops_built, mart):
    """Run one model as dbt compiled it in the session's build, on the hand-built tables."""

    def run(name: str) -> pl.DataFrame:
        sql = ops_built.compiled[name]
        assert '"dbt".' in sql or "dbt." in sql, "compiled refs must name the dbt database"
        return mart.run(sql)

    return run
