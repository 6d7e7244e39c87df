"""Top reasons in plain Chinese from per-feature contributions.

The contribution of a feature is what the model adds for it: for the isolation forest the
one-sided deviation z (how many robust standard deviations worse than the typical class),
for the logistic model coef x z. Only positive contributions are reasons: a score is
explained by what made it high, never by what is fine.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from pipelines.risk.catalogue import FEATURES, reason_text

# below this contribution a feature is not worth naming (one robust SD, or its logit)
MIN_CONTRIBUTION = 1.0
NONE_ZH = "各项指标均在正常范围"

REASON_DTYPE = pl.List(
    pl.Struct(
        {
            "feature": pl.String,
            "label_zh": pl.String,
            "value": pl.Float64,
            "contribution": pl.Float64,
            "text_zh": pl.String,
        }
    )
)


def top_reasons(
    names: list[str],
    values: np.ndarray,
    contributions: np.ndarray,
    k: int = 3,
    min_contribution: float = MIN_CONTRIBUTION,
) -> list[list[dict]]:
    """For each row, the k features with the largest positive contribution (ties broken by
    feature order, so the same input always gives the same reasons)."""
    out = []
    for vals, contrib in zip(values, contributions, strict=True):
        order = np.lexsort((np.arange(len(names)), -contrib))
        row = []
        for j in order[:k]:
            if not contrib[j] >= min_contribution or np.isnan(vals[j]):
                continue
            row.append(
                {
                    "feature": names[j],
                    "label_zh": FEATURES[names[j]].label_zh,
                    "value": float(vals[j]),
                    "contribution": round(float(contrib[j]), 4),
                    "text_zh": reason_text(names[j], float(vals[j])),
                }
            )
        out.append(row)
    return out


def as_columns(reasons: list[list[dict]]) -> list[pl.Series]:
    """The structured list and one readable line ('；'-joined) for tables and the XLSX."""
    text = ["；".join(r["text_zh"] for r in row) or NONE_ZH for row in reasons]
    return [
        pl.Series("reasons", reasons, dtype=REASON_DTYPE),
        pl.Series("reasons_zh", text, dtype=pl.String),
    ]
