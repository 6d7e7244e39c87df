"""Writing one delivery in its district's habit: values to text, then bytes to disk.

Values are formatted for a whole file at once with polars expressions (the attendance of a
city year is 1.5 M rows); only XLSX cells are written one by one (xlsxwriter's API).
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import numpy as np
import polars as pl

from pipelines.contract import DISTRICT_FEEDS, T
from simulator import defects, xlsx
from simulator.deliveries import Delivery
from simulator.habits import Habit, column_order, header

SHANGHAI = ZoneInfo("Asia/Shanghai")
# decimals written per (feed, column): a presentation choice, not part of the contract
DECIMALS = {"face_score": 3, "hours": 1, "amount": 2}
# a fixed workbook creation time keeps XLSX bytes identical between runs
XLSX_CREATED = dt.datetime(2026, 1, 1, 0, 0, 0)
# XLSX: these date columns are typed in as text by the district's clerks; others are cells
XLSX_TEXT_DATES = {"filed_on", "cert_valid_until"}


def _decimal(col: str, places: int) -> pl.Expr:
    scaled = (pl.col(col) * 10**places).round(0).cast(pl.Int64)
    whole = (scaled // 10**places).cast(pl.String)
    frac = (scaled % 10**places).cast(pl.String).str.zfill(places)
    return pl.when(pl.col(col).is_null()).then(None).otherwise(whole + "." + frac).alias(col)


def format_frame(habit: Habit, feed: str, frame: pl.DataFrame) -> pl.DataFrame:
    """Typed rows -> text in the habit's forms (nulls stay null)."""
    f = DISTRICT_FEEDS[feed]
    exprs = []
    for c in f.columns:
        col = pl.col(c.name)
        if c.type == T.DATE:
            e = col.dt.strftime(habit.date_fmt)
        elif c.type == T.TS:
            fmt = habit.ts_fmt if feed == "attendance" else habit.ts_short_fmt
            e = col.dt.strftime(fmt)
        elif c.type == T.BOOL:
            e = pl.when(col.is_null()).then(None).when(col).then(pl.lit(habit.true))
            e = e.otherwise(pl.lit(habit.false))
        elif c.type == T.DEC:
            exprs.append(_decimal(c.name, DECIMALS.get(c.name, 2)))
            continue
        else:
            e = col.cast(pl.String)
        exprs.append(e.alias(c.name))
    return frame.select(exprs)


def assemble(d: Delivery) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """The file's rows as text, extras inserted; and (row_number, reason) of planted rows."""
    habit = d.habit
    base = format_frame(habit, d.feed, d.rows)
    for o in d.overrides:
        for col, value in o.text.items():
            base = base.with_columns(
                pl.when(pl.int_range(pl.len()) == o.index)
                .then(pl.lit(value, pl.String))
                .otherwise(pl.col(col))
                .alias(col)
            )
    keys = np.arange(base.height, dtype=float)
    parts = [base]
    extra_keys = []
    if d.extras:
        typed = pl.DataFrame([e.values for e in d.extras], schema=d.rows.schema)
        text = format_frame(habit, d.feed, typed)
        for k, e in enumerate(d.extras):
            for col, fn in e.text.items():
                value = fn(text[col][k])
                text = text.with_columns(
                    pl.when(pl.int_range(pl.len()) == k)
                    .then(pl.lit(value, pl.String))
                    .otherwise(pl.col(col))
                    .alias(col)
                )
            extra_keys.append(min(e.after, base.height) + 0.5 + k * 1e-6)
        parts.append(text)
    allkeys = np.concatenate([keys, np.array(extra_keys)])
    order = np.argsort(allkeys, kind="stable")
    rows = pl.concat(parts).select(pl.all().gather(order))
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    reasons: list[tuple[int, str]] = []
    for o in d.overrides:
        reasons += [(int(position[o.index]) + 1, str(r)) for r in o.reasons]
    for k, e in enumerate(d.extras):
        reasons += [(int(position[base.height + k]) + 1, str(r)) for r in e.reasons]
    reasons.sort()
    return rows.select(column_order(d.district, d.feed)), reasons


def to_bytes(d: Delivery, rows: pl.DataFrame, rng: np.random.Generator) -> bytes:
    habit = d.habit
    if d.oddity == "empty":
        return b""
    if d.oddity == "garbage":
        return defects.garbage_bytes(rng)
    names = header(habit, d.feed, rows.columns)
    if habit.format == "csv":
        text = rows.rename(dict(zip(rows.columns, names, strict=True))).write_csv(
            line_terminator=habit.line_terminator
        )
        if d.truncate_last:
            text = _truncate_last_line(text, habit.line_terminator)
        if d.oddity == "mojibake":
            return text.encode("utf-8").decode("latin-1").encode("utf-8")
        if d.oddity == "gb18030":
            return text.encode("gb18030")
        return text.encode(habit.encoding)
    if habit.format == "jsonl":
        return _jsonl(d, rows)
    return _xlsx(d, rows, names)


def _truncate_last_line(text: str, nl: str) -> str:
    """Cut the last record inside its fourth field, as a transfer that stopped short."""
    body = text[: -len(nl)] if text.endswith(nl) else text
    start = body.rfind(nl) + len(nl)
    last = body[start:]
    cut = [i for i, ch in enumerate(last) if ch == ","][2] + 3
    return body[:start] + last[:cut]


def _jsonl(d: Delivery, rows: pl.DataFrame) -> bytes:
    f = DISTRICT_FEEDS[d.feed]
    casts = []
    for name in rows.columns:
        t = f.column(name).type
        if t == T.INT:
            casts.append(pl.col(name).cast(pl.Int64, strict=False))
        elif t == T.DEC:
            casts.append(pl.col(name).cast(pl.Float64, strict=False))
        elif t == T.BOOL:
            casts.append(pl.col(name).replace_strict({"true": True, "false": False}, default=None))
        else:
            casts.append(pl.col(name))
    typed = rows.select(casts)
    lines = typed.write_ndjson().splitlines()
    if d.broken_json_last:
        lines[-1] = lines[-1][: len(lines[-1]) // 2]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _xlsx(d: Delivery, rows: pl.DataFrame, names: list[str]) -> bytes:
    f = DISTRICT_FEEDS[d.feed]
    kinds = []
    for name in rows.columns:
        t = f.column(name).type
        if t == T.DATE and name not in XLSX_TEXT_DATES:
            kinds.append("date")
        elif t in (T.INT, T.DEC):
            kinds.append("num")
        else:
            kinds.append("str")
    sheet = xlsx.sheet_xml(rows, names, kinds, d.habit.date_fmt)
    return xlsx.workbook(sheet, XLSX_CREATED, f"district {d.district}")


def epoch(local: dt.datetime) -> float:
    return local.replace(tzinfo=SHANGHAI).timestamp()


def write(path: str, data: bytes, delivered_at: dt.datetime) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
    t = epoch(delivered_at)
    os.utime(path, (t, t))
