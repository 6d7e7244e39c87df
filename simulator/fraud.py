"""Planting the cheating the early-warning rules must catch, and the honest near misses.

Cheaters cluster: a behaviour is preferably given to a class that already cheats, as real
cases show one institution doing several things at once. What is planted here is intent;
the truth file is computed afterwards from the delivered data by ``rules.py``, so that
consequences (a lost attendance file pushing a trainee under 80%) are in the truth too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from simulator import prevalence
from simulator.classes import in_window
from simulator.institutions import Institution, Teacher
from simulator.scales import Scale, Window
from simulator.schedule import Class
from simulator.trainees import (
    DOUBLE,
    GHOST,
    NEAR_80,
    REPEAT_CLAIM,
    UPGRADE,
    Enroller,
    overlaps,
)

# class-level behaviours; "NM_" are honest near misses
W01_BLANK, W01_LATE = "W01_blank", "W01_late"
W06_BURST, W06_REPEAT, W07_LOW = "W06_burst", "W06_repeat", "W07_lowface"
W08_GHOSTS, W12_SHORT, W16_OVER = "W08_ghosts", "W12_short", "W16_over"
W09_EXPIRED, W09_OCC = "W09_expired", "W09_wrong_occ"
W10_LICENCE, W10_STATUS = "W10_licence", "W10_status"
NM_BURST, NM_FACE, NM_ATTEND, NM_HOURS, NM_CAPACITY = (
    "NM_burst", "NM_face", "NM_attend", "NM_hours", "NM_capacity",
)  # fmt: skip
NM_LICENCE = "NM_licence"
BEHAVIOURS = (
    W01_BLANK, W01_LATE, W06_BURST, W06_REPEAT, W07_LOW, W08_GHOSTS, W12_SHORT,
    W16_OVER, W09_EXPIRED, W09_OCC, W10_LICENCE, W10_STATUS,
)  # fmt: skip
# behaviours any running class can carry (a cheat the sparse plan left without one)
ALWAYS_FITS = (W01_BLANK, W01_LATE, W06_BURST, W07_LOW, W16_OVER, W09_OCC)


@dataclass
class Plan:
    status_changes: list[tuple[dt.date, str, str]] = field(default_factory=list)
    licence_renewals: list[tuple[dt.date, str, dt.date]] = field(default_factory=list)
    # classes chosen to cheat under a realistic fraud rate (empty in the dense test city)
    cheating: list[str] = field(default_factory=list)


def claim_day(cls: Class, window: Window) -> bool:
    """The class ends early enough for its claims to be delivered inside the window."""
    return cls.end_date < window.end


def _eligible(behaviour: str, cls: Class, window: Window) -> bool:
    running = in_window(cls, window)
    if behaviour in (W08_GHOSTS, W12_SHORT, NM_ATTEND, NM_HOURS):
        return claim_day(cls, window) and len(cls.sessions) >= 10
    if behaviour in (W06_REPEAT, W09_EXPIRED, W10_LICENCE, W10_STATUS):
        return len(running) >= 4
    if behaviour in (W16_OVER, NM_CAPACITY):
        return True
    return len(running) >= 1


def plan_classes(
    rng: np.random.Generator,
    scale: Scale,
    window: Window,
    classes: list[Class],
    institutions: dict[str, Institution],
    teachers: dict[str, Teacher],
    other_trade_teacher: Callable[[Institution, str], Teacher],
    fraud_rate: float | None = None,
) -> Plan:
    plan = Plan()
    cheats: list[Class] = []
    touched_inst: set[str] = set()
    touched_teacher: set[str] = set()

    def apply(b: str, cls: Class) -> None:
        _apply(b, cls, rng, window, plan, institutions, teachers, other_trade_teacher)
        cls.behaviours.add(b)
        if b in (W10_LICENCE, W10_STATUS):
            touched_inst.add(cls.institution_id)
        if b == W09_EXPIRED:
            touched_teacher.add(cls.sessions[0].teacher_id)
        if cls not in cheats:
            cheats.append(cls)

    if fraud_rate is not None:
        _plan_sparse(rng, window, classes, fraud_rate, apply, touched_inst, touched_teacher)
        plan.cheating = [c.class_id for c in classes if c.behaviours]
    for b in BEHAVIOURS if fraud_rate is None else ():
        pool = [c for c in classes if _eligible(b, c, window)]
        if b in (W10_LICENCE, W10_STATUS):
            pool = [c for c in pool if c.institution_id not in touched_inst]
        if b == W09_EXPIRED:
            pool = [c for c in pool if c.sessions[0].teacher_id not in touched_teacher]
        if not pool:
            continue
        n = max(scale.min_defects_per_kind if scale.fraud_share else 1,
                round(scale.fraud_share * len(pool)))  # fmt: skip
        n = min(n, len(pool))
        for _ in range(n):
            known = [c for c in pool if c in cheats and b not in c.behaviours]
            fresh = [c for c in pool if c not in cheats and b not in c.behaviours]
            src = known if known and (rng.random() < 0.5 or not fresh) else fresh
            if not src:
                break
            apply(b, src[int(rng.integers(0, len(src)))])
    honest = [c for c in classes if not c.behaviours]
    for b in (NM_BURST, NM_FACE, NM_ATTEND, NM_HOURS, NM_CAPACITY, NM_LICENCE):
        pool = [c for c in honest if _eligible(b, c, window) and not c.behaviours]
        if b == NM_LICENCE:
            pool = [c for c in pool if c.institution_id not in touched_inst]
        if not pool:
            continue
        n = min(len(pool), max(1, round(scale.fraud_share * len(pool))))
        for i in rng.choice(len(pool), size=n, replace=False).tolist():
            cls = pool[i]
            if b == NM_LICENCE:
                if cls.institution_id in touched_inst:
                    continue
                inst = institutions[cls.institution_id]
                last = max(c.end_date for c in classes if c.institution_id == inst.institution_id)
                # valid until three days after its last class ends: close, but never lapsed
                inst.license_valid_until = last + dt.timedelta(days=3)
                touched_inst.add(inst.institution_id)
            if b == NM_HOURS:
                _drop_hours(cls, 0.92)
            cls.behaviours.add(b)
    return plan


def _free(b: str, cls: Class, touched_inst: set[str], touched_teacher: set[str]) -> bool:
    """W10 once per institution, W09's expiry once per teacher (a second would be the same
    cause counted twice)."""
    if b in (W10_LICENCE, W10_STATUS) and cls.institution_id in touched_inst:
        return False
    return not (b == W09_EXPIRED and cls.sessions[0].teacher_id in touched_teacher)


def _plan_sparse(rng, window, classes, rate, apply, touched_inst, touched_teacher) -> None:
    """Realistic prevalence: only the classes ``prevalence.cheating_classes`` chose cheat,
    each behaviour on about 1.5 x cheats / behaviours of them (fewest behaviours first, so
    every cheat does something). A behaviour none of the cheats can carry (W08 needs a
    claimed class of 10+ sessions) goes to one more class, of a cheating institution when
    one has a class that fits."""
    cheats = prevalence.cheating_classes(rng, classes, rate)
    per_behaviour = max(1, round(1.5 * len(cheats) / len(BEHAVIOURS)))
    for b in BEHAVIOURS:
        pool = [c for c in cheats if _eligible(b, c, window)]
        if not any(_free(b, c, touched_inst, touched_teacher) for c in pool):
            bad = {c.institution_id for c in cheats}
            wider = [c for c in classes if _eligible(b, c, window) and c not in cheats
                     and _free(b, c, touched_inst, touched_teacher)]  # fmt: skip
            wider = [c for c in wider if c.institution_id in bad] or wider
            if not wider:
                continue
            extra = wider[int(rng.integers(0, len(wider)))]
            cheats.append(extra)
            pool = [extra]
        for _ in range(per_behaviour):
            free = [c for c in pool if b not in c.behaviours
                    and _free(b, c, touched_inst, touched_teacher)]  # fmt: skip
            if not free:
                break
            fewest = min(len(c.behaviours) for c in free)
            free = [c for c in free if len(c.behaviours) == fewest]
            apply(b, free[int(rng.integers(0, len(free)))])
    for cls in cheats:
        if not cls.behaviours:
            fits = [b for b in ALWAYS_FITS if _eligible(b, cls, window)] or [W16_OVER]
            apply(fits[int(rng.integers(0, len(fits)))], cls)


def _drop_hours(cls: Class, target: float) -> None:
    """Drop sessions before the last one until delivered hours first fall under target x
    planned (the declared end date stays: the institution still says it taught them)."""
    total = sum(s.hours for s in cls.sessions)
    while len(cls.sessions) > 2:
        victim = cls.sessions[-2]
        if (total - victim.hours) < target * cls.planned_hours:
            break
        cls.sessions.remove(victim)
        total -= victim.hours


def _apply(b, cls, rng, window, plan, institutions, teachers, other_trade_teacher) -> None:
    running = in_window(cls, window)
    if b == W01_BLANK:
        cls.filed_on = None
        # the unfiled class still reaches the district system (delivered as if filed)
    elif b == W01_LATE:
        # filed the day after it started: one day later keeps its sessions file on time
        cls.filed_on = cls.start_date + dt.timedelta(days=1)
        cls.delivered_on = cls.filed_on
    elif b == W12_SHORT:
        total = sum(s.hours for s in cls.sessions)
        goal = float(rng.uniform(0.72, 0.85)) * cls.planned_hours
        while len(cls.sessions) > 2 and total > goal:
            victim = cls.sessions[-2]
            cls.sessions.remove(victim)
            total -= victim.hours
    elif b == W09_EXPIRED:
        t = teachers[cls.sessions[0].teacher_id]
        mid = running[len(running) // 2].starts_at.date()
        t.cert_valid_until = mid - dt.timedelta(days=1)
    elif b == W09_OCC:
        inst = institutions[cls.institution_id]
        t = other_trade_teacher(inst, cls.occupation_code)
        for s in cls.sessions[::2]:
            s.teacher_id = t.teacher_id
    elif b == W10_LICENCE:
        inst = institutions[cls.institution_id]
        mid = running[len(running) // 2].starts_at.date()
        inst.license_valid_until = mid - dt.timedelta(days=1)
    elif b == W10_STATUS:
        mid = running[len(running) // 2].starts_at.date()
        plan.status_changes.append((mid, cls.institution_id, "暂停"))


def plan_people(
    rng: np.random.Generator,
    scale: Scale,
    window: Window,
    classes: list[Class],
    enroller: Enroller,
    enrolments: dict[str, list],
    cheating: set[str] | None = None,
) -> None:
    """Cross-class cheating: one person in two overlapping classes (W04), one person claimed
    for twice in the same trade and level (W15); and honest upgrades to the next level.
    Under a realistic fraud rate (``cheating`` = the cheating classes) the class that takes
    the double-attending or re-claimed person (b) is a cheating one, about one pair of each
    per four cheating classes."""
    n_pairs = max(1, round(scale.fraud_share * len(classes) / 2))
    n_honest_pairs = n_pairs
    if cheating is not None:
        n_pairs = max(1, round(len(cheating) / 4))
    sessions = {c.class_id: in_window(c, window) for c in classes}
    running = [c for c in classes if sessions[c.class_id]]
    # W04: classes with overlapping sessions inside the window
    w04 = []
    for i, a in enumerate(running):
        for b in running[i + 1 : i + 40]:
            if a.institution_id != b.institution_id and _overlap(
                sessions[a.class_id], sessions[b.class_id]
            ):
                w04.append((a, b))
    w04 = _cheat_side(w04, cheating)
    for k in rng.permutation(len(w04))[:n_pairs].tolist():
        a, b = w04[k]
        _double(rng, enroller, enrolments, a, b, DOUBLE)
    # W15: same trade and level, both claimed inside the window
    claimed = [c for c in classes if claim_day(c, window)]
    w15 = [
        (a, b)
        for i, a in enumerate(claimed)
        for b in claimed[i + 1 :]
        if (a.occupation_code, a.level) == (b.occupation_code, b.level)
        and a.institution_id != b.institution_id
    ]
    w15 = _cheat_side(w15, cheating)
    for k in rng.permutation(len(w15))[:n_pairs].tolist():
        a, b = w15[k]
        tag = GHOST if overlaps(a, b) else REPEAT_CLAIM
        _double(rng, enroller, enrolments, a, b, tag, repeat_claim=True)
    # honest upgrades: the same trade one level up, without overlap
    ups = [
        (a, b)
        for i, a in enumerate(claimed)
        for b in classes[i + 1 : i + 60]
        if a.occupation_code == b.occupation_code and a.level != b.level and not overlaps(a, b)
    ]
    for k in rng.permutation(len(ups))[: max(1, n_honest_pairs)].tolist():
        a, b = ups[k]
        _double(rng, enroller, enrolments, a, b, UPGRADE)


def _cheat_side(pairs: list[tuple], cheating: set[str] | None) -> list[tuple]:
    """Dense city: every pair as it is. Realistic rate: pairs with a cheating class, that
    class second (the one that enrols the person)."""
    if cheating is None:
        return pairs
    out = []
    for a, b in pairs:
        if b.class_id in cheating:
            out.append((a, b))
        elif a.class_id in cheating:
            out.append((b, a))
    return out


def ensure_repeat_pair(
    rng: np.random.Generator, window: Window, classes: list[Class], retrain: Callable
) -> None:
    """Small cities may have no two claimable classes of one trade and level in different
    institutions; then one class is re-filed in the other's trade (W15 needs such a pair)."""
    claimed = [c for c in classes if claim_day(c, window)]
    for i, a in enumerate(claimed):
        for b in claimed[i + 1 :]:
            same = (a.occupation_code, a.level) == (b.occupation_code, b.level)
            if same and a.institution_id != b.institution_id:
                return
    pairs = [(a, b) for a in claimed for b in claimed if a.institution_id < b.institution_id]
    if pairs:
        a, b = pairs[int(rng.integers(0, len(pairs)))]
        retrain(b, a.occupation_code, a.level)


def _overlap(a: list, b: list) -> bool:
    if not a or not b or a[-1].ends_at <= b[0].starts_at or b[-1].ends_at <= a[0].starts_at:
        return False
    return any(s.starts_at < t.ends_at and t.starts_at < s.ends_at for s in a for t in b)


def _double(rng, enroller, enrolments, a, b, tag, repeat_claim=False) -> None:
    donors = [e for e in enrolments[a.class_id] if e.tag in ("honest",) and e.subsidy_eligible]
    if not donors:
        return
    donor = donors[int(rng.integers(0, len(donors)))]
    person = enroller.persons[donor.id_number]
    if repeat_claim:
        donor.tag = REPEAT_CLAIM  # claimed for in A as well (attends A normally)
    e = enroller.add(b, person, tag, eligible=True)
    e.partner = donor.enrolment_id
    if repeat_claim and tag == GHOST:
        e.tag = GHOST
        e.partner = donor.enrolment_id
    enrolments[b.class_id].append(e)


def plant_ghosts(rng: np.random.Generator, cls: Class, enrolled: list) -> None:
    """W08: trainees on the list who mostly do not come, claimed for anyway."""
    if W08_GHOSTS in cls.behaviours:
        honest = [e for e in enrolled if e.tag == "honest"]
        for i in rng.choice(len(honest), size=min(len(honest), int(rng.integers(2, 5))),
                            replace=False).tolist():  # fmt: skip
            honest[i].tag = GHOST
            honest[i].subsidy_eligible = True
    if NM_ATTEND in cls.behaviours:
        honest = [e for e in enrolled if e.tag == "honest"]
        if honest:
            e = honest[int(rng.integers(0, len(honest)))]
            e.tag = NEAR_80
            e.subsidy_eligible = True
