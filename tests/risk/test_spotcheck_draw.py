"""Spot-check draws on synthetic candidates: reproducible, stratified, random share kept."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from pipelines.risk.spotcheck import SpotcheckParams, allocate, draw, week_bounds

WEEK = "2026-W38"


def candidates(seed: int = 0) -> pl.DataFrame:
    """Five districts of very different sizes; in each, a few high-risk classes and a crowd
    of zero-risk ones (institution Z* is the low-risk one that must still be drawable)."""
    rng = np.random.default_rng(seed)
    rows = []
    for d, n in {"310101": 40, "310104": 20, "310105": 10, "310106": 3, "310151": 1}.items():
        for i in range(n):
            high = i < max(1, n // 10)
            rows.append(
                {
                    "class_key": f"{d}:BJ{i:04d}",
                    "district_code": d,
                    "institution_key": f"{d}:{'H' if high else 'Z'}{i % 3}",
                    "score": float(rng.uniform(90, 100)) if high else 0.0,
                }
            )
    return pl.DataFrame(rows)


def test_same_seed_gives_the_same_list_and_another_seed_another():
    cand, p = candidates(), SpotcheckParams(classes=15)
    a = draw(WEEK, cand, p, seed=123)
    b = draw(WEEK, cand.sample(fraction=1.0, shuffle=True, seed=9), p, seed=123)
    c = draw(WEEK, cand, p, seed=124)
    assert a.items["class_key"].to_list() == b.items["class_key"].to_list()
    assert a.items["drawn_by"].to_list() == b.items["drawn_by"].to_list()
    assert a.items["class_key"].to_list() != c.items["class_key"].to_list()


def test_every_district_gets_its_minimum_and_the_rest_follows_volume():
    cand = candidates()
    got = draw(WEEK, cand, SpotcheckParams(classes=20, min_per_district=2), seed=5)
    per = dict(got.items.group_by("district_code").len().iter_rows())
    volumes = dict(cand.group_by("district_code").len().iter_rows())
    assert set(per) == set(volumes)
    assert all(per[d] >= min(2, volumes[d]) for d in volumes)
    assert per["310151"] == 1  # cannot draw more than a district has
    assert per["310101"] > per["310104"] > per["310105"]
    assert got.items.height == 20


def test_allocation_is_proportional_by_largest_remainder():
    alloc = allocate({"a": 60, "b": 30, "c": 10}, total=10, minimum=1)
    assert alloc == {"a": 6, "b": 3, "c": 1}
    assert sum(allocate({"a": 5, "b": 5}, total=30, minimum=1).values()) == 10
    # the minimum wins over a total too small for every district
    assert allocate({"a": 9, "b": 1, "c": 1}, total=2, minimum=1) == {"a": 1, "b": 1, "c": 1}


@pytest.mark.parametrize("share", [0.2, 0.5])
def test_random_share_is_respected_and_low_risk_can_be_drawn(share):
    cand, p = candidates(), SpotcheckParams(classes=20, random_share=share)
    drawn_by, low_risk_drawn = [], 0
    for seed in range(300):
        items = draw(WEEK, cand, p, seed=seed).items
        drawn_by += items["drawn_by"].to_list()
        low_risk_drawn += items.filter(pl.col("score") == 0).height
    observed = drawn_by.count("random") / len(drawn_by)
    assert abs(observed - share) < 0.02, observed
    assert low_risk_drawn > 0


def test_without_random_share_the_risk_weights_dominate():
    cand = candidates()
    items = pl.concat(
        [draw(WEEK, cand, SpotcheckParams(classes=8, random_share=0.0), s).items for s in range(50)]
    )
    assert set(items["drawn_by"]) == {"risk"}
    # 10 high-risk classes exist; with weights ~1 vs 0.02 they fill most slots
    assert items.filter(pl.col("score") > 0).height / items.height > 0.7


def test_week_bounds_are_iso():
    monday, sunday = week_bounds("2026-W40")
    assert (monday.isoweekday(), sunday.isoweekday()) == (1, 7)
    assert monday.isocalendar()[1] == 40
