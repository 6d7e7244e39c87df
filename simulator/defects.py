"""Planting row and file defects the ingest must quarantine, each one recorded exactly.

A defective row carries only its planted defect. To keep that true, most defects are
*extra* rows nobody references (a second check-in with a broken time, a new trainee with a
mistyped ID number), so quarantining them changes nothing else; defects on real rows are
only planted in files that a corrected ``_v2`` later replaces.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from pipelines.contract import SUBSIDY_CAP_BY_LEVEL, RowReason
from simulator import people
from simulator.deliveries import Delivery, redeliver
from simulator.institutions import break_uscc, make_uscc
from simulator.world import World, stream

R = RowReason


@dataclass
class Extra:
    """A row added to a file: typed values, string overrides, where it goes, why it is bad."""

    after: int  # inserted after this row index of the file's own rows (-1 = first)
    values: dict
    text: dict[str, str | None] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()


@dataclass
class Override:
    """String values replaced on one of the file's own rows."""

    index: int
    text: dict[str, str | None]
    reasons: tuple[str, ...]


def bad_date_text(fmt: str, year: int) -> str:
    """30 February in the habit's own date form: well shaped, but no such day."""
    return fmt.replace("%Y", str(year)).replace("%m", "02").replace("%d", "30")


def bad_hour(text: str) -> str:
    """A time of day with hour 27, keeping the habit's separators."""
    date, time = text.split(" ", 1)
    return f"{date} 27{time[2:]}"


class Planter:
    def __init__(self, world: World, deliveries: list[Delivery]):
        self.world = world
        self.deliveries = deliveries
        self.rng = stream(world.seed, "defects")
        self.registry = people.IdRegistry(self.rng)
        self.seq = 0
        self.level = {c.class_id: c.level for c in world.classes}
        self.reserved: set[int] = set()

    def new_seq(self) -> int:
        self.seq += 1
        return self.seq

    def targets(self, feed: str, formats: tuple[str, ...] = ()) -> list[Delivery]:
        return [
            d
            for d in self.deliveries
            if d.feed == feed
            and d.rows.height > 0
            and d.version == 1
            and not d.oddity
            and id(d) not in self.reserved
            and (not formats or d.habit.format in formats)
        ]

    def count(self, feed: str) -> int:
        scale = self.world.scale
        rows = self.world.frames[feed].height
        return max(scale.min_defects_per_kind, round(scale.defect_rate * rows))

    def template(self, d: Delivery) -> tuple[int, dict]:
        i = int(self.rng.integers(0, d.rows.height))
        return i, d.rows.row(i, named=True)

    def person(self, day: dt.date) -> tuple[str, str]:
        return self.registry.draw(1, day)[0], people.names(self.rng, 1)[0]


def plant(world: World, deliveries: list[Delivery]) -> list[Delivery]:
    """Mutates deliveries in place; returns the list with re-deliveries and odd files added."""
    p = Planter(world, deliveries)
    _file_oddities(p)
    for feed, kinds in KINDS.items():
        for make in kinds:
            pool = p.targets(feed, getattr(make, "formats", ()))
            if not pool:
                continue
            for _ in range(p.count(feed)):
                # a kind that owns its file's last line (truncated CSV, broken JSON) reserves
                # the file: a second one there would leave a whole, legal row that the truth
                # calls broken (the ingest rightly accepts it: a duplicate punch, new id)
                pool = [d for d in pool if id(d) not in p.reserved]
                if not pool:
                    break
                d = pool[int(p.rng.integers(0, len(pool)))]
                make(p, d)
    _fixed_later(p)
    return p.deliveries


# ---- attendance -----------------------------------------------------------------------


def _att_new(p: Planter, d: Delivery) -> tuple[int, dict]:
    i, row = p.template(d)
    return i, {**row, "record_id": f"KQ{d.district}9{p.new_seq():07d}"}


def att_missing_session(p, d):
    i, row = _att_new(p, d)
    row["session_id"] = f"{row['class_id']}-9{p.new_seq() % 100:02d}"
    d.extras.append(Extra(i, row, reasons=(R.MISSING_REFERENCE,)))


def att_not_enrolled(p, d):
    i, row = _att_new(p, d)
    row["id_number"] = p.person(d.day)[0]
    # the stranger's own punch: the template's photo would also plant a photo reuse (W05)
    # now that such check-ins are accepted (a warning, W17's evidence)
    row["photo_id"] = ""
    d.extras.append(Extra(i, row, reasons=(R.NOT_ENROLLED,)))


def att_duplicate(p, d):
    i, row = p.template(d)
    after = int(p.rng.integers(i, d.rows.height))
    d.extras.append(Extra(after, row, reasons=(R.DUPLICATE_KEY,)))


def att_face_range(p, d):
    i, row = _att_new(p, d)
    row.update(method="人脸", face_score=1.3, photo_id=str(people.hex_ids(p.rng, 1, "P")[0]))
    d.extras.append(Extra(i, row, reasons=(R.OUT_OF_RANGE,)))


def att_bad_ts(p, d):
    i, row = _att_new(p, d)
    d.extras.append(Extra(i, row, text={"checked_at": bad_hour}, reasons=(R.BAD_TIMESTAMP,)))


def att_bad_code(p, d):
    i, row = _att_new(p, d)
    row.update(method="指纹", face_score=None, photo_id=None)
    d.extras.append(Extra(i, row, reasons=(R.BAD_CODE,)))


def att_required(p, d):
    i, row = _att_new(p, d)
    row["kind"] = None
    d.extras.append(Extra(i, row, reasons=(R.REQUIRED_MISSING,)))


def att_truncated(p, d):
    _, row = _att_new(p, d)
    d.extras.append(Extra(10**9, row, reasons=(R.RAGGED_ROW,)))
    d.truncate_last = True
    p.reserved.add(id(d))


att_truncated.formats = ("csv",)


def att_broken_json(p, d):
    _, row = _att_new(p, d)
    d.extras.append(Extra(10**9, row, reasons=(R.BAD_JSON,)))
    d.broken_json_last = True
    p.reserved.add(id(d))


att_broken_json.formats = ("jsonl",)


# ---- enrolments -----------------------------------------------------------------------


def _enr_new(p: Planter, d: Delivery) -> tuple[int, dict]:
    i, row = p.template(d)
    pid, name = p.person(d.day)
    phone = people.mobiles(p.rng, 1)[0]
    return i, {
        **row,
        "enrolment_id": f"BM{d.district}9{p.new_seq():05d}",
        "id_number": pid,
        "name": name,
        "phone": phone,
    }


def enr_bad_id(p, d):
    i, row = _enr_new(p, d)
    row["id_number"] = people.break_check_digit(row["id_number"])
    d.extras.append(Extra(i, row, reasons=(R.BAD_ID_NUMBER,)))


def enr_bad_phone(p, d):
    i, row = _enr_new(p, d)
    row["phone"] = people.bad_mobile(p.rng)
    d.extras.append(Extra(i, row, reasons=(R.BAD_PHONE,)))


def enr_bad_date(p, d):
    i, row = _enr_new(p, d)
    text = bad_date_text(d.habit.date_fmt, d.day.year)
    d.extras.append(Extra(i, row, text={"enrolled_on": lambda _s, t=text: t},
                          reasons=(R.BAD_DATE,)))  # fmt: skip


def enr_missing_class(p, d):
    i, row = _enr_new(p, d)
    row["class_id"] = f"BJ{d.district}99999"
    d.extras.append(Extra(i, row, reasons=(R.MISSING_REFERENCE,)))


def enr_required(p, d):
    i, row = _enr_new(p, d)
    row["name"] = None
    d.extras.append(Extra(i, row, reasons=(R.REQUIRED_MISSING,)))


def enr_duplicate(p, d):
    i, row = p.template(d)
    after = int(p.rng.integers(i, d.rows.height))
    d.extras.append(Extra(after, row, reasons=(R.DUPLICATE_KEY,)))


# ---- master data ----------------------------------------------------------------------


def tea_bad_id(p, d):
    i, row = p.template(d)
    pid, name = p.person(d.day - dt.timedelta(days=3000))
    row.update(
        teacher_id=f"JS{d.district}9{p.new_seq():04d}",
        id_number=people.break_check_digit(pid),
        name=name,
    )
    d.extras.append(Extra(i, row, reasons=(R.BAD_ID_NUMBER,)))


def _inst_new(p: Planter, d: Delivery) -> tuple[int, dict]:
    i, row = p.template(d)
    return i, {
        **row,
        "institution_id": f"JG{d.district}9{p.new_seq():03d}",
        "uscc": make_uscc(p.rng, d.district),
        "name": row["name"].replace("上海", "上海新", 1),
    }


def ins_bad_uscc(p, d):
    i, row = _inst_new(p, d)
    row["uscc"] = break_uscc(row["uscc"])
    d.extras.append(Extra(i, row, reasons=(R.BAD_USCC,)))


def ins_bad_code(p, d):
    i, row = _inst_new(p, d)
    row["status"] = "停业整顿"
    d.extras.append(Extra(i, row, reasons=(R.BAD_CODE,)))


def cam_bad_date(p, d):
    i, row = p.template(d)
    row["camera_id"] = f"CAM{d.district}9{p.new_seq():03d}"
    text = bad_date_text(d.habit.date_fmt, d.day.year - 1)
    d.extras.append(Extra(i, row, text={"installed_on": lambda _s, t=text: t},
                          reasons=(R.BAD_DATE,)))  # fmt: skip


def cam_bad_code(p, d):
    i, row = p.template(d)
    row.update(camera_id=f"CAM{d.district}9{p.new_seq():03d}", status="维修中")
    d.extras.append(Extra(i, row, reasons=(R.BAD_CODE,)))


# ---- classes and sessions -------------------------------------------------------------


def _cls_new(p: Planter, d: Delivery) -> tuple[int, dict]:
    i, row = p.template(d)
    return i, {**row, "class_id": f"BJ{d.district}9{p.new_seq():04d}"}


def cls_date_order(p, d):
    i, row = _cls_new(p, d)
    row["start_date"], row["end_date"] = row["end_date"] + dt.timedelta(days=7), row["start_date"]
    d.extras.append(Extra(i, row, reasons=(R.DATE_ORDER,)))


def cls_bad_mode(p, d):
    i, row = _cls_new(p, d)
    row["mode"] = "网络"
    d.extras.append(Extra(i, row, reasons=(R.BAD_CODE,)))


def cls_level(p, d):
    i, row = _cls_new(p, d)
    row["level"] = 6
    d.extras.append(Extra(i, row, reasons=(R.OUT_OF_RANGE,)))


def cls_missing_inst(p, d):
    i, row = _cls_new(p, d)
    row["institution_id"] = f"JG{d.district}9999"
    d.extras.append(Extra(i, row, reasons=(R.MISSING_REFERENCE,)))


def _ses_new(p: Planter, d: Delivery) -> tuple[int, dict]:
    i, row = p.template(d)
    return i, {**row, "session_id": f"{row['class_id']}-8{p.new_seq() % 100:02d}"}


def ses_date_order(p, d):
    i, row = _ses_new(p, d)
    row["starts_at"], row["ends_at"] = row["ends_at"], row["starts_at"]
    d.extras.append(Extra(i, row, reasons=(R.DATE_ORDER,)))


def ses_bad_ts(p, d):
    i, row = _ses_new(p, d)
    d.extras.append(Extra(i, row, text={"starts_at": bad_hour}, reasons=(R.BAD_TIMESTAMP,)))


def ses_missing_class(p, d):
    # (an unknown teacher_id is not a reference defect in the contract: it is a W09 finding)
    i, row = p.template(d)
    row["class_id"] = f"BJ{d.district}99999"
    row["session_id"] = f"BJ{d.district}99999-{p.new_seq() % 1000:03d}"
    d.extras.append(Extra(i, row, reasons=(R.MISSING_REFERENCE,)))


# ---- claims and inspections -----------------------------------------------------------


def clm_bad_date(p, d):
    i, row = p.template(d)
    row["claim_id"] = f"SB{d.district}9{p.new_seq():05d}"
    text = bad_date_text(d.habit.date_fmt, d.day.year)
    d.extras.append(Extra(i, row, text={"claimed_on": lambda _s, t=text: t},
                          reasons=(R.BAD_DATE,)))  # fmt: skip


def insp_bad_code(p, d):
    i, row = p.template(d)
    row.update(inspection_id=f"CC{d.district}9{p.new_seq():04d}", result="基本合格")
    d.extras.append(Extra(i, row, reasons=(R.BAD_CODE,)))


KINDS: dict[str, tuple[Callable, ...]] = {
    "attendance": (
        att_missing_session, att_not_enrolled, att_duplicate, att_face_range, att_bad_ts,
        att_bad_code, att_required, att_truncated, att_broken_json,
    ),
    "enrolments": (
        enr_bad_id, enr_bad_phone, enr_bad_date, enr_missing_class, enr_required,
        enr_duplicate,
    ),
    "teachers": (tea_bad_id,),
    "institutions": (ins_bad_uscc, ins_bad_code),
    "cameras": (cam_bad_date, cam_bad_code),
    "classes": (cls_date_order, cls_bad_mode, cls_level, cls_missing_inst),
    "sessions": (ses_date_order, ses_bad_ts, ses_missing_class),
    "subsidy_claims": (clm_bad_date,),
    "inspections": (insp_bad_code,),
}  # fmt: skip


# ---- defects on real rows, corrected by a later _v2 ----------------------------------


def _fixed_later(p: Planter) -> None:
    n = max(1, p.world.scale.min_defects_per_kind)
    for _ in range(n):
        pool = p.targets("subsidy_claims")
        if pool:
            d = pool[int(p.rng.integers(0, len(pool)))]
            i, row = p.template(d)
            cap = SUBSIDY_CAP_BY_LEVEL[p.level[row["class_id"]]]
            over = f"{cap + 800:.2f}"
            d.overrides.append(Override(i, {"amount": over}, (R.OVER_SUBSIDY_CAP,)))
            p.reserved.add(id(d))
            p.deliveries.append(redeliver(d))
        pool = [d for d in p.targets("enrolments") if d.rows["phone"].null_count() < d.rows.height]
        if pool:
            d = pool[int(p.rng.integers(0, len(pool)))]
            with_phone = [j for j, v in enumerate(d.rows["phone"].to_list()) if v is not None]
            i = with_phone[int(p.rng.integers(0, len(with_phone)))]
            # one digit dropped while typing; the district sends the file again corrected
            phone = d.rows["phone"][i]
            d.overrides.append(Override(i, {"phone": phone[:-1]}, (R.BAD_PHONE,)))
            p.reserved.add(id(d))
            p.deliveries.append(redeliver(d))


def _file_oddities(p: Planter) -> None:
    rng = p.rng
    att = p.targets("attendance")
    if att:  # garbage bytes under a .csv name, then the real file as _v2
        d = att[int(rng.integers(0, len(att)))]
        d.oddity = "garbage"
        p.deliveries.append(redeliver(d))
    zh_csv = [d for d in p.targets("enrolments", ("csv",)) if d.habit.header_lang == "zh"]
    if zh_csv:  # UTF-8 Chinese read as Latin-1 and saved again; then sent properly
        d = zh_csv[int(rng.integers(0, len(zh_csv)))]
        d.oddity = "mojibake"
        p.deliveries.append(redeliver(d))
    utf8 = [d for d in p.targets("enrolments", ("csv",)) if d.habit.encoding == "utf-8-sig"]
    if utf8:  # a GB18030 export from a UTF-8 district: encodings are detected, so fine
        d = utf8[int(rng.integers(0, len(utf8)))]
        d.oddity = "gb18030"
        p.reserved.add(id(d))
    insp = p.targets("inspections", ("csv",)) or p.targets("inspections")
    if insp:  # an empty file on a day with nothing to report
        src = insp[int(rng.integers(0, len(insp)))]
        day = src.day + dt.timedelta(days=1)
        taken = {(d.district, d.feed, d.day) for d in p.deliveries}
        while (src.district, "inspections", day) in taken:
            day += dt.timedelta(days=1)
        empty = Delivery(
            src.district,
            "inspections",
            day,
            src.rows.clear(),
            src.delivered_at + dt.timedelta(days=(day - src.day).days),
            oddity="empty",
        )
        p.deliveries.append(empty)


def garbage_bytes(rng: np.random.Generator, size: int = 3000) -> bytes:
    """Binary junk (NUL and 0xFF bytes: no text encoding decodes it as a table)."""
    raw = bytearray(rng.bytes(size))
    raw[0:4] = b"\x00\xff\x00\xfe"
    return bytes(raw)
