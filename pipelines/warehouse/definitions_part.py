"""What the warehouse adds to the code location (pipelines/definitions.py assembles it)."""

from dagster_dbt import DbtCliResource

from pipelines.warehouse.assets import (
    DBT_PROJECT,
    auditor_duckdb,
    dbt_docs,
    skillwatch_dbt_assets,
    warehouse_daily_schedule,
    warehouse_job,
)
from pipelines.warehouse.project import DBT_EXE

ASSETS = [skillwatch_dbt_assets, auditor_duckdb, dbt_docs]
# the venv's own dbt: `dagster dev` or the CLI may run without the venv on PATH
RESOURCES = {"dbt": DbtCliResource(project_dir=DBT_PROJECT, dbt_executable=str(DBT_EXE))}
JOBS = [warehouse_job]
SCHEDULES = [warehouse_daily_schedule]
