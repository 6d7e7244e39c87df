"""Spot checks for the app: the week's draw (from the risk module's store) in the user's
scope, and inspectors' results written as deliveries of the inspections feed.

The draw lives in the lake (``lake/risk/spotcheck_items``), not in the published file; the
app keeps only the drawn classes that the user's scoped ``dim_class`` returns, so a district
user sees its own classes. A recorded result becomes one CSV in
``<landing>/<district>/inspections/``, in the feed's columns, and flows back through the next
run exactly like the districts' own inspection deliveries.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import uuid
from pathlib import Path

import polars as pl

from pipelines.contract.feeds import INSPECTIONS
from pipelines.settings import Settings

RESULTS = ("合格", "不合格")


def data_week(settings: Settings) -> str | None:
    from pipelines.risk.cli import data_week as week

    return week(settings)


def drawn_items(settings: Settings, week: str) -> pl.DataFrame:
    from pipelines.risk import store

    items = store.read(settings, store.ITEMS)
    if items.is_empty() or "week" not in items.columns:
        return pl.DataFrame()
    return items.filter(pl.col("week") == week)


def draw(settings: Settings, week: str) -> int:
    """Draw the week's list with the risk module's defaults (its recorded seed if any)."""
    from pipelines.risk.run import run_spotcheck
    from pipelines.risk.spotcheck import SpotcheckParams

    drawn, _ = run_spotcheck(settings, week, SpotcheckParams())
    return drawn.items.height


def report_path(settings: Settings, week: str) -> Path:
    return settings.warehouse / "reports" / "spotcheck" / f"spotcheck_{week}.xlsx"


def record_result(
    settings: Settings,
    district_code: str,
    class_id: str,
    inspected_on: dt.date,
    result: str,
    findings: str,
) -> Path:
    if result not in RESULTS:
        raise ValueError(f"result must be one of {RESULTS}")
    inspection_id = "CCAPP" + uuid.uuid4().hex[:10].upper()
    row = {
        "inspection_id": inspection_id,
        "target_kind": "班级",
        "target_id": class_id,
        "inspected_on": inspected_on.isoformat(),
        "result": result,
        "findings": findings,
    }
    assert list(row) == [c.name for c in INSPECTIONS.columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(row))
    writer.writeheader()
    writer.writerow(row)
    folder = settings.landing / district_code / "inspections"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"spotcheck_app_{inspected_on:%Y%m%d}_{inspection_id}.csv"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(buffer.getvalue(), encoding="utf-8")
    os.replace(tmp, path)  # a run never reads half a file
    return path
