"""Dagster pieces of the delivery validation: the dq_results asset, the asset checks that
summarise each feed's latest validation on its bronze asset, and a job.

Wire into pipelines/definitions.py: ASSETS, ASSET_CHECKS, JOBS (RESOURCES is empty: the
asset uses the ``skillwatch`` resource already there).
"""

import dagster as dg
import polars as pl

from expectations.checks import BLOCKING
from expectations.validate import READABLE, dq_results_path, validate_pending
from pipelines.contract import ALL_FEEDS
from pipelines.district_feeds.assets import DELIVERIES, bronze_key
from pipelines.lib import delta_io
from pipelines.resources import SkillWatchResource

GROUP = "data_quality"
DQ_RESULTS = dg.AssetKey(["bronze", "dq_results"])


@dg.asset(
    key=DQ_RESULTS,
    deps=[DELIVERIES],
    group_name=GROUP,
    kinds={"delta", "great_expectations"},
    description="One row per delivery and check (GX suites generated from the contract): "
    "passed, rows checked, rows failed and failing row numbers, never values.",
)
def dq_results(context: dg.AssetExecutionContext, skillwatch: SkillWatchResource):
    """Validate every registered delivery that has no result yet (idempotent)."""
    settings = skillwatch.settings()

    def progress(step: str, done: int, total: int) -> None:
        if not total or done % 2000 == 0:
            context.log.info(f"{step}: {done}/{total}" if total else f"{step}: {done} files")

    summary = validate_pending(settings, run_id=context.run.run_id[:12], progress=progress)
    return dg.MaterializeResult(
        metadata={
            "deliveries_validated": dg.MetadataValue.int(summary.deliveries),
            "results_written": dg.MetadataValue.int(summary.results),
            "failed_checks": dg.MetadataValue.int(summary.failed_checks),
            "path": dg.MetadataValue.path(str(dq_results_path(settings))),
            "data_docs": dg.MetadataValue.path(str(summary.docs or "")),
        }
    )


def _specs() -> list[dg.AssetCheckSpec]:
    specs = []
    for feed in ALL_FEEDS:
        key = bronze_key(feed)
        specs += [
            dg.AssetCheckSpec(
                "deliveries_pass_legality",
                asset=key,
                additional_deps=[DQ_RESULTS],
                description="Latest validated deliveries pass every blocking check (failing rows "
                "are quarantined, so this informs rather than blocks).",
            ),
            dg.AssetCheckSpec(
                "deliveries_on_time",
                asset=key,
                additional_deps=[DQ_RESULTS],
                description="Latest validated deliveries are not late (data day > "
                "LATE_AFTER_DAYS before delivery).",
            ),
            dg.AssetCheckSpec(
                "every_row_checked",
                asset=key,
                additional_deps=[DQ_RESULTS],
                description="For each validated delivery, every row check covered every "
                "row read (rows_checked = rows_read in the delivery register).",
            ),
        ]
    return specs


def summarise_latest(dq: pl.DataFrame, register: pl.DataFrame, feed: str) -> dict[str, dict]:
    """Verdicts of the latest validation run of a feed (pure; for the asset checks)."""
    mine = dq.filter(pl.col("feed") == feed) if not dq.is_empty() else dq
    if mine.is_empty():
        empty = {"passed": True, "metadata": {"deliveries": 0}}
        return dict.fromkeys(("legality", "on_time", "rows"), empty)
    latest = mine.filter(pl.col("validated_at") == pl.col("validated_at").max())
    deliveries = latest["sha256"].n_unique()
    errors = latest.filter((pl.col("severity") == BLOCKING) & ~pl.col("passed"))
    late = latest.filter(pl.col("check").str.starts_with("on_time:") & ~pl.col("passed"))
    row_checks = latest.filter(pl.col("check") != "file_readable").join(
        register.filter(pl.col("status").is_in(READABLE)).select("file", "sha256", "rows_read"),
        on=["file", "sha256"],
        how="inner",
    )
    unbalanced = row_checks.filter(pl.col("rows_checked") != pl.col("rows_read"))
    return {
        "legality": {
            "passed": errors.is_empty(),
            "metadata": {
                "deliveries": deliveries,
                "failed_checks": errors.height,
                "rows_failed": int(errors["rows_failed"].sum()),
                "worst_checks": ", ".join(
                    errors.group_by("check")
                    .agg(pl.col("rows_failed").sum())
                    .sort("rows_failed", descending=True)["check"]
                    .head(5)
                    .to_list()
                ),
            },
        },
        "on_time": {
            "passed": late.is_empty(),
            "metadata": {
                "deliveries": deliveries,
                "late_deliveries": late.height,
                "late_rows": int(late["rows_failed"].sum()),
            },
        },
        "rows": {
            "passed": unbalanced.is_empty(),
            "metadata": {"deliveries": deliveries, "unbalanced_results": unbalanced.height},
        },
    }


# subsettable: jobs that select one source's assets (e.g. e-learning) take only its checks
@dg.multi_asset_check(specs=_specs(), can_subset=True)
def delivery_quality_checks(context: dg.AssetCheckExecutionContext, skillwatch: SkillWatchResource):
    settings = skillwatch.settings()
    dq = delta_io.read(dq_results_path(settings))
    register = delta_io.read(settings.deliveries)
    names = {
        "legality": ("deliveries_pass_legality", dg.AssetCheckSeverity.WARN),
        "on_time": ("deliveries_on_time", dg.AssetCheckSeverity.WARN),
        # a row the suite did not see is a defect of the platform, not of the district
        "rows": ("every_row_checked", dg.AssetCheckSeverity.ERROR),
    }
    selected = context.selected_asset_check_keys
    for feed in ALL_FEEDS:
        verdicts = summarise_latest(dq, register, feed)
        for kind, (name, severity) in names.items():
            if dg.AssetCheckKey(bronze_key(feed), name) not in selected:
                continue
            v = verdicts[kind]
            yield dg.AssetCheckResult(
                asset_key=bronze_key(feed),
                check_name=name,
                passed=bool(v["passed"]),
                severity=severity,
                metadata=v["metadata"],
            )


data_quality_job = dg.define_asset_job(
    "validate_deliveries",
    selection=dg.AssetSelection.assets(DQ_RESULTS)
    | dg.AssetSelection.checks_for_assets(*[bronze_key(f) for f in ALL_FEEDS]),
)

ASSETS = [dq_results]
ASSET_CHECKS = [delivery_quality_checks]
JOBS = [data_quality_job]
RESOURCES: dict = {}
