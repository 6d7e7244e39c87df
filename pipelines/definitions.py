"""The Dagster code location: assembles each source's assets, checks, jobs and schedules."""

import dagster as dg

from expectations import dagster_defs as quality
from pipelines import operations
from pipelines.alerts import assets as alerts
from pipelines.cameras import assets as cameras
from pipelines.courseware import assets as courseware
from pipelines.district_feeds import assets as district_feeds
from pipelines.elearning import assets as elearning
from pipelines.reports import dagster_defs as reports
from pipelines.resources import SkillWatchResource
from pipelines.risk import assets as risk
from pipelines.warehouse import definitions_part as warehouse

defs = dg.Definitions(
    assets=[
        district_feeds.district_feeds_bronze,
        *quality.ASSETS,
        *warehouse.ASSETS,
        *reports.ASSETS,
        *elearning.ASSETS,
        *cameras.ASSETS,
        *risk.ASSETS,
        *alerts.ASSETS,
        *courseware.ASSETS,
    ],
    asset_checks=[
        *quality.ASSET_CHECKS,
        *reports.ASSET_CHECKS,
        operations.build_freshness_check(),
    ],
    jobs=[
        district_feeds.ingest_job,
        *quality.JOBS,
        *warehouse.JOBS,
        *reports.JOBS,
        *elearning.JOBS,
        *cameras.JOBS,
        *risk.JOBS,
        *alerts.JOBS,
        *courseware.JOBS,
    ],
    sensors=[district_feeds.new_deliveries_sensor, *cameras.SENSORS, *operations.SENSORS],
    schedules=[
        district_feeds.daily_ingest_schedule,
        *warehouse.SCHEDULES,
        *risk.SCHEDULES,
        *courseware.SCHEDULES,
    ],
    resources={
        "skillwatch": SkillWatchResource(),
        **quality.RESOURCES,
        **reports.RESOURCES,
        **warehouse.RESOURCES,
    },
)
