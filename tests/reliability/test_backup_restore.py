"""Backup -> restore into an empty folder -> the same answers; incremental; corruption found."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from delivery_factory import small_district_rows, write_delivery
from reliability_warehouse import small_warehouse

from pipelines import backup as bk
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import archive_crypto as ac
from pipelines.lib import delta_io
from pipelines.settings import get_settings


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return small_warehouse(tmp_path_factory.mktemp("reliability_wh"))


@pytest.fixture
def source(wh, tmp_path):
    """A private copy of the small warehouse, to change between backups."""
    shutil.copytree(wh.settings.warehouse, tmp_path / "warehouse")
    return get_settings(tmp_path / "warehouse", wh.landing)


def _delta_tables(settings) -> list[str]:
    lake = settings.lake
    return sorted(p.parent.relative_to(lake).as_posix() for p in lake.rglob("_delta_log"))


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    cols = [c for c, t in frame.schema.items() if not isinstance(t, pl.List | pl.Struct)]
    return frame.sort(cols, nulls_last=True)


def _published(path: Path) -> dict[str, list]:
    with duckdb.connect(str(path), read_only=True) as con:
        names = [r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()]
        return {n: sorted(con.execute(f'select * from "{n}"').fetchall(), key=str) for n in names}


def _answers(settings) -> dict:
    """What the warehouse answers: published tables, every Delta table, stored files."""
    keys = ac.ArchiveKeys.from_settings(settings)
    return {
        "published": _published(settings.duckdb_path),
        "delta": {t: _sorted(delta_io.read(settings.lake / t)) for t in _delta_tables(settings)},
        "archive": {
            s: ac.read(settings.archive, keys, s)
            for s in delta_io.read(settings.deliveries)["sha256"]
        },
        "images": {
            p.relative_to(settings.warehouse).as_posix(): p.read_bytes()
            for d in ("images", "thumbs")
            for p in (settings.warehouse / d).rglob("*.*")
        },
        "users": (settings.warehouse / "users.yaml").read_text(),
    }


def _assert_same(a: dict, b: dict) -> None:
    assert a["published"] == b["published"]
    assert a["delta"].keys() == b["delta"].keys()
    for table, frame in a["delta"].items():
        assert frame.equals(b["delta"][table]), table
    assert a["archive"] == b["archive"]
    assert a["images"] == b["images"]
    assert a["users"] == b["users"]


def test_restore_into_an_empty_folder_gives_the_same_answers(source, tmp_path):
    target = tmp_path / "backup"
    first = bk.backup(source, target)
    assert first.copied > 0 and first.files >= first.copied and not first.vanished
    restored = get_settings(tmp_path / "restored", source.landing)
    summary = bk.restore(restored, target)
    assert summary.corrupt == [] and summary.files == first.files
    answers = _answers(source)
    assert len(answers["published"]) >= 4 and len(answers["delta"]) >= 10
    assert all(len(v) for v in answers["published"].values())
    assert answers["archive"] and answers["images"]
    _assert_same(answers, _answers(restored))
    # the restored lake is a working lake: a new delivery ingests into it
    rows = [
        {**r, "record_id": r["record_id"] + "r"}
        for r in small_district_rows("310105")["attendance"]
    ]
    write_delivery(source.landing, "310105", "attendance", "attendance_20260912.csv", rows)
    try:
        ingest(restored)
    finally:
        (source.landing / "310105" / "attendance" / "attendance_20260912.csv").unlink()
    bronze = delta_io.read(restored.bronze("attendance"))
    assert bronze.height == answers["delta"]["bronze/attendance"].height + len(rows)


def test_a_second_backup_copies_nothing_and_a_change_only_the_new_files(source, tmp_path):
    target = tmp_path / "backup"
    first = bk.backup(source, target)
    again = bk.backup(source, target)
    assert (again.copied, again.reused, again.files) == (0, first.files, first.files)
    objects = {p.name for p in (target / "objects").rglob("*") if p.is_file()}

    rows = [
        {**r, "record_id": r["record_id"] + "n"}
        for r in small_district_rows("310104")["attendance"]
    ]
    write_delivery(source.landing, "310104", "attendance", "attendance_20260913.csv", rows)
    try:
        ingest(source)
    finally:
        (source.landing / "310104" / "attendance" / "attendance_20260913.csv").unlink()
    third = bk.backup(source, target)
    added = {p.name for p in (target / "objects").rglob("*") if p.is_file()} - objects
    # the new archive file, the new Delta data and log files: not the whole warehouse again
    assert 3 <= third.copied == len(added) < first.files / 2
    before = {e["path"] for e in bk.load_manifest(target, first.manifest.name)["files"]}
    new_names = {e["path"] for e in bk.load_manifest(target)["files"]} - before
    assert any(n.startswith("archive/") for n in new_names)
    assert any(n.startswith("lake/bronze/attendance/_delta_log/") for n in new_names)
    restored = get_settings(tmp_path / "restored", source.landing)
    assert bk.restore(restored, target).corrupt == []
    _assert_same(_answers(source), _answers(restored))


def test_delta_logs_are_copied_after_their_data_files(source, tmp_path):
    bk.backup(source, tmp_path / "backup")
    names = [e["path"] for e in bk.load_manifest(tmp_path / "backup")["files"]]
    first_log = min(i for i, n in enumerate(names) if "/_delta_log/" in n)
    assert all("/_delta_log/" in n for n in names[first_log:])
    assert any(n.endswith(".parquet") for n in names[:first_log])
    assert "skillwatch.duckdb" in names and "users.yaml" in names
    assert not any(n.startswith(("build/", "docs/", "dagster_home/")) for n in names)


def test_a_corrupted_backup_is_detected_and_nothing_restored(source, tmp_path):
    target = tmp_path / "backup"
    bk.backup(source, target)
    manifest = bk.load_manifest(target)
    victim = next(e for e in manifest["files"] if e["path"].startswith("lake/bronze/"))
    obj = target / "objects" / victim["sha256"][:2] / victim["sha256"]
    blob = bytearray(obj.read_bytes())
    blob[len(blob) // 2] ^= 0xFF
    obj.write_bytes(bytes(blob))
    restored = get_settings(tmp_path / "restored", source.landing)
    summary = bk.restore(restored, target)
    assert victim["path"] in summary.corrupt and summary.files == 0
    assert not restored.warehouse.exists() or not any(restored.warehouse.iterdir())
    code = bk.main_restore(["--from", str(target), "--warehouse", str(restored.warehouse)])
    assert code == 1
    # a tampered manifest is refused too
    path = target / "manifests" / (target / "LATEST").read_text().strip()
    path.write_text(path.read_text().replace(victim["sha256"], "0" * 64))
    with pytest.raises(bk.RestoreError, match="checksum"):
        bk.restore(restored, target)


def test_restore_refuses_a_non_empty_target(source, tmp_path):
    target = tmp_path / "backup"
    assert bk.main_backup(["--to", str(target), "--warehouse", str(source.warehouse)]) == 0
    with pytest.raises(bk.RestoreError, match="not empty"):
        bk.restore(source, target)


def test_with_the_lake_on_object_storage_a_backup_leaves_it_to_the_store(source, caplog):
    """The store keeps the lake (versioning, replication); a local lake folder left from
    before the move is stale and not copied; everything else is, as before."""
    moved = source.model_copy(update={"lake_uri": "s3://skillwatch-lake/city"})
    everything = {s.name for s in bk.sources(source)}
    without_lake = {s.name for s in bk.sources(moved)}
    assert any(n.startswith("lake/") for n in everything)
    assert without_lake == {n for n in everything if not n.startswith("lake/")}
    assert any(n.startswith("archive/") for n in without_lake)
    with caplog.at_level("WARNING", logger="pipelines.backup"):
        bk.backup(moved, source.warehouse.parent / "backup")
    assert "the lake is on object storage (s3://skillwatch-lake/city)" in caplog.text
