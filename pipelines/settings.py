"""Every path and secret, from environment variables with embedded local defaults.

One place: the Dagster resources, dbt's profiles.yml (through the same variables), the CLI
and the dashboards all read these. Paths are absolute (relative DuckDB paths made
dagster-dbt's own tests flaky).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]

log = logging.getLogger(__name__)

# Dev-only default: fine for generated data on a laptop, never for real deliveries.
_DEV_SECRET = "skillwatch-dev-only-secret-do-not-use-in-production"


_warned = False


@dataclass(frozen=True)
class Settings:
    warehouse: Path
    landing: Path
    secret: str | None  # SKILLWATCH_SECRET_KEY

    @property
    def secret_key(self) -> bytes:
        """The pseudonym/encryption secret; warns (once) where the dev default stands in,
        so that reading the warehouse does not nag, but protecting data does."""
        global _warned
        if not self.secret and not _warned:
            _warned = True
            log.warning(
                "SKILLWATCH_SECRET_KEY is not set: using the dev-only default key. "
                "Pseudonyms made with it are NOT protected; set the variable for real data."
            )
        return (self.secret or _DEV_SECRET).encode()

    @property
    def lake(self) -> Path:
        return self.warehouse / "lake"

    def bronze(self, feed: str) -> Path:
        return self.lake / "bronze" / feed

    def silver(self, table: str) -> Path:
        """Tables the sources' assets derive (cameras, e-learning, alert inputs)."""
        return self.lake / "silver" / table

    @property
    def courseware(self) -> Path:
        """The courseware library as delivered: ``<landing>/courseware/<file>.zip``."""
        return self.landing / "courseware"

    @property
    def quarantine(self) -> Path:
        return self.lake / "quarantine"

    @property
    def deliveries(self) -> Path:
        return self.lake / "deliveries"

    @property
    def archive(self) -> Path:
        """Raw bytes of every delivery, content-addressed (retention; unreadable files kept)."""
        return self.warehouse / "archive"

    @property
    def docs(self) -> Path:
        """Generated documents: the interface standard, and the two folders below."""
        return self.warehouse / "docs"

    @property
    def dbt_docs(self) -> Path:
        return self.docs / "dbt"

    @property
    def gx_docs(self) -> Path:
        """Great Expectations Data Docs."""
        return self.docs / "gx"

    @property
    def dagster_home(self) -> Path:
        """The persistent Dagster instance: runs of ``skillwatch run`` / ``demo`` are recorded
        here, so ``dagster dev`` started with the same DAGSTER_HOME shows them."""
        return Path(os.environ.get("DAGSTER_HOME") or self.warehouse / "dagster_home")

    @property
    def duckdb_path(self) -> Path:
        return Path(os.environ.get("SKILLWATCH_DUCKDB", self.warehouse / "skillwatch.duckdb"))


def _abs(value: str | os.PathLike) -> Path:
    return Path(value).expanduser().resolve()


def get_settings(
    warehouse: str | os.PathLike | None = None, landing: str | os.PathLike | None = None
) -> Settings:
    """Settings from arguments, then SKILLWATCH_* variables, then local defaults."""
    wh = _abs(warehouse or os.environ.get("SKILLWATCH_WAREHOUSE") or REPO_ROOT / "warehouse")
    land = _abs(landing or os.environ.get("SKILLWATCH_LANDING") or wh / "landing")
    return Settings(warehouse=wh, landing=land, secret=os.environ.get("SKILLWATCH_SECRET_KEY"))
