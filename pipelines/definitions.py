"""The Dagster code location: assembles each source's assets, checks, jobs and schedules.

One naming rule: every package hands over its ``assets.py`` with the lists it has, under
the same names (``ASSETS``, ``ASSET_CHECKS``, ``JOBS``, ``SENSORS``, ``SCHEDULES``,
``RESOURCES``); adding a source is one line in ``SOURCES``.
"""

import dagster as dg

from expectations import assets as quality
from pipelines import operations
from pipelines.alerts import assets as alerts
from pipelines.cameras import assets as cameras
from pipelines.courseware import assets as courseware
from pipelines.district_feeds import assets as district_feeds
from pipelines.elearning import assets as elearning
from pipelines.reports import assets as reports
from pipelines.resources import SkillWatchResource
from pipelines.risk import assets as risk
from pipelines.warehouse import assets as warehouse

SOURCES = (
    district_feeds,
    quality,
    warehouse,
    reports,
    elearning,
    cameras,
    risk,
    alerts,
    courseware,
    operations,
)


def _all(name: str) -> list:
    return [item for source in SOURCES for item in getattr(source, name, ())]


defs = dg.Definitions(
    assets=_all("ASSETS"),
    # the freshness check is built per call (its target is the delivery register)
    asset_checks=[*_all("ASSET_CHECKS"), operations.build_freshness_check()],
    jobs=_all("JOBS"),
    sensors=_all("SENSORS"),
    schedules=_all("SCHEDULES"),
    resources={
        "skillwatch": SkillWatchResource(),
        **{k: v for source in SOURCES for k, v in getattr(source, "RESOURCES", {}).items()},
    },
)
