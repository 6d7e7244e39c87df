"""The risk tables under ``<warehouse>/lake/risk/`` and fitted models under
``<warehouse>/models/<version>.joblib``. Writes are idempotent: merge by key, or replace
the rows of one week; a re-run with the same data and seed rewrites the same rows.

- scores: entity (class/institution), entity_key, score 0-100, reasons, model_version, ...
- models: version, entity, kind, features / params / metrics (JSON), trained_at, path
- spotcheck_draws: one row per week: seed, parameters (JSON), items (JSON), drawn_at
- spotcheck_items / spotcheck_records: the drawn classes / attendance records, flat
- spotcheck_outcomes: drawn items joined to the inspection results that came back
- evaluations: the evaluation against the simulator's truth, one row per model version
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl

from pipelines.lib import delta_io, lake
from pipelines.settings import Settings

SCORES, MODELS, DRAWS = "scores", "models", "spotcheck_draws"
ITEMS, RECORDS, OUTCOMES, EVALUATIONS = (
    "spotcheck_items", "spotcheck_records", "spotcheck_outcomes", "evaluations",
)  # fmt: skip


def table(settings: Settings, name: str) -> Path:
    return lake.path(settings, f"risk/{name}")


def model_path(settings: Settings, version: str) -> Path:
    return settings.warehouse / "models" / f"{version}.joblib"


def read(settings: Settings, name: str) -> pl.DataFrame:
    return delta_io.read(table(settings, name))


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def write_scores(settings: Settings, frame: pl.DataFrame) -> dict:
    """Merge by (entity, entity_key, model_version): history by version, no duplicates."""
    # from Python lists: map_elements hands a List(Struct) cell over as a Series, whose repr
    # is what json.dumps(default=str) wrote before
    text = [_json(r) for r in frame["reasons"].to_list()]
    flat = frame.with_columns(pl.Series("reasons_json", text, dtype=pl.String)).drop("reasons")
    return delta_io.merge(
        table(settings, SCORES), flat, keys=["entity", "entity_key", "model_version"]
    )


def write_model(settings: Settings, record: dict, artifact: bytes) -> Path:
    path = model_path(settings, record["version"])
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(artifact)
    row = pl.DataFrame(
        [
            {
                "version": record["version"],
                "entity": record["entity"],
                "kind": record["kind"],
                "features_json": _json(record["features"]),
                "params_json": _json(record["params"]),
                "metrics_json": _json(record.get("metrics", {})),
                "rows": int(record["rows"]),
                "trained_at": record["trained_at"],
                "published": bool(record.get("published", False)),
                "path": str(path.relative_to(settings.warehouse)),
            }
        ]
    )
    delta_io.merge(table(settings, MODELS), row, keys=["version"])
    return path


def latest_scores(settings: Settings, entity: str = "class") -> pl.DataFrame:
    """The published scores of the most recent scoring run for an entity."""
    scores = read(settings, SCORES)
    if scores.is_empty():
        return scores
    scores = scores.filter((pl.col("entity") == entity) & pl.col("published"))
    last = scores["scored_at"].max()
    return scores.filter(pl.col("scored_at") == last)


def replace_week(settings: Settings, name: str, week: str, frame: pl.DataFrame) -> None:
    """The week's rows replaced by ``frame`` in one commit (a redraw replaces, never adds;
    a reader never sees the week empty between a delete and an append)."""
    path = table(settings, name)
    if frame.width == 0 or (frame.is_empty() and not delta_io.exists(path)):
        return
    delta_io.replace(path, frame, predicate=f"week = '{week}'")


def write_draw(settings: Settings, draw) -> None:
    row = pl.DataFrame(
        [
            {
                "week": draw.week,
                "seed": int(draw.seed),
                "params_json": _json(draw.params),
                "items_json": _json(draw.items.to_dicts()),
                "classes": draw.items.height,
                "records": draw.records.height,
                "candidates": int(draw.candidates),
                "drawn_at": draw.drawn_at,
            }
        ]
    )
    replace_week(settings, DRAWS, draw.week, row)
    replace_week(
        settings, ITEMS, draw.week, draw.items.with_columns(pl.lit(draw.week).alias("week"))
    )
    replace_week(
        settings, RECORDS, draw.week, draw.records.with_columns(pl.lit(draw.week).alias("week"))
    )


def recorded_seed(settings: Settings, week: str) -> int | None:
    draws = read(settings, DRAWS)
    if draws.is_empty():
        return None
    got = draws.filter(pl.col("week") == week)
    return int(got["seed"][0]) if got.height else None


def write_outcomes(settings: Settings, frame: pl.DataFrame) -> None:
    """Recomputed in full from the draws and the inspections mart on every run."""
    delta_io.replace(table(settings, OUTCOMES), frame)


def write_evaluation(settings: Settings, version: str, result: dict) -> None:
    row = pl.DataFrame(
        [
            {
                "model_version": version,
                "evaluated_at": dt.datetime.now().replace(microsecond=0),
                "result_json": _json(result),
            }
        ]
    )
    delta_io.merge(table(settings, EVALUATIONS), row, keys=["model_version"])
