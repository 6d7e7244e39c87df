"""Validate deliveries with their feed's GX suite and record one result per check.

``validate_delivery`` validates one registered delivery; ``validate_pending`` validates
every registered delivery that has no result yet and appends to ``<lake>/dq_results``
(re-running adds nothing). Deliveries of one feed are validated together, up to
``CHUNK_ROWS`` rows per GX run: a GX run costs ~0.3 s however small the frame, and a
city-year is ~20 k mostly small daily files. Results are split back per delivery by the
lineage columns, so each delivery still gets its own rows.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from expectations import checks as C
from expectations.gx_runtime import runtime
from expectations.reference_sets import BronzeTables
from expectations.results import CheckResult, failing_positions, scrub, to_frame
from expectations.validation_frame import ROW_NUMBER, SHA, add_context, columns_read, delivery_frame
from pipelines.contract import ALL_FEEDS
from pipelines.district_feeds.landing import SHANGHAI, Delivery
from pipelines.lib import delta_io, lake
from pipelines.lib.readers import UnreadableFile
from pipelines.settings import Settings

log = logging.getLogger(__name__)

CHUNK_ROWS = 2_000_000
READABLE = ("accepted", "partial", "rejected")


def dq_results_path(settings: Settings) -> Path:
    return lake.path(settings, "dq_results")


def gx_docs_path(settings: Settings) -> Path:
    return settings.gx_docs


def archived_bytes(settings: Settings, sha256: str) -> bytes:
    """The delivery's clear bytes, decrypted from the archive in memory (ingest keeps them
    encrypted at rest: ``pipelines.lib.archive_crypto``)."""
    from pipelines.lib import archive_crypto

    keys = archive_crypto.ArchiveKeys.from_settings(settings)
    return archive_crypto.read(settings.archive, keys, sha256)


@dataclass
class _Stamp:
    run_id: str
    now: dt.datetime


@dataclass
class _Prepared:
    row: dict
    frame: pl.DataFrame
    rows_read: int


@dataclass
class ValidationSummary:
    run_id: str
    deliveries: int = 0
    results: int = 0
    failed_checks: int = 0
    by_feed: dict[str, int] = field(default_factory=dict)
    docs: Path | None = None


def _stamp(run_id: str | None) -> _Stamp:
    now = dt.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
    return _Stamp(run_id or uuid.uuid4().hex[:12], now)


def _file_result(row: dict, spec: C.CheckSpec, passed: bool, stamp: _Stamp, detail=None):
    return CheckResult(
        district_code=row["district_code"],
        feed=row["feed"],
        file=row["file"],
        sha256=row["sha256"],
        check=spec.name,
        column=None,
        severity=spec.severity,
        reason=spec.reason,
        passed=passed,
        rows_checked=0,
        rows_failed=0 if passed else 1,
        failing_rows=[],
        detail=scrub(detail),
        delivered_at=row.get("delivered_at"),
        validated_at=stamp.now,
        run_id=stamp.run_id,
    )


def _prepare(settings: Settings, row: dict, stamp: _Stamp) -> _Prepared | CheckResult:
    """Re-read the delivery's bytes from the archive and build its validation rows; a
    file that cannot be validated gets its file-level result instead."""
    if row["status"] == "duplicate":
        return _file_result(row, C.NOT_DUPLICATE, False, stamp, row.get("detail"))
    if row["status"] not in READABLE or row["feed"] not in ALL_FEEDS:
        detail = f"{row.get('reason') or row['status']}: {row.get('detail') or ''}"
        return _file_result(row, C.FILE_READABLE, False, stamp, detail)
    from pipelines.lib.archive_crypto import ArchiveError

    try:
        data = archived_bytes(settings, row["sha256"])
    except (FileNotFoundError, ArchiveError) as exc:
        detail = f"not readable from the archive: {type(exc).__name__}: {exc}"
        return _file_result(row, C.FILE_READABLE, False, stamp, detail)
    delivery = Delivery(
        path=Path(row["file"]),  # the reader takes the format from the delivered name
        file=row["file"],
        district_code=row["district_code"],
        feed=row["feed"],
        delivered_at=row["delivered_at"],
    )
    try:
        built = delivery_frame(ALL_FEEDS[row["feed"]], delivery, data)
    except UnreadableFile as exc:
        return _file_result(row, C.FILE_READABLE, False, stamp, str(exc))
    return _Prepared(row, built.frame, built.rows_read)


def _chunks(prepared: list[_Prepared]) -> Iterable[list[_Prepared]]:
    chunk: list[_Prepared] = []
    size = 0
    for p in prepared:
        if chunk and size + p.frame.height > CHUNK_ROWS:
            yield chunk
            chunk, size = [], 0
        chunk.append(p)
        size += p.frame.height
    if chunk:
        yield chunk


def _validate_chunk(
    settings: Settings, feed_name: str, chunk: list[_Prepared], bronze: BronzeTables, stamp
) -> list[CheckResult]:
    feed = ALL_FEEDS[feed_name]
    specs = C.feed_checks(feed)
    frame = pl.concat([p.frame for p in chunk], how="diagonal_relaxed")
    frame = add_context(feed, frame, bronze, settings.secret_key)
    shas = frame[SHA].to_numpy()
    rows = frame[ROW_NUMBER].to_numpy()
    pandas_frame = frame.select(columns_read(specs)).to_pandas()  # RangeIndex: positions
    del frame
    references = {name: bronze.reference(name) for name in C.references_needed(feed)}
    result = runtime().run(feed_name, pandas_frame, references)
    del pandas_frame

    by_check = {item.expectation_config.meta["check"]: item for item in result.results}
    out: list[CheckResult] = []
    for p in chunk:
        out.append(_file_result(p.row, C.FILE_READABLE, True, stamp))
    for spec in specs:
        item = by_check[spec.name]
        failed_at: dict[str, list[int]] = {}
        positions = np.asarray(failing_positions(item), dtype=np.int64)
        for sha, row in zip(shas[positions], rows[positions], strict=True):
            failed_at.setdefault(sha, []).append(int(row))
        raised = (item.exception_info or {}).get("raised_exception")
        detail = scrub((item.exception_info or {}).get("exception_message")) if raised else None
        for p in chunk:
            sha = p.row["sha256"]
            failing = sorted(failed_at.get(sha, []))
            out.append(
                CheckResult(
                    district_code=p.row["district_code"],
                    feed=feed_name,
                    file=p.row["file"],
                    sha256=sha,
                    check=spec.name,
                    column=spec.column,
                    severity=spec.severity,
                    reason=spec.reason,
                    passed=not failing and not raised,
                    rows_checked=p.frame.height,
                    rows_failed=len(failing),
                    failing_rows=failing,
                    detail=detail,
                    delivered_at=p.row.get("delivered_at"),
                    validated_at=stamp.now,
                    run_id=stamp.run_id,
                )
            )
    return out


def validate_deliveries(
    settings: Settings,
    register_rows: list[dict],
    run_id: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> list[CheckResult]:
    """Validate registered deliveries (rows of the delivery register)."""
    stamp = _stamp(run_id)
    bronze = BronzeTables(settings)
    out: list[CheckResult] = []
    by_feed: dict[str, list[_Prepared]] = {}
    for i, row in enumerate(register_rows):
        if progress:
            progress("reading deliveries for validation", i, len(register_rows))
        prepared = _prepare(settings, row, stamp)
        if isinstance(prepared, CheckResult):
            out.append(prepared)
        else:
            by_feed.setdefault(row["feed"], []).append(prepared)
    for feed_name in ALL_FEEDS:  # contract order, like ingest
        for chunk in _chunks(by_feed.pop(feed_name, [])):
            if progress:
                progress(f"validating {feed_name}", len(chunk), 0)
            out.extend(_validate_chunk(settings, feed_name, chunk, bronze, stamp))
    return out


def validate_delivery(settings: Settings, delivery_row: dict) -> list[CheckResult]:
    """One delivery (a row of the delivery register) through its feed's suite."""
    return validate_deliveries(settings, [delivery_row])


def pending_deliveries(settings: Settings) -> list[dict]:
    """Registered deliveries with no data-quality result yet."""
    register = delta_io.read(settings.deliveries)
    if register.is_empty():
        return []
    done = delta_io.read(dq_results_path(settings), columns=["file", "sha256"])
    if not done.is_empty():
        register = register.join(done.unique(), on=["file", "sha256"], how="anti")
    return register.sort(["delivered_at", "file"]).to_dicts()


def validate_pending(
    settings: Settings,
    run_id: str | None = None,
    build_docs: bool = True,
    progress: Callable[[str, int, int], None] | None = None,
) -> ValidationSummary:
    """Validate every registered delivery not validated yet; append to dq_results."""
    stamp_run = run_id or uuid.uuid4().hex[:12]
    summary = ValidationSummary(stamp_run)
    todo = pending_deliveries(settings)
    if not todo:
        return summary
    # one feed at a time: bounded memory, and a crash keeps what is already written
    by_feed: dict[str, list[dict]] = {}
    for row in todo:
        by_feed.setdefault(row["feed"] or "", []).append(row)
    for feed_rows in by_feed.values():
        results = validate_deliveries(settings, feed_rows, stamp_run, progress)
        frame = to_frame(results)
        delta_io.insert_new(dq_results_path(settings), frame, keys=["sha256", "file", "check"])
        summary.deliveries += len(feed_rows)
        summary.results += frame.height
        summary.failed_checks += int((~frame["passed"]).sum())
        for feed in frame["feed"].unique().to_list():
            summary.by_feed[feed] = summary.by_feed.get(feed, 0) + int(
                (frame["feed"] == feed).sum()
            )
    if build_docs:
        summary.docs = runtime().build_docs(gx_docs_path(settings))
    return summary
