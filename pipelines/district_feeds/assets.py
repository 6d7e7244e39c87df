"""Dagster assets for district feeds: thin wrappers around ``ingest``."""

import dagster as dg
import polars as pl

from pipelines.asset_keys import bronze_key
from pipelines.contract import ALL_FEEDS
from pipelines.district_feeds.ingest import REGISTER_SCHEMA, Ingestor
from pipelines.district_feeds.landing import discover
from pipelines.operations import retry_transient
from pipelines.resources import SkillWatchResource

GROUP = "district_feeds"
DELIVERIES = dg.AssetKey(["bronze", "deliveries"])
QUARANTINE = dg.AssetKey(["bronze", "quarantine"])


# bronze tables sit with the rest of their source in the asset graph
# (operations: the camera operator's work orders and the service desk's tickets, issue 13)
_GROUP_BY_SOURCE = {
    "district": GROUP,
    "elearning": "elearning",
    "camera": "cameras",
    "operations": "operations",
}

_SPECS = [
    dg.AssetSpec(
        bronze_key(name),
        group_name=_GROUP_BY_SOURCE[feed.source],
        description=f"{feed.zh} ({name}): accepted rows, typed per the interface standard, "
        "personal fields as pseudonym/mask/ciphertext, with lineage columns.",
        kinds={"delta", "polars"},
    )
    for name, feed in ALL_FEEDS.items()
] + [
    dg.AssetSpec(
        DELIVERIES,
        group_name=GROUP,
        description="Delivery register: one row per file, rows read = accepted + quarantined.",
        kinds={"delta"},
    ),
    dg.AssetSpec(
        QUARANTINE,
        group_name=GROUP,
        description="Rejected rows with reason codes and their original values (masked).",
        kinds={"delta"},
    ),
]


@dg.multi_asset(specs=_SPECS, can_subset=False)
def district_feeds_bronze(context: dg.AssetExecutionContext, skillwatch: SkillWatchResource):
    """Ingest every new delivery of the landing folder, feed by feed in reference order
    (institutions before classes before sessions ...), in one batch per feed."""
    settings = skillwatch.settings()
    last = {"step": None}

    def progress(step: str, done: int, total: int) -> None:
        if step != last["step"] or (total and done % 2000 == 0):
            context.log.info(f"{step}: {done}/{total}")
            last["step"] = step

    # a Delta commit conflict or a held lock is retried (backoff); any other error is not
    summary = retry_transient(
        context, lambda: Ingestor(settings, run_id=context.run.run_id[:12]).run(progress=progress)
    )
    files = pl.DataFrame(summary.files, schema=REGISTER_SCHEMA) if summary.files else pl.DataFrame()
    for name in ALL_FEEDS:
        mine = files.filter(pl.col("feed") == name) if not files.is_empty() else files
        accepted = int(mine["rows_accepted"].sum()) if not mine.is_empty() else 0
        quarantined = int(mine["rows_quarantined"].sum()) if not mine.is_empty() else 0
        yield dg.MaterializeResult(
            asset_key=bronze_key(name),
            metadata={
                "files": dg.MetadataValue.int(mine.height),
                "rows_accepted": dg.MetadataValue.int(accepted),
                "rows_quarantined": dg.MetadataValue.int(quarantined),
                # pending rows of earlier deliveries admitted now that their parent is here
                "rows_readmitted": dg.MetadataValue.int(summary.readmitted.get(name, 0)),
                "path": dg.MetadataValue.path(str(settings.bronze(name))),
            },
        )
    by_district = summary.by_district()
    yield dg.MaterializeResult(
        asset_key=DELIVERIES,
        metadata={
            "files_new": dg.MetadataValue.int(len(summary.files)),
            "files_skipped_same_bytes": dg.MetadataValue.int(summary.skipped_same_bytes),
            "by_district": dg.MetadataValue.md(_markdown(by_district)),
        },
    )
    yield dg.MaterializeResult(
        asset_key=QUARANTINE,
        metadata={
            "rows_new": dg.MetadataValue.int(
                int(files["rows_quarantined"].sum()) if not files.is_empty() else 0
            ),
            "rows_readmitted": dg.MetadataValue.int(sum(summary.readmitted.values())),
        },
    )
    if summary.readmitted:
        context.log.info(f"re-admitted pending rows: {summary.readmitted}")


def _markdown(frame: pl.DataFrame) -> str:
    if frame.is_empty():
        return "(no new deliveries)"
    head = "| " + " | ".join(frame.columns) + " |\n|" + "---|" * len(frame.columns) + "\n"
    return head + "\n".join(
        "| " + " | ".join(str(v) for v in row) + " |" for row in frame.iter_rows()
    )


# a new delivery flows all the way: bronze, validation, warehouse, reports
ingest_job = dg.define_asset_job(
    "ingest_deliveries",
    selection=dg.AssetSelection.assets(district_feeds_bronze)
    .downstream()
    .required_multi_asset_neighbors(),
)


@dg.sensor(job=ingest_job, minimum_interval_seconds=60)
def new_deliveries_sensor(context: dg.SensorEvaluationContext, skillwatch: SkillWatchResource):
    """Requests an ingest run when a file appears or changes in the landing folder; the
    cursor is the newest (modification time, name) seen."""
    settings = skillwatch.settings()
    found = discover(settings.landing)
    if not found:
        return dg.SkipReason(f"no deliveries in {settings.landing}")
    newest = max((d.delivered_at.isoformat(), d.file) for d in found)
    cursor = "|".join(newest)
    if cursor == context.cursor:
        return dg.SkipReason("no new deliveries since the last run")
    context.update_cursor(cursor)
    # a re-run over already registered files is a no-op, so a spurious request costs little
    return dg.RunRequest(run_key=cursor)


daily_ingest_schedule = dg.ScheduleDefinition(
    job=ingest_job, cron_schedule="30 3 * * *", execution_timezone="Asia/Shanghai"
)

# what district feeds hand pipelines/definitions.py (every package's assets.py: the same names)
ASSETS = [district_feeds_bronze]
JOBS = [ingest_job]
SENSORS = [new_deliveries_sensor]
SCHEDULES = [daily_ingest_schedule]
