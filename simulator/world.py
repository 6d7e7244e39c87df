"""The simulated city in memory: every feed as a typed frame, before any file is written.

Order matters and mirrors reality: master data, then classes are filed, cheating is
planned, people enrol, sessions are attended, classes end and are claimed for.
Each stage draws from its own random stream, so changing one stage leaves the others as
they were.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.contract import DISTRICT_CODES, DISTRICT_FEEDS
from simulator import claims, fraud, geography, habits, people
from simulator.attendance import class_attendance
from simulator.classes import in_window, make_classes
from simulator.institutions import (
    Camera,
    Institution,
    Teacher,
    add_room,
    add_teacher,
    make_institutions,
)
from simulator.occupations import OCCUPATIONS
from simulator.scales import Scale, Window
from simulator.schedule import Calendar, Class
from simulator.trainees import Enroller, Enrolment

STAGES = ("master", "classes", "fraud", "enrol", "attend", "claims", "deliver", "defects")


def stream(seed: int, stage: str) -> np.random.Generator:
    return np.random.default_rng([seed, STAGES.index(stage)])


@dataclass
class World:
    scale: Scale
    window: Window
    seed: int
    districts: tuple[str, ...]
    institutions: list[Institution]
    teachers: list[Teacher]
    cameras: list[Camera]
    classes: list[Class]
    plan: fraud.Plan
    # typed frames per feed: contract columns + district_code + _day (the file's data day)
    frames: dict[str, pl.DataFrame] = field(default_factory=dict)
    # attendance rows the districts never delivered (W14: a day with sessions, no file)
    missing_attendance: list[tuple[str, dt.date]] = field(default_factory=list)
    # share of classes carrying planted fraud; None = the dense test city (prevalence.py)
    fraud_rate: float | None = None


def build(scale: Scale, window: Window, seed: int, fraud_rate: float | None = None) -> World:
    districts = habits.one_district_per_habit() if scale.one_district_per_habit else DISTRICT_CODES
    rng = stream(seed, "master")
    registry = people.IdRegistry(rng)
    institutions: list[Institution] = []
    teachers: list[Teacher] = []
    cameras: list[Camera] = []
    camera_seq: dict[str, int] = {}
    teacher_seq: dict[str, int] = {}
    used_names: set[str] = set()
    by_trade: dict[tuple[str, str], list[Teacher]] = {}
    span = (window.start, window.end)

    def new_teacher(inst: Institution, occ: str) -> Teacher:
        t = add_teacher(rng, inst, occ, registry, teachers, teacher_seq, span)
        by_trade.setdefault((inst.institution_id, occ), []).append(t)
        return t

    def new_room(inst: Institution):
        return add_room(rng, inst, cameras, camera_seq, window.start)

    for d in districts:
        lo, hi = scale.institutions_per_district
        n = int(round(rng.integers(lo, hi + 1) * (geography.WEIGHT[d] if hi > 10 else 1)))
        insts = make_institutions(rng, d, max(n, 2), window.start, used_names)
        for inst in insts:
            for _ in range(int(rng.integers(1, 4))):
                new_room(inst)
            for occ in inst.occupations:
                for _ in range(2):
                    new_teacher(inst, occ)
        # a few institutions are suspended or closed: listed, but run no classes
        if len(insts) > 6:
            for i in rng.choice(len(insts), size=max(1, len(insts) // 40), replace=False):
                insts[int(i)].status = ("暂停", "注销")[int(rng.integers(0, 2))]
        institutions.extend(insts)

    rng_c = stream(seed, "classes")
    calendar = Calendar()
    classes: list[Class] = []
    for d in districts:
        lo, hi = scale.classes_per_district
        n = int(rng_c.integers(lo, hi + 1))
        if hi > 10:
            n = int(round(n * geography.WEIGHT[d]))
        insts = [i for i in institutions if i.district_code == d]
        classes += make_classes(
            rng_c, scale, window, d, insts, n, calendar,
            lambda inst, occ: by_trade.setdefault((inst.institution_id, occ), []),
            new_teacher, new_room,
        )  # fmt: skip

    inst_by_id = {i.institution_id: i for i in institutions}
    teacher_by_id = {t.teacher_id: t for t in teachers}
    rng_f = stream(seed, "fraud")

    def other_trade_teacher(inst: Institution, occ: str) -> Teacher:
        others = [t for t in teachers if t.institution_id == inst.institution_id
                  and t.occupation_code != occ]  # fmt: skip
        if others:
            return others[int(rng_f.integers(0, len(others)))]
        other = next(o.code for o in OCCUPATIONS if o.code != occ)
        t = new_teacher(inst, other)
        teacher_by_id[t.teacher_id] = t
        return t

    plan = fraud.plan_classes(rng_f, scale, window, classes, inst_by_id, teacher_by_id,
                              other_trade_teacher, fraud_rate)  # fmt: skip

    def retrain(cls: Class, occupation: str, level: int) -> None:
        inst = inst_by_id[cls.institution_id]
        if occupation not in inst.occupations:
            inst.occupations = (*inst.occupations, occupation)
        t = new_teacher(inst, occupation)  # a new hire: free, and certified for the trade
        teacher_by_id[t.teacher_id] = t
        cls.occupation_code, cls.level = occupation, level
        for s in cls.sessions:
            s.teacher_id = t.teacher_id

    fraud.ensure_repeat_pair(rng_f, window, classes, retrain)
    world = World(scale, window, seed, districts, institutions, teachers, cameras, classes, plan,
                  fraud_rate=fraud_rate)  # fmt: skip
    _people_and_attendance(world, seed)
    _master_updates(world, seed)
    return world


def _people_and_attendance(world: World, seed: int) -> None:
    scale, window = world.scale, world.window
    rng = stream(seed, "enrol")
    registry = people.IdRegistry(rng)
    enroller = Enroller(rng, registry, window)
    enrolled: dict[str, list[Enrolment]] = {}
    for cls in sorted(world.classes, key=lambda c: (c.start_date, c.class_id)):
        if fraud.W16_OVER in cls.behaviours:
            n = cls.capacity + int(rng.integers(2, 7))
        elif fraud.NM_CAPACITY in cls.behaviours:
            n = cls.capacity
        else:
            n = int(round(cls.capacity * rng.uniform(0.62, 0.98)))
        enrolled[cls.class_id] = enroller.enrol_class(cls, n)
    cheating = None if world.fraud_rate is None else set(world.plan.cheating)
    fraud.plan_people(rng, scale, window, world.classes, enroller, enrolled, cheating)
    for cls in world.classes:
        fraud.plant_ghosts(rng, cls, enrolled[cls.class_id])

    rng_a = stream(seed, "attend")
    rng_k = stream(seed, "claims")
    parts: dict[str, list] = {}
    claim_rows: list[dict] = []
    claim_seq: dict[str, int] = {}
    enrol_rows = []
    for cls in world.classes:
        sessions = in_window(cls, window)
        rows, attended = class_attendance(rng_a, cls, sessions, enrolled[cls.class_id])
        for k, v in rows.items():
            parts.setdefault(k, []).append(v)
        claim_rows += claims.make_claims(
            rng_k, scale, window, cls, enrolled[cls.class_id], attended, claim_seq
        )
        enrol_rows += [e.__dict__ for e in enrolled[cls.class_id]]

    att = pl.DataFrame({k: np.concatenate(v) for k, v in parts.items()})
    att = att.with_columns(
        pl.col("checked_at").cast(pl.Datetime("us")),
        pl.col("face_score").fill_nan(None),
        pl.col("photo_id").replace("", None),
        pl.col("device_id").replace("", None),
    )
    # record ids follow the district system's own order: by time of the check-in
    att = att.sort("district_code", "checked_at", "session_id", "id_number", "kind")
    att = att.with_columns(
        (
            pl.lit("KQ")
            + pl.col("district_code")
            + (pl.int_range(1, pl.len() + 1).over("district_code")).cast(pl.String).str.zfill(8)
        ).alias("record_id"),
        pl.col("checked_at").dt.date().alias("_day"),
    )
    # W14: one district-day whose attendance never arrives (chosen among honest classes)
    cheat = {c.class_id for c in world.classes if c.behaviours}
    days = (
        att.filter(~pl.col("class_id").is_in(list(cheat)))
        .group_by("district_code", "_day")
        .agg(pl.col("class_id").n_unique().alias("n"))
        .join(
            att.filter(pl.col("class_id").is_in(list(cheat)))
            .select("district_code", "_day")
            .unique(),
            on=["district_code", "_day"],
            how="anti",
        )
        .filter(pl.col("_day") < window.end)
        .sort("district_code", "_day")
    )
    if days.height:
        n_missing = max(1, round(scale.fraud_share * days.height / 10))
        for i in sorted(rng_a.choice(days.height, size=min(n_missing, days.height),
                                     replace=False).tolist()):  # fmt: skip
            world.missing_attendance.append((days["district_code"][i], days["_day"][i]))
    world.frames["attendance"] = att
    enrol_schema = {**_schema("enrolments"), "tag": pl.String, "partner": pl.String}
    world.frames["enrolments"] = pl.DataFrame(enrol_rows, schema=enrol_schema).with_columns(
        pl.col("enrolled_on").alias("_day")
    )
    world.frames["subsidy_claims"] = pl.DataFrame(
        claim_rows or None, schema=_schema("subsidy_claims")
    ).with_columns(pl.col("claimed_on").alias("_day"))

    insp = []
    weeks = max(1, window.days // 7)
    for d in world.districts:
        insp += claims.make_inspections(rng_k, window, d, world.classes, weeks)
    world.frames["inspections"] = pl.DataFrame(insp, schema=_schema("inspections")).with_columns(
        pl.col("inspected_on").alias("_day")
    )

    cls_rows, ses_rows = [], []
    for cls in world.classes:
        cls_rows.append(
            {
                "class_id": cls.class_id,
                "institution_id": cls.institution_id,
                "occupation_code": cls.occupation_code,
                "occupation_name": cls.occupation_name,
                "level": cls.level,
                "mode": cls.mode,
                "filed_on": cls.filed_on,
                "start_date": cls.start_date,
                "end_date": cls.end_date,
                "planned_hours": cls.planned_hours,
                "capacity": cls.capacity,
                "site_address": cls.site_address,
                "camera_ids": ";".join(cls.camera_ids) or None,
                "district_code": cls.district_code,
                "_day": _class_day(cls, window),
            }
        )
        for s in in_window(cls, window):
            ses_rows.append(
                {
                    "session_id": s.session_id,
                    "class_id": cls.class_id,
                    "teacher_id": s.teacher_id,
                    "starts_at": s.starts_at,
                    "ends_at": s.ends_at,
                    "hours": round(s.hours, 1),
                    "room": cls.room,
                    "district_code": cls.district_code,
                    "_day": _class_day(cls, window),
                }
            )
    world.frames["classes"] = pl.DataFrame(cls_rows, schema=_schema("classes"))
    world.frames["sessions"] = pl.DataFrame(ses_rows, schema=_schema("sessions"))


def _class_day(cls: Class, window: Window) -> dt.date:
    """The day whose classes (and sessions) delivery carries the class."""
    if cls.filed_on is None:  # never filed: entered two days before it starts
        return max(window.start, cls.start_date - dt.timedelta(days=2))
    return cls.delivered_on or cls.filed_on


def _master_updates(world: World, seed: int) -> None:
    rng = stream(seed, "deliver")
    w = world.window
    day0 = w.start
    inst_rows = [{**_inst_row(i), "_day": day0} for i in world.institutions]
    inst_by_id = {i.institution_id: i for i in world.institutions}
    for day, iid, status in world.plan.status_changes:
        inst_rows.append({**_inst_row(inst_by_id[iid]), "status": status, "_day": day})
    # honest updates: a new contact phone now and then
    n_upd = max(1, w.days // 30) * len(world.districts) // 4 + 1
    # an update row repeats the whole record: never for an institution whose status changes
    changed = {iid for _, iid, _ in world.plan.status_changes}
    for _ in range(n_upd):
        inst = world.institutions[int(rng.integers(0, len(world.institutions)))]
        day = w.day(int(rng.integers(1, w.days)))
        if inst.institution_id in changed:
            continue
        changed.add(inst.institution_id)
        row = {**_inst_row(inst), "contact_phone": people.mobiles(rng, 1)[0], "_day": day}
        inst_rows.append(row)
    world.frames["institutions"] = pl.DataFrame(inst_rows, schema=_schema("institutions"))

    t_rows = [{**t.__dict__, "_day": day0} for t in world.teachers]
    for _ in range(n_upd):  # certificate renewals: a new number, a later validity
        t = world.teachers[int(rng.integers(0, len(world.teachers)))]
        if t.cert_valid_until < w.end + dt.timedelta(days=30):
            continue  # never renew a lapsed or lapsing certificate (W09 must stay true)
        day = w.day(int(rng.integers(1, w.days)))
        t_rows.append(
            {
                **t.__dict__,
                "cert_no": t.cert_no[:-3] + f"{int(rng.integers(0, 1000)):03d}",
                "cert_valid_until": t.cert_valid_until + dt.timedelta(days=365 * 3),
                "_day": day,
            }
        )
    world.frames["teachers"] = pl.DataFrame(t_rows, schema=_schema("teachers"))
    c_rows = [{**c.__dict__, "_day": day0} for c in world.cameras]
    for _ in range(n_upd):  # a replaced SIM card
        c = world.cameras[int(rng.integers(0, len(world.cameras)))]
        day = w.day(int(rng.integers(1, w.days)))
        iccid = "898611" + "".join(str(x) for x in rng.integers(0, 10, 14))
        c_rows.append({**c.__dict__, "sim_iccid": iccid, "_day": day})
    world.frames["cameras"] = pl.DataFrame(c_rows, schema=_schema("cameras"))
    for feed in ("institutions", "teachers", "cameras"):
        d_of = pl.col("institution_id").str.slice(2, 6)
        world.frames[feed] = world.frames[feed].with_columns(d_of.alias("district_code"))


def _inst_row(i: Institution) -> dict:
    return {k: v for k, v in i.__dict__.items() if k not in ("rooms", "occupations")}


_POLARS = {
    "str": pl.String,
    "int": pl.Int64,
    "dec": pl.Float64,
    "date": pl.Date,
    "ts": pl.Datetime("us"),
    "bool": pl.Boolean,
}


def _schema(feed: str) -> dict:
    f = DISTRICT_FEEDS[feed]
    schema = {c.name: _POLARS[c.type.value] for c in f.columns}
    return {**schema, "district_code": pl.String, "_day": pl.Date}
