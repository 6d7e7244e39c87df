"""The I/O around the pure parts: score and store, draw and export, join outcomes.
Used by the Dagster assets, the CLI, the tests and the benchmark alike."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.cameras.tables import silver
from pipelines.risk import model, spotcheck, store
from pipelines.risk.export import write_xlsx
from pipelines.risk.features import Inputs, class_features, institution_features, load_inputs
from pipelines.settings import Settings

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def warehouse_db(settings: Settings, db_path: Path | None = None) -> Path:
    """The published auditor file (readers never lock the builder out), else dbt's DB."""
    if db_path is not None:
        return db_path
    if settings.duckdb_path.exists():
        return settings.duckdb_path
    from pipelines.warehouse.project import build_db_path

    return build_db_path(settings)


def load(settings: Settings, db_path: Path | None = None) -> Inputs:
    return load_inputs(warehouse_db(settings, db_path), silver(settings, "x").parent)


@dataclass
class ScoringRun:
    scored_at: dt.datetime
    runs: dict[str, tuple[model.Fitted, model.Fitted | None, model.Fitted]]
    features: dict[str, pl.DataFrame]

    def published(self, entity: str) -> model.Fitted:
        return self.runs[entity][2]


_ENTITIES = {"class": ("class_key", class_features), "institution": ("institution_key", None)}


def score_all(inputs: Inputs, params: model.RiskParams) -> ScoringRun:
    classes = class_features(inputs)
    feats = {"class": classes, "institution": institution_features(inputs, classes)}
    runs = {}
    for entity, (key, _) in _ENTITIES.items():
        unsup, sup = model.score(
            feats[entity], key, entity, params, inputs.frames["fct_inspections"]
        )
        runs[entity] = (unsup, sup, model.published(unsup, sup, params))
    return ScoringRun(dt.datetime.now().replace(microsecond=0), runs, feats)


def save(settings: Settings, run: ScoringRun) -> dict[str, dict]:
    """Scores of every run (published flag on the chosen one), models and artifacts."""
    summary = {}
    for entity, (unsup, sup, chosen) in run.runs.items():
        key = _ENTITIES[entity][0]
        for fitted in (f for f in (unsup, sup) if f is not None):
            is_pub = fitted is chosen
            fitted.record["published"] = is_pub
            store.write_model(settings, fitted.record, fitted.artifact)
            frame = fitted.scores.rename({key: "entity_key"}).with_columns(
                pl.lit(entity).alias("entity"),
                pl.lit(is_pub).alias("published"),
                pl.lit(run.scored_at).alias("scored_at"),
            )
            store.write_scores(settings, frame)
        summary[entity] = {
            "published_version": chosen.record["version"],
            "published_kind": chosen.record["kind"],
            "rows": chosen.scores.height,
            "unsupervised": unsup.record,
            "supervised": sup.record if sup else None,
        }
    return summary


def candidates(settings: Settings, inputs: Inputs, week: str) -> pl.DataFrame:
    """Classes running in the week with their latest published score and display fields."""
    scores = store.latest_scores(settings, "class")
    if scores.is_empty():  # nothing scored yet (a first or partial landing): no scores, typed
        scores = pl.DataFrame(
            schema={"entity_key": pl.String, "score": pl.Float64, "reasons_zh": pl.String}
        )
    scores = scores.select(pl.col("entity_key").alias("class_key"), "score", "reasons_zh")
    classes = spotcheck.running_in(inputs.frames["dim_class"], week)
    inst = inputs.frames["dim_institution"].select(
        "institution_key", "institution_id", "institution_name"
    )
    out = classes.join(scores, on="class_key", how="left").join(
        inst, on="institution_key", how="left"
    )
    # a class the model has not seen yet (filed after the last scoring) is drawn on the floor
    # weight and the random slots, never skipped
    return out.with_columns(
        pl.col("score").fill_null(0.0), pl.col("reasons_zh").fill_null("尚未评分")
    )


def run_spotcheck(
    settings: Settings,
    week: str,
    params: spotcheck.SpotcheckParams,
    seed: int | None = None,
    out: Path | None = None,
    db_path: Path | None = None,
) -> tuple[spotcheck.Draw, Path]:
    """Draw (with the given seed, else the week's recorded one, else a fresh one), store,
    export. Re-running a week without a seed re-creates its recorded list."""
    inputs = load(settings, db_path)
    if seed is None:
        seed = store.recorded_seed(settings, week)
    if seed is None:
        seed = spotcheck.new_seed()
    cand = candidates(settings, inputs, week)
    checkins = inputs.frames["fct_attendance"].filter(pl.col("punch_kind") == "签到")
    drawn = spotcheck.draw(week, cand, params, seed, checkins)
    store.write_draw(settings, drawn)
    sessions = inputs.frames["fct_sessions"].select(
        "session_key", pl.col("session_key").str.split(":").list.last().alias("session_id")
    )
    records = (
        drawn.records.join(sessions, on="session_key", how="left")
        .join(
            inputs.frames["dim_class"].select("class_key", "class_id"), on="class_key", how="left"
        )
        .with_columns(pl.col("checked_at").dt.strftime("%Y-%m-%d %H:%M:%S"))
    )
    districts = _district_names()
    classes = drawn.items.with_columns(
        pl.col("district_code").replace_strict(districts, default="").alias("district_name_zh"),
        pl.col("start_date").cast(pl.String),
        pl.col("end_date").cast(pl.String),
    )
    path = out or settings.warehouse / "reports" / "spotcheck" / f"spotcheck_{week}.xlsx"
    write_xlsx(path, drawn, classes, records)
    return drawn, path


def _district_names() -> dict[str, str]:
    from pipelines.contract.districts import DISTRICTS

    return dict(DISTRICTS)


def run_outcomes(settings: Settings, inputs: Inputs, horizon_days: int = 42) -> pl.DataFrame:
    items = store.read(settings, store.ITEMS)
    result = spotcheck.outcomes(items, inputs.frames["fct_inspections"], horizon_days)
    if not result.is_empty():
        store.write_outcomes(settings, result)
    return result


def outcome_summary(result: pl.DataFrame) -> dict:
    """Inspection failure rate of risk-drawn vs randomly drawn items."""
    if result.is_empty():
        return {"inspected_items": 0}
    per_item = result.group_by("week", "item_no", "drawn_by").agg(pl.col("is_failed").any())
    by = per_item.group_by("drawn_by").agg(pl.len().alias("inspected"), pl.col("is_failed").mean())
    return {
        "inspected_items": per_item.height,
        "failure_rate_by_drawn_by": {
            r["drawn_by"]: round(r["is_failed"], 4) for r in by.to_dicts()
        },
    }
