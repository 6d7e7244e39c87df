"""No invisible people (issue: a cheat who types a wrong phone number hid from every rule).

Hand-made deliveries, not the simulator: one trainee with an unallocated contact phone sits
in two overlapping classes of the same occupation and level and claims twice; a stranger
checks in to a class whose enrolments are delivered. Ingest accepts them all (warnings),
and the real dbt build finds W04, W15 and W17."""

from __future__ import annotations

import polars as pl
import pytest
from delivery_factory import id_number, write_delivery
from test_ingest import PERSON_A, _city, _deliver
from test_lifecycle_e2e import build

from pipelines.lib import delta_io
from pipelines.settings import get_settings

STRANGER = id_number("31011519800101777")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from pipelines.district_feeds.ingest import ingest

    root = tmp_path_factory.mktemp("nobody_hides")
    settings = get_settings(root / "warehouse", root / "landing")
    city = _city()
    for enrolment in city["enrolments"]:
        if enrolment["id_number"] == PERSON_A:
            enrolment["phone"] = "14012345678"  # 11 digits, unallocated: a warning only
    second = {**city["classes"][0], "class_id": "BJ2026002", "site_address": "徐汇区天钥桥路"}
    city["classes"].append(second)
    city["sessions"].append(
        {
            **city["sessions"][0],
            "session_id": "KC101",
            "class_id": "BJ2026002",
            "teacher_id": "JS002",
            "starts_at": "2026-09-01 19:00",
            "ends_at": "2026-09-01 21:00",
        }
    )
    first_enrolment = next(e for e in city["enrolments"] if e["id_number"] == PERSON_A)
    city["enrolments"].append({**first_enrolment, "enrolment_id": "BM101", "class_id": "BJ2026002"})
    city["attendance"] += [
        {
            **city["attendance"][0],
            "record_id": "KQ101",
            "class_id": "BJ2026002",
            "session_id": "KC101",
            "checked_at": "2026-09-01 19:01:00",
        },
        {**city["attendance"][1], "record_id": "KQ_X", "id_number": STRANGER},
    ]
    _deliver(settings.landing, "310104", city)
    claims = [
        {
            "claim_id": claim,
            "enrolment_id": enrolment,
            "class_id": klass,
            "id_number": PERSON_A,
            "amount": "1500",
            "claimed_on": on,
        }
        for claim, enrolment, klass, on in (
            ("SQ001", first_enrolment["enrolment_id"], "BJ2026001", "2026-09-03"),
            ("SQ002", "BM101", "BJ2026002", "2026-09-04"),
        )
    ]
    write_delivery(settings.landing, "310104", "subsidy_claims", "claims.csv", claims)
    ingest(settings)
    _, alerts, status, findings = build(settings)
    return settings, findings, status


def test_a_wrong_phone_costs_the_trainee_nothing(built):
    settings, _, _ = built
    q = delta_io.read(settings.quarantine)
    assert q.is_empty() or q.filter(pl.col("status") == "quarantined").is_empty()
    assert delta_io.read(settings.bronze("subsidy_claims")).height == 2
    assert delta_io.read(settings.bronze("attendance")).height == 5


def test_double_attendance_and_repeated_claim_still_fire_for_that_person(built):
    _, findings, _ = built
    w04 = findings.filter(pl.col("rule_code") == "W04")
    assert w04.height >= 1
    assert w04["evidence"].str.contains("BJ2026002|KC101").any()
    w15 = findings.filter(pl.col("rule_code") == "W15")
    assert w15.height >= 1


def test_w17_fires_for_the_stranger_only(built):
    _, findings, status = built
    w17 = findings.filter(pl.col("rule_code") == "W17")
    assert w17.select("class_id", "session_id", "level").rows() == [
        ("BJ2026001", "KC001", "orange")
    ]
    assert " 1 名" in w17["evidence"][0]
    assert STRANGER not in w17["evidence"][0]  # masked, never in clear
    city_w17 = status.filter((pl.col("rule_code") == "W17") & (pl.col("scope") == "city"))
    assert city_w17["status"].to_list() == ["evaluated"]
