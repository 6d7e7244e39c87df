"""The frame a feed's suite validates: one row per record of each delivery.

Built from ``typed_delivery`` (contract columns typed, personal fields in clear, in memory
only) plus what the suite needs beyond it:

- ``<col>__text``: the delivered text of typed columns, so "parses" is judged on what the
  district sent, not on the null that failed typing left behind;
- records that could not be split into fields (truncated line, broken JSON line) as rows
  with ``__wellformed`` false, so every row check covers every record read
  (rows_checked = rows_read);
- derived ``__`` columns from bronze of the same district: reference keys, the class's
  dates and subsidy cap, the class of a session, the data day and the lateness bound.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import polars as pl

from expectations import checks as C
from expectations.reference_sets import DISTRICT, BronzeTables, district_key
from pipelines.contract import LATE_AFTER_DAYS, SUBSIDY_CAP_BY_LEVEL, Feed, Pii, T
from pipelines.district_feeds.conform import PROBLEMS
from pipelines.district_feeds.ingest import LoadedDelivery, conform_batch, read_into
from pipelines.district_feeds.landing import Delivery
from pipelines.lib.pii import pseudonym
from pipelines.lib.readers import ROW

SHA = "src_sha256"
ROW_NUMBER = "src_row"


@dataclass(frozen=True)
class DeliveryFrame:
    frame: pl.DataFrame  # contract columns, text columns, lineage, __wellformed
    rows_read: int


def _clean(expr: pl.Expr) -> pl.Expr:
    s = expr.cast(pl.String).str.strip_chars()
    return pl.when(s == "").then(None).otherwise(s)


def delivery_frame(feed: Feed, delivery: Delivery, data: bytes) -> DeliveryFrame:
    """One readable delivery as validation rows (raises UnreadableFile otherwise)."""
    # ingest's own steps rather than typed_delivery: the delivered text and the broken
    # records are needed too, and reading a 1 M-row CSV twice cost ~8 s
    # (benchmarks/RESULTS_quality.md).
    loaded = LoadedDelivery(delivery, hashlib.sha256(data).hexdigest(), len(data))
    read_into(loaded, data)
    if loaded.error:
        raise loaded.error
    typed = conform_batch(feed, [loaded]).drop(PROBLEMS)
    raw, mapping = loaded.table, loaded.mapping
    by_column = {name: header for header, name in mapping.items()}
    texts = [
        _clean(pl.col(by_column[c.name])).alias(C.text_column(c.name))
        if c.name in by_column
        else pl.lit(None, pl.String).alias(C.text_column(c.name))
        for c in feed.columns
        if c.type != T.STR
    ]
    text = raw.frame.select(pl.col(ROW).alias(ROW_NUMBER), *texts)
    frame = typed.join(text, on=ROW_NUMBER, how="left", maintain_order="left").with_columns(
        pl.lit(True).alias(C.WELLFORMED)
    )
    if raw.broken:
        frame = pl.concat(
            [frame, _broken_rows(feed, raw.broken, by_column, delivery, loaded.sha256)],
            how="diagonal_relaxed",
        ).sort(ROW_NUMBER)
    return DeliveryFrame(frame, raw.rows_read)


def _broken_rows(feed: Feed, broken, by_column: dict[str, str], delivery: Delivery, sha: str):
    """Records that could not be split into fields, with what values they did carry (a
    truncated line keeps its first fields), so the other checks judge those fairly."""
    columns: dict[str, list] = {ROW_NUMBER: [r.row_number for r in broken]}
    for c in feed.columns:
        header = by_column.get(c.name)
        name = c.name if c.type == T.STR else C.text_column(c.name)
        columns[name] = [r.values.get(header) if header else None for r in broken]
    frame = pl.DataFrame(columns, schema_overrides={ROW_NUMBER: pl.Int64}, strict=False)
    return frame.with_columns(
        *[_clean(pl.col(n)).alias(n) for n in frame.columns if n != ROW_NUMBER],
        pl.lit(delivery.district_code).alias("src_district_code"),
        pl.lit(delivery.file).alias("src_file"),
        pl.lit(sha).alias(SHA),
        pl.lit(delivery.delivered_at).cast(pl.Datetime("us")).alias("src_delivered_at"),
        pl.lit(False).alias(C.WELLFORMED),
    )


def add_context(
    feed: Feed, frame: pl.DataFrame, bronze: BronzeTables, secret: bytes
) -> pl.DataFrame:
    """Derived columns the feed's checks read, from bronze of the delivering district."""
    district = pl.col(DISTRICT)
    # the feed's whole business key: (camera_id, ts) for heartbeats, one column elsewhere
    keys = [pl.col(k) for k in feed.keys]
    derived = [district_key(pl.col(SHA), *keys).alias(C.DELIVERY_KEY)]
    for c in feed.columns:
        if c.ref:
            derived.append(district_key(district, pl.col(c.name)).alias(C.ref_column(c.name)))
    if feed.data_day:
        day = pl.col(feed.data_day)
        day = day.dt.date() if feed.column(feed.data_day).type == T.TS else day
        bound = pl.col("src_delivered_at").dt.date() - pl.duration(days=LATE_AFTER_DAYS)
        derived += [
            day.cast(pl.Datetime("us")).alias(C.DATA_DAY),
            bound.cast(pl.Datetime("us")).alias(C.LATE_BEFORE),
        ]
    frame = frame.with_columns(derived)
    extra = _FEED_CONTEXT.get(feed.name)
    return extra(frame, bronze, secret) if extra else frame


def _lookup(frame, parent: pl.DataFrame, keys: list[str], right_keys: list[str]) -> pl.DataFrame:
    parent = parent.unique(subset=right_keys, keep="last")
    return frame.join(parent, left_on=keys, right_on=right_keys, how="left", maintain_order="left")


def _sessions(frame: pl.DataFrame, bronze: BronzeTables, secret: bytes) -> pl.DataFrame:
    classes = bronze.read("classes", ["class_id", "start_date", "end_date"]).select(
        pl.col(DISTRICT),
        pl.col("class_id").alias("__cid"),
        pl.col("start_date").cast(pl.Date).cast(pl.Datetime("us")).alias(C.CLASS_START),
        (pl.col("end_date").cast(pl.Date) + pl.duration(days=1))
        .cast(pl.Datetime("us"))
        .alias(C.CLASS_END_EXCLUSIVE),
    )
    frame = _lookup(frame, classes, [DISTRICT, "class_id"], [DISTRICT, "__cid"])
    return frame.with_columns(
        district_key(pl.col(DISTRICT), pl.col("teacher_id")).alias(C.ref_column("teacher_id"))
    )


def _attendance(frame: pl.DataFrame, bronze: BronzeTables, secret: bytes) -> pl.DataFrame:
    sessions = bronze.read("sessions", ["session_id", "class_id"]).select(
        pl.col(DISTRICT),
        pl.col("session_id").alias("__sid"),
        pl.col("class_id").alias(C.SESSION_CLASS),
    )
    frame = _lookup(frame, sessions, [DISTRICT, "session_id"], [DISTRICT, "__sid"])
    ids = frame["id_number"].str.strip_chars().unique().drop_nulls().to_list()
    pseudo = pl.DataFrame(
        {"__id": ids, "__pseudo": [pseudonym(secret, Pii.ID_NUMBER, v) for v in ids]},
        schema={"__id": pl.String, "__pseudo": pl.String},
    )
    frame = frame.with_columns(pl.col("id_number").str.strip_chars().alias("__id")).join(
        pseudo, on="__id", how="left", maintain_order="left"
    )
    # as ingest: "not enrolled" is judged only once the class's enrolments are delivered;
    # before that the check-in is pending on the class's enrolments (null = not looked up)
    enrolled_classes = (
        bronze.read("enrolments", ["class_id"])
        .select(district_key(pl.col(DISTRICT), pl.col("class_id")).alias("__ck"))
        .unique()
        .with_columns(pl.lit(True).alias("__class_known"))
    )
    frame = frame.with_columns(
        district_key(pl.col(DISTRICT), pl.col("class_id")).alias(C.CLASS_ENROLMENTS_REF)
    ).join(
        enrolled_classes,
        left_on=C.CLASS_ENROLMENTS_REF,
        right_on="__ck",
        how="left",
        maintain_order="left",
    )
    not_face = pl.col("method").is_not_null() & (pl.col("method") != "人脸")
    person_key = district_key(pl.col(DISTRICT), pl.col("class_id"), pl.col("__pseudo"))
    return frame.with_columns(
        pl.when(pl.col("__class_known")).then(person_key).otherwise(None).alias(C.ENROLMENT_REF),
        pl.when(not_face).then(pl.col("face_score")).otherwise(None).alias(C.FACE_SCORE_NOT_FACE),
    ).drop("__id", "__pseudo", "__class_known")


def _claims(frame: pl.DataFrame, bronze: BronzeTables, secret: bytes) -> pl.DataFrame:
    caps = pl.DataFrame(
        {"__level": list(SUBSIDY_CAP_BY_LEVEL), C.SUBSIDY_CAP: list(SUBSIDY_CAP_BY_LEVEL.values())},
        schema={"__level": pl.Int64, C.SUBSIDY_CAP: pl.Float64},
    )
    classes = (
        bronze.read("classes", ["class_id", "level"])
        .select(
            pl.col(DISTRICT),
            pl.col("class_id").alias("__cid"),
            pl.col("level").cast(pl.Int64).alias("__level"),
        )
        .join(caps, on="__level", how="left")
        .drop("__level")
    )
    return _lookup(frame, classes, [DISTRICT, "class_id"], [DISTRICT, "__cid"])


_FEED_CONTEXT = {"sessions": _sessions, "attendance": _attendance, "subsidy_claims": _claims}


def columns_read(feed_checks: list[C.CheckSpec]) -> list[str]:
    """The frame columns the suite reads (only those go to pandas)."""
    cols: list[str] = []
    for spec in feed_checks:
        if spec.expectation is None:
            continue
        for kw in ("column", "column_A", "column_B"):
            name = getattr(spec.expectation, kw, None)
            if name and name not in cols:
                cols.append(name)
    return cols
