"""One lake and one warehouse build per test session, through the real Dagster assets.

The simulator's tiny city when it can be imported (realistic formats, defects and planted
fraud) plus two hand-shaped districts, else the hand-shaped fixture alone. Ingest, dbt build
(with all dbt tests as asset checks), publication and docs run once; tests read what they
produced. The risk score runs too, before the publication, so the file carries its scores.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import dagster as dg
import pytest

from pipelines.settings import Settings, get_settings


@dataclass
class Built:
    settings: Settings
    landing: Path
    result: dg.ExecuteInProcessResult
    simulated: bool


def make_landing(landing: Path) -> bool:
    """Write a landing folder; True when the simulator contributed.

    The hand-shaped districts are always added: they guarantee the edge cases the tests
    need whatever the simulator's seed plants (check-ins without check-out, late arrivals,
    overlapping classes, a person in two districts). Two districts the tiny city does not use.
    """
    from warehouse_fixture_landing import write_landing

    try:
        from simulator import simulate
    except ImportError:
        write_landing(landing)
        return False
    simulate(landing, scale="tiny", seed=11)
    write_landing(landing, districts=("310115", "310120"))
    return True


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("warehouse_e2e")
    landing = root / "landing"
    simulated = make_landing(landing)
    saved = os.environ.pop("SKILLWATCH_DUCKDB", None)  # the published file goes in the warehouse
    try:
        from pipelines.district_feeds.assets import district_feeds_bronze
        from pipelines.resources import SkillWatchResource
        from pipelines.risk.assets import risk_scores
        from pipelines.warehouse.assets import ASSETS, RESOURCES

        warehouse = root / "warehouse"
        result = dg.materialize(
            [district_feeds_bronze, *ASSETS, risk_scores],
            resources={
                "skillwatch": SkillWatchResource(warehouse=str(warehouse), landing=str(landing)),
                **RESOURCES,
            },
            raise_on_error=False,
        )
        yield Built(get_settings(warehouse, landing), landing, result, simulated)
    finally:
        if saved is not None:
            os.environ["SKILLWATCH_DUCKDB"] = saved
