"""Weekly spot-check draws (验证抽查): pure functions, reproducible from a seed.

A draw picks ``classes`` classes running in the ISO week, stratified by district (each
district with candidates gets at least ``min_per_district``, the rest proportional to its
number of candidates, largest remainder), and within a district slot by slot: with
probability ``random_share`` uniformly among the district's remaining classes, otherwise
weighted by risk. The uniform slots are why a low-risk institution can always be drawn and
why nobody can predict the list from the scores; the seed is drawn from OS entropy when not
given and recorded, so the list can be re-created exactly for an audit.
Then ``records_per_class`` check-in records of each drawn class (from the week when it has
any, else from the whole class) are drawn uniformly for the inspectors to verify.
"""

from __future__ import annotations

import datetime as dt
import math
import secrets
from dataclasses import asdict, dataclass

import numpy as np
import polars as pl


@dataclass(frozen=True)
class SpotcheckParams:
    classes: int = 32
    min_per_district: int = 1
    random_share: float = 0.2
    # weight of a class in the risk slots: (score / 100) ** risk_exponent + weight_floor
    risk_exponent: float = 2.0
    weight_floor: float = 0.02
    records_per_class: int = 5


@dataclass
class Draw:
    week: str
    seed: int
    params: dict
    items: pl.DataFrame  # item_no, class_key, district_code, institution_key, score, drawn_by
    records: pl.DataFrame
    candidates: int
    drawn_at: dt.datetime


def new_seed() -> int:
    """From OS entropy (not the clock): unpredictable, and fits a Delta int64."""
    return secrets.randbits(62)


def week_bounds(week: str) -> tuple[dt.date, dt.date]:
    """'2026-W40' -> (Monday, Sunday)."""
    year, _, num = week.upper().partition("-W")
    monday = dt.date.fromisocalendar(int(year), int(num), 1)
    return monday, monday + dt.timedelta(days=6)


def current_week(today: dt.date) -> str:
    y, w, _ = today.isocalendar()
    return f"{y}-W{w:02d}"


def running_in(classes: pl.DataFrame, week: str) -> pl.DataFrame:
    monday, sunday = week_bounds(week)
    return classes.filter((pl.col("start_date") <= sunday) & (pl.col("end_date") >= monday))


def _largest_remainder(volumes: dict[str, int], total: int) -> dict[str, int]:
    weight = sum(volumes.values())
    if total <= 0 or weight == 0:
        return {d: 0 for d in volumes}
    quota = {d: total * v / weight for d, v in volumes.items()}
    out = {d: math.floor(q) for d, q in quota.items()}
    order = sorted(volumes, key=lambda d: (-(quota[d] - out[d]), d))
    for d in order[: total - sum(out.values())]:
        out[d] += 1
    return out


def allocate(volumes: dict[str, int], total: int, minimum: int) -> dict[str, int]:
    """Slots per district in proportion to volume (largest remainder), with every district
    raised to ``minimum`` and none given more than it has; districts so fixed leave the
    rest to be shared again in proportion. The minimum wins over a too small total."""
    fixed: dict[str, int] = {}
    free = dict(volumes)
    while True:
        quota = _largest_remainder(free, total - sum(fixed.values()))
        low = {d: min(minimum, free[d]) for d in free if quota[d] < min(minimum, free[d])}
        high = {d: free[d] for d in free if quota[d] > free[d]}
        if not low and not high:
            return {**fixed, **quota}
        for d, n in {**high, **low}.items():
            fixed[d] = n
            free.pop(d)


def _pick(rng, scores: np.ndarray, k: int, p: SpotcheckParams) -> list[tuple[int, str]]:
    remaining = list(range(len(scores)))
    out = []
    for _ in range(min(k, len(scores))):
        if rng.random() < p.random_share:
            j = int(rng.integers(len(remaining)))
            how = "random"
        else:
            w = (np.clip(scores[remaining], 0, 100) / 100.0) ** p.risk_exponent + p.weight_floor
            j = int(rng.choice(len(remaining), p=w / w.sum()))
            how = "risk"
        out.append((remaining.pop(j), how))
    return out


def draw(
    week: str,
    candidates: pl.DataFrame,
    params: SpotcheckParams,
    seed: int,
    checkins: pl.DataFrame | None = None,
) -> Draw:
    """Draw the week's list. ``candidates``: class_key, district_code, institution_key,
    score (and any columns to carry, e.g. reasons_zh), already restricted to the week."""
    rng = np.random.default_rng(seed)
    cand = candidates.sort("district_code", "class_key")  # input order must not matter
    volumes = dict(cand.group_by("district_code").len().sort("district_code").iter_rows())
    alloc = allocate(volumes, params.classes, params.min_per_district)
    parts = []
    for district in sorted(volumes):
        group = cand.filter(pl.col("district_code") == district)
        picks = _pick(rng, group["score"].to_numpy().astype(float), alloc[district], params)
        if picks:
            rows, how = zip(*picks, strict=True)
            parts.append(group[list(rows)].with_columns(pl.Series("drawn_by", list(how))))
    items = pl.concat(parts) if parts else cand.clear().with_columns(pl.lit("").alias("drawn_by"))
    items = items.with_row_index("item_no", offset=1).with_columns(pl.col("item_no").cast(pl.Int64))
    records = draw_records(week, items, checkins, params, seed)
    return Draw(
        week,
        seed,
        asdict(params),
        items,
        records,
        cand.height,
        dt.datetime.now().replace(microsecond=0),
    )


def draw_records(
    week: str,
    items: pl.DataFrame,
    checkins: pl.DataFrame | None,
    params: SpotcheckParams,
    seed: int,
) -> pl.DataFrame:
    """Uniformly drawn check-in records of the drawn classes (the week's when it has any)."""
    cols = ["class_key", "session_key", "record_key", "record_id", "id_number_masked",
            "checked_at", "punch_method", "face_score"]  # fmt: skip
    if checkins is None or checkins.is_empty() or items.is_empty():
        # the same column types as a real draw: the export formats checked_at as a time
        types = {"checked_at": pl.Datetime("us"), "face_score": pl.Float64}
        return pl.DataFrame(schema={c: types.get(c, pl.String) for c in cols})
    rng = np.random.default_rng([seed, 1])
    monday, sunday = week_bounds(week)
    pool = checkins.filter(pl.col("class_key").is_in(items["class_key"].to_list())).select(cols)
    pool = pool.sort("class_key", "record_key")
    out = []
    for key in items["class_key"].to_list():
        mine = pool.filter(pl.col("class_key") == key)
        in_week = mine.filter(pl.col("checked_at").dt.date().is_between(monday, sunday))
        src = in_week if in_week.height else mine
        if src.height == 0:
            continue
        k = min(params.records_per_class, src.height)
        idx = sorted(rng.choice(src.height, size=k, replace=False).tolist())
        out.append(src[idx])
    return pl.concat(out) if out else pool.clear()


def outcomes(
    items: pl.DataFrame, inspections: pl.DataFrame, horizon_days: int = 42
) -> pl.DataFrame:
    """Drawn classes joined to inspections of them (or of their institution) from the draw
    week's Monday to ``horizon_days`` later: whether the risk-weighted slots find more
    failures than the random ones is the honest measure of the score."""
    if items.is_empty() or inspections.is_empty():
        return pl.DataFrame()
    items = items.with_columns(
        pl.col("week")
        .map_elements(lambda w: week_bounds(w)[0], return_dtype=pl.Date)
        .alias("week_start")
    )
    insp = inspections.select(
        "inspection_id", "target_kind", "class_key", "institution_key", "inspected_on",
        "inspection_result", "is_failed",
    )  # fmt: skip
    by_class = items.join(insp.drop("institution_key"), on="class_key", how="inner")
    by_inst = items.join(
        insp.filter(pl.col("target_kind") == "机构").drop("class_key"),
        on="institution_key",
        how="inner",
    )
    joined = pl.concat([by_class, by_inst], how="diagonal_relaxed")
    end = pl.col("week_start") + pl.duration(days=horizon_days)
    return (
        joined.filter(pl.col("inspected_on").is_between(pl.col("week_start"), end))
        .select(
            "week",
            "item_no",
            "class_key",
            "institution_key",
            "district_code",
            "drawn_by",
            pl.col("score").alias("score_at_draw"),
            "inspection_id",
            "target_kind",
            "inspected_on",
            "inspection_result",
            "is_failed",
        )  # fmt: skip
        .unique(["week", "item_no", "inspection_id"])
        .sort("week", "item_no", "inspection_id")
    )
