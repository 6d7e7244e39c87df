"""Lossless ingest of district deliveries into bronze Delta tables.

For every delivery file: rows read = rows accepted + rows quarantined, recorded in the
delivery register. Accepted rows are MERGEd into ``bronze/<feed>`` by (district, business
key), the latest delivery winning; quarantined rows keep their original values (personal
fields masked, the whole row encrypted) with reason codes; a file that cannot be read is
kept in the archive with a file-level reason. The register is written last, so a run that
dies half-way is simply redone: bronze MERGE and quarantine inserts are idempotent.

Files of one feed are processed as one batch (one typing pass, one MERGE): a city-year is
~20 k small daily files, and per-file Delta commits would dominate the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from pipelines.contract import (
    ALL_FEEDS,
    LATE_AFTER_DAYS,
    SEVERITY,
    CheckReason,
    Column,
    Feed,
    FileReason,
    Pii,
    Severity,
    T,
)
from pipelines.contract.headers import map_headers
from pipelines.district_feeds.conform import POLARS_TYPES, PROBLEMS, conform
from pipelines.district_feeds.landing import SHANGHAI, Delivery, discover
from pipelines.district_feeds.references import DISTRICT, check_references
from pipelines.lib import archive_crypto, delta_io
from pipelines.lib.file_guard import MAX_FILE_BYTES
from pipelines.lib.pii import Cipher, mask, pseudonym
from pipelines.lib.readers import ROW, RawTable, UnreadableFile, read_delivery
from pipelines.settings import Settings

log = logging.getLogger(__name__)

# an accepted row's warning findings (``CODE:column``, e.g. ``BAD_PHONE:phone``): kept with
# the row so the rules and reports can see them, never a reason to quarantine
WARNINGS = "src_warnings"
WARNING_CODES = sorted(str(code) for code, sev in SEVERITY.items() if sev == Severity.WARNING)

LINEAGE = {
    "src_district_code": pl.String,
    "src_file": pl.String,
    "src_sha256": pl.String,
    "src_row": pl.Int64,
    "src_delivered_at": pl.Datetime("us"),
    "src_ingested_at": pl.Datetime("us"),
}

REGISTER_SCHEMA = {
    "file": pl.String,
    "sha256": pl.String,
    "district_code": pl.String,
    "feed": pl.String,
    "format": pl.String,
    "encoding": pl.String,
    "header_lang": pl.String,
    "size_bytes": pl.Int64,
    "rows_read": pl.Int64,
    "rows_accepted": pl.Int64,
    "rows_quarantined": pl.Int64,
    "status": pl.String,  # accepted | partial | rejected | unreadable | duplicate
    "reason": pl.String,  # file-level reason code, when there is one
    "detail": pl.String,
    "unknown_columns": pl.List(pl.String),
    "data_day_min": pl.Date,
    "data_day_max": pl.Date,
    "late_rows": pl.Int64,
    "delivered_at": pl.Datetime("us"),
    "ingested_at": pl.Datetime("us"),
    "run_id": pl.String,
    # pending rows re-admitted on later runs (rows_accepted / rows_quarantined follow them)
    "rows_readmitted": pl.Int64,
    "readmitted_at": pl.Datetime("us"),
    "readmitted_run_id": pl.String,
}

QUARANTINE_SCHEMA = {
    "district_code": pl.String,
    "feed": pl.String,
    "file": pl.String,
    "sha256": pl.String,
    "row_number": pl.Int64,
    "reason_codes": pl.List(pl.String),
    "reason_detail": pl.String,
    "original_values": pl.String,  # JSON, personal fields masked
    "original_encrypted": pl.String,  # AES-GCM token of the whole original row
    "delivered_at": pl.Datetime("us"),
    "quarantined_at": pl.Datetime("us"),
    "run_id": pl.String,
    "severity": pl.String,  # blocking | pending (the worst of the row's reasons)
    "status": pl.String,  # quarantined | readmitted (a pending row whose parent arrived)
    "readmitted_at": pl.Datetime("us"),
    "readmitted_run_id": pl.String,
    "readmitted_by": pl.String,
    "person_pseudo": pl.String,  # the row's ID-number pseudonym, when it has a valid one
}

PERSON = "id_number_pseudo"

QUARANTINED, READMITTED = "quarantined", "readmitted"


@dataclass
class IngestSummary:
    run_id: str
    files: list[dict] = field(default_factory=list)  # register rows written this run
    skipped_same_bytes: int = 0
    readmitted: dict[str, int] = field(default_factory=dict)  # feed -> pending rows admitted

    def by_district(self) -> pl.DataFrame:
        if not self.files:
            return pl.DataFrame(schema={"district_code": pl.String})
        return (
            pl.DataFrame(self.files, schema=REGISTER_SCHEMA)
            .group_by("district_code")
            .agg(
                pl.len().alias("files"),
                pl.col("rows_read").sum(),
                pl.col("rows_accepted").sum(),
                pl.col("rows_quarantined").sum(),
                (pl.col("status") == "unreadable").sum().alias("files_unreadable"),
            )
            .sort("district_code")
        )


def day_partition_column(feed: Feed) -> str | None:
    """The bronze partition column of a feed partitioned by the day of a time key."""
    return f"{feed.day_partition}_day" if feed.day_partition else None


def day_partition_value(feed: Feed) -> pl.Expr:
    """That column's value, ``YYYY-MM-DD`` of the time key (only for a partitioned feed)."""
    day = pl.col(feed.day_partition).dt.strftime("%Y-%m-%d")
    return day.alias(day_partition_column(feed))


def bronze_columns(feed: Feed) -> dict[str, pl.DataType]:
    """The bronze schema of a feed: typed contract columns, personal fields protected, lineage
    (and the day partition column of a time-keyed feed)."""
    cols: dict[str, pl.DataType] = {}
    for c in feed.columns:
        if c.pii:
            cols.update(dict.fromkeys(protected_columns(c), pl.String))
        else:
            cols[c.name] = POLARS_TYPES[c.type]
    part = day_partition_column(feed)
    return {**cols, **LINEAGE, WARNINGS: pl.List(pl.String), **({part: pl.String} if part else {})}


def _entry_code(entry: pl.Expr) -> pl.Expr:
    return entry.str.split(":").list.first()


def split_problems(typed: pl.DataFrame) -> pl.DataFrame:
    """Move warning findings out of ``problems`` into ``src_warnings``: what is left in
    ``problems`` (blocking and pending) is what quarantines a row."""
    is_warning = _entry_code(pl.element()).is_in(WARNING_CODES)
    return typed.with_columns(
        pl.col(PROBLEMS).list.eval(pl.element().filter(is_warning)).alias(WARNINGS),
        pl.col(PROBLEMS).list.eval(pl.element().filter(~is_warning)),
    )


def row_severity(codes: list[str]) -> str:
    """A quarantined row is pending only when every reason it has is pending."""
    pending = all(SEVERITY.get(c, Severity.BLOCKING) == Severity.PENDING for c in codes)
    return str(Severity.PENDING if codes and pending else Severity.BLOCKING)


class _Protector:
    """Pseudonyms, masks and ciphertexts, computed once per distinct value."""

    def __init__(self, secret: bytes):
        self.key = secret
        self.cipher = Cipher(secret)

    def protect(self, frame: pl.DataFrame, feed: Feed) -> pl.DataFrame:
        for c in feed.pii_columns:
            values = frame[c.name].str.strip_chars().unique().drop_nulls().to_list()
            values = [v for v in values if v]
            kind = c.pii
            derived = {
                f"{c.name}_pseudo": lambda v, kind=kind: pseudonym(self.key, kind, v),
                f"{c.name}_masked": lambda v, kind=kind: mask(kind, v),
                f"{c.name}_enc": self.cipher.encrypt,
            }
            columns = {n: [derived[n](v) for v in values] for n in protected_columns(c)}
            table = pl.DataFrame(
                {"__v": values, **columns},
                schema={"__v": pl.String, **dict.fromkeys(protected_columns(c), pl.String)},
            )
            frame = (
                frame.with_columns(pl.col(c.name).str.strip_chars().alias("__v"))
                .join(table, on="__v", how="left", maintain_order="left")
                .drop("__v")
            )
        return frame


def protected_columns(column: Column) -> list[str]:
    """What a personal column becomes in bronze: pseudonym, masked form, ciphertext (free
    text: no pseudonym, nobody joins on a sentence)."""
    if column.pii == Pii.TEXT:
        return [f"{column.name}_masked", f"{column.name}_enc"]
    return [f"{column.name}_pseudo", f"{column.name}_masked", f"{column.name}_enc"]


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _header_lang(mapping: dict[str, str]) -> str:
    # by the script of the header as written: "CLASS_ID" or " class_id " is English, not a
    # Chinese header because it differs from the standard's spelling
    zh = sum(1 for h in mapping if _CJK.search(h))
    return "zh" if zh == len(mapping) else "en" if zh == 0 else "mixed"


@dataclass
class LoadedDelivery:
    """One delivery file read into memory: its records and header mapping, or why not."""

    delivery: Delivery
    sha256: str
    size: int
    table: RawTable | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    error: UnreadableFile | None = None
    rows_read: int = 0  # kept: the raw records are let go once typed


class Ingestor:
    def __init__(self, settings: Settings, run_id: str | None = None):
        self.settings = settings
        self._archive_keys: archive_crypto.ArchiveKeys | None = None
        self.run_id = run_id or uuid.uuid4().hex[:12]
        # Asia/Shanghai local, naive, like every timestamp of the standard
        self.now = dt.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
        self.protector = _Protector(settings.secret_key)
        self._lookups: dict[str, pl.DataFrame] = {}
        self.changed = False  # did this run change any bronze table (then retry pending rows)

    # --- reference lookups against accepted bronze rows -------------------------------
    def lookup(self, feed: str, columns: list[str]) -> pl.DataFrame:
        if feed not in self._lookups:
            self._lookups[feed] = delta_io.read(self.settings.bronze(feed))
        table = self._lookups[feed]
        if table.is_empty() or any(c not in table.columns for c in columns):
            return pl.DataFrame()
        return table.select(columns)

    # --- the run ----------------------------------------------------------------------
    def run(
        self,
        deliveries: Iterable[Delivery] | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> IngestSummary:
        summary = IngestSummary(self.run_id)
        register = delta_io.read(self.settings.deliveries, columns=["file", "sha256", "feed"])
        seen_paths = set()
        seen_bytes: dict[tuple[str, str], str] = {}
        if not register.is_empty():
            seen_paths = set(zip(register["file"], register["sha256"], strict=True))
            for f, s, feed in register.iter_rows():
                seen_bytes.setdefault((feed, s), f)
        todo = list(discover(self.settings.landing) if deliveries is None else deliveries)
        total = len(todo)
        by_feed: dict[str, list[Delivery]] = {}
        for d in todo:
            by_feed.setdefault("" if d.problem else d.feed, []).append(d)
        done = 0

        def load(d: Delivery) -> LoadedDelivery | None:
            """Read one file; None when it needs no ingest (same file again, same bytes)."""
            nonlocal done
            done += 1
            if progress:
                progress("reading deliveries", done, total)
            unread = _unread(d)
            if unread is not None:  # refused, over the size limit or gone: never read
                if (d.file, unread.sha256) in seen_paths:
                    summary.skipped_same_bytes += 1
                    return None
                summary.files.append(self._register_row(unread, status=_unread_status(d)))
                return None
            data = d.path.read_bytes()
            loaded = LoadedDelivery(d, _sha256(data), len(data))
            if (d.file, loaded.sha256) in seen_paths:
                summary.skipped_same_bytes += 1
                return None  # the very same file again: a no-op
            self._archive(loaded, data)
            if (d.feed, loaded.sha256) in seen_bytes:
                first = seen_bytes[(d.feed, loaded.sha256)]
                summary.files.append(self._register_row(loaded, status="duplicate", detail=first))
                return None
            seen_bytes[(d.feed, loaded.sha256)] = d.file
            if d.problem:
                loaded.error = UnreadableFile(d.problem, f"not a delivery path: {d.file}")
            else:
                read_into(loaded, data)
            return loaded

        registers = [
            self._register_row(o, status="unreadable")
            for o in filter(None, map(load, by_feed.pop("", [])))
        ]
        # one feed at a time, in reference order: only one feed's raw files are in memory
        # (all of a city-year's at once peaked at 3.5 GB)
        for name, feed in ALL_FEEDS.items():
            loaded = [x for x in map(load, by_feed.pop(name, [])) if x is not None]
            if loaded:
                if progress:
                    progress(f"ingesting {name}", 0, 1)
                registers.extend(self._ingest_feed(feed, loaded))
            del loaded
        summary.files.extend(registers)
        if summary.files:
            frame = pl.DataFrame(summary.files, schema=REGISTER_SCHEMA)
            delta_io.merge(self.settings.deliveries, frame, keys=["file", "sha256"])
        if self.changed:
            from pipelines.district_feeds.readmit import readmit_pending

            summary.readmitted = readmit_pending(self, progress)
        return summary

    def _archive(self, loaded: LoadedDelivery, data: bytes) -> None:
        # encrypted at rest under a keyed name: raw deliveries hold clear ID numbers
        if self._archive_keys is None:
            self._archive_keys = archive_crypto.ArchiveKeys.from_settings(self.settings)
        archive_crypto.put(self.settings.archive, self._archive_keys, data, loaded.sha256)

    # --- one feed's batch -------------------------------------------------------------
    def _ingest_feed(self, feed: Feed, files: list[LoadedDelivery]) -> list[dict]:
        readable = [f for f in files if f.error is None]
        registers = [self._register_row(f, status="unreadable") for f in files if f.error]
        if not readable:
            return registers

        typed, readable, failed = self._check_isolated(feed, readable)
        registers.extend(self._register_row(f, status="unreadable") for f in failed)
        if not readable:
            return registers

        # quarantine first, then let the raw records and the typed batch go before the MERGE:
        # a city-year's attendance held three copies at once and peaked over 3 GiB
        ok_mask = pl.col(PROBLEMS).list.len() == 0
        quarantine = self._quarantine_rows(feed, readable, typed.filter(~ok_mask))
        for f in readable:
            f.table.frame, f.table.broken = f.table.frame.clear(), []
        ok = typed.filter(ok_mask)
        del typed
        ok_counts = dict(ok.group_by("src_sha256").len().iter_rows())
        days = self._data_days(feed, ok)
        self.accept(feed, ok)
        del ok
        delta_io.insert_new(self.settings.quarantine, quarantine, keys=["sha256", "row_number"])

        bad_counts = dict(quarantine.group_by("sha256").len().iter_rows())
        for f in readable:
            registers.append(
                self._register_row(
                    f,
                    accepted=ok_counts.get(f.sha256, 0),
                    quarantined=bad_counts.get(f.sha256, 0),
                    days=days.get(f.sha256),
                )
            )
        return registers

    def _check_isolated(self, feed: Feed, files: list[LoadedDelivery]):
        """The batch checked at once; when that fails, file by file, so that the file that
        breaks typing costs itself alone (registered unreadable) and the others go on."""
        try:
            return self.check(feed, files), files, []
        except Exception:
            log.exception("checking %s as one batch failed: checking file by file", feed.name)
        typed, ok, failed = [], [], []
        for f in files:
            try:
                typed.append(self.check(feed, [f]))
                ok.append(f)
            except Exception as exc:
                f.error = UnreadableFile(
                    FileReason.UNREADABLE, f"checking failed: {type(exc).__name__}"
                )
                f.table, f.rows_read = None, 0
                failed.append(f)
        frame = pl.concat(typed, how="diagonal_relaxed") if typed else pl.DataFrame()
        return frame, ok, failed

    def check(self, feed: Feed, files: list[LoadedDelivery]) -> pl.DataFrame:
        """Type, protect and check readable files of one feed: every row with its
        quarantining ``problems`` (blocking, pending) and its ``src_warnings``."""
        typed = conform_batch(feed, files)
        typed = self.protector.protect(typed, feed)
        if typed.height:  # header-only files: nothing to look up (polars fails on it)
            typed = check_references(feed, typed, self.lookup)
        return split_problems(typed)

    def accept(self, feed: Feed, ok: pl.DataFrame) -> None:
        """MERGE rows without quarantining problems into the feed's bronze table."""
        if ok.is_empty():
            return
        path = self.settings.bronze(feed.name)
        accepted = ok.with_columns(
            pl.lit(self.now).cast(pl.Datetime("us")).alias("src_ingested_at")
        )
        partition_by = None
        part = day_partition_column(feed)
        # a lake written before the feed was partitioned keeps its layout (partitions are
        # fixed at creation): its rows get no partition column, the MERGE stays unpruned
        if part and (not delta_io.exists(path) or part in delta_io.partition_columns(path)):
            accepted = accepted.with_columns(day_partition_value(feed))
            partition_by = [part]
        accepted = accepted.select([c for c in bronze_columns(feed) if c in accepted.columns])
        # several deliveries of one key in a batch: the latest delivery wins
        accepted = accepted.sort(["src_delivered_at", "src_file", "src_row"]).unique(
            subset=[DISTRICT, *feed.keys], keep="last", maintain_order=True
        )
        delta_io.merge(
            path,
            accepted,
            keys=[DISTRICT, *feed.keys],
            newer="src_delivered_at",
            partition_by=partition_by,
        )
        self._lookups.pop(feed.name, None)
        self.changed = True

    def _quarantine_rows(
        self, feed: Feed, files: list[LoadedDelivery], bad: pl.DataFrame
    ) -> pl.DataFrame:
        by_sha = {f.sha256: f for f in files}
        pii_headers = {
            f.sha256: {h: feed.column(n).pii for h, n in f.mapping.items() if feed.column(n).pii}
            for f in files
        }
        rows: list[dict] = []
        bad_by_file: dict[str, dict[int, list[str]]] = {}
        for sha, row, problems in bad.select("src_sha256", "src_row", PROBLEMS).iter_rows():
            bad_by_file.setdefault(sha, {})[row] = problems
        for sha, f in by_sha.items():
            problems_by_row = bad_by_file.get(sha, {})
            if problems_by_row:
                originals = f.table.frame.filter(pl.col(ROW).is_in(list(problems_by_row)))
                for rec in originals.iter_rows(named=True):
                    row = rec.pop(ROW)
                    rows.append(
                        self._quarantine_row(f, row, problems_by_row[row], rec, pii_headers[sha])
                    )
            for rec in f.table.broken:
                entries = [f"{rec.problem}:{rec.where}"]
                if rec.raw_text is not None:
                    rows.append(
                        self._quarantine_row(f, rec.row_number, entries, None, {}, rec.raw_text)
                    )
                else:
                    rows.append(
                        self._quarantine_row(
                            f, rec.row_number, entries, rec.values, pii_headers[sha]
                        )
                    )
        out = pl.DataFrame(rows, schema=QUARANTINE_SCHEMA)
        if PERSON in bad.columns and not out.is_empty():
            # the person's pseudonym (never the number): rules can say "their enrolment is
            # waiting in quarantine" instead of losing them
            people = bad.select(
                pl.col("src_sha256").alias("sha256"),
                pl.col("src_row").alias("row_number"),
                pl.col(PERSON).alias("__p"),
            )
            out = (
                out.join(people, on=["sha256", "row_number"], how="left", maintain_order="left")
                .with_columns(pl.col("__p").alias("person_pseudo"))
                .drop("__p")
            )
        return out

    def _quarantine_row(self, f, row, entries, values, pii_headers, raw_text=None) -> dict:
        codes = list(dict.fromkeys(e.split(":", 1)[0] for e in entries))
        severity = row_severity(codes)
        if values is None:
            shown = json.dumps({"_unparsed": f"<{len(raw_text or '')} characters, encrypted>"})
            secret = raw_text or ""
        else:
            masked = {
                h: (mask(pii_headers[h], v) if h in pii_headers and v else v)
                for h, v in values.items()
            }
            shown = json.dumps(masked, ensure_ascii=False)
            secret = json.dumps(values, ensure_ascii=False)
        return {
            "district_code": f.delivery.district_code,
            "feed": f.delivery.feed,
            "file": f.delivery.file,
            "sha256": f.sha256,
            "row_number": row,
            "reason_codes": codes,
            "reason_detail": "; ".join(entries),
            "original_values": shown,
            "original_encrypted": self.protector.cipher.encrypt(secret),
            "delivered_at": f.delivery.delivered_at,
            "quarantined_at": self.now,
            "run_id": self.run_id,
            "severity": severity,
            "status": QUARANTINED,
            "readmitted_at": None,
            "readmitted_run_id": None,
            "readmitted_by": None,
            "person_pseudo": None,
        }

    def _data_days(self, feed: Feed, ok: pl.DataFrame) -> dict[str, tuple]:
        if not feed.data_day or ok.is_empty():
            return {}
        col = pl.col(feed.data_day)
        day = col.dt.date() if feed.column(feed.data_day).type == T.TS else col
        late = day < (pl.col("src_delivered_at").dt.date() - pl.duration(days=LATE_AFTER_DAYS))
        stats = ok.group_by("src_sha256").agg(
            day.min().alias("lo"), day.max().alias("hi"), late.sum().alias("late")
        )
        return {r[0]: r[1:] for r in stats.iter_rows()}

    def _register_row(
        self,
        f: LoadedDelivery,
        status: str | None = None,
        accepted: int = 0,
        quarantined: int = 0,
        days: tuple | None = None,
        detail: str | None = None,
    ) -> dict:
        d = f.delivery
        table = f.table
        read = f.rows_read
        if status is None:
            status = delivery_status(accepted, quarantined)
        reason = f.error.reason.value if f.error else None
        if status == "duplicate":
            detail = f"same bytes as {detail}, already ingested"
        elif reason is None and table is not None and table.decode_note:
            # accepted as read, flagged: the encoding needed a guess or a repair
            reason, detail = str(CheckReason.ENCODING_GUESSED), table.decode_note
        lo, hi, late = days if days else (None, None, 0)
        return {
            "file": d.file,
            "sha256": f.sha256,
            "district_code": d.district_code,
            "feed": d.feed,
            "format": table.format if table else d.path.suffix.lower().lstrip("."),
            "encoding": table.encoding if table else None,
            "header_lang": _header_lang(f.mapping) if f.mapping else None,
            "size_bytes": f.size,
            "rows_read": read,
            "rows_accepted": accepted,
            "rows_quarantined": quarantined,
            "status": status,
            "reason": reason,
            "detail": f.error.detail if f.error else detail,
            "unknown_columns": f.unknown,
            "data_day_min": lo,
            "data_day_max": hi,
            "late_rows": late or 0,
            "delivered_at": d.delivered_at,
            "ingested_at": self.now,
            "run_id": self.run_id,
            "rows_readmitted": 0,
            "readmitted_at": None,
            "readmitted_run_id": None,
        }


def delivery_status(accepted: int, quarantined: int) -> str:
    return "accepted" if quarantined == 0 else "rejected" if accepted == 0 else "partial"


def _unread(d: Delivery) -> LoadedDelivery | None:
    """A delivery that must not be read: refused (a link, a special file, outside the
    landing), over the size limit (streamed for its digest, kept where it lies) or gone."""
    if d.refused:
        error = UnreadableFile(FileReason.REFUSED, d.detail or "refused")
        return LoadedDelivery(d, d.sha256(), 0, error=error)
    try:
        size = d.path.stat().st_size
        if size <= MAX_FILE_BYTES:
            return None
        error = UnreadableFile(
            FileReason.LIMIT_EXCEEDED,
            f"{size} bytes (limit {MAX_FILE_BYTES}): not read, not archived, left in the landing",
        )
        return LoadedDelivery(d, d.sha256(), size, error=error)
    except OSError as exc:
        error = UnreadableFile(FileReason.UNREADABLE, f"cannot be opened ({type(exc).__name__})")
        digest = _sha256(f"unopened:{d.file}:{d.delivered_at}".encode())
        return LoadedDelivery(d, digest, 0, error=error)


def _unread_status(d: Delivery) -> str:
    return "refused" if d.refused else "unreadable"


def read_into(loaded: LoadedDelivery, data: bytes) -> None:
    """Read the file's records and map its headers; a file-level failure is kept in ``error``.
    Whatever a reader raises stays with this file: no file may crash the run. Details name
    counts and limits, never the file's content (they are shown to auditors)."""
    feed = ALL_FEEDS[loaded.delivery.feed]
    try:
        table = read_delivery(loaded.delivery.path, data)
        mapping, unknown = map_headers(feed, table.headers)
        if not mapping and (table.rows_read or table.headers):
            raise UnreadableFile(
                FileReason.HEADER_UNRECOGNISED,
                f"none of the {len(table.headers)} header fields is a column of {feed.name}",
            )
        if not table.headers and not table.rows_read:
            raise UnreadableFile(FileReason.EMPTY_FILE, "no header and no rows")
    except UnreadableFile as exc:
        loaded.error = exc
        return
    except Exception as exc:  # a reader bug or a parser's own error: this file only
        log.exception("reading %s failed", loaded.delivery.file)
        loaded.error = UnreadableFile(
            FileReason.UNREADABLE, f"reading failed: {type(exc).__name__}"
        )
        return
    loaded.table, loaded.mapping, loaded.unknown = table, mapping, unknown
    loaded.rows_read = table.rows_read


def strings_frame(feed: Feed, files: list[LoadedDelivery]) -> pl.DataFrame:
    """The files' well-formed records as contract-named string columns plus lineage.

    Built for all files of a feed at once: renaming columns in place and one diagonal
    concat, then lineage joined by file index. One polars query per file used to cost more
    than the typing itself on a city-year's ~20 k small daily files.
    """
    frames = []
    for f in files:
        frame = f.table.frame.clone()  # shares the data; only the names change
        frame.columns = [
            ROW if c == ROW else f.mapping.get(c, f"__unmapped_{i}")
            for i, c in enumerate(frame.columns)
        ]
        frames.append(frame)
    batch = pl.concat(frames, how="diagonal") if frames else pl.DataFrame()
    heights = [frame.height for frame in frames]
    batch = batch.hstack([pl.Series("__file", np.repeat(np.arange(len(files)), heights))])
    lineage = pl.DataFrame(
        {
            "__file": np.arange(len(files)),
            "src_district_code": [f.delivery.district_code for f in files],
            "src_file": [f.delivery.file for f in files],
            "src_sha256": [f.sha256 for f in files],
            "src_delivered_at": [f.delivery.delivered_at for f in files],
        },
        schema_overrides={"src_delivered_at": pl.Datetime("us")},
    )
    columns = [
        _normalised(c, feed) if c in batch.columns else pl.lit(None, pl.String).alias(c)
        for c in feed.column_names
    ]
    return batch.join(lineage, on="__file", how="left", maintain_order="left").select(
        *columns,
        "src_district_code",
        "src_file",
        "src_sha256",
        pl.col(ROW).alias("src_row"),
        "src_delivered_at",
    )


_ZERO_WIDTH = "[\u200b\u200c\u200d\u2060\ufeff\u00ad]"


def _normalised(name: str, feed: Feed) -> pl.Expr:
    """Keys and references compared as ``normalise_key`` does: NFKC, zero-width characters
    and surrounding spaces removed — a key with a zero-width space is the same key."""
    column = feed.column(name)
    if not (column.key or column.ref):
        return pl.col(name)
    expr = pl.col(name).str.normalize("NFKC").str.replace_all(_ZERO_WIDTH, "").str.strip_chars()
    return expr.alias(name)


def conform_batch(feed: Feed, files: list[LoadedDelivery]) -> pl.DataFrame:
    """Type and check readable files of one feed together; adds within-file duplicate keys.

    Files are grouped by the set of columns they carry, so a file lacking a required column
    fails MISSING_COLUMN on its own rows only.
    """
    batch = strings_frame(feed, files)
    groups: dict[frozenset, list[str]] = {}
    for f in files:
        groups.setdefault(frozenset(f.mapping.values()), []).append(f.sha256)
    typed = pl.concat(
        [
            conform(feed, batch.filter(pl.col("src_sha256").is_in(shas)), set(cols))
            for cols, shas in groups.items()
        ],
        how="vertical",
    )
    keys = feed.keys
    dup = (pl.int_range(pl.len()).over(["src_sha256", *keys]) > 0) & pl.all_horizontal(
        [pl.col(k).is_not_null() for k in keys]
    )
    no_problem = pl.lit([], pl.List(pl.String))
    entry = f"DUPLICATE_KEY:{'+'.join(keys)}"
    return typed.sort(["src_sha256", "src_row"]).with_columns(
        pl.col(PROBLEMS).list.concat(pl.when(dup).then(pl.lit([entry])).otherwise(no_problem))
    )


def typed_delivery(delivery: Delivery, data: bytes | None = None) -> pl.DataFrame:
    """One delivery's records typed per the contract, with each row's in-file problems and
    lineage; personal fields still in clear (in memory only: for validation suites).
    Raises UnreadableFile when the file cannot be read."""
    data = delivery.path.read_bytes() if data is None else data
    loaded = LoadedDelivery(delivery, _sha256(data), len(data))
    read_into(loaded, data)
    if loaded.error:
        raise loaded.error
    return conform_batch(ALL_FEEDS[delivery.feed], [loaded])


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def ingest(settings: Settings, progress=None, run_id: str | None = None) -> IngestSummary:
    """Ingest every new delivery under ``settings.landing``."""
    return Ingestor(settings, run_id).run(progress=progress)
