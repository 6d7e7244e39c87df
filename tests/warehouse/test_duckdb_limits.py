"""dbt's DuckDB runs with the memory limit and spill directory of the settings, so a full
rebuild spills to disk instead of taking 80 % of RAM (DuckDB's default) or failing."""

from __future__ import annotations

import re

from pipelines.settings import get_settings
from pipelines.warehouse.project import run_dbt


def test_the_build_uses_the_configured_memory_limit_and_spill_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLWATCH_DUCKDB_MEMORY_LIMIT", "1500MiB")
    monkeypatch.setenv("SKILLWATCH_DUCKDB_TEMP_DIR", str(tmp_path / "spill here"))
    settings = get_settings(tmp_path / "wh")
    done = run_dbt(["run-operation", "duckdb_limits"], settings, target_path=tmp_path / "t")
    line = next(x for x in done.stdout.splitlines() if "duckdb_limits memory_limit=" in x)
    limit, spill = re.search(r"memory_limit=(.+?) temp_directory=(.+)$", line).groups()
    assert limit == "1.4 GiB"  # 1500 MiB, as DuckDB prints it
    assert spill == str(tmp_path / "spill here")


def test_the_default_spill_dir_is_in_the_build_area(tmp_path, monkeypatch):
    monkeypatch.delenv("SKILLWATCH_DUCKDB_TEMP_DIR", raising=False)
    settings = get_settings(tmp_path / "wh")
    assert settings.duckdb_spill_dir == tmp_path / "wh" / "build" / "spill"
    assert settings.duckdb_memory_limit == "50%"  # of RAM: DuckDB takes 80 % by default
