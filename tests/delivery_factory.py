"""Write delivery files in every form the interface standard allows, for hand-built cases
(the simulator makes whole cities). A module of its own: several test folders have a
conftest.py, so ``from conftest import`` would be ambiguous."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import xlsxwriter
from stdnum.cn import ric

from pipelines.contract import DISTRICT_FEEDS
from pipelines.district_feeds.landing import SHANGHAI


def id_number(body17: str) -> str:
    """A valid resident ID number from its first 17 digits."""
    return body17 + ric.calc_check_digit(body17 + "0")


def write_delivery(
    landing: Path,
    district: str,
    feed: str,
    name: str,
    rows: list[dict[str, str]],
    fmt: str = "csv",
    encoding: str = "utf-8",
    chinese_headers: bool = False,
    delivered_at: dt.datetime | None = None,
) -> Path:
    """Write ``rows`` (values as strings, keyed by contract column name) as one delivery."""
    columns = DISTRICT_FEEDS[feed].columns
    names = [c.name for c in columns if any(c.name in r for r in rows)] or [columns[0].name]
    headers = [next(c.zh for c in columns if c.name == n) if chinese_headers else n for n in names]
    path = landing / district / feed / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[r.get(n, "") for n in names] for r in rows])
        path.write_bytes(buf.getvalue().encode(encoding))
    elif fmt == "jsonl":
        lines = [
            json.dumps(
                dict(zip(headers, [r.get(n) for n in names], strict=True)), ensure_ascii=False
            )
            for r in rows
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "xlsx":
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, headers)
        for i, r in enumerate(rows, start=1):
            sheet.write_row(i, 0, [r.get(n, "") for n in names])
        book.close()
    when = delivered_at or dt.datetime(2026, 9, 2, 2, 0)
    stamp = when.replace(tzinfo=SHANGHAI).timestamp()  # naive = Asia/Shanghai local
    os.utime(path, (stamp, stamp))
    return path
