"""Hand-written deliveries of the online-learning, work-order and ticket feeds, from the
interface standard (section "Online training, device operations, courseware and service
desk"): the small district with its class made 混合, planted rule cases and bad rows with the
reason each must be quarantined for, in the forms the standard allows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from delivery_factory import (
    id_number,
    online_record,
    small_district_rows,
    small_online_rows,
    write_delivery,
    write_online_learning,
    write_tickets,
    write_work_orders,
)

D = "310101"
CLASS = "C1011"
DELIVERED = dt.datetime(2026, 9, 15, 2, 0)

# personal data planted in free text and in the IP column: must never be published in clear
PLANTED_NAMES = ("张伟", "王建国", "陈晓明")
PLANTED_PHONES = ("13812345678", "13912345678", "139-1234-5678", "15987654321")
PLANTED_ID = id_number("31010119900101123")
PLANTED_IP = "10.20.30.40"


def person(k: int) -> str:
    """A valid ID number of a learner who is not one of the small district's trainees."""
    return id_number(f"31010119850101{k:03d}")


def trainee(n: int) -> str:
    """The small district's trainee n (1-3), as small_district_rows writes them."""
    return id_number(f"{D}1990020{n}{D[-3:]}"[:17])


def online_rows() -> tuple[list[dict], dict[str, str]]:
    """The clean baseline, the planted rule cases, and bad rows with their expected reason."""
    rows = small_online_rows(D)
    rows += [
        # O01 fast: 100 % progress after 10 of 60 minutes
        online_record("FAST1", CLASS, trainee(1), "2026-09-10 20:00:00", 10, module="M3"),
        # O02: trainee 2 on a PC and a phone at once
        online_record("DUO-A", CLASS, trainee(2), "2026-09-10 10:00:00", 60, module="M4",
                      device="PC-A", ip="202.96.7.1"),
        online_record("DUO-B", CLASS, trainee(2), "2026-09-10 10:30:00", 60, module="M5",
                      device="PHONE-B", ip="202.96.7.2"),
        # O04: 3 of 4 face checks failed (75 %: orange)
        online_record("FACE1", CLASS, trainee(3), "2026-09-11 09:00:00", 60, module="M6",
                      checks="4", failures="3"),
    ]  # fmt: skip
    # O03: one kiosk carries five different people within the hour (the planted IP)
    rows += [
        online_record(f"KIOSK{k}", CLASS, person(k), f"2026-09-12 14:{10 * k:02d}:00", 60,
                      module="M1", device="KIOSK9", ip=PLANTED_IP)
        for k in range(5)
    ]  # fmt: skip
    bad = {
        "BADID": dict(id_number="310101199001011231"),  # wrong check digit (it is 0)
        "BADPCT": dict(progress_pct="120"),
        "BADORDER": dict(ended_at="2026-09-09 08:00:00"),
        "BADFACE": dict(face_checks="1", face_failures="3"),
        "NOCLASS": dict(class_id="C-NOPE"),
        "BADTS": dict(started_at="2026-13-40 25:00"),
    }
    expected = {
        "BADID": "BAD_ID_NUMBER",
        "BADPCT": "OUT_OF_RANGE",
        "BADORDER": "DATE_ORDER",
        "BADFACE": "OUT_OF_RANGE",
        "NOCLASS": "MISSING_REFERENCE",
        "BADTS": "BAD_TIMESTAMP",
        "OL10111": "DUPLICATE_KEY",  # the second row of that key in the same file
    }
    for record_id, change in bad.items():
        row = online_record(record_id, CLASS, trainee(1), "2026-09-09 09:00:00", 30)
        row.update(change)
        rows.append(row)
    rows.append(online_record("OL10111", CLASS, trainee(1), "2026-09-09 11:00:00", 30))
    return rows, expected


def work_order_rows() -> tuple[list[dict], dict[str, str]]:
    def order(oid, kind, opened, closed="", result="完成", camera="CAM1011", **kw):
        row = dict(order_id=oid, camera_id=camera, institution_id="I1011", kind=kind,
                   opened_at=opened, closed_at=closed, result=result if closed else "未完成",
                   technician="赵强", notes="")  # fmt: skip
        row.update(kw)
        return row

    rows = [
        order("R-FAST", "维修", "2026-09-01 10:00", "2026-09-01 20:00"),  # 10 h
        order("R-SLOW", "维修", "2026-09-02 08:00", "2026-09-05 08:00"),  # 72 h: D01
        order(
            "R-OPEN",
            "维修",
            "2026-09-08 10:00",  # open at as_of: D01
            notes="联系人王建国 13912345678 现场黑屏",
        ),  # fmt: skip
        order("R-EDGE", "维修", "2026-09-03 08:00", "2026-09-05 08:00"),  # 48 h: near miss
        order("P-1013", "巡检", "2026-03-01 09:00", "2026-03-01 11:00", camera="CAM1013"),
        order("P-1011", "巡检", "2026-08-20 09:00", "2026-08-20 10:00"),
        order(
            "M-1011",
            "移机",
            "2026-08-15 09:00",
            "2026-08-15 15:00",
            notes="机构负责人陈晓明要求移至二楼，电话 15987654321",
        ),  # fmt: skip
    ]
    bad = {
        "BADKIND": ("kind", "吹风", "BAD_CODE"),
        "BADORDER": ("closed_at", "2026-08-01 00:00", "DATE_ORDER"),
        "NOCAM": ("camera_id", "", "REQUIRED_MISSING"),
        "BADTS": ("opened_at", "昨天下午", "BAD_TIMESTAMP"),
    }
    for oid, (col, value, _) in bad.items():
        rows.append({**order(oid, "维修", "2026-09-09 10:00", "2026-09-09 12:00"), col: value})
    return rows, {oid: reason for oid, (_, _, reason) in bad.items()}


def ticket_rows() -> tuple[list[dict], dict[str, str]]:
    def ticket(tid, opened, closed="", district=D, category="设备", **kw):
        row = dict(ticket_id=tid, channel="电话", category=category, district_code=district,
                   opened_at=opened, closed_at=closed, status="已解决" if closed else "处理中",
                   satisfaction="", summary="")  # fmt: skip
        row.update(kw)
        return row

    rows = [
        ticket("TK1", "2026-09-08 10:00:00", "2026-09-08 12:00:00", satisfaction="5",
               summary=f"学员张伟来电（手机13812345678）反映无法签到，身份证{PLANTED_ID}"),
        ticket("TK2", "2026-09-10 09:00:00", "2026-09-10 21:00:00", satisfaction="2",
               channel="微信", summary="机构老师称摄像机离线，请回电 139-1234-5678"),
        ticket("TK3", "2026-09-20 09:00:00", "2026-09-21 09:00:00", satisfaction="4",
               channel="网页"),
        ticket("TK4", "2026-09-10 11:00:00", "2026-09-10 11:30:00", district="310104",
               channel="邮件", summary="用户陈晓明的密码重置邮件未收到", category="账号密码"),
        ticket("TK5", "2026-09-11 11:00:00", category="数据对接", summary="考勤文件乱码"),
    ]  # fmt: skip
    bad = {
        "BADCH": ("channel", "传真", "BAD_CODE"),
        "BADSAT": ("satisfaction", "6", "OUT_OF_RANGE"),
        "BADDIST": ("district_code", "999999", "BAD_CODE"),
        "BADORDER": ("closed_at", "2026-09-01 00:00:00", "DATE_ORDER"),
    }
    for tid, (col, value, _) in bad.items():
        rows.append(ticket(tid, "2026-09-12 10:00:00", "2026-09-12 12:00:00", **{col: value}))
    return rows, {tid: reason for tid, (_, _, reason) in bad.items()}


def write_ops_landing(landing: Path) -> dict[str, dict[str, str]]:
    """The landing; returns {feed: {key: expected quarantine reason}}."""
    district = small_district_rows(D)
    district["classes"][0]["mode"] = "混合"
    # two more cameras, installed long ago: CAM1012 never patrolled (D02), CAM1013 patrolled
    # in March (near miss)
    for cam in ("CAM1012", "CAM1013"):
        district["cameras"].append({**district["cameras"][0], "camera_id": cam,
                                    "installed_on": "2025-01-10"})  # fmt: skip
    for feed, rows in district.items():
        write_delivery(landing, D, feed, f"{feed}_20260909.csv", rows, delivered_at=DELIVERED)
    online, online_bad = online_rows()
    write_online_learning(
        landing, D, online, "线上学习_20260912.csv", chinese_headers=True, encoding="gb18030",
        delivered_at=DELIVERED,
    )  # fmt: skip
    orders, order_bad = work_order_rows()
    write_work_orders(landing, orders, "工单_20260914.xlsx", fmt="xlsx", chinese_headers=True,
                      delivered_at=DELIVERED)  # fmt: skip
    tickets, ticket_bad = ticket_rows()
    write_tickets(landing, tickets, "tickets_20260921.jsonl", fmt="jsonl",
                  delivered_at=dt.datetime(2026, 9, 22, 1, 0))  # fmt: skip
    return {"online_learning": online_bad, "work_orders": order_bad, "tickets": ticket_bad}
