"""Cutting the city's frames into the files districts deliver, with their delivery times.

One file = one delivery: a feed's rows of one data day, landed the next night at about
02:00 (Asia/Shanghai). Master data arrive as a snapshot on the first day and as occasional
update files. A few files are late (three to six days), and a few are re-delivered as _v2.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.contract import DISTRICT_FEEDS
from simulator.habits import Habit, habit_of
from simulator.world import World, stream

# within a file, rows come in the district system's natural order
ORDER = {
    "institutions": ["institution_id"],
    "teachers": ["teacher_id"],
    "cameras": ["camera_id"],
    "classes": ["class_id"],
    "sessions": ["starts_at", "session_id"],
    "enrolments": ["enrolment_id"],
    "attendance": ["record_id"],
    "subsidy_claims": ["claim_id"],
    "inspections": ["inspection_id"],
}
LATE_DAYS = (3, 6)


@dataclass
class Delivery:
    district: str
    feed: str
    day: dt.date
    rows: pl.DataFrame  # typed, contract columns only, in file order
    delivered_at: dt.datetime  # local Asia/Shanghai time, naive
    version: int = 1
    # file-level oddities: "" normal, "garbage", "mojibake", "empty", "gb18030"
    oddity: str = ""
    # row defects planted in this file: filled by defects.py
    extras: list = field(default_factory=list)
    overrides: list = field(default_factory=list)
    truncate_last: bool = False
    broken_json_last: bool = False

    @property
    def habit(self) -> Habit:
        return habit_of(self.district)

    @property
    def ext(self) -> str:
        if self.oddity in ("garbage", "empty"):
            return ".csv"
        return self.habit.ext

    @property
    def path(self) -> str:
        v = "" if self.version == 1 else f"_v{self.version}"
        return f"{self.district}/{self.feed}/{self.feed}_{self.day:%Y%m%d}{v}{self.ext}"


def plan(world: World) -> list[Delivery]:
    rng = stream(world.seed, "deliver")
    # each district's batch job runs at its own time of night
    job_minute = {d: int(rng.integers(60, 200)) for d in world.districts}
    missing = set(world.missing_attendance)
    out: list[Delivery] = []
    for feed, frame in world.frames.items():
        cols = DISTRICT_FEEDS[feed].column_names
        frame = frame.sort(["district_code", "_day", *ORDER[feed]])
        for (district, day), part in frame.partition_by(
            ["district_code", "_day"], as_dict=True, maintain_order=True
        ).items():
            if feed == "attendance" and (district, day) in missing:
                continue
            at = dt.datetime.combine(day + dt.timedelta(days=1), dt.time()) + dt.timedelta(
                minutes=job_minute[district] + int(rng.integers(0, 25)),
                seconds=int(rng.integers(0, 60)),
            )
            out.append(Delivery(district, feed, day, part.select(cols), at))
    out.sort(key=lambda d: (d.district, d.feed, d.day))
    _late(rng, world, out)
    return out


def _late(rng: np.random.Generator, world: World, out: list[Delivery]) -> None:
    """A few deliveries arrive three to six days after their data day (W14)."""
    daily = [
        d for d in out if d.feed in ("attendance", "enrolments") and d.day > world.window.start
    ]
    n = max(1, round(len(daily) * (0.004 if world.scale.fraud_share else 0.0)), 2)
    for i in sorted(rng.choice(len(daily), size=min(n, len(daily)), replace=False).tolist()):
        d = daily[i]
        late = int(rng.integers(LATE_DAYS[0], LATE_DAYS[1] + 1))
        d.delivered_at = d.delivered_at + dt.timedelta(days=late - 1)


def redeliver(d: Delivery, rows: pl.DataFrame | None = None) -> Delivery:
    """A corrected file for the same day, sent later the same morning."""
    return Delivery(
        d.district,
        d.feed,
        d.day,
        d.rows if rows is None else rows,
        d.delivered_at + dt.timedelta(hours=7, minutes=13),
        version=d.version + 1,
    )


def late_days(d: Delivery) -> int:
    return (d.delivered_at.date() - d.day).days
