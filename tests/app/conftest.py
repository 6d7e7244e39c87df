"""Fixtures of the app tests: one built warehouse per session, copied once for the app.

``built`` is the warehouse tests' session build (the simulator's tiny city plus two
hand-shaped districts, through the real assets). The app tests act on it (alert actions,
audit events, users), so they work on one copy of it, made once per session; every test
points SKILLWATCH_WAREHOUSE / SKILLWATCH_USERS at that copy.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl
import pytest

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # the app's modules live under apps/, beside pipelines/
    sys.path.insert(0, str(REPO))
# the warehouse fixture imports its hand-shaped landing from its own folder
sys.path.insert(0, str(REPO / "tests" / "warehouse"))

from app_helpers import PASSWORD  # noqa: E402
from warehouse.conftest import built  # noqa: E402,F401  (the session build, reused)

from pipelines.app_users import add_user  # noqa: E402
from pipelines.settings import Settings, get_settings  # noqa: E402


@dataclass
class AppWarehouse:
    settings: Settings
    users: Path
    landing: Path
    districts: list[str]  # districts with published rows

    def sql(self, query: str, params: list | None = None) -> pl.DataFrame:
        """The expectation, straight from the published file (not through the app)."""
        with duckdb.connect(str(self.settings.duckdb_path), read_only=True) as con:
            return pl.from_arrow(con.execute(query, params or []).to_arrow_table())


def _register_alerts(settings: Settings) -> None:
    """The alert register as the pipeline's alert_register asset leaves it after a build
    (the warehouse tests' build stops before it): analysts act on registered alerts only."""
    from pipelines.alerts import store

    if store.read_register(settings).is_empty():
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
            candidates = pl.from_arrow(
                con.execute("select * from alert_candidates").to_arrow_table()
            )
        store.update_register(settings, candidates)


@pytest.fixture(scope="session")
def app_wh(request, tmp_path_factory) -> AppWarehouse:
    # SKILLWATCH_TEST_APP_WAREHOUSE=<a built warehouse> skips the session build while
    # working on the app alone (its landing is expected beside it, as <parent>/landing)
    if given := os.environ.get("SKILLWATCH_TEST_APP_WAREHOUSE"):
        source, landing = Path(given), Path(given).parent / "landing"
    else:
        built = request.getfixturevalue("built")
        source, landing = built.settings.warehouse, built.landing
    root = tmp_path_factory.mktemp("app_wh")
    target = root / "warehouse"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("dagster_home", "*.lock"))
    settings = get_settings(target, landing)
    _register_alerts(settings)
    users = target / "users.yaml"
    add_user(users, "city", "city", PASSWORD)
    add_user(users, "auditor", "auditor", PASSWORD)
    with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
        districts = [
            r[0]
            for r in con.execute(
                "select distinct district_code from fct_enrolments order by 1"
            ).fetchall()
        ]
    from pipelines.contract.districts import DISTRICT_CODES

    for code in DISTRICT_CODES:
        add_user(users, f"d{code}", "district", PASSWORD, code)
    return AppWarehouse(settings, users, landing, districts)


@pytest.fixture
def app_env(app_wh, monkeypatch) -> AppWarehouse:
    """The app pointed at the session's warehouse copy and its users."""
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", str(app_wh.settings.warehouse))
    monkeypatch.setenv("SKILLWATCH_USERS", str(app_wh.users))
    # the public player writes plays into the landing: never into the shared build's landing
    monkeypatch.setenv("SKILLWATCH_LANDING", str(app_wh.settings.warehouse.parent / "landing"))
    monkeypatch.delenv("SKILLWATCH_DUCKDB", raising=False)
    return app_wh
