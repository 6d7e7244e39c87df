"""The risk score against the simulator's truth: catch rates at the top and ROC-AUC.

Positives are the classes named in ``_truth/fraud.csv`` (any rule with a class id; rules
without one, like W14 late deliveries, are district-level and not a class's doing). The
truth is only ever read here, never by the pipeline.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import average_precision_score, roc_auc_score

from simulator.evaluation.intervals import wilson

# the inspection budget as a share of classes: precision@k and recall@k at each
TOPS = (0.01, 0.05, 0.10)


def truth_classes(truth_dir: Path, rules: tuple[str, ...] | None = None) -> pl.DataFrame:
    """class_key and the rules planted on it, from fraud.csv."""
    fraud = pl.read_csv(truth_dir / "fraud.csv", infer_schema_length=0)
    fraud = fraud.filter(pl.col("class_id").is_not_null() & (pl.col("class_id") != ""))
    if rules:
        fraud = fraud.filter(pl.col("rule_code").is_in(list(rules)))
    return (
        fraud.with_columns(
            pl.concat_str(pl.col("district_code"), pl.lit(":"), pl.col("class_id")).alias(
                "class_key"
            )
        )
        .group_by("class_key")
        .agg(pl.col("rule_code").unique().sort().str.join(",").alias("rules"))
        .sort("class_key")
    )


def evaluate(scores: pl.DataFrame, positives: pl.DataFrame, key: str = "class_key") -> dict:
    """At the top 1 % / 5 % / 10 % (ceil of the share of scored classes): caught, precision
    and recall (catch rate) with Wilson 95 % intervals; ROC-AUC and PR-AUC (average
    precision) against the base rate (a random ranking's PR-AUC); which rules the top 5 %
    missed."""
    joined = scores.select(key, "score").join(
        positives.with_columns(pl.lit(1).alias("y")), on=key, how="left"
    )
    joined = joined.with_columns(pl.col("y").fill_null(0))
    n, pos = joined.height, int(joined["y"].sum())
    out: dict = {"scored": n, "positives": pos, "positives_in_truth": positives.height}
    if n == 0 or pos == 0:
        return out
    out["base_rate"] = pos / n
    # ties at the cut are broken by key (deterministic), never in the detector's favour
    ranked = joined.sort(["score", key], descending=[True, False])
    for top in TOPS:
        k = max(1, math.ceil(top * n))
        caught = int(ranked.head(k)["y"].sum())
        out[f"top_{round(top * 100)}pct"] = {
            "k": k, "caught": caught, "catch_rate": caught / pos, "recall_ci": wilson(caught, pos),
            "precision": caught / k, "precision_ci": wilson(caught, k),
        }  # fmt: skip
    y, s = joined["y"].to_numpy(), joined["score"].to_numpy().astype(float)
    out["roc_auc"] = float(roc_auc_score(y, s)) if 0 < pos < n else None
    out["pr_auc"] = float(average_precision_score(y, s)) if 0 < pos < n else None
    k5 = out["top_5pct"]["k"]
    missed = ranked.slice(k5).filter(pl.col("y") == 1)[key].to_list()
    if "rules" in positives.columns:
        rules = positives.filter(pl.col(key).is_in(missed))["rules"].to_list()
        counts: dict[str, int] = {}
        for r in rules:
            for code in r.split(","):
                counts[code] = counts.get(code, 0) + 1
        out["missed_top5_by_rule"] = dict(sorted(counts.items()))
        out["recall_by_rule_top5"] = _by_rule(ranked.head(k5)[key].to_list(), positives, key)
    out["mean_score_positive"] = float(np.mean(s[y == 1]))
    out["mean_score_negative"] = float(np.mean(s[y == 0])) if (y == 0).any() else None
    return out


def _by_rule(top: list[str], positives: pl.DataFrame, key: str) -> dict[str, str]:
    rows = positives.with_columns(pl.col("rules").str.split(",")).explode("rules")
    res = {}
    for (rule,), grp in rows.group_by("rules", maintain_order=True):
        hit = grp.filter(pl.col(key).is_in(top)).height
        res[rule] = f"{hit}/{grp.height}"
    return dict(sorted(res.items()))
