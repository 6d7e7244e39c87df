"""Retention: Delta vacuum and image pruning, never touching what an open alert cites.

- **Delta vacuum**: every table under the lake drops the files its current version no longer
  uses once they have been unused for ``SKILLWATCH_DELTA_RETENTION_DAYS`` (default 30): time
  travel and a backup taken meanwhile keep working inside the window.
- **Image pruning**: originals under ``images/`` and thumbnails under ``thumbs/`` stored more
  than ``SKILLWATCH_IMAGE_RETENTION_DAYS`` ago (default 400: a training year plus the audit
  season) are removed, **except** every image an open alert (new or acknowledged) cites:
  evidence names photos by photo id and cameras by camera id, so the photos with a cited
  id and all frames of a cited camera are kept (over-keeping is the safe side), as is any
  file whose sha256 appears in an open alert.

Age is the stored file's modification time (the store writes each file once, at ingest).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipelines.lib import delta_io

log = logging.getLogger(__name__)

IMAGE_DIRS = ("images", "thumbs")
OPEN_STATUSES = ("new", "acknowledged")
_TOKEN = re.compile(r"[0-9A-Za-z][0-9A-Za-z_.:-]*[0-9A-Za-z]")


@dataclass(frozen=True)
class RetentionPolicy:
    delta_retention_days: float = 30.0
    image_retention_days: float = 400.0

    @classmethod
    def from_settings(cls, settings) -> RetentionPolicy:
        return cls(
            float(getattr(settings, "delta_retention_days", cls.delta_retention_days)),
            float(getattr(settings, "image_retention_days", cls.image_retention_days)),
        )


@dataclass
class RetentionSummary:
    tables_vacuumed: int = 0
    delta_files_removed: int = 0
    images_removed: list[str] = field(default_factory=list)  # relative to the warehouse
    images_kept_for_alerts: int = 0


# --- Delta vacuum -------------------------------------------------------------------------
def delta_tables(lake: Path) -> list[Path]:
    return sorted(p.parent for p in lake.rglob("_delta_log") if p.is_dir())


def vacuum_lake(lake: Path, retention_days: float, dry_run: bool = False) -> tuple[int, int]:
    """(tables, files removed). Vacuum removes only files the current version does not use."""
    from deltalake import DeltaTable

    tables = removed = 0
    for path in delta_tables(lake):
        files = DeltaTable(str(path)).vacuum(
            retention_hours=int(retention_days * 24),
            dry_run=dry_run,
            enforce_retention_duration=False,  # the window is ours, from the settings
        )
        tables += 1
        removed += len(files)
    return tables, removed


# --- what open alerts cite ----------------------------------------------------------------
def cited_tokens(alerts: pl.DataFrame) -> set[str]:
    """Identifiers named by open alerts: subject ids (``photo_a|photo_b``), evidence words."""
    if alerts.is_empty():
        return set()
    open_ = alerts.filter(pl.col("status").is_in(OPEN_STATUSES))
    tokens: set[str] = set()
    for col in ("subject_id", "evidence", "class_id", "institution_id"):
        if col in open_.columns:
            for text in open_[col].drop_nulls().to_list():
                tokens.update(_TOKEN.findall(str(text).replace("|", " ")))
    return tokens


def protected_shas(
    tokens: set[str], photo_hashes: pl.DataFrame, camera_frames: pl.DataFrame
) -> set[str]:
    """sha256s of the stored images the cited identifiers lead to."""
    shas = {t.lower() for t in tokens if len(t) == 64}
    if not photo_hashes.is_empty() and {"photo_id", "sha256"} <= set(photo_hashes.columns):
        hit = photo_hashes.filter(pl.col("photo_id").is_in(list(tokens)))
        shas.update(hit["sha256"].drop_nulls().to_list())
    if not camera_frames.is_empty() and {"camera_id", "image_sha256"} <= set(camera_frames.columns):
        hit = camera_frames.filter(pl.col("camera_id").is_in(list(tokens)))
        shas.update(hit["image_sha256"].drop_nulls().to_list())
    return shas


def _open_alerts(settings) -> pl.DataFrame:
    from pipelines.alerts.store import alerts_with_status

    frame = alerts_with_status(settings)
    try:  # e-learning alerts live beside the register with their own status
        elearning = delta_io.read(settings.silver("elearning_alerts"))
    except Exception:  # noqa: BLE001 - an absent or foreign table protects nothing more
        elearning = pl.DataFrame()
    if not elearning.is_empty():
        if "status" not in elearning.columns:
            elearning = elearning.with_columns(pl.lit("new").alias("status"))
        common = [c for c in frame.columns if c in elearning.columns]
        frame = pl.concat([frame.select(common), elearning.select(common)], how="vertical_relaxed")
    return frame


# --- image pruning ------------------------------------------------------------------------
def prune_images(
    warehouse: Path,
    protected: set[str],
    retention_days: float,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> tuple[list[str], int]:
    """(removed paths, old files kept because an open alert cites them)."""
    now = now or dt.datetime.now()
    cutoff = (now - dt.timedelta(days=retention_days)).timestamp()
    removed, kept = [], 0
    for folder in IMAGE_DIRS:
        for path in sorted((warehouse / folder).glob("??/*")):
            if not path.is_file() or path.stat().st_mtime >= cutoff:
                continue
            if path.name.split(".", 1)[0] in protected:
                kept += 1
                continue
            if not dry_run:
                path.unlink()
            removed.append(path.relative_to(warehouse).as_posix())
    return removed, kept


def apply(
    settings,
    policy: RetentionPolicy | None = None,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> RetentionSummary:
    from pipelines.cameras import tables

    policy = policy or RetentionPolicy.from_settings(settings)
    summary = RetentionSummary()
    if settings.lake.is_dir():
        summary.tables_vacuumed, summary.delta_files_removed = vacuum_lake(
            settings.lake, policy.delta_retention_days, dry_run
        )
    protected = protected_shas(
        cited_tokens(_open_alerts(settings)),
        delta_io.read(settings.silver(tables.PHOTO_HASHES)),
        delta_io.read(settings.silver(tables.FRAMES)),
    )
    summary.images_removed, summary.images_kept_for_alerts = prune_images(
        settings.warehouse, protected, policy.image_retention_days, now, dry_run
    )
    return summary


def main_retention(argv: list[str]) -> int:
    from pipelines.settings import get_settings

    parser = argparse.ArgumentParser(prog="skillwatch retention", description=__doc__)
    parser.add_argument("--warehouse")
    parser.add_argument("--dry-run", action="store_true", help="say what would go, remove none")
    args = parser.parse_args(argv)
    settings = get_settings(args.warehouse)
    s = apply(settings, dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    print(
        f"{s.tables_vacuumed} Delta tables vacuumed ({verb} {s.delta_files_removed} files); "
        f"images {verb}: {len(s.images_removed)}; kept for open alerts: "
        f"{s.images_kept_for_alerts}",
        file=sys.stdout,
    )
    return 0
