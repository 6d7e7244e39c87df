"""The operations landing built into a published warehouse, once per caller's session.

Shared by ``ops_built`` (the operations tests) and the app's operations pages tests, so both
read a warehouse made by the same steps the pipeline runs: ingest, validation, the
courseware catalogue (when asked), dbt build with every dbt test, publication.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ops_deliveries import write_ops_landing

from pipelines.settings import Settings, get_settings

SECRET = "test-secret-key-for-pseudonyms"


@dataclass
class OpsWarehouse:
    settings: Settings
    expected_reasons: dict[str, dict[str, str]]
    target: Path  # dbt's target folder of the build
    build_log: str


def build_ops_warehouse(
    root: Path, add_courseware: Callable[[Path], None] | None = None
) -> OpsWarehouse:
    """``add_courseware(folder)`` writes packages into the landing's courseware folder; the
    catalogue asset then reads them before dbt, as the job does."""
    from expectations.validate import validate_pending
    from pipelines.district_feeds.ingest import ingest
    from pipelines.warehouse.project import build_db_path, run_dbt
    from pipelines.warehouse.publish import publish
    from pipelines.warehouse.seeds import write_seeds

    # session fixtures start before the autouse per-test secret: set it for the build
    saved = os.environ.get("SKILLWATCH_SECRET_KEY")
    os.environ["SKILLWATCH_SECRET_KEY"] = SECRET
    saved_db = os.environ.pop("SKILLWATCH_DUCKDB", None)  # publish into this warehouse
    settings = get_settings(root / "warehouse", root / "landing")
    try:
        expected = write_ops_landing(settings.landing)
        if add_courseware is not None:
            _catalogue(settings, add_courseware)
        ingest(settings)
        validate_pending(settings, build_docs=False)
        write_seeds()
        target = root / "target"
        done = run_dbt(["build"], settings, target, check=False)
        assert done.returncode == 0, done.stdout[-4000:]
        publish(build_db_path(settings), settings.duckdb_path, target / "manifest.json")
    finally:
        if saved is None:
            os.environ.pop("SKILLWATCH_SECRET_KEY", None)
        else:
            os.environ["SKILLWATCH_SECRET_KEY"] = saved
        if saved_db is not None:
            os.environ["SKILLWATCH_DUCKDB"] = saved_db
    return OpsWarehouse(settings, expected, target, done.stdout)


def _catalogue(settings: Settings, add_courseware: Callable[[Path], None]) -> None:
    import dagster as dg

    from pipelines.courseware.assets import LANDING_FOLDER, courseware_catalogue
    from pipelines.resources import SkillWatchResource

    folder = settings.landing / LANDING_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    add_courseware(folder)
    resource = SkillWatchResource(warehouse=str(settings.warehouse), landing=str(settings.landing))
    assert dg.materialize([courseware_catalogue], resources={"skillwatch": resource}).success
