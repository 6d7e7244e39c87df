"""Institution status history for W10 (机构资质异常 "as of each session's day").

bronze/institutions keeps one row per institution: the latest delivery wins. A suspension
(暂停) delivered in the middle of a class would then make all of the class's earlier
sessions look unlicensed. Every delivered version is still in the archive (raw bytes, encrypted,
by SHA-256; one file per delivery in the register), so the versions are re-read from there
with the ingest's own reader and typing; only accepted rows count (no in-file problems). Only
non-personal columns are kept.

effective_from: district systems export day D's changes in the nightly file that lands in the
early hours of D+1, so a version is taken to be in effect from ``delivered_at - 12 h`` (its
data day). A late file takes effect late: conservative for W10.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import polars as pl

from pipelines.lib import archive_crypto, delta_io
from pipelines.settings import Settings

log = logging.getLogger(__name__)

TABLE = "institution_status_history"
SCHEMA = {
    "district_code": pl.String,
    "institution_id": pl.String,
    "institution_status": pl.String,
    "license_valid_until": pl.Date,
    "delivered_at": pl.Datetime("us"),
    "effective_from": pl.Date,
    "delivery_file": pl.String,
}
DATA_DAY_SHIFT = dt.timedelta(hours=12)


def history_path(settings: Settings) -> Path:
    return settings.silver(TABLE)


def read_versions(settings: Settings) -> pl.DataFrame:
    """Every accepted institutions row of every registered delivery, oldest first."""
    from pipelines.district_feeds.ingest import typed_delivery
    from pipelines.district_feeds.landing import Delivery
    from pipelines.lib.readers import UnreadableFile

    register = delta_io.read(settings.deliveries)
    if register.is_empty():
        return pl.DataFrame(schema=SCHEMA)
    files = register.filter(
        (pl.col("feed") == "institutions") & pl.col("status").is_in(["accepted", "partial"])
    ).sort("delivered_at")
    parts = []
    keys = archive_crypto.ArchiveKeys.from_settings(settings)
    for row in files.iter_rows(named=True):
        try:  # the archive is encrypted: the clear bytes exist in memory only
            data = archive_crypto.read(settings.archive, keys, row["sha256"])
        except (FileNotFoundError, archive_crypto.ArchiveError) as exc:
            log.warning("W10 history: archived file unavailable for %s: %s", row["file"], exc)
            continue
        delivery = Delivery(
            path=Path(row["file"]),  # the reader takes the format from the delivered name
            file=row["file"],
            district_code=row["district_code"],
            feed="institutions",
            delivered_at=row["delivered_at"],
        )
        try:
            typed = typed_delivery(delivery, data)
        except UnreadableFile:
            continue
        ok = (
            typed.filter(pl.col("problems").list.len() == 0)
            if "problems" in typed.columns
            else typed
        )
        parts.append(
            ok.select(
                pl.lit(row["district_code"]).alias("district_code"),
                pl.col("institution_id").cast(pl.String),
                pl.col("status").cast(pl.String).alias("institution_status"),
                pl.col("license_valid_until").cast(pl.Date),
                pl.lit(row["delivered_at"]).cast(pl.Datetime("us")).alias("delivered_at"),
                (pl.lit(row["delivered_at"]).cast(pl.Datetime("us")) - DATA_DAY_SHIFT)
                .dt.date()
                .alias("effective_from"),
                pl.lit(row["file"]).alias("delivery_file"),
            )
        )
    if not parts:
        return pl.DataFrame(schema=SCHEMA)
    return pl.concat(parts).unique(maintain_order=True).select(list(SCHEMA))


def build_history(settings: Settings) -> pl.DataFrame:
    """Rewrite silver/institution_status_history from the archive (small: one row per
    institution per delivered version)."""
    frame = read_versions(settings)
    delta_io.replace(history_path(settings), frame)
    return frame
