"""The online-learning simulator: its records of a 混合 class go through ingest untouched,
and the rules O01-O03 (the SQL of the session's build) find exactly the planted cases of
its truth, nothing else."""

from __future__ import annotations

import csv
import datetime as dt

import polars as pl
import pytest
from delivery_factory import id_number, small_district_rows, write_delivery

from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io
from simulator import online
from simulator.truth import truth_dir

D = "310101"


@pytest.fixture
def simulated(settings, monkeypatch):
    rows = small_district_rows(D)
    rows["classes"][0].update(mode="混合", end_date="2026-09-12")
    for n in range(4, 8):  # seven learners: enough for a kiosk of five
        rows["enrolments"].append({**rows["enrolments"][0], "enrolment_id": f"E101{n}",
                                   "id_number": id_number(f"31010119900{n}01101")})  # fmt: skip
    for feed in ("institutions", "classes", "enrolments"):
        write_delivery(settings.landing, D, feed, f"{feed}.csv", rows[feed],
                       delivered_at=dt.datetime(2026, 9, 2, 2, 0))  # fmt: skip
    monkeypatch.setattr(online, "CHANCES", dict.fromkeys(online.CHANCES, 1.0))
    counts = online.simulate_online(settings.landing, seed=7)
    ingest(settings)
    with (truth_dir(settings.landing) / "online_fraud.csv").open(encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    return counts, truth


def _as_mart_rows(bronze: pl.DataFrame) -> list[dict]:
    out = []
    for r in bronze.iter_rows(named=True):
        minutes = (r["ended_at"] - r["started_at"]).total_seconds() / 60
        out.append(dict(
            record_key=f"{D}:{r['record_id']}", district_code=D, record_id=r["record_id"],
            class_key=f"{D}:{r['class_id']}", class_id=r["class_id"],
            institution_key=f"{D}:I1011", class_mode="混合", person_pseudo=r["id_number_pseudo"],
            id_number_masked=r["id_number_masked"], module_id=r["module_id"],
            started_at=r["started_at"], ended_at=r["ended_at"],
            learning_date=r["started_at"].date(), recorded_minutes=minutes,
            module_minutes=r["module_minutes"], progress_pct=r["progress_pct"],
            is_completed=r["progress_pct"] >= 100, counts_towards_hours=True,
            credited_hours=min(minutes, r["module_minutes"]) / 60, device_id=r["device_id"],
            ip_pseudo=r["ip_pseudo"], ip_masked=r["ip_masked"], face_checks=r["face_checks"],
            face_failures=r["face_failures"]))  # fmt: skip
    return out


def test_simulated_online_cases_are_found_exactly(simulated, settings, mart, run_model):
    counts, truth = simulated
    assert counts["planted"] == len(truth) == 4
    assert {t["pattern"] for t in truth} == {"fast", "parallel", "two_devices", "kiosk"}
    register = delta_io.read(settings.deliveries).filter(pl.col("feed") == "online_learning")
    # one delivery per learning day, each sent the next night (none late for W14)
    assert register["rows_read"].sum() == counts["records"]
    assert register["rows_quarantined"].sum() == 0
    assert register.height == register["file"].n_unique() > 1
    assert (register["data_day_max"] == register["data_day_min"]).all()
    mart.add("marts.fct_online_learning",
             _as_mart_rows(delta_io.read(settings.bronze("online_learning"))))  # fmt: skip
    found = set()
    for model in ("alert_o01_click_through", "alert_o02_concurrent_learning",
                  "alert_o03_proxy_learning", "alert_o04_face_check_failures"):  # fmt: skip
        out = run_model(model)
        found |= set(zip(out["rule_code"], out["subject_id"], strict=True))
    assert found == {(t["rule_code"], t["subject_id"]) for t in truth}


def test_a_trainee_planted_as_claiming_without_attendance_does_not_study_online(settings):
    # W08's truth counts the planted trainee's classroom hours only; online modules would
    # lift them over the threshold and W08 would rightly stay silent on a case it must find
    rows = small_district_rows(D)
    rows["classes"][0].update(mode="混合", end_date="2026-09-12")
    for feed in ("institutions", "classes", "enrolments"):
        write_delivery(settings.landing, D, feed, f"{feed}.csv", rows[feed])
    enrolments = rows["enrolments"]
    assert len(enrolments) >= 2
    planted = enrolments[0]
    folder = truth_dir(settings.landing)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "fraud.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["rule_code", "district_code", "enrolment_id"])
        writer.writeheader()
        writer.writerow({"rule_code": "W08", "district_code": D,
                         "enrolment_id": planted["enrolment_id"]})  # fmt: skip
    (cls,) = online.online_classes(settings.landing)
    assert planted["id_number"].upper() not in cls.learners
    others = {e["id_number"].upper() for e in enrolments[1:] if e["class_id"] == cls.class_id}
    assert others and others <= set(cls.learners)
