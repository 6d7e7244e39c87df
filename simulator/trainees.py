"""Enrolments (学员报名): who signs up for which class, and when.

Most trainees are new to the platform; a few come back for another trade or the next level
(honest repeat learners, the near misses of W15).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from simulator import people
from simulator.scales import Window
from simulator.schedule import Class

# Enrolment tags (internal, never written): how the trainee behaves
HONEST, GHOST, NEAR_80, DOUBLE, REPEAT_CLAIM, UPGRADE = (
    "honest", "ghost", "near_80", "double", "repeat_claim", "upgrade",
)  # fmt: skip


@dataclass(eq=False)
class Enrolment:
    enrolment_id: str
    class_id: str
    district_code: str
    id_number: str
    name: str
    phone: str | None
    enrolled_on: dt.date
    subsidy_eligible: bool
    tag: str = HONEST
    # for planted doubles: the other enrolment of the same person
    partner: str | None = None


@dataclass(eq=False)
class Person:
    id_number: str
    name: str
    phone: str | None
    enrolments: list[Enrolment] = field(default_factory=list)


def overlaps(a: Class, b: Class) -> bool:
    if a.end_date < b.start_date or b.end_date < a.start_date:
        return False
    by_day: dict[dt.date, list] = {}
    for s in a.sessions:
        by_day.setdefault(s.starts_at.date(), []).append(s)
    for s in b.sessions:
        for t in by_day.get(s.starts_at.date(), ()):
            if s.starts_at < t.ends_at and t.starts_at < s.ends_at:
                return True
    return False


class Enroller:
    def __init__(self, rng: np.random.Generator, registry: people.IdRegistry, window: Window):
        self.rng = rng
        self.registry = registry
        self.window = window
        self.persons: dict[str, Person] = {}
        self.by_district: dict[str, list[str]] = {}
        self.seq: dict[str, int] = {}
        self.classes: dict[str, Class] = {}

    def next_id(self, district: str) -> str:
        self.seq[district] = self.seq.get(district, 0) + 1
        return f"BM{district}{self.seq[district]:06d}"

    def enrolled_on(self, cls: Class) -> dt.date:
        first = cls.filed_on if cls.filed_on and cls.filed_on < cls.start_date else None
        first = first or cls.start_date - dt.timedelta(days=10)
        first = max(first, self.window.start, cls.start_date - dt.timedelta(days=25))
        span = max((cls.start_date - first).days, 0)
        return first + dt.timedelta(days=int(self.rng.integers(0, span + 1)))

    def add(self, cls: Class, person: Person, tag: str, eligible: bool | None = None) -> Enrolment:
        e = Enrolment(
            enrolment_id=self.next_id(cls.district_code),
            class_id=cls.class_id,
            district_code=cls.district_code,
            id_number=person.id_number,
            name=person.name,
            phone=person.phone,
            enrolled_on=self.enrolled_on(cls),
            subsidy_eligible=bool(self.rng.random() < 0.85) if eligible is None else eligible,
            tag=tag,
        )
        person.enrolments.append(e)
        return e

    def can_reuse(self, person: Person, cls: Class) -> bool:
        for e in person.enrolments:
            other = self.classes[e.class_id]
            same_trade = other.occupation_code == cls.occupation_code
            if (same_trade and other.level == cls.level) or overlaps(other, cls):
                return False
        return True

    def enrol_class(self, cls: Class, n: int) -> list[Enrolment]:
        self.classes[cls.class_id] = cls
        rng = self.rng
        pool = self.by_district.setdefault(cls.district_code, [])
        reuse = int((rng.random(n) < 0.04).sum()) if pool else 0
        chosen: list[Person] = []
        for _ in range(reuse):
            cand = self.persons[pool[int(rng.integers(0, len(pool)))]]
            if cand not in chosen and self.can_reuse(cand, cls):
                chosen.append(cand)
        new_ids = self.registry.draw(n - len(chosen), cls.start_date)
        new_names = people.names(rng, len(new_ids))
        phones = people.mobiles(rng, len(new_ids))
        blank_phone = rng.random(len(new_ids)) < 0.03
        for i, pid in enumerate(new_ids):
            p = Person(pid, new_names[i], None if blank_phone[i] else phones[i])
            self.persons[pid] = p
            pool.append(pid)
            chosen.append(p)
        out = []
        for p in chosen:
            same_trade = any(
                self.classes[e.class_id].occupation_code == cls.occupation_code
                for e in p.enrolments
            )
            out.append(self.add(cls, p, UPGRADE if same_trade else HONEST))
        return out
