"""A hostile district costs its hostile files alone, and the landing folder confines reads.

End to end through ``ingest`` (the Ingestor the ingest asset runs): one district's folders
hold the files of issue 12 beside its ordinary deliveries, another district is clean; links,
a FIFO and files outside the landing are refused and never read.
"""

from __future__ import annotations

import csv
import io
import os

import polars as pl
import pytest
from delivery_factory import small_district_rows, write_small_district
from reliability import hostile

from pipelines.district_feeds.ingest import ingest
from pipelines.district_feeds.landing import discover
from pipelines.lib import archive_crypto, delta_io

GOOD, HOSTILE = "310104", "310105"


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def _plant_hostile_files(landing) -> dict[str, str]:
    """Hostile files in HOSTILE's feed folders; returns {file under the landing: reason}."""
    att = landing / HOSTILE / "attendance"
    cls = landing / HOSTILE / "classes"
    rows = small_district_rows(HOSTILE)["attendance"]
    planted = {
        "attendance/bom_gb18030.csv": (
            b"\xef\xbb\xbf" + _csv(rows).encode("gb18030"),
            "UNREADABLE",
        ),
        "attendance/utf16_cut.csv": (_csv(rows).encode("utf-16")[:-1], "UNREADABLE"),
        "classes/empty.xlsx": (hostile.xlsx({"Sheet1": []}), "EMPTY_FILE"),
        "classes/far_cells.xlsx": (hostile.xlsx_two_far_cells(), "LIMIT_EXCEEDED"),
        "classes/cover_first.xlsx": (
            hostile.xlsx({"封面": [["报送说明"]], "data": [["class_id"], ["X1"]]}),
            "NOT_FIRST_SHEET",
        ),
    }
    for name, (data, _) in planted.items():
        (landing / HOSTILE / name).write_bytes(data)
    # an unterminated quote in row 3 of a real attendance delivery: one row costs itself
    text = _csv(rows).splitlines()
    text[3] = text[3].replace(",", ',"', 1)
    (att / "unterminated.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    assert att.is_dir() and cls.is_dir()
    return {f"{HOSTILE}/{k}": reason for k, (_, reason) in planted.items()}


def test_hostile_files_in_one_district_cost_those_files_alone(settings):
    write_small_district(settings.landing, GOOD)
    write_small_district(settings.landing, HOSTILE)
    planted = _plant_hostile_files(settings.landing)
    summary = ingest(settings)
    reg = delta_io.read(settings.deliveries)
    by_file = {r["file"]: r for r in reg.to_dicts()}

    for file, reason in planted.items():
        assert by_file[file]["status"] == "unreadable" and by_file[file]["reason"] == reason
        assert by_file[file]["detail"]
    # every register row balances, and the unterminated quote cost exactly one row
    assert (reg["rows_read"] == reg["rows_accepted"] + reg["rows_quarantined"]).all()
    unterminated = by_file[f"{HOSTILE}/attendance/unterminated.csv"]
    n = len(small_district_rows(HOSTILE)["attendance"])
    assert unterminated["rows_read"] == n and unterminated["rows_quarantined"] >= 1
    quarantine = delta_io.read(settings.quarantine).filter(
        pl.col("file") == f"{HOSTILE}/attendance/unterminated.csv"
    )
    assert (
        quarantine.filter(pl.col("reason_detail") == "UNPARSEABLE:unterminated_quote").height == 1
    )

    # both districts' ordinary deliveries land, every feed of them
    for feed in small_district_rows(GOOD):
        bronze = delta_io.read(settings.bronze(feed))
        districts = set(bronze["src_district_code"].to_list())
        assert {GOOD, HOSTILE} <= districts, feed
    assert all(
        by_file[f"{d}/{feed}/{feed}_20260909.csv"]["status"] != "unreadable"
        for d in (GOOD, HOSTILE)
        for feed in small_district_rows(GOOD)
    )

    # hostile files are kept, byte for byte, in the archive
    keys = archive_crypto.ArchiveKeys.from_settings(settings)
    for file in planted:
        data = (settings.landing / file).read_bytes()
        assert archive_crypto.read(settings.archive, keys, by_file[file]["sha256"]) == data

    # and are registered: the next run does not read them again
    again = ingest(settings)
    assert again.files == [] and again.skipped_same_bytes == len(summary.files)


@pytest.fixture
def confined_landing(settings, tmp_path):
    """A clean district plus every way out of the landing folder."""
    write_small_district(settings.landing, GOOD, feeds=("institutions",))
    inst = settings.landing / GOOD / "institutions"
    body = (inst / "institutions_20260909.csv").read_bytes()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text("institution_id,name\nSECRET1,外部机密\n")
    for k, name in enumerate(("_x.csv", ".x.csv", "..x.csv"), start=1):
        (inst / name).write_bytes(body + b"\n" * k)  # other bytes: not duplicates
    (inst / "passwd.csv").symlink_to("/etc/passwd")
    (inst / "inside_link.csv").symlink_to(inst / "_x.csv")
    (inst / "linked_folder").symlink_to(outside, target_is_directory=True)
    (settings.landing / GOOD / "classes").symlink_to(outside, target_is_directory=True)
    (settings.landing / "310106").symlink_to(outside, target_is_directory=True)
    os.mkfifo(inst / "pipe.csv")
    return settings


def test_links_special_files_and_the_outside_are_refused_and_every_name_registered(
    confined_landing,
):
    settings = confined_landing
    found = {d.file: d for d in discover(settings.landing)}
    refused = {f for f, d in found.items() if d.refused}
    inst = f"{GOOD}/institutions"
    assert refused == {
        f"{inst}/passwd.csv",
        f"{inst}/inside_link.csv",
        f"{inst}/linked_folder",
        f"{inst}/pipe.csv",
        f"{GOOD}/classes",
        "310106",
    }
    for name in ("_x.csv", ".x.csv", "..x.csv"):
        d = found[f"{inst}/{name}"]
        assert d.problem is None and d.feed == "institutions"

    summary = ingest(settings)  # the FIFO would block a read forever: it is never opened
    reg = {r["file"]: r for r in delta_io.read(settings.deliveries).to_dicts()}
    assert set(reg) == set(found)
    for file in refused:
        row = reg[file]
        assert (row["status"], row["reason"], row["rows_read"]) == ("refused", "REFUSED", 0)
        assert "never read" in row["detail"]
    # nothing of what the links point to reaches the register, the archive or bronze
    shown = " ".join(str(v) for r in reg.values() for v in r.values())
    assert "root:" not in shown and "SECRET1" not in shown and "外部机密" not in shown
    keys = archive_crypto.ArchiveKeys.from_settings(settings)
    archived = [r["sha256"] for r in reg.values() if r["status"] != "refused"]
    assert all(archive_crypto.exists(settings.archive, keys, s) for s in archived)
    assert not any(archive_crypto.exists(settings.archive, keys, reg[f]["sha256"]) for f in refused)
    bronze = delta_io.read(settings.bronze("institutions"))
    assert "SECRET1" not in bronze["institution_id"].to_list()
    # names starting with '_', '.' or '..' are deliveries like any other
    n = len(small_district_rows(GOOD)["institutions"])
    for name in ("_x.csv", ".x.csv", "..x.csv", "institutions_20260909.csv"):
        row = reg[f"{inst}/{name}"]
        assert (row["status"], row["rows_read"], row["rows_accepted"]) == ("accepted", n, n)

    again = ingest(settings)
    assert again.files == [] and again.skipped_same_bytes == len(summary.files)
