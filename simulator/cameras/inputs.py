"""The district simulator's city, read back from its landing folder (for the camera simulator).

Reads the accepted rows of the cameras, classes, sessions and attendance deliveries with the
ingest's own typing (``typed_delivery``), latest delivery winning per key, personal fields in
clear in memory only (the camera simulator needs to know who is who; nothing it writes holds
an ID number).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.contract import DISTRICT_FEEDS
from pipelines.district_feeds.conform import PROBLEMS
from pipelines.district_feeds.ingest import typed_delivery
from pipelines.district_feeds.landing import discover
from pipelines.lib.readers import UnreadableFile
from simulator.truth import truth_dir

FEEDS = ("cameras", "classes", "sessions", "attendance")


@dataclass(frozen=True)
class City:
    cameras: pl.DataFrame
    classes: pl.DataFrame
    sessions: pl.DataFrame
    attendance: pl.DataFrame
    start: dt.date
    days: int

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=self.days - 1)


def read_city(out: Path) -> City:
    frames: dict[str, list[pl.DataFrame]] = {f: [] for f in FEEDS}
    for d in discover(out):
        if d.problem is not None or d.feed not in FEEDS:
            continue
        try:
            typed = typed_delivery(d)
        except UnreadableFile:
            continue  # the district simulator's planted unreadable files
        frames[d.feed].append(typed.filter(pl.col(PROBLEMS).list.len() == 0).drop(PROBLEMS))
    tables = {}
    for feed, parts in frames.items():
        keys = ["src_district_code", *DISTRICT_FEEDS[feed].keys]
        if not parts:
            tables[feed] = pl.DataFrame()
            continue
        tables[feed] = (
            pl.concat(parts, how="vertical_relaxed")
            .sort("src_delivered_at", "src_file", "src_row")
            .unique(keys, keep="last", maintain_order=True)
        )
    start, days = _window(out, tables["sessions"])
    return City(**tables, start=start, days=days)


def _window(out: Path, sessions: pl.DataFrame) -> tuple[dt.date, int]:
    summary = truth_dir(out) / "summary.json"
    if summary.is_file():
        s = json.loads(summary.read_text(encoding="utf-8"))
        return dt.date.fromisoformat(s["start"]), int(s["days"])
    first = sessions["starts_at"].min().date()
    last = sessions["ends_at"].max().date()
    return first, (last - first).days + 1
