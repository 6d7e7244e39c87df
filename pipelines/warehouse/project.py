"""Where the dbt project is, what environment dbt runs with, and the manifest, prepared once.

dbt reads SKILLWATCH_WAREHOUSE (and SKILLWATCH_DBT_DUCKDB) in profiles.yml; every Python
caller derives them from one Settings object, so the Dagster resource, the tests and the
benchmark point dbt at the same warehouse as the rest of the pipeline.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from pipelines.settings import REPO_ROOT, Settings

DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
DBT_EXE = Path(sys.executable).with_name("dbt")


def build_db_path(settings: Settings) -> Path:
    """dbt's own database: the build area, never opened by auditors."""
    return settings.dbt_duckdb_path


def docs_dir(settings: Settings) -> Path:
    return settings.dbt_docs


def dbt_env(settings: Settings) -> dict[str, str]:
    """Variables profiles.yml reads, from the settings (not from whatever the shell has)."""
    return {
        "SKILLWATCH_WAREHOUSE": str(settings.warehouse),
        "SKILLWATCH_DBT_DUCKDB": str(build_db_path(settings)),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }


@contextlib.contextmanager
def environ(extra: dict[str, str]) -> Iterator[None]:
    """Set variables for the span of a dbt subprocess launch (dagster-dbt copies os.environ
    when it starts dbt and takes no per-call env)."""
    saved = {k: os.environ.get(k) for k in extra}
    os.environ.update(extra)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def run_dbt(
    args: list[str], settings: Settings, target_path: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    """Run the dbt CLI of this venv in the project, for scripts and tests outside Dagster."""
    env = {**os.environ, **dbt_env(settings)}
    build_db_path(settings).parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(DBT_EXE), *args, "--project-dir", str(DBT_PROJECT_DIR)]
    cmd += ["--profiles-dir", str(DBT_PROJECT_DIR)]
    if target_path:
        cmd += ["--target-path", str(target_path)]
        env["DBT_LOG_PATH"] = str(target_path)
    return subprocess.run(
        cmd, env=env, cwd=DBT_PROJECT_DIR, check=check, capture_output=True, text=True
    )


def _project_mtime() -> float:
    files = [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    for sub in ("models", "macros", "seeds", "tests"):
        files += [p for p in (DBT_PROJECT_DIR / sub).rglob("*") if p.is_file()]
    return max(p.stat().st_mtime for p in files)


def ensure_manifest(settings: Settings | None = None) -> Path:
    """Parse the project when the manifest is missing or older than any project file.

    Called once per process before the dbt assets are defined; an exclusive file lock makes
    concurrent callers (pytest-xdist workers, dagster dev reloads) wait for one parse
    instead of racing on target/ (a known dagster-dbt trap).
    """
    from pipelines.settings import get_settings
    from pipelines.warehouse.seeds import write_seeds

    settings = settings or get_settings()
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    with open(MANIFEST.parent / ".parse.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        write_seeds()
        if MANIFEST.exists() and MANIFEST.stat().st_mtime >= _project_mtime():
            return MANIFEST
        done = run_dbt(["parse", "--quiet"], settings, check=False)
        if done.returncode != 0:
            raise RuntimeError(f"dbt parse failed:\n{done.stdout}\n{done.stderr}")
    return MANIFEST
