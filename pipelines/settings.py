"""Every environment variable the product reads, typed and described, in one model.

One place: the Dagster resources, dbt's profiles.yml (through the same variables), the CLI,
the mail senders and the dashboards all start from a ``Settings``. Paths are absolute
(relative DuckDB paths made dagster-dbt's own tests flaky). The README's table of variables
is generated from this model (``skillwatch settings --write``) and a test fails when the
product reads a variable that is not declared here.

Two families are declared by prefix, because each field of a frozen config dataclass is one
variable: ``SKILLWATCH_VF_<FIELD>`` (video_features.config.VideoFeatureConfig) and
``SKILLWATCH_CAM_<FIELD>`` (pipelines.cameras.config.CameraConfig).
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
ENV_PREFIX = "SKILLWATCH_"
# variable prefix -> (the dataclass whose fields it sets, where it is documented)
FAMILIES: dict[str, tuple[str, str]] = {
    "SKILLWATCH_VF_": ("video_features.config:VideoFeatureConfig", "video_features/README.md"),
    "SKILLWATCH_CAM_": ("pipelines.cameras.config:CameraConfig", "pipelines/cameras/config.py"),
}

log = logging.getLogger(__name__)

# Dev-only default: fine for generated data on a laptop, never for real deliveries.
_DEV_SECRET = "skillwatch-dev-only-secret-do-not-use-in-production"


_warned = False


def _abs(value: str | os.PathLike) -> Path:
    return Path(value).expanduser().resolve()


class Settings(BaseSettings):
    """Arguments, then environment variables, then local defaults."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        env_ignore_empty=True,  # VAR= in a shell or a unit file means "not set"
        extra="ignore",
        frozen=True,
        populate_by_name=True,
    )

    warehouse: Path = Field(
        default=REPO_ROOT / "warehouse",
        description="the lake, archive, DuckDB files, docs, outbox",
        json_schema_extra={"shown_default": "<repo>/warehouse"},
    )
    lake_uri: str | None = Field(
        default=None,
        description="the lake on S3-compatible storage (s3://bucket/prefix; endpoint and "
        "credentials from the usual AWS_* variables, see pipelines/lib/object_store.py)",
        json_schema_extra={"shown_default": "<warehouse>/lake"},
    )
    landing: Path = Field(
        default=None,  # derived from the warehouse below
        description="where districts, cameras and the e-learning system deliver",
        json_schema_extra={"shown_default": "<warehouse>/landing"},
    )
    secret: str | None = Field(
        default=None,
        validation_alias="SKILLWATCH_SECRET_KEY",
        description="pseudonym and encryption secret (unset: a dev-only key, with a warning)",
        json_schema_extra={"shown_default": "dev-only key (warns)"},
    )
    duckdb: Path | None = Field(
        default=None,
        description="the auditors' published DuckDB file",
        json_schema_extra={"shown_default": "<warehouse>/skillwatch.duckdb"},
    )
    dbt_duckdb: Path | None = Field(
        default=None,
        description="dbt's own build database (profiles.yml; set from the warehouse for dbt)",
        json_schema_extra={"shown_default": "<warehouse>/build/dbt.duckdb"},
    )
    dagster_home_dir: Path | None = Field(
        default=None,
        validation_alias="DAGSTER_HOME",
        description="the Dagster instance that keeps the history of `skillwatch run` / `demo` "
        "(give `dagster dev` the same value)",
        json_schema_extra={"shown_default": "<warehouse>/dagster_home"},
    )
    contacts: Path | None = Field(
        default=None,
        description="district contacts for the reports (a sample is written if missing)",
        json_schema_extra={"shown_default": "<warehouse>/contacts.csv"},
    )
    elearning_contacts: Path | None = Field(
        default=None,
        description="learners' e-mail and mobile for the e-learning reminders (personal data)",
        json_schema_extra={"shown_default": "<landing>/_config/elearning_contacts.csv"},
    )
    users: Path | None = Field(
        default=None,
        description="the app's users and their argon2 password hashes",
        json_schema_extra={"shown_default": "<warehouse>/users.yaml"},
    )
    archive_key: SecretStr | None = Field(
        default=None,
        description="root key of the raw-delivery archive's encryption (rotation: the new key)",
        json_schema_extra={"shown_default": "the secret key"},
    )
    archive_key_previous: SecretStr | None = Field(
        default=None,
        description="the archive key being rotated out (files under it stay readable)",
        json_schema_extra={"shown_default": "unset"},
    )
    smtp_host: str | None = Field(
        default=None,
        description="the mail server; unset: mails are written to the outbox folder instead",
        json_schema_extra={"shown_default": "unset → outbox"},
    )
    smtp_port: int | None = Field(
        default=None,
        description="the mail server's port",
        json_schema_extra={"shown_default": "465 ssl, 587 starttls, 25 none"},
    )
    smtp_tls: Literal["starttls", "ssl", "none"] = Field(
        default="starttls", description="transport security: starttls, ssl or none"
    )
    smtp_user: str | None = Field(default=None, description="SMTP login (none: no login)")
    smtp_password: SecretStr | None = Field(default=None, description="SMTP password")
    smtp_from: str | None = Field(
        default=None,
        description="sender address",
        json_schema_extra={"shown_default": "skillwatch-noreply@example.gov.cn"},
    )
    operators_email: str | None = Field(
        default=None,
        description="the operators' address, mailed when a run fails (unset: only a warning)",
    )
    freshness_hours: float = Field(
        default=30.0,
        gt=0,
        description="a source that delivered nothing for longer than this is flagged stale",
    )
    run_token: str | None = Field(
        default=None,
        description="set by `skillwatch run` for the processes it starts, so a watchdog can "
        "end a killed run's children; internal, never set by hand",
    )
    delta_retention_days: float = Field(
        default=30.0,
        gt=0,
        description="Delta vacuum keeps files unused for less than this (time travel, backups)",
    )
    image_retention_days: float = Field(
        default=400.0,
        gt=0,
        description="frames and photos older than this are pruned, unless an open alert cites them",
    )
    app_session_minutes: float = Field(
        default=30.0, gt=0, description="the analysts' app logs a user out after this idle time"
    )
    app_cache_s: int = Field(default=60, ge=0, description="seconds the app caches a query result")
    duckdb_memory_limit: str = Field(
        default="50%",
        pattern=r"^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB|%)$",
        description="the most memory dbt's DuckDB may use before it spills to disk, as a size "
        "or a share of RAM (DuckDB's own 80 % leaves the rest of a run too little)",
    )
    duckdb_temp_dir: Path | None = Field(
        default=None,
        description="where dbt's DuckDB spills (default: <warehouse>/build/spill)",
        json_schema_extra={"shown_default": "<warehouse>/build/spill"},
    )
    chromium: str | None = Field(
        default=None,
        description="the browser that prints evidence packs to PDF (default: chromium on PATH)",
    )

    @model_validator(mode="before")
    @classmethod
    def _landing_under_the_warehouse(cls, data: Any) -> Any:
        if isinstance(data, dict) and not data.get("landing"):
            data = {**data, "landing": Path(data.get("warehouse") or REPO_ROOT / "warehouse")}
            data["landing"] = data["landing"] / "landing"
        return data

    @field_validator("lake_uri", mode="after")
    @classmethod
    def _object_store(cls, value: str | None) -> str | None:
        """Only S3-compatible stores: the lake's readers (deltalake, polars, s3fs for DuckDB)
        are configured for S3 alone; a local lake is ``<warehouse>/lake`` (backups and
        restores name its files relative to the warehouse)."""
        if value is not None and not value.startswith("s3://"):
            raise ValueError(
                f"{value!r}: SKILLWATCH_LAKE_URI takes s3://bucket/prefix (an S3-compatible "
                "store); for a local lake leave it unset and set SKILLWATCH_WAREHOUSE"
            )
        return value.rstrip("/") if value else value

    @field_validator(
        "warehouse", "landing", "duckdb", "dbt_duckdb", "dagster_home_dir", "contacts",
        "elearning_contacts", "users", "duckdb_temp_dir", mode="after",
    )  # fmt: skip
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return None if value is None else _abs(value)

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
        """Local ``<warehouse>/lake``, or the object-store prefix ``lake_uri`` names."""
        if self.lake_uri:
            from pipelines.lib.object_store import lake_root

            return lake_root(self.lake_uri)
        return self.warehouse / "lake"

    def bronze(self, feed: str) -> Path:
        return self.lake / "bronze" / feed

    def silver(self, table: str) -> Path:
        """Tables the sources' assets derive (cameras, e-learning, alert inputs)."""
        return self.lake / "silver" / table

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
        return self.dagster_home_dir or self.warehouse / "dagster_home"

    @property
    def duckdb_path(self) -> Path:
        return self.duckdb or self.warehouse / "skillwatch.duckdb"

    @property
    def dbt_duckdb_path(self) -> Path:
        """dbt's own database: the build area, never opened by auditors."""
        return self.dbt_duckdb or self.warehouse / "build" / "dbt.duckdb"

    @property
    def duckdb_spill_dir(self) -> Path:
        return self.duckdb_temp_dir or self.warehouse / "build" / "spill"

    @property
    def users_path(self) -> Path:
        return self.users or self.warehouse / "users.yaml"

    @property
    def contacts_path(self) -> Path:
        return self.contacts or self.warehouse / "contacts.csv"

    @property
    def elearning_contacts_path(self) -> Path:
        return self.elearning_contacts or self.landing / "_config" / "elearning_contacts.csv"


def env_name(name: str) -> str:
    """The environment variable of a Settings field."""
    alias = Settings.model_fields[name].validation_alias
    return alias if isinstance(alias, str) else ENV_PREFIX + name.upper()


def get_settings(
    warehouse: str | os.PathLike | None = None, landing: str | os.PathLike | None = None
) -> Settings:
    """Settings from arguments, then SKILLWATCH_* variables, then local defaults."""
    given = {"warehouse": warehouse, "landing": landing}
    return Settings(**{k: v for k, v in given.items() if v})
