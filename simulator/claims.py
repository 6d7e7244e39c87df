"""Subsidy claims (补贴申领) after a class ends, and spot-check (抽查) results."""

from __future__ import annotations

import datetime as dt

import numpy as np

from pipelines.contract import SUBSIDY_CAP_BY_LEVEL
from simulator.scales import Scale, Window
from simulator.schedule import Class
from simulator.trainees import GHOST, REPEAT_CLAIM, Enrolment

PASS_RATE = 0.9  # share of trainees who obtain the certificate


def make_claims(
    rng: np.random.Generator,
    scale: Scale,
    window: Window,
    cls: Class,
    enrolled: list[Enrolment],
    attended: np.ndarray,
    seq: dict[str, int],
) -> list[dict]:
    if cls.end_date >= window.end:
        return []
    cap = SUBSIDY_CAP_BY_LEVEL[cls.level]
    # the district's subsidy standard for the class: a fixed share of the cap
    standard = round(cap * float(rng.uniform(0.5, 0.95)), -1)
    out = []
    for e, hours in zip(enrolled, attended.tolist(), strict=True):
        forced = e.tag in (GHOST, REPEAT_CLAIM)
        honest_ok = hours >= 0.8 * cls.planned_hours and rng.random() < PASS_RATE
        if not e.subsidy_eligible or not (forced or honest_ok):
            continue
        lag = 1 if scale.tiny else int(rng.integers(2, 21))
        claimed_on = cls.end_date + dt.timedelta(days=lag)
        if claimed_on > window.end:
            if not forced:
                continue
            claimed_on = window.end
        d = cls.district_code
        seq[d] = seq.get(d, 0) + 1
        # some districts pay the full cap: exactly at the cap is legal (a boundary case)
        amount = cap if rng.random() < 0.03 else standard
        out.append(
            {
                "claim_id": f"SB{d}{seq[d]:06d}",
                "enrolment_id": e.enrolment_id,
                "class_id": cls.class_id,
                "id_number": e.id_number,
                "amount": float(amount),
                "claimed_on": claimed_on,
                "cert_no": None
                if rng.random() < 0.02
                else f"{claimed_on.year}{d}{int(rng.integers(0, 10**8)):08d}",
                "district_code": d,
            }
        )
    return out


FINDINGS_BAD = ("签到人数与现场人数不符", "现场未见授课教师", "实际课时少于课表", "学员代签到")
FINDINGS_OK = ("", "未发现问题", "现场秩序良好")


def make_inspections(
    rng: np.random.Generator, window: Window, district: str, classes: list[Class], weeks: int
) -> list[dict]:
    out = []
    running = [c for c in classes if c.district_code == district and c.sessions]
    if not running:
        return out
    n = max(1, weeks)
    for k in range(n):
        cls = running[int(rng.integers(0, len(running)))]
        day = cls.sessions[int(rng.integers(0, len(cls.sessions)))].starts_at.date()
        if day > window.end:
            day = window.end
        day = max(day, window.start)
        kind = ("班级", "考勤", "机构")[int(rng.choice(3, p=[0.5, 0.3, 0.2]))]
        target = {
            "班级": cls.class_id,
            "考勤": cls.sessions[0].session_id,
            "机构": cls.institution_id,
        }[kind]
        cheats = any(not b.startswith("NM_") for b in cls.behaviours)
        bad = rng.random() < (0.5 if cheats else 0.05)
        out.append(
            {
                "inspection_id": f"CC{district}{k + 1:05d}",
                "target_kind": kind,
                "target_id": target,
                "inspected_on": day,
                "result": "不合格" if bad else "合格",
                "findings": (FINDINGS_BAD if bad else FINDINGS_OK)[
                    int(rng.integers(0, len(FINDINGS_BAD if bad else FINDINGS_OK)))
                ]
                or None,
                "district_code": district,
            }
        )
    return out
