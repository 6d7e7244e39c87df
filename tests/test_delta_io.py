"""The lake I/O layer: single-commit replaces, schema growth, and being the only writer."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest
from deltalake import DeltaTable

from pipelines.lib import delta_io
from pipelines.settings import REPO_ROOT

PRODUCT = ("pipelines", "video_features", "expectations", "apps")


def _draws(week: str, n: int) -> pl.DataFrame:
    return pl.DataFrame({"week": [week] * n, "class_id": [f"C{week}{i}" for i in range(n)]})


def test_replace_by_predicate_swaps_one_week_in_one_commit(tmp_path: Path) -> None:
    path = tmp_path / "draws"
    delta_io.replace(path, pl.concat([_draws("2026-W36", 3), _draws("2026-W37", 2)]))
    before = DeltaTable(str(path)).version()

    delta_io.replace(path, _draws("2026-W36", 1), predicate="week = '2026-W36'")

    table = DeltaTable(str(path))
    assert table.version() == before + 1  # one commit: no version with the week missing
    got = delta_io.read(path).group_by("week").len().sort("week")
    assert got.rows() == [("2026-W36", 1), ("2026-W37", 2)]
    # the version before is still there (time travel)
    assert delta_io.read(path, version=before).height == 5


def test_replace_with_no_rows_empties_only_the_slice(tmp_path: Path) -> None:
    path = tmp_path / "draws"
    delta_io.replace(path, pl.concat([_draws("2026-W36", 3), _draws("2026-W37", 2)]))
    delta_io.replace(path, _draws("2026-W36", 0), predicate="week = '2026-W36'")
    assert set(delta_io.read(path)["week"]) == {"2026-W37"}


def test_rows_outside_the_predicate_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "draws"
    delta_io.replace(path, _draws("2026-W36", 2))
    with pytest.raises(Exception):  # noqa: B017 (deltalake raises its own error types)
        delta_io.replace(path, _draws("2026-W40", 1), predicate="week = '2026-W36'")
    assert delta_io.read(path).height == 2


def test_a_grown_schema_is_kept_by_replace_and_append(tmp_path: Path) -> None:
    path = tmp_path / "draws"
    delta_io.replace(path, _draws("2026-W36", 2))
    grown = _draws("2026-W36", 1).with_columns(pl.lit(0.5).alias("score"))
    delta_io.replace(path, grown, predicate="week = '2026-W36'")
    delta_io.append(path, _draws("2026-W37", 1))  # the new column is null in these rows
    table = delta_io.read(path).sort("week")
    assert table.columns == ["week", "class_id", "score"]
    assert table["score"].to_list() == [0.5, None]


def test_scan_pushes_filters_and_reads_nothing_when_absent(tmp_path: Path) -> None:
    assert delta_io.scan(tmp_path / "absent") is None
    path = tmp_path / "draws"
    delta_io.replace(path, pl.concat([_draws("2026-W36", 3), _draws("2026-W37", 2)]))
    got = delta_io.scan(path).filter(pl.col("week") == "2026-W37").select("class_id").collect()
    assert sorted(got["class_id"]) == ["C2026-W370", "C2026-W371"]


def test_no_product_module_writes_delta_by_itself() -> None:
    """Writes go through pipelines/lib/delta_io.py (one place for commit semantics)."""
    writer = re.compile(r"\bwrite_deltalake\b|DeltaTable\([^)]*\)\s*\.\s*(merge|update|delete)")
    offenders = []
    for package in PRODUCT:
        for path in (REPO_ROOT / package).rglob("*.py"):
            if path == REPO_ROOT / "pipelines" / "lib" / "delta_io.py":
                continue
            if writer.search(path.read_text("utf-8")):
                offenders.append(str(path.relative_to(REPO_ROOT)))
    assert offenders == []
