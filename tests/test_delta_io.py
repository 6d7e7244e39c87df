"""The lake I/O layer: single-commit replaces, schema growth, and being the only writer."""

from __future__ import annotations

import json
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


def _frames(month: str, days: range) -> pl.DataFrame:
    ym = month.replace("-", "")
    return pl.DataFrame(
        {
            "source_path": [f"frames/CAM1/{ym}{d:02d}/080000.jpg" for d in days],
            "captured_month": [month] * len(days),
            "brightness": [float(d) for d in days],
        }
    )


def _files_touched(path: Path, version: int) -> set[str]:
    """Partition folders of the files a commit added or removed, from the Delta log."""
    log = path / "_delta_log" / f"{version:020d}.json"
    touched = set()
    for line in log.read_text("utf-8").splitlines():
        action = json.loads(line)
        for kind in ("add", "remove"):
            if kind in action:
                touched.add(action[kind]["path"].split("/")[0])
    return touched


def test_a_partitioned_merge_touches_only_the_partitions_of_the_new_rows(tmp_path: Path) -> None:
    path = tmp_path / "camera_frames"
    key = ["source_path"]
    delta_io.merge(path, _frames("2026-09", range(1, 29)), key, partition_by=["captured_month"])
    delta_io.merge(path, _frames("2026-10", range(1, 29)), key)
    assert delta_io.partition_columns(path) == ["captured_month"]

    # the next day's run: one new day of October and a re-delivered October day
    day = pl.concat([_frames("2026-10", range(29, 30)), _frames("2026-10", range(3, 4))])
    got = delta_io.merge(path, day.with_columns(pl.lit(99.0).alias("brightness")), key)

    # September's file was not even read (the partition filter), October's rewritten
    assert got["num_target_files_scanned"] == 1
    assert got["num_target_files_skipped_during_scan"] == 1
    version = DeltaTable(str(path)).version()
    assert _files_touched(path, version) == {"captured_month=2026-10"}
    table = delta_io.read(path)
    assert table.height == 28 + 29  # the re-delivered day replaced, not added
    assert table.filter(pl.col("brightness") == 99.0).height == 2
