"""A small real warehouse for the reliability tests, built once per test process.

Two hand-written districts (every feed, with clear ID numbers and phones in the landing),
one camera evening, through the real ingest and the real frame analysis: the lake (Delta
tables), the encrypted archive and the image store. A DuckDB file in the published file's
place holds tables derived from bronze, and the real user store writes an app users file.
No dbt build: tests/warehouse's session build is not visible from this folder, and a second
one would double the suite's longest fixture (about 4 s here instead).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
from delivery_factory import small_district_rows, write_small_camera_day, write_small_district

from pipelines.settings import Settings, get_settings

DISTRICTS = ("310104", "310105")
SECRET = "test-secret-key-for-pseudonyms"  # tests/conftest.py's, set for every test


@dataclass(frozen=True)
class SmallWarehouse:
    root: Path
    settings: Settings
    landing: Path
    clear_ids: frozenset[str]  # every ID number and phone planted in the landing
    camera_ids: tuple[str, ...]


_ID = re.compile(r"^\d{17}[\dX]$")
_PHONE = re.compile(r"^1[3-9]\d{9}$")


def planted_personal_values() -> set[str]:
    values = set()
    for district in DISTRICTS:
        for rows in small_district_rows(district).values():
            for row in rows:
                for v in row.values():
                    v = str(v).strip()
                    if _ID.match(v) or _PHONE.match(v):
                        values.add(v)
    return values


def _publish(settings: Settings) -> None:
    """A DuckDB file in the published file's place, with tables derived from bronze (what
    the marts would hold, reduced: the real publisher needs the whole dbt project's marts)."""
    from pipelines.lib import delta_io

    institutions = delta_io.read(settings.bronze("institutions")).select(
        "src_district_code", "institution_id", "license_valid_until", "status"
    )
    deliveries = delta_io.read(settings.deliveries).select(
        "district_code", "file", "feed", "status", "rows_read", "rows_accepted"
    )
    attendance = delta_io.read(settings.bronze("attendance")).select(
        "src_district_code", "class_id", "id_number_pseudo", "id_number_masked"
    )
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(settings.duckdb_path)) as con:
        for name, frame in (
            ("dim_institution", institutions),
            ("fct_deliveries", deliveries),
            ("fct_attendance", attendance),
        ):
            con.register("frame", frame.to_arrow())
            con.execute(f"create table {name} as select * from frame")
            con.unregister("frame")
        con.execute(
            "create table class_people as select src_district_code, class_id, "
            "count(distinct id_number_pseudo) as people from fct_attendance group by all"
        )


@functools.cache
def small_warehouse(root: Path) -> SmallWarehouse:
    from pipelines.app_users import add_user, users_path
    from pipelines.cameras.config import load_camera_config
    from pipelines.cameras.frames import process_frames
    from pipelines.district_feeds.ingest import ingest

    os.environ["SKILLWATCH_SECRET_KEY"] = SECRET
    os.environ.pop("SKILLWATCH_DUCKDB", None)  # the published file inside the warehouse
    landing = root / "landing"
    for district in DISTRICTS:
        write_small_district(landing, district)
    cameras = tuple(f"CAM{d[-3:]}1" for d in DISTRICTS)
    write_small_camera_day(landing, cameras)
    settings = get_settings(root / "warehouse", landing)
    ingest(settings)
    process_frames(settings, load_camera_config(env={}))
    _publish(settings)
    add_user(users_path(settings), "auditor1", "auditor", "a-long-password-1")
    return SmallWarehouse(root, settings, landing, frozenset(planted_personal_values()), cameras)


def clear_values_in_files(root: Path, values: set[str]) -> list[tuple[str, str]]:
    """(file, value) for every planted value found in any file under ``root``: raw bytes,
    and also the decoded contents of Parquet and DuckDB files (compressed pages would hide
    a value from a byte search)."""
    import pyarrow.parquet as pq

    needles = [v.encode() for v in values]
    hits = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        blobs = [path.read_bytes()]
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            blobs.append(str(table.to_pylist()).encode())
        elif path.suffix == ".duckdb":
            with duckdb.connect(str(path), read_only=True) as con:
                for (name,) in con.execute("select table_name from duckdb_tables()").fetchall():
                    blobs.append(str(con.execute(f'select * from "{name}"').fetchall()).encode())
        for needle in needles:
            if any(needle in b for b in blobs):
                hits.append((str(path.relative_to(root)), needle.decode()))
    return hits
