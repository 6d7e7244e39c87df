"""The risk evaluation's figures on a ranking whose answers are known by construction."""

from __future__ import annotations

import polars as pl
import pytest

from simulator.evaluation.risk import evaluate


def _ranking(n: int, positives_at: list[int]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """n classes scored n-1 .. 0 (class c0 first); the positives at the given ranks."""
    scores = pl.DataFrame({"class_key": [f"c{i:03d}" for i in range(n)],
                           "score": [float(n - i) for i in range(n)]})  # fmt: skip
    positives = pl.DataFrame({"class_key": [f"c{i:03d}" for i in positives_at],
                              "rules": ["W01"] * len(positives_at)})  # fmt: skip
    return scores, positives


def test_precision_and_recall_at_k_for_a_known_ranking():
    # 200 classes, 6 cheats (3 %): ranks 0 and 1 (top 1 % = 2), 5 and 9 (top 5 % = 10), 15
    # (top 10 % = 20), and 150 (missed by every cut)
    got = evaluate(*_ranking(200, [0, 1, 5, 9, 15, 150]))
    assert got["base_rate"] == pytest.approx(0.03)
    t1, t5, t10 = got["top_1pct"], got["top_5pct"], got["top_10pct"]
    assert (t1["k"], t1["caught"], t1["precision"]) == (2, 2, 1.0)
    assert (t5["k"], t5["caught"]) == (10, 4) and t5["precision"] == pytest.approx(0.4)
    assert (t10["k"], t10["caught"]) == (20, 5) and t10["catch_rate"] == pytest.approx(5 / 6)
    # the intervals hold the estimates and are wide on so few cases
    low, high = t1["precision_ci"]
    assert low < 0.5 and high == 1.0
    assert t10["recall_ci"][0] < 5 / 6 < t10["recall_ci"][1]
    # a ranking with its positives on top has PR-AUC far above the base rate
    assert got["pr_auc"] > 0.5 > got["base_rate"]


def test_a_random_ranking_scores_about_the_base_rate():
    import numpy as np

    rng = np.random.default_rng(4)
    positives = sorted(rng.choice(2000, size=60, replace=False).tolist())
    got = evaluate(*_ranking(2000, positives))
    assert got["pr_auc"] == pytest.approx(got["base_rate"], abs=0.03)
    assert got["roc_auc"] == pytest.approx(0.5, abs=0.1)
