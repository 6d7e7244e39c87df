"""The dbt build over a real lake: green, contract-driven, and statistics that add up."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import duckdb
import polars as pl
import pytest

from pipelines.lib import delta_io
from pipelines.settings import REPO_ROOT
from pipelines.warehouse.project import build_db_path, docs_dir
from pipelines.warehouse.seeds import SEED_DIR, seed_texts
from simulator.truth import truth_dir


def test_pipeline_run_succeeds_with_every_dbt_test_green(built):
    assert built.result.success
    checks = built.result.get_asset_check_evaluations()
    failed = [c.check_name for c in checks if not c.passed]
    assert len(checks) > 300, "dbt tests should surface as Dagster asset checks"
    assert failed == []


def _committed(path: Path) -> str:
    """The file as committed (HEAD): test fixtures may rewrite the working copy with
    write_seeds(), which would make this check pass whatever was committed."""
    rel = path.relative_to(REPO_ROOT).as_posix()
    git = ["git", "-C", str(REPO_ROOT), "show", f"HEAD:{rel}"]
    done = subprocess.run(git, capture_output=True, encoding="utf-8", check=False)
    if done.returncode != 0:  # not a git checkout (a copy, an sdist): the file on disk
        return path.read_text(encoding="utf-8")
    return done.stdout


def test_committed_seeds_equal_the_contract():
    """A contract change must come with its seeds (`skillwatch prepare` writes them)."""
    stale = [n for n, text in seed_texts().items() if _committed(SEED_DIR / n) != text]
    assert not stale, f"run `skillwatch prepare` and commit: {stale}"


def test_every_staging_model_is_downstream_of_its_bronze_asset():
    import dagster as dg

    from pipelines.contract import DISTRICT_FEEDS, OPERATIONS_FEEDS
    from pipelines.warehouse.assets import skillwatch_dbt_assets

    deps = {
        spec.key.path[-1]: {d.asset_key for d in spec.deps} for spec in skillwatch_dbt_assets.specs
    }
    # the newer feeds' staging models are named after their area, not the district folder
    staging = {"online_learning": "stg_online_learning__records"}
    staging |= {feed: f"stg_operations__{feed}" for feed in OPERATIONS_FEEDS}
    for feed in [*DISTRICT_FEEDS, *OPERATIONS_FEEDS, "deliveries", "quarantine", "dq_results"]:
        model = staging.get(feed, f"stg_district_feeds__{feed}")
        assert deps[model] == {dg.AssetKey(["bronze", feed])}, model


@pytest.fixture(scope="module")
def build_db(built):
    con = duckdb.connect(str(build_db_path(built.settings)), read_only=True)
    yield con
    con.close()


def _bronze(built, feed: str) -> pl.DataFrame:
    return delta_io.read(built.settings.bronze(feed))


def _month(col: str) -> pl.Expr:
    return pl.col(col).dt.truncate("1mo").cast(pl.Date).alias("month")


def _stats(build_db, measure: str) -> pl.DataFrame:
    return build_db.sql(
        f"select district_code, occupation_code, month, {measure} "
        "from marts.stats_district_occupation_month"
    ).pl()


def _compare(expected: pl.DataFrame, got: pl.DataFrame, measure: str) -> None:
    keys = ["district_code", "occupation_code", "month"]
    got = got.filter(pl.col(measure) != 0)
    assert expected.height > 0, f"no data for {measure}: the comparison would prove nothing"
    joined = expected.join(got, on=keys, how="full", suffix="_mart", nulls_equal=True)
    diff = joined.filter(
        (pl.col(measure).fill_null(0) - pl.col(f"{measure}_mart").fill_null(0)).abs() > 1e-6
    )
    assert diff.is_empty(), diff


def test_classes_enrolments_and_subsidies_per_cell_match_bronze(built, build_db):
    classes = _bronze(built, "classes").select(
        pl.col("src_district_code").alias("district_code"),
        "class_id",
        "occupation_code",
        "start_date",
    )
    opened = classes.group_by("district_code", "occupation_code", _month("start_date")).agg(
        pl.len().cast(pl.Int64).alias("classes_opened")
    )
    _compare(opened, _stats(build_db, "classes_opened"), "classes_opened")

    occupation = classes.select("district_code", "class_id", "occupation_code")
    enrolments = (
        _bronze(built, "enrolments")
        .rename({"src_district_code": "district_code"})
        .join(occupation, on=["district_code", "class_id"])
        .group_by("district_code", "occupation_code", _month("enrolled_on"))
        .agg(pl.len().cast(pl.Int64).alias("enrolments"))
    )
    _compare(enrolments, _stats(build_db, "enrolments"), "enrolments")

    subsidy = (
        _bronze(built, "subsidy_claims")
        .rename({"src_district_code": "district_code"})
        .join(occupation, on=["district_code", "class_id"])
        .group_by("district_code", "occupation_code", _month("claimed_on"))
        .agg(pl.col("amount").sum().alias("subsidy_amount_yuan"))
    )
    _compare(subsidy, _stats(build_db, "subsidy_amount_yuan"), "subsidy_amount_yuan")


def test_attended_hours_per_cell_match_an_independent_pairing(built, build_db):
    """Default rules: first check-in and last check-out, clipped to the session; whole
    declared hours within 10 minutes; a check-in without check-out earns nothing."""
    sessions = _bronze(built, "sessions").select(
        pl.col("src_district_code").alias("district_code"),
        "session_id",
        "class_id",
        "starts_at",
        "ends_at",
        "hours",
    )
    occupation = _bronze(built, "classes").select(
        pl.col("src_district_code").alias("district_code"), "class_id", "occupation_code"
    )
    punches = (
        _bronze(built, "attendance")
        .rename({"src_district_code": "district_code"})
        .group_by("district_code", "session_id", "id_number_pseudo")
        .agg(
            pl.col("checked_at").filter(pl.col("kind") == "签到").min().alias("check_in"),
            pl.col("checked_at").filter(pl.col("kind") == "签退").max().alias("check_out"),
        )
    )
    per_person = punches.join(sessions, on=["district_code", "session_id"]).with_columns(
        scheduled=(pl.col("ends_at") - pl.col("starts_at")).dt.total_seconds() / 60,
        covered=pl.when(pl.col("check_out") > pl.col("check_in"))
        .then(
            (
                pl.min_horizontal("check_out", "ends_at")
                - pl.max_horizontal("check_in", "starts_at")
            ).dt.total_seconds()
            / 60
        )
        .otherwise(0.0)
        .clip(lower_bound=0),
    )
    credited = per_person.with_columns(
        attended_hours=pl.when(pl.col("covered") <= 0)
        .then(0.0)
        .when(pl.col("covered") >= pl.col("scheduled") - 10)
        .then(pl.col("hours"))
        .otherwise((pl.col("hours") * pl.col("covered") / pl.col("scheduled")).round(2))
    )
    expected = (
        credited.join(occupation, on=["district_code", "class_id"])
        .group_by("district_code", "occupation_code", _month("starts_at"))
        .agg(pl.col("attended_hours").sum())
        .filter(pl.col("attended_hours") > 0)
    )
    unpaired = credited.filter(pl.col("check_out").is_null() & pl.col("check_in").is_not_null())
    assert unpaired.height > 0, "the lake should hold check-ins without check-out"
    _compare(expected, _stats(build_db, "attended_hours"), "attended_hours")


def test_check_in_without_check_out_earns_no_hours(build_db):
    rows = build_db.execute(
        "select count(*), coalesce(sum(attended_hours), 0) from marts.fct_session_attendance "
        "where pair_status = 'check_in_only'"
    ).fetchone()
    assert rows[0] > 0 and rows[1] == 0


def test_overlapping_sessions_of_planted_w04_cases_are_found(built, build_db):
    truth = truth_dir(built.landing) / "fraud.csv"
    if not truth.exists():
        pytest.skip("the fixture landing has no truth file")
    w04 = pl.read_csv(truth, infer_schema=False).filter(pl.col("rule_code") == "W04")
    if w04.is_empty():
        pytest.skip("no W04 case planted at this seed")
    found = {
        r[0]
        for r in build_db.execute(
            "select session_key_a from marts.fct_person_overlaps "
            "union select session_key_b from marts.fct_person_overlaps"
        ).fetchall()
    }
    planted = {f"{d}:{s}" for d, s in w04.select("district_code", "session_id").iter_rows()}
    assert planted <= found


def test_dq_results_mart_builds_empty_without_the_optional_source(built, build_db):
    assert not (built.settings.lake / "dq_results").exists()
    assert build_db.execute("select count(*) from marts.fct_dq_results").fetchone()[0] == 0


def test_docs_are_generated_into_the_warehouse(built):
    out = docs_dir(built.settings)
    assert (out / "index.html").exists() and (out / "static_index.html").exists()
    catalog = (out / "catalog.json").read_text(encoding="utf-8")
    assert "stats_district_occupation_month" in catalog


def test_statistics_cover_the_simulated_months(built, build_db):
    months = {
        r[0]
        for r in build_db.execute(
            "select distinct month from marts.stats_district_occupation_month"
        ).fetchall()
    }
    assert months and all(isinstance(m, dt.date) and m.day == 1 for m in months)
