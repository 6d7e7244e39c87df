"""Dagster assets of the warehouse: the dbt project, the auditor DuckDB file, the dbt docs.

(No `from __future__ import annotations`: Dagster inspects the context type hint at runtime.)
"""

import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.alerts.assets import HISTORY_KEY, REGISTER_KEY
from pipelines.resources import SkillWatchResource
from pipelines.risk.published import publication_step
from pipelines.settings import Settings
from pipelines.warehouse.docs import generate_docs
from pipelines.warehouse.project import (
    DBT_EXE,
    DBT_PROJECT_DIR,
    build_db_path,
    built_manifest_path,
    dbt_env,
    environ,
    require_manifest,
)
from pipelines.warehouse.publish import Publication, publish

# Importing parses nothing and writes nothing: `skillwatch prepare` (setup, `skillwatch run`,
# the test session) prepares the manifest (not dagster-dbt's prepare_if_dev: that runs
# `dbt parse` without SKILLWATCH_WAREHOUSE, which profiles.yml requires).
require_manifest()
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)

GROUP_PREFIX = "warehouse"


class SkillWatchDbtTranslator(DagsterDbtTranslator):
    """Models and seeds under ``warehouse/<name>``, grouped by layer; sources keep the asset
    keys their meta gives (``bronze/<feed>``, the district-feed assets upstream)."""

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] not in ("model", "seed", "snapshot"):
            return spec
        layer = props["fqn"][1] if len(props["fqn"]) > 2 else "contract"
        return spec.replace_attributes(
            key=dg.AssetKey([GROUP_PREFIX, props["name"]]),
            group_name=f"{GROUP_PREFIX}_{layer}",
        )


TRANSLATOR = SkillWatchDbtTranslator()


@dbt_assets(
    manifest=DBT_PROJECT.manifest_path,
    project=DBT_PROJECT,
    dagster_dbt_translator=TRANSLATOR,
    name="skillwatch_dbt",
)
def skillwatch_dbt_assets(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, skillwatch: SkillWatchResource
):
    """dbt build (seeds, models, tests) over the bronze lake of the configured warehouse."""
    settings = skillwatch.settings()
    # the seeds are the committed CSVs (skillwatch prepare writes them from the contract)
    build_db_path(settings).parent.mkdir(parents=True, exist_ok=True)
    with environ(dbt_env(settings)):
        invocation = dbt.cli(["build"], context=context)
    try:
        yield from invocation.stream()
    finally:  # a failed build too: its run_results.json is kept, the 30 MB folder is not
        keep_build_artifacts(invocation.target_path, settings)


def keep_build_artifacts(target: Path, settings: Settings) -> None:
    """Keep the build's manifest beside the build DB (the docs read it) and remove the
    invocation's target folder: dagster-dbt makes one per run (~30 MB of compiled SQL) under
    dbt_project/target and never removes it, so a daily run would fill the disk."""
    manifest = built_manifest_path(settings)
    for name, out in (
        ("manifest.json", manifest),
        ("run_results.json", manifest.with_name("dbt.run_results.json")),
    ):
        if (Path(target) / name).is_file():
            out.parent.mkdir(parents=True, exist_ok=True)
            tmp = out.with_suffix(".tmp")
            shutil.copy2(Path(target) / name, tmp)
            tmp.replace(out)
    shutil.rmtree(target, ignore_errors=True)


def _mart_keys() -> list[dg.AssetKey]:
    keys = []
    for spec in skillwatch_dbt_assets.specs:
        if spec.group_name == f"{GROUP_PREFIX}_marts":
            keys.append(spec.key)
    return keys


MART_KEYS = _mart_keys()
AUDITOR_KEY = dg.AssetKey([GROUP_PREFIX, "auditor_duckdb"])
# Published after the risk scoring, so the file carries the scores of this very run: risk
# reads the marts of the build DB (it cannot be dbt's input: its alert-count features read
# the alerts mart, the scores would have to flow back into it), the publisher copies the
# latest scoring run from the lake beside the marts and fills alerts.risk_score
# (pipelines/risk/published.py). Without a fresh scoring in the run (the warehouse job
# alone) the latest scores in the lake are published; with none yet, empty typed tables.
RISK_SCORES_KEY = dg.AssetKey(["risk", "scores"])


def publish_auditor_file(settings: Settings) -> Publication:
    """The auditor file from the build DB and the lake's latest risk scores."""
    return publish(
        build_db_path(settings),
        settings.duckdb_path,
        DBT_PROJECT.manifest_path,
        extras=[publication_step(settings)],
    )


@dg.asset(
    key=AUDITOR_KEY,
    deps=[*MART_KEYS, RISK_SCORES_KEY],
    group_name=f"{GROUP_PREFIX}_publish",
    kinds={"duckdb"},
    description="skillwatch.duckdb for auditors and dashboards: the marts as tables with "
    "comments, documented views, the latest risk scores (risk_class_scores, "
    "risk_institution_scores, alerts.risk_score); personal data only as pseudonym/mask. "
    "Replaced atomically.",
)
def auditor_duckdb(context: dg.AssetExecutionContext, skillwatch: SkillWatchResource):
    settings = skillwatch.settings()
    done = publish_auditor_file(settings)
    context.log.info(f"published {settings.duckdb_path}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(done.path)),
            "tables": dg.MetadataValue.json(done.tables),
            "views": dg.MetadataValue.json(done.views),
        }
    )


@dg.asset(
    key=dg.AssetKey([GROUP_PREFIX, "dbt_docs"]),
    # after the publisher, not beside it: `dbt docs generate` opens the build DB for writing
    # and DuckDB allows no reader in another process meanwhile
    deps=[*MART_KEYS, AUDITOR_KEY],
    group_name=f"{GROUP_PREFIX}_publish",
    kinds={"dbt"},
    description="dbt docs (static site) under <warehouse>/docs/dbt.",
)
def dbt_docs(skillwatch: SkillWatchResource):
    out = generate_docs(skillwatch.settings())
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(str(out))})


# the early-warning state lives in Delta beside the dbt build: the institution status
# history (W10) feeds the rules, the alert register is updated from their candidates
warehouse_job = dg.define_asset_job(
    "build_warehouse",
    selection=dg.AssetSelection.assets(skillwatch_dbt_assets, auditor_duckdb, dbt_docs)
    | dg.AssetSelection.assets(HISTORY_KEY, REGISTER_KEY),
)

# an hour after the daily ingest (district_feeds: 03:30 Asia/Shanghai)
warehouse_daily_schedule = dg.ScheduleDefinition(
    job=warehouse_job, cron_schedule="30 4 * * *", execution_timezone="Asia/Shanghai"
)

# what the warehouse hands pipelines/definitions.py (every package's assets.py: the same names)
ASSETS = [skillwatch_dbt_assets, auditor_duckdb, dbt_docs]
# the venv's own dbt: `dagster dev` or the CLI may run without the venv on PATH
RESOURCES = {"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=str(DBT_EXE))}
JOBS = [warehouse_job]
SCHEDULES = [warehouse_daily_schedule]
