"""Fixtures for the data-quality tests: a hand-made landing of all 16 districts with known
bad rows (``PLANTED``), ingested once per session into a temporary warehouse and validated.

Every district gets its own people (ID numbers with the district's birthplace code, names,
phones), so a leak of one district's rows into another's e-mail is detectable.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from stdnum.cn import ric, uscc

from pipelines.contract import DISTRICTS

DATA_DAY = dt.date(2026, 9, 1)
ON_TIME = dt.datetime(2026, 9, 2, 2, 0)  # delivered the day after the data day
LATE = dt.datetime(2026, 9, 10, 2, 0)

_SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


@dataclass
class Landing:
    root: Path
    # (district, feed, file name) -> {row_number: {reason, ...}}
    planted: dict[tuple[str, str, str], dict[int, set[str]]] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)
    phones: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)

    def plant(self, district, feed, name, row, *reasons):
        self.planted.setdefault((district, feed, name), {}).setdefault(row, set()).update(reasons)


def _id_number(district: str, rng: random.Random) -> str:
    born = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(14000))
    base = f"{district}{born:%Y%m%d}{rng.randrange(100, 999)}"
    return base + ric.calc_check_digit(base + "0")


def _bad_check_digit(number: str) -> str:
    return number[:-1] + ("0" if number[-1] != "0" else "1")


def _uscc(district: str, serial: int) -> str:
    base = f"52{district}MJ{serial:07d}"[:17]
    return base + uscc.calc_check_digit(base)


def _write(path: Path, lines: list[str], when: dt.datetime, encoding="utf-8") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    os.utime(path, (when.timestamp(), when.timestamp()))


def make_landing(root: Path, seed: int = 3) -> Landing:
    """All 16 districts; in each, the same kinds of planted defects at known rows."""
    rng = random.Random(seed)
    land = Landing(root)
    for n, d in enumerate(DISTRICTS):
        people = [_id_number(d, rng) for _ in range(4)]
        names = [rng.choice(_SURNAMES) + rng.choice(_GIVEN) + rng.choice(_GIVEN) for _ in people]
        phones = [f"139{n:02d}{i:06d}" for i in range(len(people))]
        land.ids.update(people)
        land.names.update(names)
        land.phones.update(phones)
        base = root / d

        _write(
            base / "institutions" / "institutions_20260901.csv",
            [
                "机构编号,统一社会信用代码,机构名称,所属区,状态,联系电话",
                f"I{d}-1,{_uscc(d, 1)},{DISTRICTS[d]}甲培训学校,{d},正常,{phones[0]}",
                f"I{d}-2,{_uscc(d, 2)[:-1]}*,{DISTRICTS[d]}乙培训学校,{d},正常,",
            ],
            ON_TIME,
            encoding="gb18030",
        )
        land.plant(d, "institutions", "institutions_20260901.csv", 2, "BAD_USCC")

        _write(
            base / "classes" / "classes_20260901.csv",
            [
                "class_id,institution_id,occupation_code,level,mode,filed_on,start_date,"
                "end_date,planned_hours,capacity",
                f"C{d}-1,I{d}-1,4-03-02-01,4,线下,2026-08-31,2026-09-01,2026-10-30,80,30",
                f"C{d}-2,I{d}-1,4-03-02-01,4,线下,2026-08-31,2026-10-01,2026-09-01,80,30",
                f"C{d}-3,I{d}-1,4-03-02-01,4,函授,2026-08-31,2026-09-01,2026-10-30,80,30",
                f"C{d}-4,I{d}-9,4-03-02-01,9,线下,2026/08/31,2026-09-01,2026-10-30,80,30",
            ],
            ON_TIME,
        )
        land.plant(d, "classes", "classes_20260901.csv", 2, "DATE_ORDER")
        land.plant(d, "classes", "classes_20260901.csv", 3, "BAD_CODE")
        land.plant(d, "classes", "classes_20260901.csv", 4, "MISSING_REFERENCE", "OUT_OF_RANGE")

        _write(
            base / "sessions" / "sessions_20260901.csv",
            [
                "session_id,class_id,teacher_id,starts_at,ends_at,hours,room",
                f"S{d}-1,C{d}-1,T1,2026-09-01 18:00,2026-09-01 21:00,3,101",
                f"S{d}-2,C{d}-1,T1,2026-08-20 18:00,2026-08-20 21:00,3,101",
                f"S{d}-3,C{d}-9,T1,2026-09-01 18:00,2026-09-01 21:00,3,101",
                f"S{d}-1,C{d}-1,T1,2026-09-01 18:00,2026-09-01 21:00,3,101",
                f"S{d}-5,C{d}-1,T1,2026-09-01 25:00,2026-09-01 21:00,3,101",
            ],
            ON_TIME,
        )
        land.plant(d, "sessions", "sessions_20260901.csv", 2, "SESSION_OUTSIDE_CLASS")
        land.plant(d, "sessions", "sessions_20260901.csv", 3, "MISSING_REFERENCE")
        land.plant(d, "sessions", "sessions_20260901.csv", 4, "DUPLICATE_KEY")
        land.plant(d, "sessions", "sessions_20260901.csv", 5, "BAD_TIMESTAMP")

        _write(
            base / "enrolments" / "enrolments_20260901.csv",
            [
                "enrolment_id,class_id,id_number,name,phone,enrolled_on,subsidy_eligible",
                f"E{d}-1,C{d}-1,{people[0]},{names[0]},{phones[0]},2026-09-01,是",
                f"E{d}-2,C{d}-1,{people[1]},{names[1]},{phones[1]},2026-09-01,否",
                f"E{d}-3,C{d}-1,{_bad_check_digit(people[2])},{names[2]},{phones[2]},2026-09-01,Y",
                f"E{d}-4,C{d}-1,{people[3]},{names[3]},1234567,2026-09-01,Y",
                f"E{d}-5,C{d}-1,{people[0]},,{phones[0]},2026-09-01,也许",
            ],
            ON_TIME,
        )
        land.plant(d, "enrolments", "enrolments_20260901.csv", 3, "BAD_ID_NUMBER")
        land.plant(d, "enrolments", "enrolments_20260901.csv", 4, "BAD_PHONE")
        land.plant(d, "enrolments", "enrolments_20260901.csv", 5, "REQUIRED_MISSING", "BAD_BOOL")

        _write(
            base / "attendance" / "attendance_20260901.csv",
            [
                "record_id,class_id,session_id,id_number,kind,checked_at,method,face_score,"
                "photo_id,device_id",
                f"R{d}-1,C{d}-1,S{d}-1,{people[0]},签到,2026-09-01 17:58:03,人脸,0.91,P1,D1",
                f"R{d}-2,C{d}-1,S{d}-1,{people[1]},签到,2026-09-01 17:59:03,人脸,1.3,P2,D1",
                f"R{d}-3,C{d}-1,S{d}-1,{people[2]},签到,2026-09-01 17:59:30,刷卡,,P3,D1",
                f"R{d}-4,C{d}-2,S{d}-1,{people[0]},签退,2026-09-01 21:01:00,人脸,0.9,P4,D1",
                f"R{d}-5,C{d}-1,S{d}-1,{people[1]},签退,2026-09-01 21:02:00,刷卡,0.8,P5,D1",
                f"R{d}-6,C{d}-1,S{d}-1,{people[0]},上课,2026-09-01 21:03:00,人脸,0.9,P6,D1",
                f"R{d}-7,C{d}-1,S{d}-1,{people[0]},签到",
            ],
            ON_TIME,
        )
        # people[2]'s enrolment is quarantined (bad check digit), so they are not enrolled in
        # bronze; people[3]'s bad phone is only a warning and costs them nothing
        land.plant(d, "attendance", "attendance_20260901.csv", 2, "OUT_OF_RANGE")
        land.plant(d, "attendance", "attendance_20260901.csv", 3, "NOT_ENROLLED")
        land.plant(d, "attendance", "attendance_20260901.csv", 4, "SESSION_CLASS_MISMATCH")
        land.plant(d, "attendance", "attendance_20260901.csv", 5, "FACE_SCORE_UNEXPECTED")
        land.plant(d, "attendance", "attendance_20260901.csv", 6, "BAD_CODE")
        land.plant(d, "attendance", "attendance_20260901.csv", 7, "RAGGED_ROW")

        _write(
            base / "subsidy_claims" / "claims_20260901.csv",
            [
                "claim_id,enrolment_id,class_id,id_number,amount,claimed_on,cert_no",
                f"K{d}-1,E{d}-1,C{d}-1,{people[0]},2800,2026-09-01,Z1",
                f"K{d}-2,E{d}-2,C{d}-1,{people[1]},3500,2026-09-01,Z2",
                f"K{d}-3,E{d}-2,C{d}-1,{people[1]},-5,2026-09-01,Z3",
                f"K{d}-4,E{d}-2,C{d}-1,{people[1]},100,2026-08-20,Z4",
            ],
            ON_TIME,
        )
        land.plant(d, "subsidy_claims", "claims_20260901.csv", 2, "OVER_SUBSIDY_CAP")
        land.plant(d, "subsidy_claims", "claims_20260901.csv", 3, "OUT_OF_RANGE")
        land.plant(d, "subsidy_claims", "claims_20260901.csv", 4, "LATE")

        (base / "inspections").mkdir(parents=True, exist_ok=True)
        good = {
            "inspection_id": f"X{d}-1",
            "target_kind": "班级",
            "target_id": f"C{d}-1",
            "inspected_on": "2026-09-01",
            "result": "合格",
        }
        lines = [json.dumps(good, ensure_ascii=False), f'{{"inspection_id": "X{d}-2", broken']
        _write(base / "inspections" / "inspections_20260901.jsonl", lines, ON_TIME)
        land.plant(d, "inspections", "inspections_20260901.jsonl", 2, "BAD_JSON")
    _write(root / "310101" / "attendance" / "empty.csv", [], ON_TIME)
    land.plant("310101", "attendance", "empty.csv", 0, "EMPTY_FILE")
    return land


@pytest.fixture(scope="session")
def landing(tmp_path_factory) -> Landing:
    return make_landing(tmp_path_factory.mktemp("quality") / "landing")


@pytest.fixture(scope="session")
def validated(landing, tmp_path_factory):
    """The landing ingested and validated once: (settings, ingest summary, validation summary)."""
    from expectations.validate import validate_pending
    from pipelines.district_feeds.ingest import ingest
    from pipelines.settings import get_settings

    settings = get_settings(tmp_path_factory.mktemp("quality") / "wh", landing.root)
    summary = ingest(settings, run_id="runquality1")
    validation = validate_pending(settings, run_id="runquality1")
    return settings, summary, validation
