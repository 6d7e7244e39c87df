"""The small Delta Lake IO layer: read, create-or-merge, append. deltalake directly, no
dagster-deltalake (it has broken on deltalake releases more than once)."""

from __future__ import annotations

from pathlib import Path

import polars as pl
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError


def exists(path: Path) -> bool:
    return (path / "_delta_log").is_dir()


def read(path: Path, columns: list[str] | None = None, version: int | None = None) -> pl.DataFrame:
    """The table's current (or a past) version; an empty frame when it does not exist yet."""
    if not exists(path):
        return pl.DataFrame()
    try:
        table = DeltaTable(str(path), version=version)
    except TableNotFoundError:
        return pl.DataFrame()
    return pl.from_arrow(table.to_pyarrow_table(columns=columns))


def merge(path: Path, frame: pl.DataFrame, keys: list[str], newer: str | None = None) -> dict:
    """Upsert by ``keys``; with ``newer``, a matched row is replaced only by a row whose
    ``newer`` column is at least as recent (latest delivery wins, whatever the run order)."""
    if frame.is_empty():
        return {}
    if not exists(path):
        path.mkdir(parents=True, exist_ok=True)
        write_deltalake(str(path), frame.to_arrow(), mode="append")
        return {"num_target_rows_inserted": frame.height}
    predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    merger = DeltaTable(str(path)).merge(
        source=frame.to_arrow(), predicate=predicate, source_alias="s", target_alias="t"
    )
    update_if = f"s.{newer} >= t.{newer}" if newer else None
    return (
        merger.when_matched_update_all(predicate=update_if).when_not_matched_insert_all().execute()
    )


def insert_new(path: Path, frame: pl.DataFrame, keys: list[str]) -> dict:
    """Insert rows whose keys are not there yet; re-running with the same rows adds nothing."""
    if frame.is_empty():
        return {}
    if not exists(path):
        path.mkdir(parents=True, exist_ok=True)
        write_deltalake(str(path), frame.to_arrow(), mode="append")
        return {"num_target_rows_inserted": frame.height}
    predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    return (
        DeltaTable(str(path))
        .merge(source=frame.to_arrow(), predicate=predicate, source_alias="s", target_alias="t")
        .when_not_matched_insert_all()
        .execute()
    )


def update(path: Path, frame: pl.DataFrame, keys: list[str]) -> dict:
    """Set the columns of ``frame`` on the rows matching its keys; inserts nothing."""
    if frame.is_empty() or not exists(path):
        return {}
    predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    values = {c: f"s.{c}" for c in frame.columns if c not in keys}
    return (
        DeltaTable(str(path))
        .merge(source=frame.to_arrow(), predicate=predicate, source_alias="s", target_alias="t")
        .when_matched_update(updates=values)
        .execute()
    )
