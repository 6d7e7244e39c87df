"""A small, hand-shaped landing folder for warehouse tests when the simulator is not there.

Two districts, two months, two occupations; trainees who attend fully, arrive late, never
check out, stay away, or sit in two classes at once (the W04 shape); claims, inspections,
cameras, and one bad row so the quarantine is not empty. Deterministic for a seed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import random
from pathlib import Path

from stdnum.cn import ric, uscc

OCCUPATIONS = {"4-03-02-01": "中式烹调师", "4-10-01-02": "育婴员"}
SURNAMES = "张王李赵刘陈杨黄周吴"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def _id_number(rng: random.Random) -> str:
    county = rng.choice(["310104", "310115", "310112", "320102"])
    born = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randrange(0, 12000))
    base = f"{county}{born:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return base + ric.calc_check_digit(base + "0")


def _uscc(rng: random.Random) -> str:
    body = "91310104" + "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(9))
    return body + uscc.calc_check_digit(body + "0")


def _mobile(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "186"]) + f"{rng.randrange(0, 10**8):08d}"


def _write(landing: Path, rel: str, rows: list[dict], delivered: dt.datetime) -> None:
    path = landing / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")
    stamp = delivered.timestamp()
    os.utime(path, (stamp, stamp))


def _ts(value: dt.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S")


def write_landing(
    landing: Path, seed: int = 7, districts: tuple[str, str] = ("310104", "310115")
) -> Path:
    rng = random.Random(seed)
    delivered = dt.datetime(2026, 11, 2, 9, 0)
    people = [
        (_id_number(rng), rng.choice(SURNAMES) + rng.choice(GIVEN), _mobile(rng)) for _ in range(40)
    ]
    # two trainees enrol in two classes of one district whose sessions overlap (W04), and one
    # in both districts
    for district_no, district in enumerate(districts):
        insts, teachers, cameras, classes = [], [], [], []
        sessions, enrolments, attendance, claims, inspections = [], [], [], [], []
        for i in range(2):
            inst = f"I{district_no}{i}"
            insts.append(
                {
                    "institution_id": inst,
                    "uscc": _uscc(rng),
                    "name": f"上海{district_no}{i}职业技能培训学校",
                    "district_code": district,
                    "address": f"某路{i + 1}号",
                    "license_no": f"L{district}{i}",
                    "license_valid_until": "2028-12-31",
                    "status": "正常",
                    "contact_phone": _mobile(rng),
                }
            )
            cameras.append(
                {
                    "camera_id": f"CAM{district_no}{i}",
                    "institution_id": inst,
                    "room": "101",
                    "sim_iccid": f"8986{rng.randrange(10**15):015d}",
                    "installed_on": "2026-06-01",
                    "status": "在用",
                }
            )
            for t in range(2):
                tid = f"T{district_no}{i}{t}"
                teachers.append(
                    {
                        "teacher_id": tid,
                        "id_number": _id_number(rng),
                        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
                        "institution_id": inst,
                        "occupation_code": list(OCCUPATIONS)[t],
                        "cert_no": f"Z{rng.randrange(10**8):08d}",
                        "cert_level": "3",
                        "cert_valid_until": "2029-06-30",
                    }
                )
        # classes: two overlapping in September (same evening slot), one across the month end
        starts = [dt.date(2026, 9, 1), dt.date(2026, 9, 5), dt.date(2026, 9, 27)]
        for c, start in enumerate(starts):
            cid = f"C{district_no}{c}"
            occupation = list(OCCUPATIONS)[c % 2]
            inst = f"I{district_no}{c % 2}"
            day_list = [start + dt.timedelta(days=2 * k) for k in range(5)]
            classes.append(
                {
                    "class_id": cid,
                    "institution_id": inst,
                    "occupation_code": occupation,
                    "occupation_name": OCCUPATIONS[occupation],
                    "level": str(4 + c % 2),
                    "mode": "线下",
                    "filed_on": str(start - dt.timedelta(days=3)),
                    "start_date": str(start),
                    "end_date": str(day_list[-1]),
                    "planned_hours": "15",
                    "capacity": "30",
                    "site_address": "某路1号",
                    "camera_ids": f"CAM{district_no}{c % 2}",
                }
            )
            session_ids = []
            for k, day in enumerate(day_list):
                sid = f"S{district_no}{c}{k}"
                begin = dt.datetime.combine(day, dt.time(18, 0))
                session_ids.append((sid, begin, begin + dt.timedelta(hours=3)))
                sessions.append(
                    {
                        "session_id": sid,
                        "class_id": cid,
                        "teacher_id": f"T{district_no}{c % 2}{c % 2}",
                        "starts_at": _ts(begin),
                        "ends_at": _ts(begin + dt.timedelta(hours=3)),
                        "hours": "3",
                        "room": "101",
                    }
                )
            # trainees: 6 per class; the pool overlaps between classes 0 and 1 (persons 4, 5)
            members = list(range(c * 4, c * 4 + 6))
            if district_no == 1:
                members = [m + 12 for m in members] + [0]  # person 0 also trains in district 2
            for n, person in enumerate(members):
                pid, name, phone = people[person]
                eid = f"E{district_no}{c}{n}"
                enrolments.append(
                    {
                        "enrolment_id": eid,
                        "class_id": cid,
                        "id_number": pid,
                        "name": name,
                        "phone": phone,
                        "enrolled_on": str(start - dt.timedelta(days=rng.randrange(1, 6))),
                        "subsidy_eligible": "Y" if n % 3 else "N",
                    }
                )
                habit = n % 6  # 0-2 full, 3 late, 4 never checks out, 5 mostly absent
                for k, (sid, begin, end) in enumerate(session_ids):
                    if habit == 5 and k > 0:
                        continue
                    late = dt.timedelta(minutes=60 if habit == 3 else rng.randrange(0, 8))
                    rec = f"R{sid}{n}"
                    face = rng.random() < 0.7
                    common = {
                        "class_id": cid,
                        "session_id": sid,
                        "id_number": pid,
                        "method": "人脸" if face else "刷卡",
                        "face_score": f"{rng.uniform(0.8, 0.99):.2f}" if face else "",
                        "photo_id": f"P{rec}" if face else "",
                        "device_id": f"D{district_no}{c}",
                    }
                    attendance.append(
                        {
                            "record_id": rec + "i",
                            **common,
                            "kind": "签到",
                            "checked_at": _ts(begin + late - dt.timedelta(minutes=5)),
                        }
                    )
                    if habit != 4:
                        attendance.append(
                            {
                                "record_id": rec + "o",
                                **common,
                                "kind": "签退",
                                "checked_at": _ts(end + dt.timedelta(minutes=rng.randrange(0, 5))),
                            }
                        )
                if c < 2 and habit in (0, 1, 3):
                    claims.append(
                        {
                            "claim_id": f"CL{eid}",
                            "enrolment_id": eid,
                            "class_id": cid,
                            "id_number": pid,
                            "amount": f"{1500 + 250 * habit + 100 * c}.00",
                            "claimed_on": str(day_list[-1] + dt.timedelta(days=3)),
                            "cert_no": f"Q{rng.randrange(10**8):08d}",
                        }
                    )
            inspections.append(
                {
                    "inspection_id": f"X{district_no}{c}",
                    "target_kind": "班级",
                    "target_id": cid,
                    "inspected_on": str(day_list[2]),
                    "result": "不合格" if c == 1 else "合格",
                    "findings": "签到人数与现场不符" if c == 1 else "",
                }
            )
        inspections.append(
            {
                "inspection_id": f"X{district_no}9",
                "target_kind": "机构",
                "target_id": f"I{district_no}0",
                "inspected_on": "2026-10-15",
                "result": "合格",
                "findings": "",
            }
        )
        # one enrolment with a malformed phone: quarantined, masked in the quarantine table
        bad = dict(enrolments[0], enrolment_id=f"E{district_no}BAD", phone="12345")
        for feed, rows in [
            ("institutions", insts),
            ("teachers", teachers),
            ("cameras", cameras),
            ("classes", classes),
            ("sessions", sessions),
            ("enrolments", [*enrolments, bad]),
            ("attendance", attendance),
            ("subsidy_claims", claims),
            ("inspections", inspections),
        ]:
            _write(landing, f"{district}/{feed}/{feed}_20261101.csv", rows, delivered)
    return landing
