"""Write delivery files in every form the interface standard allows, for hand-built cases
(the simulator makes whole cities). A module of its own: several test folders have a
conftest.py, so ``from conftest import`` would be ambiguous."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
from pathlib import Path

import xlsxwriter
from stdnum.cn import ric

from pipelines.contract import ALL_FEEDS
from pipelines.district_feeds.landing import SHANGHAI


def id_number(body17: str) -> str:
    """A valid resident ID number from its first 17 digits."""
    return body17 + ric.calc_check_digit(body17 + "0")


def write_delivery(
    landing: Path,
    district: str,
    feed: str,
    name: str,
    rows: list[dict[str, str]],
    fmt: str = "csv",
    encoding: str = "utf-8",
    chinese_headers: bool = False,
    delivered_at: dt.datetime | None = None,
) -> Path:
    """Write ``rows`` (values as strings, keyed by contract column name) as one delivery."""
    columns = ALL_FEEDS[feed].columns
    names = [c.name for c in columns if any(c.name in r for r in rows)] or [columns[0].name]
    headers = [next(c.zh for c in columns if c.name == n) if chinese_headers else n for n in names]
    source = ALL_FEEDS[feed].source
    folder = landing / ("operations" if source == "operations" else district) / feed
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([[r.get(n, "") for n in names] for r in rows])
        path.write_bytes(buf.getvalue().encode(encoding))
    elif fmt == "jsonl":
        lines = [
            json.dumps(
                dict(zip(headers, [r.get(n) for n in names], strict=True)), ensure_ascii=False
            )
            for r in rows
        ]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif fmt == "xlsx":
        book = xlsxwriter.Workbook(str(path))
        sheet = book.add_worksheet()
        sheet.write_row(0, 0, headers)
        for i, r in enumerate(rows, start=1):
            sheet.write_row(i, 0, [r.get(n, "") for n in names])
        book.close()
    when = delivered_at or dt.datetime(2026, 9, 2, 2, 0)
    stamp = when.replace(tzinfo=SHANGHAI).timestamp()  # naive = Asia/Shanghai local
    os.utime(path, (stamp, stamp))
    return path


def _stamp(path: Path, when: dt.datetime) -> None:
    stamp = when.replace(tzinfo=SHANGHAI).timestamp()  # naive = Asia/Shanghai local
    os.utime(path, (stamp, stamp))


def write_jsonl(path: Path, records: list[dict], delivered_at: dt.datetime) -> Path:
    """JSON Lines as the e-learning system and the camera network export them."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")
    _stamp(path, delivered_at)
    return path


def write_heartbeats(
    landing: Path, rows: list[dict], name: str, delivered_at: dt.datetime | None = None
) -> Path:
    """``<landing>/heartbeats/<name>``: rows of camera_id, ts, online, rssi_dbm."""
    return write_jsonl(landing / "heartbeats" / name, rows, delivered_at or dt.datetime.now())


def write_elearning(
    landing: Path,
    kind: str,
    rows: list[dict],
    name: str,
    delivered_at: dt.datetime | None = None,
) -> Path:
    """``<landing>/elearning/<kind>/<name>``, kind one of courses, events, plays,
    notifications (SCORM fields under their cmi.core.* names, as exported)."""
    return write_jsonl(
        landing / "elearning" / kind / name, rows, delivered_at or dt.datetime(2026, 9, 8, 2, 0)
    )


def write_frame(
    landing: Path,
    camera_id: str,
    captured_at: dt.datetime,
    seed: int = 0,
    uploaded_at: dt.datetime | None = None,
    size: tuple[int, int] = (320, 240),
) -> Path:
    """A real JPEG snapshot at ``<landing>/frames/<camera_id>/<YYYYMMDD>/<HHMMSS>.jpg``: a lit,
    textured classroom-like picture (sharp edges, no people), uploaded a minute later."""
    import cv2
    import numpy as np

    width, height = size
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), 150, np.uint8)
    for _ in range(12):  # desks and windows: rectangles of varied grey and colour
        x, y = int(rng.integers(0, width - 40)), int(rng.integers(0, height - 30))
        colour = tuple(int(v) for v in rng.integers(40, 230, 3))
        cv2.rectangle(image, (x, y), (x + int(rng.integers(20, 80)), y + 25), colour, -1)
    noise = rng.normal(0, 4, image.shape)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])
    assert ok
    path = landing / "frames" / camera_id / f"{captured_at:%Y%m%d}" / f"{captured_at:%H%M%S}.jpg"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buf.tobytes())
    _stamp(path, uploaded_at or captured_at + dt.timedelta(minutes=1))
    return path


# --- a small, complete district and its camera and e-learning data, written by hand from the
# interface standard (not by the simulator): the bricks of partial landings

SMALL_DISTRICT_DAYS = (dt.date(2026, 9, 7), dt.date(2026, 9, 9))


def _uscc(body: str) -> str:
    from stdnum.cn import uscc

    return body + uscc.calc_check_digit(body + "0")


def small_district_rows(district: str) -> dict[str, list[dict[str, str]]]:
    """One institution, teacher, camera and class; two evening sessions; three trainees who
    check in and out of both (face-verified); two claims; one inspection. Ids carry the
    district's last three digits, so districts never collide."""
    p = district[-3:]
    inst, cam, cls, teacher = f"I{p}1", f"CAM{p}1", f"C{p}1", f"T{p}1"
    days = SMALL_DISTRICT_DAYS
    rows: dict[str, list[dict[str, str]]] = {
        "institutions": [
            {
                "institution_id": inst,
                "uscc": _uscc(f"91{district}MA{p}AB12"),
                "name": f"上海{p}职业技能培训学校",
                "district_code": district,
                "address": "某路1号",
                "license_no": f"L{district}1",
                "license_valid_until": "2028-12-31",
                "status": "正常",
                "contact_phone": "13812345678",
            }
        ],
        "teachers": [
            {
                "teacher_id": teacher,
                "id_number": id_number(f"{district}19800101{p}"[:17]),
                "name": "王芳",
                "institution_id": inst,
                "occupation_code": "4-03-02-01",
                "cert_no": f"Z{p}0001",
                "cert_level": "3",
                "cert_valid_until": "2029-06-30",
            }
        ],
        "cameras": [
            {
                "camera_id": cam,
                "institution_id": inst,
                "room": "101",
                "sim_iccid": f"8986{district}{p}000001",
                "installed_on": "2026-06-01",
                "status": "在用",
            }
        ],
        "classes": [
            {
                "class_id": cls,
                "institution_id": inst,
                "occupation_code": "4-03-02-01",
                "occupation_name": "中式烹调师",
                "level": "4",
                "mode": "线下",
                "filed_on": "2026-09-01",
                "start_date": str(days[0]),
                "end_date": str(days[-1]),
                "planned_hours": "6",
                "capacity": "30",
                "site_address": "某路1号",
                "camera_ids": cam,
            }
        ],
        "sessions": [],
        "enrolments": [],
        "attendance": [],
        "subsidy_claims": [],
        "inspections": [
            {
                "inspection_id": f"X{p}1",
                "target_kind": "班级",
                "target_id": cls,
                "inspected_on": str(days[-1]),
                "result": "合格",
                "findings": "",
            }
        ],
    }
    for k, day in enumerate(days, start=1):
        rows["sessions"].append(
            {
                "session_id": f"S{p}{k}",
                "class_id": cls,
                "teacher_id": teacher,
                "starts_at": f"{day} 18:00:00",
                "ends_at": f"{day} 21:00:00",
                "hours": "3",
                "room": "101",
            }
        )
    for n in range(1, 4):
        person = id_number(f"{district}1990020{n}{p}"[:17])
        eid = f"E{p}{n}"
        rows["enrolments"].append(
            {
                "enrolment_id": eid,
                "class_id": cls,
                "id_number": person,
                "name": "李娜",
                "phone": f"1391234{p}{n}"[:11],
                "enrolled_on": "2026-09-02",
                "subsidy_eligible": "Y",
            }
        )
        for k, day in enumerate(days, start=1):
            for kind, at in (("签到", "17:55:00"), ("签退", "21:02:00")):
                rec = f"R{p}{k}{n}{'i' if kind == '签到' else 'o'}"
                rows["attendance"].append(
                    {
                        "record_id": rec,
                        "class_id": cls,
                        "session_id": f"S{p}{k}",
                        "id_number": person,
                        "kind": kind,
                        "checked_at": f"{day} {at}",
                        "method": "人脸",
                        "face_score": "0.93",
                        "photo_id": f"P{rec}",
                        "device_id": f"D{p}1",
                    }
                )
        if n < 3:
            rows["subsidy_claims"].append(
                {
                    "claim_id": f"CL{eid}",
                    "enrolment_id": eid,
                    "class_id": cls,
                    "id_number": person,
                    "amount": "1500.00",
                    "claimed_on": "2026-09-14",
                    "cert_no": f"Q{p}000{n}",
                }
            )
    return rows


def write_small_district(
    landing: Path,
    district: str,
    feeds: tuple[str, ...] | None = None,
    delivered_at: dt.datetime = dt.datetime(2026, 9, 10, 2, 0),
) -> list[Path]:
    """The small district's deliveries (``feeds``: a subset; None = all nine)."""
    return [
        write_delivery(landing, district, feed, f"{feed}_20260909.csv", rows, delivered_at=when)
        for feed, rows in small_district_rows(district).items()
        if feeds is None or feed in feeds
        for when in [delivered_at]
    ]


def write_small_camera_day(
    landing: Path, camera_ids: tuple[str, ...], day: dt.date = SMALL_DISTRICT_DAYS[0]
) -> dict[str, int]:
    """Frames (every 30 minutes of the 18:00-21:00 session) and heartbeats (every 5 minutes,
    17:00-22:00) of the given cameras on ``day``."""
    frames = heartbeats = 0
    rows = []
    for c, camera in enumerate(camera_ids):
        for k in range(7):
            at = dt.datetime.combine(day, dt.time(18, 0)) + dt.timedelta(minutes=30 * k)
            write_frame(landing, camera, at, seed=100 * c + k)
            frames += 1
        for k in range(61):
            at = dt.datetime.combine(day, dt.time(17, 0)) + dt.timedelta(minutes=5 * k)
            rows.append(
                {
                    "camera_id": camera,
                    "ts": f"{at:%Y-%m-%d %H:%M:%S}",
                    "online": True,
                    "rssi_dbm": -70,
                }  # fmt: skip
            )
            heartbeats += 1
    write_heartbeats(
        landing,
        rows,
        f"heartbeats_{day:%Y%m%d}.jsonl",
        delivered_at=dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30)),
    )
    return {"frames": frames, "heartbeats": heartbeats}


def write_small_elearning(landing: Path, learners: tuple[str, ...] = ("T1041",)) -> None:
    """A SCORM course and a public video course; each learner logs in, launches, commits and
    finishes the SCORM course in one session; two public plays; an enrolment notice."""
    day = dt.datetime(2026, 9, 7, 19, 0)
    iso = lambda t: t.isoformat(timespec="seconds") + "+08:00"  # noqa: E731
    write_elearning(
        landing,
        "courses",
        [
            {
                "course_id": "K1",
                "title": "职业道德",
                "hours": 2,
                "kind": "SCORM1.2",
                "public": False,
                "sco_count": 1,
            },
            {"course_id": "V1", "title": "安全用电", "hours": 1, "kind": "video", "public": True},
        ],  # fmt: skip
        "courses_20260907.jsonl",
    )
    events, notes = [], []
    for i, learner in enumerate(learners):
        t = day + dt.timedelta(minutes=10 * i)
        for j, (event, extra, minutes) in enumerate(
            [
                ("login", {}, 0),
                ("launch", {}, 1),
                (
                    "commit",
                    {
                        "cmi.core.lesson_status": "incomplete",
                        "cmi.core.session_time": "0000:50:00.00",
                    },
                    51,
                ),
                (
                    "commit",
                    {
                        "cmi.core.lesson_status": "completed",
                        "cmi.core.session_time": "0001:40:00.00",
                        "cmi.core.score.raw": 92,
                    },
                    101,
                ),
                ("finish", {}, 102),
            ]  # fmt: skip
        ):
            course = {} if event == "login" else {"course_id": "K1", "sco_id": "SCO1"}
            events.append(
                {"event_id": f"EV{i}{j}", "learner_id": learner, **course,
                 "ts": iso(t + dt.timedelta(minutes=minutes)), "event": event, **extra}
            )  # fmt: skip
        notes.append(
            {"notification_id": f"NT{i}", "learner_id": learner, "channel": "sms",
             "kind": "enrol", "sent_at": iso(t - dt.timedelta(days=1)), "status": "sent"}
        )  # fmt: skip
    write_elearning(landing, "events", events, "events_20260907.jsonl")
    write_elearning(landing, "notifications", notes, "notifications_20260906.jsonl")
    plays = [
        {"play_id": f"PL{k}", "course_id": "V1", "viewer_id": f"VW{k}",
         "started_at": iso(day + dt.timedelta(hours=k)), "watched_seconds": 600 * (k + 1),
         "duration_seconds": 1800, "device": "pc" if k else "mobile"}
        for k in range(2)
    ]  # fmt: skip
    write_elearning(landing, "plays", plays, "plays_20260907.jsonl")


# --- online learning (a district feed) and the operations feeds (the camera operator's work
# orders and the service desk's tickets at <landing>/operations/<feed>/), written from the
# standard's section "Online training, device operations, courseware and service desk"


def online_record(record_id: str, class_id: str, person: str, start: str, minutes: int,
                  module: str = "M1", module_minutes: int = 60, progress: str = "100",
                  device: str = "PC1", ip: str = "202.96.13.7", checks: str = "2",
                  failures: str = "0") -> dict[str, str]:  # fmt: skip
    """One online learning record of ``minutes`` from ``start`` (YYYY-MM-DD HH:MM:SS)."""
    begin = dt.datetime.fromisoformat(start)
    return {
        "record_id": record_id,
        "class_id": class_id,
        "id_number": person,
        "module_id": module,
        "started_at": f"{begin:%Y-%m-%d %H:%M:%S}",
        "ended_at": f"{begin + dt.timedelta(minutes=minutes):%Y-%m-%d %H:%M:%S}",
        "module_minutes": str(module_minutes),
        "progress_pct": progress,
        "device_id": device,
        "ip": ip,
        "face_checks": checks,
        "face_failures": failures,
    }


def write_online_learning(
    landing: Path,
    district: str,
    rows: list[dict[str, str]],
    name: str = "online_learning_20260909.csv",
    **kw,
) -> Path:
    """``<landing>/<district>/online_learning/<name>`` (any format of write_delivery)."""
    return write_delivery(landing, district, "online_learning", name, rows, **kw)


def write_work_orders(
    landing: Path, rows: list[dict[str, str]], name: str = "work_orders_20260910.csv", **kw
) -> Path:
    """``<landing>/operations/work_orders/<name>``: the camera operator's work orders."""
    return write_delivery(landing, "", "work_orders", name, rows, **kw)


def write_tickets(
    landing: Path, rows: list[dict[str, str]], name: str = "tickets_20260910.csv", **kw
) -> Path:
    """``<landing>/operations/tickets/<name>``: the service desk's tickets."""
    return write_delivery(landing, "", "tickets", name, rows, **kw)


def small_online_rows(district: str) -> list[dict[str, str]]:
    """A 混合 class's online part: the small district's three trainees each study two
    modules of 60 minutes in full, on their own PC, face-checked (a clean baseline)."""
    p = district[-3:]
    rows = []
    for n in range(1, 4):
        person = id_number(f"{district}1990020{n}{p}"[:17])
        for m in range(1, 3):
            rows.append(
                online_record(f"OL{p}{n}{m}", f"C{p}1", person, f"2026-09-0{6 + m} 09:{n}0:00",
                              62, module=f"M{m}", device=f"PC{p}{n}", ip=f"202.96.{n}.{m}")
            )  # fmt: skip
    return rows
