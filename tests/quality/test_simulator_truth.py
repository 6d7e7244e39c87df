"""Defects the simulator plants (``_truth/defects.csv``) are each caught by the GX check
that stands for their reason, on the very row the truth names."""

from __future__ import annotations

import polars as pl
import pytest

from expectations.checks import checks_for_reason
from expectations.validate import dq_results_path, validate_pending
from pipelines.contract import DISTRICT_FEEDS
from pipelines.lib import delta_io
from simulator.truth import truth_dir

simulator = pytest.importorskip("simulator", reason="simulator not available yet")


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    from pipelines.district_feeds.ingest import ingest
    from pipelines.settings import get_settings

    root = tmp_path_factory.mktemp("sim")
    simulator.simulate(root / "landing", scale="tiny", seed=5)
    settings = get_settings(root / "wh", root / "landing")
    ingest(settings, run_id="simrun")
    validate_pending(settings, run_id="simrun", build_docs=False)
    truth = pl.read_csv(truth_dir(root / "landing") / "defects.csv", infer_schema_length=0)
    return settings, truth.with_columns(pl.col("row_number").cast(pl.Int64))


def test_every_planted_defect_is_caught_by_the_expected_check(simulated):
    settings, truth = simulated
    assert truth.height > 0
    dq = delta_io.read(dq_results_path(settings))
    failing: dict[tuple[str, str], set[int]] = {}
    for file, check, rows, passed in dq.select(
        "file", "check", "failing_rows", "passed"
    ).iter_rows():
        failing[(file, check)] = set(rows) | ({0} if not passed and not rows else set())
    missed = []
    for _, feed, file, row, reason in truth.select(
        "district_code", "feed", "file", "row_number", "reason"
    ).iter_rows():
        expected = checks_for_reason(DISTRICT_FEEDS.get(feed), reason)
        assert expected, f"no check stands for {reason}"
        if not any(
            row in failing.get((file, c), ()) or 0 in failing.get((file, c), ()) for c in expected
        ):
            missed.append((file, row, reason, sorted(expected)))
    assert not missed, missed
