"""Ingest of a whole simulated city against the simulator's ground truth."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.contract import severity_of
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io
from pipelines.settings import get_settings
from simulator import simulate
from simulator.truth import truth_dir


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    root = tmp_path_factory.mktemp("city")
    simulate(root / "landing", scale="small", seed=11)
    settings = get_settings(root / "warehouse", root / "landing")
    summary = ingest(settings)
    return settings, summary, truth_dir(root / "landing")


def _truth(truth_dir, name):
    return pl.read_csv(
        truth_dir / name, schema_overrides={"district_code": pl.String}, infer_schema_length=0
    )


def test_every_simulated_delivery_balances(city):
    settings, summary, truth = city
    register = delta_io.read(settings.deliveries)
    files = _truth(truth, "files.csv")
    assert register.height == files.height  # every file written is registered
    assert (register["rows_read"] == register["rows_accepted"] + register["rows_quarantined"]).all()
    # rows read equals rows the simulator wrote, for every readable file
    written = files.filter(pl.col("expected_status") == "ok").select(
        "file", pl.col("rows").cast(pl.Int64)
    )
    joined = written.join(register.select("file", "rows_read"), on="file", how="left")
    assert (joined["rows"] == joined["rows_read"]).all()
    quarantine = delta_io.read(settings.quarantine)
    assert quarantine.height == register["rows_quarantined"].sum()


def _planted(truth_dir) -> pl.DataFrame:
    return _truth(truth_dir, "defects.csv").select(
        "file",
        pl.col("row_number").cast(pl.Int64),
        "reason",
        pl.col("reason").map_elements(lambda r: str(severity_of(r)), pl.String).alias("severity"),
    )


def test_planted_defects_are_quarantined_with_their_reason_and_nothing_else(city):
    settings, _, truth = city
    planted = _planted(truth).filter(pl.col("severity") != "warning").drop("severity")
    assert planted.height > 10
    quarantined = (
        delta_io.read(settings.quarantine)
        .select("file", "row_number", "reason_codes")
        .explode("reason_codes")
        .rename({"reason_codes": "reason"})
    )
    missed = planted.join(quarantined, on=["file", "row_number", "reason"], how="anti")
    extra = quarantined.join(planted, on=["file", "row_number", "reason"], how="anti")
    assert missed.is_empty(), missed
    assert extra.is_empty(), extra


def test_planted_warnings_are_accepted_with_their_finding(city):
    settings, _, truth = city
    warned = _planted(truth).filter(pl.col("severity") == "warning").drop("severity")
    assert warned.height > 0
    quarantined = delta_io.read(settings.quarantine).select("file", "row_number")
    assert warned.join(quarantined, on=["file", "row_number"]).is_empty()
    current = pl.concat(
        [
            delta_io.read(settings.bronze(feed)).select(
                pl.col("src_file").alias("file"),
                pl.col("src_row").alias("row_number"),
                pl.col("src_warnings").list.eval(pl.element().str.split(":").list.first()),
            )
            for feed in ("enrolments", "attendance")
        ]
    )
    # rows still current in bronze (not replaced by a later correction) carry the finding
    joined = warned.join(current, on=["file", "row_number"])
    assert joined.height > 0
    assert all(r in w for r, w in zip(joined["reason"], joined["src_warnings"], strict=True))


def test_unreadable_simulated_files_are_registered_with_a_file_level_reason(city):
    settings, _, truth = city
    expected = _truth(truth, "files.csv").filter(pl.col("expected_status") == "unreadable")
    assert expected.height >= 2
    register = delta_io.read(settings.deliveries)
    got = expected.join(register, on="file", how="left")
    assert (got["status"] == "unreadable").all()
    assert (got["file_reason"] == got["reason"]).all(), got.select("file", "file_reason", "reason")


def test_reingesting_the_simulated_city_adds_nothing(city):
    settings, summary, _ = city
    before = {p.name: delta_io.read(p).height for p in (settings.lake / "bronze").iterdir()}
    again = ingest(settings)
    assert again.files == []
    assert again.skipped_same_bytes == len(summary.files)
    after = {p.name: delta_io.read(p).height for p in (settings.lake / "bronze").iterdir()}
    assert after == before
