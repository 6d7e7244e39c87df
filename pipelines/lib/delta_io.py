"""The one Delta Lake I/O layer: read, lazy scan, create-or-merge, append, atomic replace.

Every module writes the lake through here (deltalake directly, no dagster-deltalake: it has
broken on deltalake releases more than once). Writes are single commits: a replace by
predicate swaps a slice of a table (a week's risk draw, a day's rebuild) in one transaction,
so a reader or a crash never sees the slice half gone, as delete-then-append allowed.

A path is a local ``Path`` or, when the lake is on object storage, a ``UPath``
(``pipelines.lib.object_store``): deltalake and polars take the URI either way.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

from pipelines.lib.object_store import is_remote


def exists(path: Path) -> bool:
    if is_remote(path):
        # asked of the store itself, never of a cached listing; by opening the table, as
        # DeltaTable.is_deltatable holds the GIL for the whole round trip (an app session
        # would freeze the others while the store answers)
        try:
            DeltaTable(str(path))
        except TableNotFoundError:
            return False
        return True
    return (path / "_delta_log").is_dir()


def _make_room(path: Path) -> None:
    """The table's folder, locally (an object store has no folders to create)."""
    if not is_remote(path):
        path.mkdir(parents=True, exist_ok=True)


def read(path: Path, columns: list[str] | None = None, version: int | None = None) -> pl.DataFrame:
    """The table's current (or a past) version; an empty frame when it does not exist yet."""
    if not exists(path):
        return pl.DataFrame()
    try:
        table = DeltaTable(str(path), version=version)
    except TableNotFoundError:
        return pl.DataFrame()
    return pl.from_arrow(table.to_pyarrow_table(columns=columns))


def scan(path: Path) -> pl.LazyFrame | None:
    """A lazy scan (filters and column selections pushed down to the Parquet files and the
    Delta log's statistics), or None when the table does not exist yet."""
    if not exists(path):
        return None
    return pl.scan_delta(str(path))


def replace(
    path: Path,
    frame: pl.DataFrame,
    predicate: str | None = None,
    partition_by: list[str] | None = None,
) -> None:
    """Replace the whole table, or with ``predicate`` (SQL over the table's columns, e.g.
    ``"week = '2026-W36'"``) only the rows it matches, by ``frame`` in one commit. Every
    row of ``frame`` must satisfy the predicate (Delta checks it)."""
    _make_room(path)
    if predicate is None or not exists(path):
        write_deltalake(
            str(path),
            frame.to_arrow(),
            mode="overwrite",
            schema_mode="overwrite" if predicate is None else None,
            partition_by=partition_by,
        )
        return
    write_deltalake(
        str(path), _conform(path, frame).to_arrow(), mode="overwrite", predicate=predicate
    )


def _conform(path: Path, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` in the table's column order: new columns first added to the table's schema
    (an empty append), the table's columns ``frame`` lacks filled with nulls."""
    table = DeltaTable(str(path))
    have = table.schema().to_arrow()
    if set(frame.columns) - set(have.names):
        write_deltalake(str(path), frame.head(0).to_arrow(), mode="append", schema_mode="merge")
        have = DeltaTable(str(path)).schema().to_arrow()
    empty = pl.from_arrow(have.empty_table())
    missing = [pl.lit(None, dtype=empty[c].dtype).alias(c) for c in have.names if c not in frame]
    return frame.with_columns(missing).select(have.names)


def append(path: Path, frame: pl.DataFrame, partition_by: list[str] | None = None) -> None:
    """Append rows (new columns are added to the schema)."""
    if frame.is_empty() and exists(path):
        return
    _make_room(path)
    write_deltalake(
        str(path),
        frame.to_arrow(),
        mode="append",
        schema_mode="merge" if exists(path) else None,
        partition_by=None if exists(path) else partition_by,
    )


def partition_columns(path: Path) -> list[str]:
    return list(DeltaTable(str(path)).metadata().partition_columns) if exists(path) else []


def _sql_literal(value) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def partition_filter(path: Path, frame: pl.DataFrame) -> str:
    """``t.p IN (<values in frame>)`` for each partition column of the table: a MERGE with it
    reads and rewrites only the partitions the new rows fall in (a day's frames touch their
    month, not the year), instead of scanning every file for matches."""
    clauses = []
    for column in partition_columns(path):
        values = frame[column].unique().to_list()
        parts = []
        known = [v for v in values if v is not None]
        if known:
            parts.append(f"t.{column} IN ({', '.join(_sql_literal(v) for v in known)})")
        if len(known) < len(values):
            parts.append(f"t.{column} IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    return " AND ".join(clauses)


def merge(
    path: Path,
    frame: pl.DataFrame,
    keys: list[str],
    newer: str | None = None,
    partition_by: list[str] | None = None,
) -> dict:
    """Upsert by ``keys``; with ``newer``, a matched row is replaced only by a row whose
    ``newer`` column is at least as recent (latest delivery wins, whatever the run order).

    ``partition_by`` applies when the table is created; a partition column must be a
    function of the keys (a row never moves between partitions), so a partitioned table's
    MERGE is confined to the partitions of ``frame``."""
    if frame.is_empty():
        return {}
    if not exists(path):
        _make_room(path)
        write_deltalake(str(path), frame.to_arrow(), mode="append", partition_by=partition_by)
        return {"num_target_rows_inserted": frame.height}
    predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    if pruning := partition_filter(path, frame):
        predicate = f"{pruning} AND {predicate}"
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
        _make_room(path)
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


def merger(path: Path, frame: pl.DataFrame, keys: list[str]):
    """A MERGE by ``keys`` (target alias ``t``, source ``s``) for callers whose clauses go
    beyond upsert (the alert register marks vanished causes in the same commit)."""
    predicate = " AND ".join(f"t.{k} = s.{k}" for k in keys)
    return DeltaTable(str(path)).merge(
        source=frame.to_arrow(), predicate=predicate, source_alias="s", target_alias="t"
    )


def update_where(path: Path, predicate: str, updates: dict[str, str]) -> dict:
    """SQL ``UPDATE ... SET updates WHERE predicate`` in one commit (no-op without a table)."""
    if not exists(path):
        return {}
    return DeltaTable(str(path)).update(predicate=predicate, updates=updates)


def column_names(path: Path) -> list[str]:
    """The table's columns (empty when it does not exist yet)."""
    return DeltaTable(str(path)).schema().to_arrow().names if exists(path) else []


def add_columns(path: Path, frame: pl.DataFrame) -> None:
    """Columns of ``frame`` the table lacks are added (null in the old rows), so a MERGE
    that follows keeps every column of the newer schema."""
    if exists(path) and set(frame.columns) - set(column_names(path)):
        write_deltalake(str(path), frame.head(0).to_arrow(), mode="append", schema_mode="merge")
