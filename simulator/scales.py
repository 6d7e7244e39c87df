"""How big a simulated city is: districts, span and volumes per scale."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Nothing simulated may fall on or after this day: downstream checks treat later dates as
# "in the future" relative to the platform's reference runs.
LAST_ALLOWED_DAY = dt.date(2026, 11, 28)


@dataclass(frozen=True)
class Scale:
    name: str
    days: int
    default_start: dt.date
    # None = all 16 districts; otherwise one district per delivery habit
    one_district_per_habit: bool
    institutions_per_district: tuple[int, int]
    classes_per_district: tuple[int, int]
    # rows of defects planted per defect kind: at least this many, or rate x feed rows
    min_defects_per_kind: int
    defect_rate: float
    # share of classes given each class-level fraud behaviour
    fraud_share: float
    tiny: bool = False


SCALES: dict[str, Scale] = {
    # filing lead 2 days + five full-time days + a claim day: the smallest span in which a
    # class can be filed, run, end and be claimed for (needed for W08/W15 at tiny scale)
    "tiny": Scale("tiny", 8, dt.date(2026, 9, 1), True, (2, 2), (2, 2), 1, 0.0, 0.0, True),
    "small": Scale("small", 28, dt.date(2026, 9, 1), False, (2, 3), (1, 3), 1, 0.0, 0.0),
    "city": Scale("city", 365, dt.date(2025, 11, 1), False, (40, 52), (95, 118), 2, 4e-4, 0.03),
}


@dataclass(frozen=True)
class Window:
    """The simulated days: [start, end] inclusive; ``limit`` bounds every declared date."""

    start: dt.date
    days: int
    end: dt.date = field(init=False)

    def __post_init__(self) -> None:
        # a field, not a property: it is read millions of times while planning
        object.__setattr__(self, "end", self.start + dt.timedelta(days=self.days - 1))

    def day(self, i: int) -> dt.date:
        return self.start + dt.timedelta(days=i)


def resolve(scale: str, start: dt.date | None, days: int | None) -> tuple[Scale, Window]:
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; one of {', '.join(SCALES)}")
    s = SCALES[scale]
    window = Window(start or s.default_start, days if days is not None else s.days)
    if window.days < 1:
        raise ValueError("days must be at least 1")
    # deliveries land a day (late ones up to a week) after the last data day
    if window.end + dt.timedelta(days=7) > LAST_ALLOWED_DAY:
        raise ValueError(
            f"simulated days must end by {LAST_ALLOWED_DAY - dt.timedelta(days=7)} "
            f"(got {window.end})"
        )
    return s, window
