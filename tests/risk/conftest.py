"""The small simulated city (16 districts, 28 days, planted fraud and inspection results),
ingested and built by dbt once per session; the risk tests read what it produced.

Seeds and models only: the dbt tests are the warehouse suite's business and
would double the fixture's time.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.settings import Settings, get_settings
from simulator.truth import truth_dir
from tests.risk._report import REPORT

SEED = 42

# seeds and models, no tests (the warehouse suite runs those)
BUILD = ["build", "--quiet", "--resource-type", "seed", "--resource-type", "model"]


@dataclass
class City:
    landing: Path
    settings: Settings
    db: Path

    @property
    def truth(self) -> Path:
        return truth_dir(self.landing)


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> City:
    from pipelines.district_feeds.ingest import ingest
    from pipelines.warehouse.project import build_db_path, ensure_manifest, run_dbt
    from simulator import simulate

    root = tmp_path_factory.mktemp("risk_city")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLWATCH_SECRET_KEY", "test-secret-key-for-pseudonyms")
        mp.delenv("SKILLWATCH_DUCKDB", raising=False)
        t = time.perf_counter()
        simulate(root / "landing", scale="small", seed=SEED)
        settings = get_settings(root / "warehouse", root / "landing")
        ingest(settings)
        ensure_manifest(settings)
        done = run_dbt(BUILD, settings, target_path=root / "dbt_target", check=False)
        if done.returncode != 0:
            raise RuntimeError(f"dbt run failed:\n{done.stdout}\n{done.stderr}")
        REPORT["fixture (simulate+ingest+dbt run)"] = f"{time.perf_counter() - t:.1f} s"
    return City(root / "landing", settings, build_db_path(settings))


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("risk score on the small simulated city")
        for k, v in REPORT.items():
            terminalreporter.write_line(f"{k}: {v}")
