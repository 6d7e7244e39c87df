"""The Dagster code location: assembles the sources' assets, jobs, sensors and schedules."""

import dagster as dg

from pipelines.district_feeds import assets as district_feeds
from pipelines.resources import SkillWatchResource

defs = dg.Definitions(
    assets=[district_feeds.district_feeds_bronze],
    jobs=[district_feeds.ingest_job],
    sensors=[district_feeds.new_deliveries_sensor],
    schedules=[district_feeds.daily_ingest_schedule],
    resources={"skillwatch": SkillWatchResource()},
)
