"""Classes (开班) and their sessions (课表): when, where, who teaches.

Classes follow the timetables Shanghai training schools actually run: full-time day courses,
weekday evenings after work, and weekends. Teachers and rooms are never double-booked by
honest institutions (W09's overlap rule must only fire on planted cases).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from simulator.institutions import Institution, Teacher
from simulator.occupations import BY_CODE


@dataclass(frozen=True)
class Pattern:
    name: str
    weekdays: tuple[int, ...]  # Monday = 0
    slots: tuple[tuple[int, int], ...]  # (start minute, end minute) of the day
    sessions: tuple[int, int]  # range of session counts (inclusive)
    weight: float


PATTERNS: tuple[Pattern, ...] = (
    Pattern("fulltime", (0, 1, 2, 3, 4, 5, 6), ((510, 750), (810, 1050)), (10, 16), 0.25),
    Pattern("fulltime_weekdays", (0, 1, 2, 3, 4), ((510, 750), (810, 1050)), (10, 16), 0.15),
    Pattern("evening", (0, 1, 2, 3, 4), ((1110, 1290),), (14, 22), 0.25),
    Pattern("evening_twice", (1, 3), ((1140, 1260),), (20, 24), 0.10),
    Pattern("weekend", (5, 6), ((540, 720), (810, 990)), (14, 28), 0.25),
)
BY_NAME = {p.name: p for p in PATTERNS}


@dataclass(eq=False)
class Session:
    session_id: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    teacher_id: str

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass(eq=False)
class Class:
    class_id: str
    institution_id: str
    district_code: str
    occupation_code: str
    level: int
    mode: str
    filed_on: dt.date | None
    start_date: dt.date
    end_date: dt.date
    planned_hours: int
    capacity: int
    site_address: str
    room: str
    camera_ids: tuple[str, ...]
    pattern: str
    sessions: list[Session] = field(default_factory=list)
    behaviours: set[str] = field(default_factory=set)  # planted fraud / near-miss tags
    # day whose classes delivery carries the class row (normally filed_on)
    delivered_on: dt.date | None = None

    @property
    def occupation_name(self) -> str:
        return BY_CODE[self.occupation_code].name


def session_times(
    pattern: Pattern, start: dt.date, n: int
) -> list[tuple[dt.datetime, dt.datetime]]:
    out: list[tuple[dt.datetime, dt.datetime]] = []
    day = start
    while len(out) < n:
        if day.weekday() in pattern.weekdays:
            for a, b in pattern.slots:
                if len(out) == n:
                    break
                base = dt.datetime.combine(day, dt.time())
                out.append((base + dt.timedelta(minutes=a), base + dt.timedelta(minutes=b)))
        day += dt.timedelta(days=1)
    return out


def first_day_on_or_after(pattern: Pattern, day: dt.date) -> dt.date:
    while day.weekday() not in pattern.weekdays:
        day += dt.timedelta(days=1)
    return day


class Calendar:
    """Busy intervals per person, teacher or room, to avoid honest double-booking."""

    def __init__(self) -> None:
        self._busy: dict[tuple[str, dt.date], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(
            list
        )

    def free(self, who: str, times: list[tuple[dt.datetime, dt.datetime]]) -> bool:
        for a, b in times:
            for c, d in self._busy.get((who, a.date()), ()):
                if a < d and c < b:
                    return False
        return True

    def book(self, who: str, times: list[tuple[dt.datetime, dt.datetime]]) -> None:
        for a, b in times:
            self._busy[(who, a.date())].append((a, b))


def draw_level(rng: np.random.Generator, occupation: str) -> int:
    levels = BY_CODE[occupation].levels
    w = np.array([0.6, 0.25, 0.1, 0.04, 0.01][: len(levels)])
    return int(levels[int(rng.choice(len(levels), p=w / w.sum()))])


def draw_pattern(rng: np.random.Generator) -> Pattern:
    w = np.array([p.weight for p in PATTERNS])
    return PATTERNS[int(rng.choice(len(PATTERNS), p=w / w.sum()))]


def occupation_for(rng: np.random.Generator, inst: Institution) -> str:
    w = np.array([BY_CODE[c].weight for c in inst.occupations])
    return inst.occupations[int(rng.choice(len(w), p=w / w.sum()))]


def assign_teachers(
    rng: np.random.Generator,
    cls: Class,
    candidates: list[Teacher],
    calendar: Calendar,
    new_teacher,
) -> None:
    """One main teacher, and for longer classes a second who takes about a third."""
    times = [(s.starts_at, s.ends_at) for s in cls.sessions]
    order = rng.permutation(len(candidates)).tolist()
    free = [candidates[i] for i in order if calendar.free(candidates[i].teacher_id, times)]
    while len(free) < 2:
        t = new_teacher()
        free.append(t)
    main, second = free[0], free[1]
    use_second = len(cls.sessions) >= 16 and rng.random() < 0.5
    for i, s in enumerate(cls.sessions):
        s.teacher_id = second.teacher_id if use_second and i % 3 == 2 else main.teacher_id
    for t in (main, second):
        calendar.book(
            t.teacher_id,
            [(s.starts_at, s.ends_at) for s in cls.sessions if s.teacher_id == t.teacher_id],
        )
