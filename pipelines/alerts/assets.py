"""Dagster pieces of the early warnings: wire ``ASSETS`` and ``JOBS`` into
pipelines/definitions.py (the resource is the common ``skillwatch``).

- ``silver/institution_status_history`` (before dbt: the W10 rule reads it as a source);
- ``alerts/alert_register`` (after dbt's alert_candidates): MERGE the register, append the
  system actions, and report each rule's status - a rule that could not run names why in the
  run log and in this asset's metadata.

No ``from __future__ import annotations``: Dagster inspects the context type at runtime.
"""

import dagster as dg
import polars as pl

from pipelines.alerts import history, store
from pipelines.district_feeds.assets import bronze_key
from pipelines.resources import SkillWatchResource

GROUP = "alerts"
HISTORY_KEY = dg.AssetKey(["silver", history.TABLE])
CANDIDATES_KEY = dg.AssetKey(["warehouse", "alert_candidates"])
RULE_STATUS_KEY = dg.AssetKey(["warehouse", "alert_rule_status"])
REGISTER_KEY = dg.AssetKey(["alerts", "alert_register"])


@dg.asset(
    key=HISTORY_KEY,
    group_name=GROUP,
    deps=[bronze_key("institutions")],
    kinds={"delta", "polars"},
    description="W10 input: every delivered version of each institution's status and licence, "
    "re-read from the archive (bronze keeps only the latest row).",
)
def institution_status_history(skillwatch: SkillWatchResource):
    frame = history.build_history(skillwatch.settings())
    return dg.MaterializeResult(
        metadata={
            "versions": dg.MetadataValue.int(frame.height),
            "institutions": dg.MetadataValue.int(frame["institution_id"].n_unique()),
        }
    )


def _rule_status(settings) -> pl.DataFrame:
    path = settings.warehouse / "build" / "alert_rule_status.parquet"
    return pl.read_parquet(path) if path.exists() else pl.DataFrame()


@dg.asset(
    key=REGISTER_KEY,
    group_name=GROUP,
    deps=[CANDIDATES_KEY, RULE_STATUS_KEY],
    kinds={"delta"},
    description="Alert register (lake/alert_register): first/last seen and cause present per "
    "alert, MERGEd from this build's candidates; vanished causes marked resolved by 'system' "
    "in lake/alert_actions. Survives every rebuild of the DuckDB file.",
)
def alert_register(context: dg.AssetExecutionContext, skillwatch: SkillWatchResource):
    settings = skillwatch.settings()
    path = store.candidates_path(settings)
    if not path.exists():
        raise dg.Failure(f"{path} missing: build the dbt alert models first")
    counts = store.update_register(settings, pl.read_parquet(path))
    context.log.info(f"alert register: {counts}")
    status = _rule_status(settings)
    not_run = {}
    if not status.is_empty():
        city = status.filter(pl.col("scope") == "city")
        for code, state, reason in city.select("rule_code", "status", "reason").iter_rows():
            if state != "evaluated":
                not_run[code] = f"{state}: {reason}"
                context.log.warning(f"rule {code} did not run ({state}): {reason}")
    meta = {k: dg.MetadataValue.int(v) for k, v in counts.items()}
    meta["rules_not_run"] = dg.MetadataValue.json(not_run)
    if not status.is_empty():
        meta["no_data_by_rule"] = dg.MetadataValue.json(
            {
                k: int(v)
                for k, v in status.filter(pl.col("status") == "no_data")
                .group_by("rule_code")
                .len()
                .sort("rule_code")
                .iter_rows()
            }
        )
    return dg.MaterializeResult(metadata=meta)


ASSETS = [institution_status_history, alert_register]

alerts_job = dg.define_asset_job(
    "early_warnings",
    selection=dg.AssetSelection.assets(alert_register),
    description="Update the alert register from the latest warehouse build.",
)
JOBS = [alerts_job]
