"""The work-order and ticket simulator (simulator/operations.py) on a stranger's camera
register: its deliveries go through ingest untouched, and its planted D01/D02 truth is
exactly what the rules catalogue's wording picks out of the orders it wrote - every other
camera patrolled within the year, every other repair done within 48 hours."""

from __future__ import annotations

import csv
import datetime as dt
import re

import polars as pl
from delivery_factory import small_district_rows, write_delivery

from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io
from simulator import operations
from simulator.truth import truth_dir

DISTRICTS = ("310101", "310115")
START, END = dt.date(2026, 9, 1), dt.date(2026, 9, 28)
END_OF_DATA = dt.datetime(2026, 9, 28, 23, 59)
PHONE = re.compile(r"1[3-9]\d{9}")


def _register(settings, monkeypatch):
    """Two districts, 40 cameras each installed between 2022 and 2026 (a few 停用), in the
    register's Chinese-header form; every planted case made likely."""
    monkeypatch.setattr(operations, "OVERDUE_SHARE", 0.5)
    monkeypatch.setattr(operations, "LAPSED_PATROL_SHARE", 0.3)
    for d in DISTRICTS:
        rows = small_district_rows(d)
        inst = rows["institutions"][0]["institution_id"]
        cameras = [
            {**rows["cameras"][0], "camera_id": f"CAM{d[-3:]}{n:03d}", "institution_id": inst,
             "sim_iccid": f"8986{d}{n:07d}",
             "installed_on": f"{2022 + n % 5}-{1 + n % 12:02d}-15",
             "status": "停用" if n % 13 == 0 else "在用"}
            for n in range(40)
        ]  # fmt: skip
        delivered = dt.datetime(2026, 9, 1, 2, 0)
        write_delivery(settings.landing, d, "institutions", "institutions.csv",
                       rows["institutions"], delivered_at=delivered)  # fmt: skip
        write_delivery(settings.landing, d, "cameras", "cameras.csv", cameras,
                       chinese_headers=True, delivered_at=delivered)  # fmt: skip


def test_simulated_operations_go_through_ingest_and_match_their_truth(settings, monkeypatch):
    _register(settings, monkeypatch)
    counts = operations.simulate_operations(settings.landing, START, END, seed=5)
    assert counts["work_orders"] > 60 and counts["tickets"] > 0 and counts["planted"] > 0
    ingest(settings)

    register = delta_io.read(settings.deliveries)
    for feed in ("work_orders", "tickets"):
        rows = register.filter(pl.col("feed") == feed)
        assert rows["rows_read"].sum() == counts[feed], feed
        assert rows["rows_quarantined"].sum() == 0, feed

    orders = delta_io.read(settings.bronze("work_orders"))
    cameras = delta_io.read(settings.bronze("cameras"))
    with (truth_dir(settings.landing) / "operations_fraud.csv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))

    # D01: repairs over the 48-hour service level, done late or still open at the end
    repairs = orders.filter(pl.col("kind") == "维修")
    hours = (
        (pl.col("closed_at").fill_null(pl.lit(END_OF_DATA)) - pl.col("opened_at"))
        .dt.total_minutes()
        .truediv(60)
    )
    overdue = repairs.filter(hours > 48)
    assert sorted(overdue["order_id"]) == sorted(
        t["order_id"] for t in truth if t["rule_code"] == "D01"
    )
    assert {t["pattern"] for t in truth if t["rule_code"] == "D01"} == {
        "repair_slow",
        "repair_open",
    }

    # D02: installed (在用) over a year before the end, no completed patrol within the year
    cutoff = dt.datetime.combine(END - dt.timedelta(days=365), dt.time())
    patrolled = set(
        orders.filter((pl.col("kind") == "巡检") & (pl.col("closed_at") >= cutoff))["camera_id"]
    )
    installed = cameras.filter(pl.col("status") == "在用")
    lapsed = {
        c
        for c, on in zip(installed["camera_id"], installed["installed_on"], strict=True)
        if on <= END - dt.timedelta(days=365) and c not in patrolled
    }
    assert lapsed == {t["camera_id"] for t in truth if t["rule_code"] == "D02"}
    assert lapsed, "the register has cameras old enough for a lapse to be planted"
    # newer cameras were patrolled since they were installed, none after the end of the data
    assert orders["opened_at"].max() <= END_OF_DATA


def test_simulated_tickets_name_people_the_way_desk_staff_write_them(settings, monkeypatch):
    """The summaries carry names and phone numbers in clear (so the masking is exercised);
    bronze holds them masked."""
    _register(settings, monkeypatch)
    operations.simulate_operations(settings.landing, START, END, seed=5)
    raw = next((settings.landing / "operations" / "tickets").glob("*.jsonl")).read_text("utf-8")
    assert PHONE.search(raw), "the simulated summaries give phone numbers"
    ingest(settings)
    tickets = delta_io.read(settings.bronze("tickets"))
    text = " ".join(
        str(v) for column in tickets.select(pl.col(pl.Utf8)).iter_columns() for v in column
    )
    assert not PHONE.search(text), "a phone number in clear in bronze"
