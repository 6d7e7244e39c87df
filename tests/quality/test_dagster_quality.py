"""The Dagster pieces load together with the ingest and run end to end on a tmp lake."""

from __future__ import annotations

import shutil

import dagster as dg
import polars as pl

from expectations import assets as quality
from pipelines.district_feeds import assets as district_feeds
from pipelines.lib import delta_io
from pipelines.reports import assets as reports
from pipelines.reports.report_log import report_log_path
from pipelines.resources import SkillWatchResource
from pipelines.settings import get_settings


def _defs(resource: SkillWatchResource) -> dg.Definitions:
    return dg.Definitions(
        assets=[district_feeds.district_feeds_bronze, *quality.ASSETS, *reports.ASSETS],
        asset_checks=[*quality.ASSET_CHECKS, *reports.ASSET_CHECKS],
        jobs=[district_feeds.ingest_job, *quality.JOBS, *reports.JOBS],
        resources={"skillwatch": resource, **quality.RESOURCES, **reports.RESOURCES},
    )


def test_ingest_validation_and_reports_run_as_one_pipeline(landing, tmp_path, monkeypatch):
    for var in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"SKILLWATCH_SMTP_{var}", raising=False)
    monkeypatch.delenv("SKILLWATCH_CONTACTS", raising=False)
    shutil.copytree(landing.root, tmp_path / "landing")
    resource = SkillWatchResource(warehouse=str(tmp_path / "wh"), landing=str(tmp_path / "landing"))
    defs = _defs(resource)
    dg.Definitions.validate_loadable(defs)
    graph = defs.resolve_asset_graph()
    assert quality.DELIVERIES in graph.get(quality.DQ_RESULTS).parent_keys
    assert graph.get(reports.DISTRICT_REPORTS).parent_keys == {
        quality.DQ_RESULTS,
        reports.QUARANTINE,
    }

    result = dg.materialize(
        [
            district_feeds.district_feeds_bronze,
            *quality.ASSETS,
            *reports.ASSETS,
            *quality.ASSET_CHECKS,
        ],
        resources={"skillwatch": resource},
    )
    assert result.success
    checks = {(e.asset_key.path[-1], e.check_name): e for e in result.get_asset_check_evaluations()}
    # every hand-made feed has planted errors: WARN, informs; rows are all covered
    legality = checks[("attendance", "deliveries_pass_legality")]
    assert not legality.passed and legality.severity == dg.AssetCheckSeverity.WARN
    assert all(
        checks[(f, "every_row_checked")].passed for f in ("attendance", "classes", "sessions")
    )
    assert checks[("subsidy_claims", "deliveries_on_time")].passed is False

    settings = get_settings(tmp_path / "wh", tmp_path / "landing")
    log = delta_io.read(report_log_path(settings))
    assert log.height == 16 and set(log["status"]) == {"outbox"}
    run_id = log["run_id"][0]
    assert delta_io.read(settings.deliveries).filter(pl.col("run_id") == run_id).height > 0
    assert (settings.warehouse / "contacts.csv").exists()  # the sample, for a dev warehouse

    # a second run: nothing new to validate, nothing re-sent
    again = dg.materialize([*quality.ASSETS, *reports.ASSETS], resources={"skillwatch": resource})
    assert again.success
    assert delta_io.read(report_log_path(settings)).height == 16
