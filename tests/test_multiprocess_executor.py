"""The whole graph under Dagster's multiprocess executor with the lake on object storage: what
"Materialize all" in the UI runs, in the shape a cluster deployment has (README, "On a
cluster": a process per step, the lake on S3).

The code location sets no executor, so the UI (and ``dagster asset materialize``) run every
step in its own process, two at a time on 2 cores; ``skillwatch run`` runs them in one
process. Steps that open the build DuckDB file or the published one must not collide on
DuckDB's file lock. The lake is ``SKILLWATCH_LAKE_URI=s3://…`` on a real S3-compatible server
on 127.0.0.1 (moto's server mode, tests/s3_server.py): ingest, cameras, e-learning, GX, dbt
and publication all read and write it there, and nothing of it lands locally. One run on a
landing written from the standard (tests/delivery_factory.py: one district, a camera day,
e-learning exports) costs ~4 min, most of it each step process importing the code location
and moto answering one request at a time. (The local lake runs in every other end-to-end
test; the two share one run here because each costs minutes of the suite.)
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
from delivery_factory import (
    small_district_rows,
    write_small_camera_day,
    write_small_district,
    write_small_elearning,
)
from s3_server import s3_server

from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io
from pipelines.run_lock import ensure_instance_config
from pipelines.settings import Settings

DISTRICT = "310104"
BUCKET = "skillwatch-lake"
# tables every step family writes: district ingest, registers, cameras, e-learning, alerts, risk
WRITTEN = ("bronze/attendance", "bronze/classes", "deliveries", "dq_results", "alert_register",
           "silver/camera_frames", "silver/elearning_sessions", "risk/scores")  # fmt: skip


def test_materialize_all_runs_every_step_in_its_own_process_with_the_lake_on_s3(
    tmp_path, monkeypatch
):
    with s3_server() as s3:
        for name, value in s3.environ().items():
            monkeypatch.setenv(name, value)
        s3.client().create_bucket(Bucket=BUCKET)
        _materialize_all_and_check(tmp_path, s3, monkeypatch)


def _materialize_all_and_check(tmp_path, s3, monkeypatch):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    uri = f"s3://{BUCKET}/city"
    sent = small_district_rows(DISTRICT)
    write_small_district(landing, DISTRICT, tuple(sent))
    write_small_camera_day(landing, ("CAM1041",))
    write_small_elearning(landing)
    home = warehouse / "dagster_home"
    home.mkdir(parents=True)
    ensure_instance_config(home)  # the instance `skillwatch run` and the UI share
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("SKILLWATCH_")},
        "SKILLWATCH_SECRET_KEY": os.environ["SKILLWATCH_SECRET_KEY"],
        "SKILLWATCH_WAREHOUSE": str(warehouse),
        "SKILLWATCH_LANDING": str(landing),
        "DAGSTER_HOME": str(home),
        "SKILLWATCH_LAKE_URI": uri,
    }
    dagster = Path(sys.executable).parent / "dagster"
    done = subprocess.run(
        [str(dagster), "asset", "materialize", "--select", "*", "-m", "pipelines.definitions"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-4000:]
    assert "Multiprocess executor: parent process exiting" in out  # not the in-process one
    assert "RUN_SUCCESS" in out and "STEP_FAILURE" not in out, out[-4000:]
    assert "Could not set lock" not in out and "Conflicting lock" not in out
    with duckdb.connect(str(warehouse / "skillwatch.duckdb"), read_only=True) as con:
        status = con.execute(
            "select status from mart_status where kind = 'mart' and name = 'fct_attendance'"
        ).fetchone()
        published = con.execute("select count(*) from fct_attendance").fetchone()[0]
    assert status == ("ok",)

    assert not (warehouse / "lake").exists(), "the lake went to the object store"
    tables = {k.split("/_delta_log/")[0] for k in s3.keys(BUCKET) if "/_delta_log/" in k}
    assert {f"city/{t}" for t in WRITTEN} <= tables, sorted(tables)
    monkeypatch.setenv("SKILLWATCH_LAKE_URI", uri)
    settings = Settings(warehouse=warehouse, landing=landing)
    bronze = delta_io.read(settings.bronze("attendance"))
    # the marts were built from the lake on S3: every check-in sent is in the fact table
    assert published == bronze.height == len(sent["attendance"]) > 0

    # the ingest again over the same landing: nothing new on S3 either, not one row twice
    register = delta_io.read(settings.deliveries)
    ingest(settings)
    assert delta_io.read(settings.bronze("attendance")).height == bronze.height
    assert delta_io.read(settings.deliveries).height == register.height
