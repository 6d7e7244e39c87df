"""How each district delivers: file format, encoding, header language, date and bool forms.

A district's habit is fixed (its upstream system does not change with the seed), so it is
assigned from the district's position in the contract's district list, not drawn.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pipelines.contract import DISTRICT_CODES, DISTRICT_FEEDS


@dataclass(frozen=True)
class Habit:
    number: int
    format: str  # csv / xlsx / jsonl
    encoding: str  # python codec name of the bytes written
    header_lang: str  # zh / en
    date_fmt: str
    ts_fmt: str  # with seconds (attendance check-ins need them: W06 compares seconds)
    ts_short_fmt: str  # sessions are scheduled to the minute
    true: str
    false: str
    line_terminator: str = "\n"

    @property
    def ext(self) -> str:
        return {"csv": ".csv", "xlsx": ".xlsx", "jsonl": ".jsonl"}[self.format]


HABITS: dict[int, Habit] = {
    # an old Windows system: GB18030, CRLF, Chinese headers
    1: Habit(1, "csv", "gb18030", "zh", "%Y/%m/%d", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M",
             "是", "否", "\r\n"),
    # an Excel-friendly export: UTF-8 with BOM, English headers
    2: Habit(2, "csv", "utf-8-sig", "en", "%Y%m%d", "%Y%m%d %H:%M:%S", "%Y%m%d %H:%M", "Y", "N"),
    3: Habit(3, "xlsx", "binary", "zh", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
             "是", "否"),
    4: Habit(4, "jsonl", "utf-8", "en", "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S",
             "true", "false"),
}  # fmt: skip


def habit_of(district: str) -> Habit:
    return HABITS[DISTRICT_CODES.index(district) % 4 + 1]


def one_district_per_habit() -> tuple[str, ...]:
    """The first district of each habit (the tiny scale's four districts)."""
    return tuple(next(d for d in DISTRICT_CODES if habit_of(d).number == h) for h in HABITS)


def column_order(district: str, feed: str) -> list[str]:
    """Each district's system lists columns in its own order; fixed per district and feed."""
    names = DISTRICT_FEEDS[feed].column_names
    index = DISTRICT_CODES.index(district)
    if index % 3 == 0:
        return names  # some follow the standard's order exactly
    rng = np.random.default_rng([int(district), len(names), index])
    order = rng.permutation(len(names)).tolist()
    return [names[i] for i in order]


def header(habit: Habit, feed: str, columns: list[str]) -> list[str]:
    f = DISTRICT_FEEDS[feed]
    if habit.header_lang == "en":
        return columns
    return [f.column(c).zh for c in columns]
