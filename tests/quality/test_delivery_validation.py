"""Every delivery is validated by its feed's GX suite, generated from the contract."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from expectations.checks import WARNING, checks_for_reason, feed_checks
from expectations.validate import (
    dq_results_path,
    gx_docs_path,
    pending_deliveries,
    validate_delivery,
    validate_pending,
)
from pipelines.contract import DISTRICT_FEEDS
from pipelines.lib import delta_io


def _failing(dq: pl.DataFrame, file: str) -> dict[str, set[int]]:
    mine = dq.filter(pl.col("file") == file)
    out = {c: set(rows) for c, rows in mine.select("check", "failing_rows").iter_rows()}
    out |= {
        c: {0}
        for c, ok in mine.select("check", "passed").iter_rows()
        if not ok and c.startswith("file_")
    }
    return out


def test_every_planted_defect_is_caught_by_its_check(landing, validated):
    settings, _, _ = validated
    dq = delta_io.read(dq_results_path(settings))
    missed = []
    for (district, feed, name), rows in landing.planted.items():
        failing = _failing(dq, f"{district}/{feed}/{name}")
        for row, reasons in rows.items():
            for reason in reasons:
                expected = checks_for_reason(DISTRICT_FEEDS[feed], reason)
                assert expected, f"no check stands for {reason}"
                if not any(row in failing.get(c, ()) for c in expected):
                    missed.append((district, feed, name, row, reason, sorted(expected)))
    assert not missed, missed[:10]


def test_clean_rows_pass_every_error_check(validated):
    settings, _, _ = validated
    dq = delta_io.read(dq_results_path(settings))
    # row 1 of every hand-made file is clean; the warning checks (no teacher register
    # delivered, a late claim) may still inform about it, and GX's uniqueness flags every
    # occurrence of a repeated key (ingest quarantines the repeats only)
    flagged = dq.filter(
        (pl.col("severity") != WARNING)
        & pl.col("failing_rows").list.contains(1)
        & ~pl.col("check").str.starts_with("unique_key:")
    ).select("file", "check")
    assert flagged.is_empty(), flagged.to_dicts()


def test_every_quarantined_row_fails_the_check_of_its_reason(validated):
    settings, _, _ = validated
    dq = delta_io.read(dq_results_path(settings))
    quarantine = delta_io.read(settings.quarantine)
    assert quarantine.height > 0
    for feed, file, row, reasons in quarantine.select(
        "feed", "file", "row_number", "reason_codes"
    ).iter_rows():
        failing = _failing(dq, file)
        for reason in reasons:
            expected = checks_for_reason(DISTRICT_FEEDS[feed], reason)
            assert any(row in failing.get(c, ()) for c in expected), (file, row, reason)


def test_rows_checked_equals_rows_read_for_every_row_check(validated):
    settings, _, _ = validated
    dq = delta_io.read(dq_results_path(settings))
    register = delta_io.read(settings.deliveries)
    joined = dq.filter(~pl.col("check").str.starts_with("file_")).join(
        register.select("file", "sha256", "rows_read"), on=["file", "sha256"]
    )
    assert joined.height > 0
    assert (joined["rows_checked"] == joined["rows_read"]).all()
    assert (joined["rows_failed"] == joined["failing_rows"].list.len()).all()


def test_every_registered_delivery_has_a_result(validated):
    settings, _, _ = validated
    dq = delta_io.read(dq_results_path(settings))
    register = delta_io.read(settings.deliveries)
    assert set(register["file"]) == set(dq["file"])
    empty = dq.filter(pl.col("file") == "310101/attendance/empty.csv")
    assert empty.select("check", "passed").rows() == [("file_readable", False)]


def test_each_feed_result_lists_every_generated_check(validated):
    settings, _, _ = validated
    dq = delta_io.read(dq_results_path(settings))
    for feed in ("classes", "attendance", "subsidy_claims"):
        file = dq.filter((pl.col("feed") == feed) & (pl.col("district_code") == "310104"))["file"][
            0
        ]
        checks = set(dq.filter(pl.col("file") == file)["check"])
        assert {s.name for s in feed_checks(DISTRICT_FEEDS[feed])} <= checks


def test_revalidating_adds_nothing(validated):
    settings, _, _ = validated
    before = delta_io.read(dq_results_path(settings)).height
    assert pending_deliveries(settings) == []
    again = validate_pending(settings, run_id="again")
    assert again.results == 0
    assert delta_io.read(dq_results_path(settings)).height == before


def test_validate_delivery_rereads_the_archive(validated):
    settings, _, _ = validated
    row = (
        delta_io.read(settings.deliveries)
        .filter(pl.col("file") == "310104/enrolments/enrolments_20260901.csv")
        .to_dicts()[0]
    )
    results = {r.check: r for r in validate_delivery(settings, row)}
    assert results["ric:id_number"].failing_rows == [3]
    assert results["mobile:phone"].failing_rows == [4]
    assert results["not_null:name"].failing_rows == [5]
    assert results["parses:subsidy_eligible"].failing_rows == [5]
    assert all(r.rows_checked == 5 for r in results.values() if not r.check.startswith("file_"))


def test_no_clear_personal_data_in_data_docs_or_dq_results(landing, validated):
    settings, _, _ = validated
    docs = gx_docs_path(settings)
    pages = [p for p in docs.rglob("*") if p.is_file()]
    assert any(p.suffix == ".html" and "validations" in p.parts for p in pages)
    secrets = landing.ids | landing.phones | landing.names
    for page in pages:
        text = page.read_bytes().decode("utf-8", errors="ignore")
        leaked = [s for s in secrets if s in text]
        assert not leaked, (page, leaked[:3])
    dq = delta_io.read(dq_results_path(settings))
    dump = dq.with_columns(pl.col("failing_rows").cast(pl.List(pl.String))).write_json()
    assert not [s for s in secrets if s in dump]


def test_identity_rules_are_the_contracts(tmp_path: Path):
    """The GX expectations call pipelines.contract.legality: a Minhang number born in 1970
    (county code newer than the birth year, rejected by stdnum's ric.validate) is legal."""
    import pandas as pd
    from stdnum.cn import ric

    from expectations.gx_runtime import runtime

    base = "31011219700101123"
    good = base + ric.calc_check_digit(base + "0")
    frame = pd.DataFrame(
        {"id_number": [good, good[:-1] + "0" if good[-1] != "0" else good[:-1] + "1"]}
    )
    import great_expectations as gx

    from expectations.custom_expectations import ExpectColumnValuesToBeValidCnIdNumber

    ctx = runtime().context
    suite = ctx.suites.add(gx.ExpectationSuite(name=f"id_only_{dt.datetime.now().timestamp()}"))
    suite.add_expectation(ExpectColumnValuesToBeValidCnIdNumber(column="id_number"))
    batch = (
        ctx.data_sources.get("deliveries")
        .get_asset("delivery_rows")
        .get_batch_definition("whole_delivery")
    )
    result = batch.get_batch(batch_parameters={"dataframe": frame}).validate(
        suite, result_format={"result_format": "COMPLETE"}
    )
    assert result.results[0].result["unexpected_index_list"] == [1]


@pytest.mark.parametrize("feed", list(DISTRICT_FEEDS))
def test_suites_are_generated_for_every_feed(feed):
    specs = feed_checks(DISTRICT_FEEDS[feed])
    names = [s.name for s in specs]
    assert len(names) == len(set(names))
    f = DISTRICT_FEEDS[feed]
    assert f"unique_key:{f.key}" in names
    for c in f.columns:
        if c.required:
            assert f"not_null:{c.name}" in names
        if c.ref:
            assert f"ref:{c.name}" in names
        if c.codes:
            assert f"in_codes:{c.name}" in names
