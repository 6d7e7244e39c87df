"""Realistic prevalence (issue 14 part 1): a few per cent of classes cheat, concentrated in a
few bad institutions, and knock-on cases share one cause in the truth."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from simulator import defects, rules, truth, world
from simulator import deliveries as deliveries_mod
from simulator.prevalence import cheating_classes, concentration, parse_fraud_rate
from simulator.scales import resolve
from simulator.schedule import Class


def _classes(n_districts: int = 8, insts_per_district: int = 20) -> list[Class]:
    """Institutions of one to six classes each, as the city's are (a long tail of small ones)."""
    rng = np.random.default_rng(0)
    out = []
    for d in range(n_districts):
        for i in range(insts_per_district):
            for k in range(int(rng.integers(1, 7))):
                out.append(
                    Class(
                        class_id=f"BJ{d:02d}{i:03d}{k}",
                        institution_id=f"JG{d:02d}{i:03d}",
                        district_code=f"3101{d:02d}",
                        occupation_code="X",
                        level=4,
                        mode="线下",
                        filed_on=None,
                        start_date=dt.date(2026, 9, 1),
                        end_date=dt.date(2026, 9, 30),
                        planned_hours=40,
                        capacity=30,
                        site_address="",
                        room="",
                        camera_ids=(),
                        pattern="",
                    )  # fmt: skip
                )
    return out


@pytest.mark.parametrize(
    ("text", "rate"), [("3%", 0.03), ("0.05", 0.05), (" 2.5% ", 0.025), ("dense", None)]
)
def test_the_cli_value_is_a_share_a_percentage_or_dense(text, rate):
    assert parse_fraud_rate(text) == pytest.approx(rate) if rate else parse_fraud_rate(text) is None


@pytest.mark.parametrize("text", ["0", "1", "150%", "-0.1"])
def test_a_rate_outside_zero_to_one_is_refused(text):
    with pytest.raises(ValueError, match="between 0 and 1"):
        parse_fraud_rate(text)


def test_cheats_are_the_asked_share_and_cluster_in_a_few_institutions():
    classes = _classes()
    chosen = cheating_classes(np.random.default_rng(3), classes, 0.04)
    assert len(chosen) == round(0.04 * len(classes))
    assert len({c.class_id for c in chosen}) == len(chosen)
    institutions = {c.institution_id for c in classes}
    bad = {c.institution_id for c in chosen}
    # most cheating classes sit in institutions that run several of them
    per_inst = {i: sum(c.institution_id == i for c in chosen) for i in bad}
    clustered = sum(n for n in per_inst.values() if n >= 2)
    assert clustered >= 0.5 * len(chosen)
    assert len(bad) < 0.1 * len(institutions)
    assert concentration(chosen, top=5) > 5 / len(bad)  # more than an even spread gives
    # and the same generator state gives the same cheats
    again = cheating_classes(np.random.default_rng(3), classes, 0.04)
    assert [c.class_id for c in again] == [c.class_id for c in chosen]


def test_cheats_are_spread_unevenly_over_districts():
    classes = _classes()
    per_district = []
    for seed in range(5):
        chosen = cheating_classes(np.random.default_rng(seed), classes, 0.05)
        counts = pl.Series([c.district_code for c in chosen]).value_counts()["count"]
        per_district.append(counts.max() / len(chosen))
    # eight districts evenly would give each 1/8; lax districts carry far more
    assert np.mean(per_district) > 2 / 8


@pytest.fixture(scope="module")
def sparse_city():
    sc, window = resolve("small", None, None)
    city = world.build(sc, window, 2029, fraud_rate=0.1)
    fraud = rules.evaluate(city, defects.plant(city, deliveries_mod.plan(city)))
    return city, truth.with_causes(fraud, city.frames["enrolments"])


def test_only_the_chosen_classes_cheat(sparse_city):
    city, fraud = sparse_city
    labels = truth.class_truth(city, fraud)
    planted = set(labels.filter(pl.col("planted") != "")["class_id"].to_list())
    assert planted == set(city.plan.cheating)
    share = labels.filter(pl.col("label") == "fraud").height / labels.height
    assert 0.05 <= share <= 0.3  # 10 % asked of a small city; person fraud may add a class
    # whatever the truth names outside the cheats is a knock-on, never unlabelled fraud
    named = set(fraud["class_id"].drop_nulls().to_list())
    others = labels.filter(pl.col("class_id").is_in(list(named - planted)))
    assert set(others["label"].to_list()) <= {"knock_on", "fraud"}


def test_knock_on_cases_share_their_cause(sparse_city):
    _, fraud = sparse_city
    assert fraud["cause"].null_count() == 0
    per_rule = {
        r["rule_code"]: r
        for r in fraud.group_by("rule_code")
        .agg(pl.len().alias("rows"), pl.col("cause").n_unique().alias("causes"),
             pl.col("class_id").n_unique().alias("classes"))
        .iter_rows(named=True)
    }  # fmt: skip
    # one double-attending person: sessions in two classes, one cause
    assert per_rule["W04"]["causes"] < per_rule["W04"]["rows"]
    assert per_rule["W04"]["classes"] == 2 * per_rule["W04"]["causes"]
    # one lapsed certificate: every session the teacher taught after it, one cause
    teacher = fraud.filter(pl.col("cause").str.starts_with("teacher:"))
    assert 0 < teacher["cause"].n_unique() < teacher.height
    # one lapsed licence or suspension: every running class of the institution, one cause
    assert per_rule["W10"]["causes"] < per_rule["W10"]["classes"]
    assert set(fraud.filter(pl.col("rule_code") == "W10")["cause"].str.slice(0, 12)) == {
        "institution:"
    }


def test_the_dense_test_city_is_unchanged_by_the_knob():
    sc, window = resolve("tiny", None, None)
    city = world.build(sc, window, 5)
    assert city.fraud_rate is None and city.plan.cheating == []
    assert any(c.behaviours for c in city.classes)
