"""The report log: one row per district and run (``<lake>/report_log``), so that a report
is sent once, a failure is retried on the next run, and nothing is lost."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipelines.lib import delta_io
from pipelines.settings import Settings

SENT, FAILED, OUTBOX = "sent", "failed", "outbox"
# done: never sent again for the same run. A failed send (kept in the outbox) is retried.
DONE = (SENT, OUTBOX)

SCHEMA = {
    "run_id": pl.String,
    "district_code": pl.String,
    "recipients": pl.String,
    "subject": pl.String,
    "message_id": pl.String,
    "status": pl.String,  # sent | failed | outbox
    "attempts": pl.Int64,  # cumulative over re-runs
    "error": pl.String,
    "outbox_path": pl.String,
    "deliveries": pl.Int64,
    "rows_failed_attached": pl.Int64,
    "updated_at": pl.Datetime("us"),
}


def report_log_path(settings: Settings) -> Path:
    return settings.lake / "report_log"


def read_log(settings: Settings, run_id: str) -> dict[str, dict]:
    log = delta_io.read(report_log_path(settings))
    if log.is_empty():
        return {}
    return {r["district_code"]: r for r in log.filter(pl.col("run_id") == run_id).to_dicts()}


def record(settings: Settings, row: dict) -> None:
    """Upsert one district's entry (written right after each send: a crash mid-way must not
    make the next run send the districts already done)."""
    frame = pl.DataFrame([row], schema=SCHEMA)
    delta_io.merge(report_log_path(settings), frame, keys=["run_id", "district_code"])
