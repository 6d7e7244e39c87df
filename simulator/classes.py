"""Filing classes: which institution, trade, level, timetable, room and teachers."""

from __future__ import annotations

import datetime as dt

import numpy as np

from simulator.institutions import Institution
from simulator.scales import LAST_ALLOWED_DAY, Scale, Window
from simulator.schedule import (
    BY_NAME,
    Calendar,
    Class,
    Session,
    assign_teachers,
    draw_level,
    draw_pattern,
    first_day_on_or_after,
    occupation_for,
    session_times,
)

# the trade every tiny district runs a full-time class in, so that tiny scale has classes
# of one trade and level in several districts (W15 needs two such claims)
TINY_OCCUPATION = "4-10-01-05"


def make_classes(
    rng: np.random.Generator,
    scale: Scale,
    window: Window,
    district: str,
    institutions: list[Institution],
    n: int,
    calendar: Calendar,
    teachers_of,  # (institution, occupation) -> list[Teacher]
    new_teacher,  # (institution, occupation) -> Teacher
    new_room,  # institution -> Room
) -> list[Class]:
    active = [i for i in institutions if i.status == "正常"]
    out: list[Class] = []
    for k in range(n):
        for _attempt in range(20):
            cls = _draw_class(rng, scale, window, district, active, k, len(out) + 1)
            if cls is not None:
                break
        else:
            continue
        inst = next(i for i in active if i.institution_id == cls.institution_id)
        times = [(s.starts_at, s.ends_at) for s in cls.sessions]
        if cls.mode == "线上":
            cls.room, cls.camera_ids, cls.site_address = "线上", (), "线上平台"
        else:
            room = next(
                (r for r in inst.rooms if calendar.free(f"{inst.institution_id}/{r.name}", times)),
                None,
            ) or new_room(inst)
            calendar.book(f"{inst.institution_id}/{room.name}", times)
            cls.room, cls.camera_ids = room.name, tuple(room.camera_ids)
            cls.site_address = inst.address
        assign_teachers(
            rng,
            cls,
            teachers_of(inst, cls.occupation_code),
            calendar,
            lambda inst=inst, occ=cls.occupation_code: new_teacher(inst, occ),
        )
        out.append(cls)
    return out


def _draw_class(
    rng: np.random.Generator,
    scale: Scale,
    window: Window,
    district: str,
    active: list[Institution],
    k: int,
    seq: int,
) -> Class | None:
    inst = active[int(rng.integers(0, len(active)))]
    if scale.tiny and k == 0:
        pattern, n_sessions, lead, filed = BY_NAME["fulltime"], 10, 2, window.start
        if TINY_OCCUPATION not in inst.occupations:
            inst.occupations = (*inst.occupations, TINY_OCCUPATION)
        occupation, level = TINY_OCCUPATION, 5
    else:
        pattern = draw_pattern(rng)
        n_sessions = int(rng.integers(pattern.sessions[0], pattern.sessions[1] + 1))
        lead = 2 if scale.tiny else int(rng.integers(3, 22))
        span = max((window.end - window.start).days - lead, 0)
        filed = window.start + dt.timedelta(days=int(rng.integers(0, span + 1)))
        occupation = occupation_for(rng, inst)
        level = draw_level(rng, occupation)
    start = first_day_on_or_after(pattern, filed + dt.timedelta(days=lead))
    if start > window.end:
        return None
    times = session_times(pattern, start, n_sessions)
    limit = min(LAST_ALLOWED_DAY, window.end + dt.timedelta(days=120))
    times = [t for t in times if t[0].date() <= limit]
    hours = sum((b - a).total_seconds() / 3600 for a, b in times)
    if hours < 40:
        return None
    class_id = f"BJ{district}{seq:05d}"
    r = rng.random()
    mode = "线下" if r < 0.9 else "混合" if r < 0.98 else "线上"
    cls = Class(
        class_id=class_id,
        institution_id=inst.institution_id,
        district_code=district,
        occupation_code=occupation,
        level=level,
        mode=mode,
        filed_on=filed,
        start_date=start,
        end_date=times[-1][0].date(),
        planned_hours=int(round(hours)),
        capacity=int(rng.integers(20, 51)),
        site_address="",
        room="",
        camera_ids=(),
        pattern=pattern.name,
        delivered_on=filed,
    )
    cls.sessions = [Session(f"{class_id}-{i + 1:03d}", a, b, "") for i, (a, b) in enumerate(times)]
    return cls


def in_window(cls: Class, window: Window) -> list[Session]:
    """Sessions that happen inside the simulated days (later ones are never delivered)."""
    return [s for s in cls.sessions if s.starts_at.date() <= window.end]
