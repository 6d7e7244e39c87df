"""The whole graph under Dagster's multiprocess executor: what "Materialize all" in the UI runs.

The code location sets no executor, so the UI (and ``dagster asset materialize``) run every
step in its own process, two at a time on 2 cores; ``skillwatch run`` runs them in one
process. Steps that open the build DuckDB file or the published one must not collide on
DuckDB's file lock. One run on a landing written from the standard (tests/delivery_factory.py:
one district, a camera day, e-learning exports) costs ~3 min, most of it each step process
importing the code location.
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

from pipelines.run_lock import ensure_instance_config

DISTRICT = "310104"


def test_materialize_all_runs_every_step_in_its_own_process_without_a_lock_error(tmp_path):
    landing, warehouse = tmp_path / "landing", tmp_path / "warehouse"
    write_small_district(landing, DISTRICT, tuple(small_district_rows(DISTRICT)))
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
    assert status == ("ok",) and published > 0
