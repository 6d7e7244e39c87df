"""Partial landings: a run over any part of the city succeeds and publishes what it can.

Each case writes its landing by hand from the interface standard (tests/delivery_factory.py:
one small district, a camera day of real JPEG frames and heartbeats, e-learning exports; not
the simulator), runs ``skillwatch run`` on a fresh warehouse and checks: exit 0 and no failed
asset, the published skillwatch.duckdb opens read-only with every mart, and ``mart_status`` /
``alert_rule_status`` say ``no_data`` exactly where the inputs are absent.

A run costs ~40 s (most of it ``dbt build``): one run per case, the cases independent so
``pytest -n 2`` spreads them; the one-district case runs a second time on its own warehouse
(nothing new). The fast tests at the end need no run.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest
from delivery_factory import (
    small_district_rows,
    write_small_camera_day,
    write_small_district,
    write_small_elearning,
)

from pipelines.cli import main as skillwatch

DISTRICT = "310104"
CAMERA = "CAM1041"  # the small district's registered camera
DISTRICT_FEEDS = tuple(small_district_rows(DISTRICT))
ELEARNING_SOURCES = ("elearning.courses", "elearning.events", "elearning.notifications",
                     "elearning.plays")  # fmt: skip
CAMERA_SOURCES = ("alert_inputs.camera_frames", "cameras.health")

# the mart whose only district input is the feed: it must say no_data without it
MART_OF_FEED = {
    "institutions": "dim_institution",
    "teachers": "dim_teacher",
    "cameras": "dim_camera",
    "classes": "dim_class",
    "sessions": "fct_sessions",
    "enrolments": "fct_enrolments",
    "attendance": "fct_attendance",
    "subsidy_claims": "fct_claims",
    "inspections": "fct_inspections",
}
# city-level rules that cannot judge without the feed
RULES_OF_FEED = {
    "attendance": ("W04", "W06", "W07"),
    "subsidy_claims": ("W08", "W15"),
    "teachers": ("W09",),
    "sessions": ("W09", "W10"),
}


@dataclass
class Case:
    name: str
    district_feeds: tuple[str, ...] = ()
    camera_ids: tuple[str, ...] = ()
    elearning: bool = False
    ok: tuple[str, ...] = ()  # sources and marts whose status must be 'ok'
    no_data: tuple[str, ...] = ()  # sources and marts whose status must be 'no_data'
    rules: dict[str, str] = field(default_factory=dict)  # city-level rule -> status
    runs: int = 1

    def write(self, landing: Path) -> None:
        landing.mkdir(parents=True, exist_ok=True)
        if self.district_feeds:
            write_small_district(landing, DISTRICT, self.district_feeds)
        if self.camera_ids:
            write_small_camera_day(landing, self.camera_ids)
        if self.elearning:
            write_small_elearning(landing)


def _bronze(*feeds: str) -> tuple[str, ...]:
    return tuple(f"bronze.{f}" for f in feeds)


def _missing_feeds(*missing: str) -> Case:
    """One district without ``missing`` (feeds no other missing one depends on grouped in one
    run: each run costs a whole dbt build)."""
    rest = tuple(f for f in DISTRICT_FEEDS if f not in missing)
    return Case(
        "without_" + "_".join(missing),
        district_feeds=rest,
        camera_ids=(CAMERA,),
        # feeds that reference a missing one wait in quarantine (pending): not asserted
        ok=("bronze.institutions", "bronze.classes", "cameras.health", "dim_district"),
        no_data=(
            *[f"bronze.{f}" for f in missing],
            *[MART_OF_FEED[f] for f in missing],
            *ELEARNING_SOURCES,
        ),
        rules={r: "no_data" for f in missing for r in RULES_OF_FEED.get(f, ())},
    )


CASES = [
    # one district of sixteen, with its camera and the e-learning system; then again: nothing new
    Case(
        "one_district_then_nothing_new",
        district_feeds=DISTRICT_FEEDS,
        camera_ids=(CAMERA,),
        elearning=True,
        ok=(
            *_bronze(*DISTRICT_FEEDS),
            *ELEARNING_SOURCES,
            *CAMERA_SOURCES,
            "fct_attendance",
            "fct_camera_health_daily",
            "stats_elearning_logins_daily",
        ),  # fmt: skip
        rules={"W01": "evaluated", "W04": "evaluated", "W08": "evaluated", "W11": "evaluated"},
        runs=2,
    ),
    Case(
        "district_feeds_without_camera_data",
        district_feeds=DISTRICT_FEEDS,
        ok=(*_bronze(*DISTRICT_FEEDS), "fct_attendance", "dim_camera"),
        no_data=(
            *CAMERA_SOURCES,
            *ELEARNING_SOURCES,
            "fct_camera_health_daily",  # (session coverage has rows: status no_frames)
            "stats_elearning_logins_daily",
        ),  # fmt: skip
        rules={"W01": "evaluated", "W02": "no_data", "W11": "no_data"},
    ),
    # every district feed missing once, in three runs
    _missing_feeds("cameras", "inspections", "teachers"),
    _missing_feeds("attendance", "subsidy_claims"),
    _missing_feeds("sessions", "enrolments"),
    # frames of a registered-to-be and an unknown camera, heartbeats; no district, no register
    Case(
        "camera_frames_and_heartbeats_only",
        camera_ids=(CAMERA, "CAMX01"),
        ok=(*CAMERA_SOURCES, "fct_camera_health_daily", "bronze.deliveries"),
        no_data=(
            *_bronze(*DISTRICT_FEEDS),
            *ELEARNING_SOURCES,
            "dim_camera",
            "dim_class",
            "fct_attendance",
            "stats_district_occupation_month",
        ),  # fmt: skip
        rules={"W01": "no_data", "W04": "no_data", "W08": "no_data", "W11": "evaluated"},
    ),
    Case(
        "elearning_exports_only",
        elearning=True,
        ok=(*ELEARNING_SOURCES, "stats_elearning_logins_daily", "stats_public_courses_by_course"),
        no_data=(
            *_bronze(*DISTRICT_FEEDS),
            *CAMERA_SOURCES,
            "dim_class",
            "dim_teacher",
            "fct_camera_health_daily",
        ),  # fmt: skip
        rules={"W01": "no_data", "W04": "no_data", "W11": "no_data"},
    ),
    Case(
        "empty_landing",
        ok=("dim_district",),
        no_data=(
            *_bronze(*DISTRICT_FEEDS),
            "bronze.deliveries",
            *CAMERA_SOURCES,
            *ELEARNING_SOURCES,
            "fct_deliveries",
            "dim_class",
            "alerts",
        ),  # fmt: skip
        rules={f"W{n:02d}": "no_data" for n in (1, 2, 4, 8, 11, 14, 15)},
    ),
]


def _dbt_marts() -> set[str]:
    from pipelines.warehouse.project import DBT_PROJECT_DIR

    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text("utf-8"))
    return {
        n["name"]
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "marts"
    }


def _run(landing: Path, warehouse: Path, capsys) -> str:
    code = skillwatch(["run", "--landing", str(landing), "--warehouse", str(warehouse)])
    out = capsys.readouterr().out
    assert code == 0, out[-3000:]
    assert "failed:" not in out and "skipped (upstream failed)" not in out, out[-3000:]
    return out


def _published(warehouse: Path) -> dict:
    with duckdb.connect(str(warehouse / "skillwatch.duckdb"), read_only=True) as con:
        tables = {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}
        status = {
            name: (kind, state, missing)
            for kind, name, state, missing in con.execute(
                "select kind, name, status, missing_inputs from mart_status"
            ).fetchall()
        }
        rules = dict(
            con.execute(
                "select rule_code, status from alert_rule_status where scope = 'city'"
            ).fetchall()
        )
        deliveries = con.execute("select count(*) from fct_deliveries").fetchone()[0]
        plays = con.execute("select count(*) from stats_public_courses_by_slice").fetchone()[0]
        sources = con.execute(
            "select name, row_count from mart_status where kind = 'source' "
            "and not starts_with(name, 'alert_inputs.') order by name"
        ).fetchall()
    return {
        "tables": tables,
        "status": status,
        "rules": rules,
        "deliveries": deliveries,
        "sources": sources,
        "play_slices": plays,
    }


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_partial_landing_runs_green_and_says_what_has_no_data(
    case, tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("SKILLWATCH_DUCKDB", raising=False)  # the file goes in the warehouse
    monkeypatch.delenv("SKILLWATCH_LANDING", raising=False)
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    case.write(landing)
    first = None
    for run in range(case.runs):
        _run(landing, warehouse, capsys)
        got = _published(warehouse)
        marts = _dbt_marts()
        assert marts <= got["tables"], f"marts not published: {sorted(marts - got['tables'])}"
        assert "mart_status" in got["tables"] and "alert_rule_status" in got["tables"]
        assert {n for n, (k, _, _) in got["status"].items() if k == "mart"} == marts - {
            "mart_status"
        }
        assert not [n for n, (_, s, _) in got["status"].items() if s == "unknown"]
        wrong_ok = {
            n: got["status"].get(n) for n in case.ok if got["status"].get(n, ("",))[1] != "ok"
        }
        assert not wrong_ok, f"expected ok: {wrong_ok}"
        wrong_nd = {
            n: got["status"].get(n)
            for n in case.no_data
            if got["status"].get(n, ("",))[1] != "no_data"
        }
        assert not wrong_nd, f"expected no_data: {wrong_nd}"
        wrong_rules = {
            r: got["rules"].get(r) for r, s in case.rules.items() if got["rules"].get(r) != s
        }
        assert not wrong_rules, f"alert_rule_status (city): {wrong_rules} expected {case.rules}"
        if not case.elearning:  # no plays: no statistics rows (not an all-null total row)
            assert got["play_slices"] == 0
        if run == 0:
            first = got
        else:  # nothing new: the same files registered, the same sources and their rows
            # (not the marts' missing inputs: the alert register is filled after run one)
            assert got["deliveries"] == first["deliveries"]
            assert got["sources"] == first["sources"]


# --- fast: no run ----------------------------------------------------------------------


def test_every_contract_table_is_an_empty_typed_relation_when_the_lake_lacks_it(tmp_path):
    import polars as pl

    from pipelines.contract import ALL_FEEDS
    from pipelines.district_feeds.ingest import QUARANTINE_SCHEMA, REGISTER_SCHEMA, bronze_columns
    from pipelines.warehouse.dbt_delta import register_lake

    con = duckdb.connect()
    names = register_lake(con, tmp_path / "no-lake")
    assert set(names) == {*ALL_FEEDS, "deliveries", "quarantine"}
    for name, schema in [
        *((n, bronze_columns(f)) for n, f in ALL_FEEDS.items()),
        ("deliveries", REGISTER_SCHEMA),
        ("quarantine", QUARANTINE_SCHEMA),
    ]:
        got = con.sql(f"select * from lake.{name}").pl()
        assert got.is_empty()
        assert got.schema == pl.Schema(schema), name


def test_a_source_that_arrives_after_a_run_without_it_is_read_on_the_next_run(tmp_path):
    # the build database outlives a run: an absent source was an empty table there, and the
    # first run after its delivery failed replacing it with a view (acceptance, 2026-12-04)
    import polars as pl

    from pipelines.lib import delta_io
    from pipelines.warehouse.dbt_delta import register_lake

    lake, build = tmp_path / "lake", str(tmp_path / "dbt.duckdb")
    with duckdb.connect(build) as con:  # run 1: no attendance delivered anywhere yet
        register_lake(con, lake)
        assert con.execute("select count(*) from lake.attendance").fetchone()[0] == 0
    rows = pl.DataFrame({"record_id": ["KQ1", "KQ2"], "src_district_code": ["310104"] * 2})
    delta_io.replace(lake / "bronze" / "attendance", rows)
    with duckdb.connect(build) as con:  # run 2: it has arrived
        register_lake(con, lake)
        got = con.execute("select record_id from lake.attendance order by 1").fetchall()
        assert got == [("KQ1",), ("KQ2",)]
    shutil.rmtree(lake / "bronze" / "attendance")  # and back (a lake restored without it)
    with duckdb.connect(build) as con:
        register_lake(con, lake)
        assert con.execute("select count(*) from lake.attendance").fetchone()[0] == 0


def test_a_run_on_an_unwritable_warehouse_fails_with_one_line(tmp_path, capsys):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    (tmp_path / "landing").mkdir()
    code = skillwatch(
        ["run", "--landing", str(tmp_path / "landing"), "--warehouse", str(blocker / "wh")]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert len(err) == 1 and err[0].startswith("skillwatch run: cannot write to"), err


def test_a_run_on_a_landing_that_does_not_exist_fails_with_one_line(tmp_path, capsys):
    code = skillwatch(
        ["run", "--landing", str(tmp_path / "typo"), "--warehouse", str(tmp_path / "wh")]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0 and len(err) == 1 and "does not exist" in err[0], err
