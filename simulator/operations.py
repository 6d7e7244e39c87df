"""Device work orders (设备工单) and service-desk tickets (客服工单) of a simulated city.

Reads the camera register a landing already holds (any format the standard allows) and
writes the operator's and the desk's city-level deliveries, as the interface standard places
them: ``<landing>/operations/work_orders/work_orders_<day>.csv`` (Chinese headers, as an
operator's export has them) and ``<landing>/operations/tickets/tickets_<day>.jsonl``.

Honest operations: every installed camera patrolled within the year, repairs done within the
48-hour service level, the odd relocation. Planted, deterministic for a seed, as rules D01
and D02 word them:

- D01 slow   - a repair done after more than 48 hours;
- D01 open   - a repair still open more than 48 hours at the end of the data;
- D02        - a camera installed over a year ago whose last patrol is older than a year,
               or that was never patrolled.

Tickets: a few contacts per district and week on every channel and category, most resolved
within hours, some repeating a problem within days; summaries name callers and give phone
numbers the way desk staff write them, so the masking has something to do. The truth goes
beside the landing (``truth_dir``): ``operations_fraud.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np

from pipelines.contract import ALL_FEEDS
from pipelines.contract.feeds import TICKET_CATEGORIES, TICKET_CHANNELS
from simulator.online import _column, _date
from simulator.people import names
from simulator.truth import write_planted
from simulator.writers import write

FRAUD_COLUMNS = ("rule_code", "pattern", "district_code", "camera_id", "order_id")
SLA_HOURS = 48  # the standard's service level for a repair
PATROL_DAYS = 365
# chances per camera over the simulated window
REPAIR_CHANCE = 0.2
RELOCATION_CHANCE = 0.03
# of the repairs, the planted overdue ones (half done late, half still open)
OVERDUE_SHARE = 0.12
# of the cameras installed over a year ago, those whose patrol lapsed
LAPSED_PATROL_SHARE = 0.06
TICKETS_PER_DISTRICT_WEEK = 1.5
CITY_LEVEL = "310000"  # a contact about a city-level system (e-learning, the desk itself)


def _cameras(landing: Path) -> list[dict[str, str]]:
    """The register's latest row per camera, with its district (the folder it came in)."""
    latest: dict[str, dict[str, str]] = {}
    for path in sorted(Path(landing).glob("31*/cameras/*")):
        names_ = ("camera_id", "institution_id", "installed_on", "status")
        for row in _column(path, "cameras", names_):
            latest[row["camera_id"]] = {**row, "district_code": path.parts[-3]}
    return [latest[c] for c in sorted(latest)]


def _ts(value: dt.datetime) -> str:
    return f"{value:%Y-%m-%d %H:%M:%S}"


def _phone(rng: np.random.Generator) -> str:
    return f"1{int(rng.choice([3, 5, 8, 9]))}{int(rng.integers(0, 10))}" + "".join(
        str(int(d)) for d in rng.integers(0, 10, size=8)
    )


def _at(rng: np.random.Generator, day: dt.date, start_hour: int = 8, end_hour: int = 18):
    minutes = int(rng.integers(start_hour * 60, end_hour * 60))
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(minutes=minutes)


def work_orders(
    rng: np.random.Generator, cameras: list[dict[str, str]], start: dt.date, end: dt.date
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    """(orders, planted truth) for the register's cameras over [start, end]."""
    technicians = names(rng, 6)
    days = (end - start).days + 1
    end_of_data = dt.datetime.combine(end, dt.time(23, 59))
    orders: list[dict[str, str]] = []
    truth: list[dict[str, str]] = []

    def order(kind: str, cam: dict, opened: dt.datetime, closed: dt.datetime | None, **kw):
        oid = f"GD{len(orders) + 1:06d}"
        tech = technicians[int(rng.integers(0, len(technicians)))]
        orders.append({
            "order_id": oid, "camera_id": cam["camera_id"],
            "institution_id": cam["institution_id"], "kind": kind, "opened_at": _ts(opened),
            "closed_at": _ts(closed) if closed else "", "result": "完成" if closed else "未完成",
            "technician": tech, "notes": kw.get("notes", ""),
        })  # fmt: skip
        return oid

    for cam in cameras:
        installed = _date(cam["installed_on"])
        if cam["status"] == "停用" or installed is None or installed > end:
            continue
        old = (end - installed).days > PATROL_DAYS
        # patrols: the last one within the year, unless the lapse is planted
        if old and rng.random() < LAPSED_PATROL_SHARE:
            if rng.random() < 0.5:  # patrolled once, long ago
                when = _at(rng, end - dt.timedelta(days=int(rng.integers(PATROL_DAYS + 20, 700))))
                order("巡检", cam, when, when + dt.timedelta(hours=1))
            truth.append({"rule_code": "D02", "pattern": "patrol_lapsed",
                          "district_code": cam["district_code"], "camera_id": cam["camera_id"],
                          "order_id": ""})  # fmt: skip
        else:
            back = int(rng.integers(0, min(PATROL_DAYS - 30, max(1, (end - installed).days))))
            when = _at(rng, end - dt.timedelta(days=back))
            order("巡检", cam, when, when + dt.timedelta(minutes=int(rng.integers(30, 120))))
        if rng.random() < REPAIR_CHANCE:
            opened = _at(rng, start + dt.timedelta(days=int(rng.integers(0, days))), 0, 24)
            if (
                rng.random() < OVERDUE_SHARE
                and (end_of_data - opened).total_seconds() > (SLA_HOURS + 12) * 3600
            ):
                if rng.random() < 0.5:
                    hours = float(rng.uniform(SLA_HOURS + 12, SLA_HOURS * 4))
                    closed = min(opened + dt.timedelta(hours=hours), end_of_data)
                    pattern = "repair_slow"
                else:
                    closed, pattern = None, "repair_open"
                oid = order("维修", cam, opened, closed,
                            notes=f"画面异常，联系机构管理员 {_phone(rng)}")  # fmt: skip
                truth.append({"rule_code": "D01", "pattern": pattern,
                              "district_code": cam["district_code"],
                              "camera_id": cam["camera_id"], "order_id": oid})  # fmt: skip
            else:
                hours = float(min(rng.lognormal(np.log(14), 0.6), SLA_HOURS - 2))
                closed = opened + dt.timedelta(hours=hours)
                if closed <= end_of_data:
                    order("维修", cam, opened, closed, notes="更换电源适配器，恢复正常")
        if rng.random() < RELOCATION_CHANCE:
            when = _at(rng, start + dt.timedelta(days=int(rng.integers(0, days))))
            order("移机", cam, when, when + dt.timedelta(hours=int(rng.integers(2, 8))),
                  notes="教室调整，移至新点位")  # fmt: skip
    orders.sort(key=lambda o: (o["opened_at"], o["order_id"]))
    return orders, truth


SUMMARIES = {
    "设备": ("机构老师{name}称摄像机离线，请回电 {dashed}", "教室摄像机画面模糊，已派单"),
    "数据对接": ("考勤文件报送失败，文件名乱码", "接口返回错误，联系人{name}，电话{phone}"),
    "继续教育": ("学员{name}来电（手机{phone}）反映学时未计入", "课程视频无法播放"),
    "账号密码": ("用户{name}的密码重置邮件未收到", "账号被锁定，请回电 {phone}"),
    "其他": ("咨询补贴政策", "投诉培训机构收费，来电人{name}"),
}


def tickets(
    rng: np.random.Generator, districts: list[str], start: dt.date, end: dt.date
) -> list[dict[str, str]]:
    weeks = max(1, ((end - start).days + 1) // 7)
    rows: list[dict[str, str]] = []
    end_of_data = dt.datetime.combine(end, dt.time(23, 59))
    for district in [*districts, CITY_LEVEL]:
        for _ in range(int(rng.poisson(TICKETS_PER_DISTRICT_WEEK * weeks))):
            day = start + dt.timedelta(days=int(rng.integers(0, (end - start).days + 1)))
            opened = _at(rng, day, 8, 20)
            category = TICKET_CATEGORIES[int(rng.integers(0, len(TICKET_CATEGORIES)))]
            closed = opened + dt.timedelta(hours=float(rng.lognormal(np.log(6), 1.0)))
            resolved = closed <= end_of_data and rng.random() > 0.05
            phone = _phone(rng)
            template = SUMMARIES[category][int(rng.integers(0, 2))]
            summary = template.format(
                name=names(rng, 1)[0], phone=phone, dashed=f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
            )
            rows.append({
                "ticket_id": f"KF{len(rows) + 1:06d}",
                "channel": TICKET_CHANNELS[int(rng.integers(0, len(TICKET_CHANNELS)))],
                "category": category, "district_code": district, "opened_at": _ts(opened),
                "closed_at": _ts(closed) if resolved else "",
                "status": "已解决" if resolved else "处理中",
                "satisfaction": str(int(rng.choice([5, 5, 4, 4, 3, 2]))) if resolved else "",
                "summary": summary,
            })  # fmt: skip
    rows.sort(key=lambda r: (r["opened_at"], r["ticket_id"]))
    return rows


def _write_csv_zh(
    path: Path, feed: str, rows: list[dict[str, str]], delivered_at: dt.datetime
) -> None:
    """Chinese headers (the contract's ``zh`` names), UTF-8 with a BOM, as Excel saves it."""
    columns = ALL_FEEDS[feed].columns
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.zh for c in columns])
    writer.writerows([[r.get(c.name, "") for c in columns] for r in rows])
    path.parent.mkdir(parents=True, exist_ok=True)
    write(str(path), buf.getvalue().encode("utf-8-sig"), delivered_at)


def _write_jsonl(path: Path, rows: list[dict[str, str]], delivered_at: dt.datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    write(str(path), text.encode("utf-8"), delivered_at)


def simulate_operations(landing: Path, start: dt.date, end: dt.date, seed: int = 42) -> dict:
    """Write the work orders and tickets of the landing's cameras and districts over
    [start, end], and their truth; returns counts."""
    landing = Path(landing)
    rng = np.random.default_rng(seed + 29)
    cameras = _cameras(landing)
    orders, planted = work_orders(rng, cameras, start, end)
    districts = sorted({c["district_code"] for c in cameras}) or sorted(
        p.name for p in landing.glob("31*") if p.is_dir()
    )
    desk = tickets(rng, districts, start, end)
    delivered = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(3, 0))
    base = landing / "operations"
    if orders:
        path = base / "work_orders" / f"work_orders_{end:%Y%m%d}.csv"
        _write_csv_zh(path, "work_orders", orders, delivered)
    if desk:
        path = base / "tickets" / f"tickets_{end:%Y%m%d}.jsonl"
        _write_jsonl(path, desk, delivered)
    write_planted(landing, "operations_fraud.csv", FRAUD_COLUMNS, planted)
    return {"work_orders": len(orders), "tickets": len(desk), "planted": len(planted)}
