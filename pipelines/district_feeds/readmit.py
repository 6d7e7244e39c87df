"""Re-admission of pending rows: a row quarantined only because its parent was missing (or
itself in quarantine) is checked again, and admitted once the parent is there.

The interface standard ("Severity", 2026-12-02): pending rows are re-admitted automatically
on a later run when the missing parent arrives or is corrected; nothing is re-delivered by
hand, the register records the move, and rows read = accepted + quarantined holds at every
moment. The retry reads the row's original values from its ciphertext in the quarantine
and runs the very same typing and checks as a new delivery, so an admitted row is
indistinguishable from one that arrived after its parent (latest delivery still wins).

Order of writes, each idempotent, so a crash at any point is mended by the next run:
bronze MERGE, then the quarantine rows marked ``readmitted``, then the register's counts
recomputed from the quarantine (never incremented).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import polars as pl

from pipelines.contract import ALL_FEEDS, Feed, Severity
from pipelines.contract.headers import map_headers
from pipelines.district_feeds.conform import PROBLEMS
from pipelines.district_feeds.ingest import (
    QUARANTINED,
    READMITTED,
    REGISTER_SCHEMA,
    Ingestor,
    LoadedDelivery,
    delivery_status,
)
from pipelines.district_feeds.landing import Delivery
from pipelines.lib import delta_io
from pipelines.lib.readers import ROW, RawTable

READMITTED_BY = "system: parent arrived"


def pending_rows(quarantine: pl.DataFrame, feed: str) -> pl.DataFrame:
    if quarantine.is_empty():
        return quarantine
    return quarantine.filter(
        (pl.col("feed") == feed)
        & (pl.col("status") == QUARANTINED)
        & (pl.col("severity") == str(Severity.PENDING))
    )


def _as_deliveries(ingestor: Ingestor, feed: Feed, rows: pl.DataFrame) -> list[LoadedDelivery]:
    """The pending rows of each original delivery, as that delivery read again."""
    loaded = []
    for (sha, file, district, delivered), part in rows.group_by(
        "sha256", "file", "district_code", "delivered_at", maintain_order=True
    ):
        records = [
            json.loads(ingestor.protector.cipher.decrypt(t)) for t in part["original_encrypted"]
        ]
        headers = list(dict.fromkeys(h for r in records for h in r))
        frame = pl.DataFrame(
            {
                **{h: [r.get(h) for r in records] for h in headers},
                ROW: part["row_number"].to_list(),
            },
            schema={**dict.fromkeys(headers, pl.String), ROW: pl.Int64},
        )
        mapping, unknown = map_headers(feed, headers)
        delivery = Delivery(
            path=ingestor.settings.landing / file,
            file=file,
            district_code=district,
            feed=feed.name,
            delivered_at=delivered,
        )
        item = LoadedDelivery(delivery, sha, 0, RawTable("retry", None, headers, frame))
        item.mapping, item.unknown, item.rows_read = mapping, unknown, frame.height
        loaded.append(item)
    return loaded


def readmit_pending(
    ingestor: Ingestor, progress: Callable[[str, int, int], None] | None = None
) -> dict[str, int]:
    """Retry every pending row, feed by feed in reference order (a session admitted here
    lets its check-ins in on the same pass); returns the rows admitted per feed."""
    settings = ingestor.settings
    admitted: dict[str, int] = {}
    # read once: a feed's pending rows change only when that feed is retried below
    quarantine = delta_io.read(settings.quarantine)
    for name, feed in ALL_FEEDS.items():
        rows = pending_rows(quarantine, name)
        if rows.is_empty():
            continue
        if progress:
            progress(f"re-checking pending {name}", 0, 1)
        typed = ingestor.check(feed, _as_deliveries(ingestor, feed, rows))
        ok = typed.filter(pl.col(PROBLEMS).list.len() == 0)
        if ok.is_empty():
            continue
        ingestor.accept(feed, ok)
        moved = ok.select(
            pl.col("src_sha256").alias("sha256"),
            pl.col("src_row").alias("row_number"),
            pl.lit(READMITTED).alias("status"),
            pl.lit(ingestor.now).cast(pl.Datetime("us")).alias("readmitted_at"),
            pl.lit(ingestor.run_id).alias("readmitted_run_id"),
            pl.lit(READMITTED_BY).alias("readmitted_by"),
        )
        delta_io.update(settings.quarantine, moved, keys=["sha256", "row_number"])
        admitted[name] = ok.height
    reconcile_register(ingestor)
    return admitted


def reconcile_register(ingestor: Ingestor) -> int:
    """Make each delivery's counts agree with its rows still in quarantine; returns the
    number of register rows corrected (none when nothing moved)."""
    settings = ingestor.settings
    quarantine = delta_io.read(settings.quarantine, columns=["sha256", "status"])
    register = delta_io.read(settings.deliveries)
    if quarantine.is_empty() or register.is_empty():
        return 0
    counts = quarantine.group_by("sha256").agg(
        (pl.col("status") == QUARANTINED).sum().alias("__q"),
        (pl.col("status") == READMITTED).sum().alias("__r"),
    )
    stale = (
        register.join(counts, on="sha256", how="inner")
        .filter(pl.col("rows_quarantined") != pl.col("__q"))
        .with_columns(
            pl.col("__q").cast(pl.Int64).alias("rows_quarantined"),
            (pl.col("rows_read") - pl.col("__q")).cast(pl.Int64).alias("rows_accepted"),
            pl.col("__r").cast(pl.Int64).alias("rows_readmitted"),
            pl.lit(ingestor.now).cast(pl.Datetime("us")).alias("readmitted_at"),
            pl.lit(ingestor.run_id).alias("readmitted_run_id"),
        )
    )
    if stale.is_empty():
        return 0
    counts = stale.select("rows_accepted", "rows_quarantined").iter_rows()
    status = pl.Series("status", [delivery_status(a, q) for a, q in counts], pl.String)
    stale = stale.with_columns(status).select(list(REGISTER_SCHEMA))
    delta_io.merge(settings.deliveries, stale, keys=["file", "sha256"])
    return stale.height
