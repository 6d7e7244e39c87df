"""Dagster asset of the courseware library: a thin wrapper around ``catalogue``.

Wire into pipelines/definitions.py: ``ASSETS`` and ``JOBS`` (the resource is the common
``skillwatch``). No ``from __future__ import annotations`` here: Dagster resolves the
config class from the live annotation.
"""

import dagster as dg
from pydantic import Field

from pipelines.asset_keys import bronze_key, silver_key
from pipelines.courseware.catalogue import catalogue_folder, link_courses
from pipelines.courseware.zipsafe import DEFAULT_LIMITS, Limits
from pipelines.lib import delta_io
from pipelines.resources import SkillWatchResource

GROUP = "courseware"
CATALOGUE = "courseware_catalogue"
FINDINGS = "courseware_findings"
LINKS = "courseware_course_links"
# the contract's place for packages: <landing>/courseware/<file>.zip
LANDING_FOLDER = "courseware"

_DESCRIPTIONS = {
    CATALOGUE: "课件目录 — One row per file under <landing>/courseware/: SCORM 1.2 / 2004 or "
    "AICC identity, organisations, SCOs, resources, sizes, content SHA-256, status (ok / "
    "defective / rejected) and reason. Read as zip streams, never unpacked.",
    FINDINGS: "课件完整性问题 — Per package: manifest missing or malformed, referenced files "
    "absent, files never referenced, zip bombs, path traversal, encrypted, not a zip, "
    "exact duplicates.",
    LINKS: "课程与课件包 — E-learning courses (bronze elearning_courses) linked to their "
    "packages by identifier, file name or title; SCO count and standard compared.",
}


class CoursewareConfig(dg.Config):
    """Limits on what a package may cost to read (defaults: pipelines/courseware/zipsafe.py)."""

    max_uncompressed_bytes: int = Field(
        DEFAULT_LIMITS.max_uncompressed_bytes,
        description="a package declaring or yielding more bytes unpacked is a zip bomb",
    )
    max_ratio: float = Field(
        DEFAULT_LIMITS.max_ratio, description="an entry compressed beyond this ratio is a bomb"
    )
    ratio_min_bytes: int = Field(
        DEFAULT_LIMITS.ratio_min_bytes, description="smaller entries are not judged by ratio"
    )
    max_entries: int = Field(DEFAULT_LIMITS.max_entries, description="entries per package")
    max_manifest_bytes: int = Field(
        DEFAULT_LIMITS.max_manifest_bytes, description="a larger manifest is malformed"
    )

    def limits(self) -> Limits:
        return Limits(**self.model_dump())


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            silver_key(name),
            group_name=GROUP,
            description=_DESCRIPTIONS[name],
            kinds={"delta", "polars"},
            deps=[bronze_key("elearning_courses")] if name == LINKS else [],
        )
        for name in (CATALOGUE, FINDINGS, LINKS)
    ],
    can_subset=False,
)
def courseware_catalogue(
    context: dg.AssetExecutionContext, config: CoursewareConfig, skillwatch: SkillWatchResource
):
    """Catalogue the courseware folder (unchanged files keep their rows), its findings and
    the course links. No folder: empty, typed tables (mart_status says no_data)."""
    settings = skillwatch.settings()
    folder = settings.landing / LANDING_FOLDER
    catalogue_path, findings_path = settings.silver(CATALOGUE), settings.silver(FINDINGS)
    catalogue, findings, read = catalogue_folder(
        folder,
        previous=delta_io.read(catalogue_path),
        previous_findings=delta_io.read(findings_path),
        limits=config.limits(),
    )
    links = link_courses(catalogue, delta_io.read(settings.bronze("elearning_courses")))
    delta_io.replace(catalogue_path, catalogue)
    delta_io.replace(findings_path, findings)
    delta_io.replace(settings.silver(LINKS), links)
    if not folder.is_dir():
        context.log.info(f"no courseware folder at {folder}: empty catalogue")
    by_status = catalogue.group_by("status").len().sort("status").rows()
    yield dg.MaterializeResult(
        asset_key=silver_key(CATALOGUE),
        metadata={
            "rows": dg.MetadataValue.int(catalogue.height),
            "read_this_run": dg.MetadataValue.int(read),
            "by_status": dg.MetadataValue.json(dict(by_status)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=silver_key(FINDINGS), metadata={"rows": dg.MetadataValue.int(findings.height)}
    )
    yield dg.MaterializeResult(
        asset_key=silver_key(LINKS), metadata={"rows": dg.MetadataValue.int(links.height)}
    )


courseware_job = dg.define_asset_job(
    "courseware", selection=dg.AssetSelection.assets(courseware_catalogue)
)

# after the daily ingest (03:30, which brings the e-learning courses the links need) and
# before the warehouse build (04:30), so the marts see the night's packages
courseware_daily_schedule = dg.ScheduleDefinition(
    job=courseware_job, cron_schedule="0 4 * * *", execution_timezone="Asia/Shanghai"
)

ASSETS = [courseware_catalogue]
JOBS = [courseware_job]
SCHEDULES = [courseware_daily_schedule]
