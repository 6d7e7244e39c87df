"""Severity (interface standard, 2026-12-02): warnings never quarantine a row, pending rows
wait for their parent and are re-admitted automatically, conservation holds throughout."""

from __future__ import annotations

import datetime as dt

import polars as pl
from delivery_factory import id_number, write_delivery
from deltalake import DeltaTable
from test_ingest import ORDER, PERSON_A, _city, _deliver

from pipelines.contract import SEVERITY, RowReason, Severity
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io

STRANGER = id_number("31011519800101777")


def _bronze(settings, feed) -> pl.DataFrame:
    return delta_io.read(settings.bronze(feed))


def _claims(city: dict) -> list[dict]:
    return [
        {
            "claim_id": "SQ001",
            "enrolment_id": "BM001",
            "class_id": "BJ2026001",
            "id_number": PERSON_A,
            "amount": "1500",
            "claimed_on": "2026-09-03",
        }
    ]


def _register_balances_at_every_version(settings) -> None:
    table = DeltaTable(str(settings.deliveries))
    for version in range(table.version() + 1):
        reg = delta_io.read(settings.deliveries, version=version)
        assert (reg["rows_read"] == reg["rows_accepted"] + reg["rows_quarantined"]).all(), version


def _quarantined(settings) -> pl.DataFrame:
    q = delta_io.read(settings.quarantine)
    return q.filter(pl.col("status") == "quarantined") if not q.is_empty() else q


def test_every_reason_has_one_declared_severity():
    assert set(RowReason) <= set(SEVERITY)
    assert SEVERITY[RowReason.BAD_PHONE] == Severity.WARNING
    assert SEVERITY[RowReason.MISSING_REFERENCE] == Severity.PENDING
    assert SEVERITY[RowReason.BAD_ID_NUMBER] == Severity.BLOCKING


def test_a_bad_contact_phone_costs_nothing(settings):
    city = _city()
    city["enrolments"][0]["phone"] = "14012345678"  # 11 digits, unallocated prefix
    city["subsidy_claims"] = _claims(city)
    _deliver(settings.landing, "310104", city)
    write_delivery(settings.landing, "310104", "subsidy_claims", "c.csv", city["subsidy_claims"])
    ingest(settings)

    assert _quarantined(settings).is_empty()
    enrol = _bronze(settings, "enrolments").filter(pl.col("enrolment_id") == "BM001")
    assert enrol["src_warnings"].to_list() == [["BAD_PHONE:phone"]]
    # the person's check-ins and claim are all there for the rules
    assert _bronze(settings, "attendance").height == 3
    assert _bronze(settings, "subsidy_claims")["claim_id"].to_list() == ["SQ001"]


def test_check_in_by_a_non_enrolled_person_is_accepted_and_flagged(settings):
    city = _city()
    city["attendance"].append({**city["attendance"][0], "record_id": "KQ_X", "id_number": STRANGER})
    _deliver(settings.landing, "310104", city)
    ingest(settings)
    att = _bronze(settings, "attendance")
    flags = dict(zip(att["record_id"], att["src_warnings"].to_list(), strict=True))
    assert flags["KQ_X"] == ["NOT_ENROLLED:id_number"]
    assert flags["KQ001"] == []
    assert _quarantined(settings).is_empty()


def test_children_before_parents_are_admitted_when_the_parents_arrive(settings):
    city = _city()
    city["subsidy_claims"] = _claims(city)
    children = ["sessions", "enrolments", "attendance", "subsidy_claims"]
    for feed in children:
        write_delivery(settings.landing, "310104", feed, f"{feed}_0901.csv", city[feed])
    first = ingest(settings)
    q = _quarantined(settings)
    assert q.height == sum(len(city[f]) for f in children)
    assert set(q["severity"]) == {"pending"}
    assert set(q["reason_codes"].explode()) <= {"MISSING_REFERENCE", "ENROLMENTS_PENDING"}
    assert not first.readmitted

    parents = [{**r, "district_code": "310104"} for r in city["institutions"]]
    write_delivery(settings.landing, "310104", "institutions", "inst.csv", parents)
    write_delivery(settings.landing, "310104", "classes", "classes.csv", city["classes"])
    second = ingest(settings, run_id="run2")

    assert second.readmitted == {f: len(city[f]) for f in children}
    for feed in children:
        assert _bronze(settings, feed).height == len(city[feed]), feed
    assert _quarantined(settings).is_empty()
    moved = delta_io.read(settings.quarantine)
    assert set(moved["status"]) == {"readmitted"}
    assert set(moved["readmitted_run_id"]) == {"run2"}
    assert moved["readmitted_at"].null_count() == 0
    reg = delta_io.read(settings.deliveries)
    assert set(reg["status"]) == {"accepted"}
    assert reg["rows_readmitted"].sum() == moved.height
    _register_balances_at_every_version(settings)

    # a third run with nothing new changes nothing
    versions = {f: DeltaTable(str(settings.bronze(f))).version() for f in children}
    third = ingest(settings)
    assert third.files == [] and not third.readmitted
    assert {f: DeltaTable(str(settings.bronze(f))).version() for f in children} == versions


def test_a_corrected_parent_lets_its_waiting_children_in(settings):
    city = _city()
    city["classes"][0]["level"] = "9"  # out of range: the class is blocked
    _deliver(settings.landing, "310104", city)
    ingest(settings)
    q = _quarantined(settings)
    by_feed = dict(q.group_by("feed").agg(pl.col("severity").first()).iter_rows())
    assert by_feed["classes"] == "blocking"
    assert by_feed["sessions"] == by_feed["attendance"] == "pending"
    assert _bronze(settings, "attendance").is_empty()

    fixed = {**city["classes"][0], "level": "4"}
    write_delivery(
        settings.landing,
        "310104",
        "classes",
        "classes_fixed.csv",
        [fixed],
        delivered_at=dt.datetime(2026, 9, 3, 9, 0),
    )
    summary = ingest(settings)
    assert summary.readmitted == {"sessions": 2, "enrolments": 3, "attendance": 3}
    left = _quarantined(settings)
    # the blocked class row stays in quarantine, as delivered; its correction is in bronze
    assert left["feed"].to_list() == ["classes"]
    assert _bronze(settings, "classes")["level"].to_list() == [4]
    assert _bronze(settings, "attendance").height == 3
    _register_balances_at_every_version(settings)
    reg = delta_io.read(settings.deliveries)
    assert reg["rows_quarantined"].sum() == left.height


def test_check_ins_wait_for_the_class_enrolments(settings):
    city = _city()
    for feed in ORDER:
        if feed != "enrolments":
            rows = city[feed]
            if feed == "institutions":
                rows = [{**r, "district_code": "310104"} for r in rows]
            write_delivery(settings.landing, "310104", feed, f"{feed}.csv", rows)
    ingest(settings)
    q = _quarantined(settings)
    assert q["reason_codes"].to_list() == [["ENROLMENTS_PENDING"]] * 3
    write_delivery(settings.landing, "310104", "enrolments", "enrol.csv", city["enrolments"])
    ingest(settings)
    assert _quarantined(settings).is_empty()
    assert _bronze(settings, "attendance").height == 3


def test_an_incomplete_address_is_accepted_with_a_warning(settings):
    city = _city()
    city["classes"][0]["site_address"] = "徐汇区"  # no road, lane or number: hard to inspect
    _deliver(settings.landing, "310104", city)
    ingest(settings)
    assert _quarantined(settings).is_empty()
    classes = _bronze(settings, "classes")
    assert classes["src_warnings"].to_list() == [["INCOMPLETE_ADDRESS:site_address"]]
    assert _bronze(settings, "institutions")["src_warnings"].to_list() == [[]]
