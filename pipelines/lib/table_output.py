"""Rows on a terminal or in a file: one writer for every CLI command that prints a result.

A person at a terminal gets a table as wide as the terminal, long lists summarised; a pipe
or a file gets complete rows in a machine format (TSV by default, CSV or JSON on request),
never cut to 80 columns and never wrapped. Values are always plain text: a value such as
``[red]x[/]`` or ``[bold]`` is printed as written, never read as rich markup.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import json
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Any

from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "tsv", "csv", "json")
# a table cell shows at most this many list items and characters; machine formats show all
LIST_ITEMS_SHOWN = 3
CELL_CHARS = 120
NULL = "NULL"


def resolve_format(requested: str | None, stream: IO[str] | None = None) -> str:
    """The format asked for, or: a table on a terminal, TSV when piped or redirected."""
    if requested:
        if requested not in FORMATS:
            raise ValueError(f"unknown format {requested!r}: one of {', '.join(FORMATS)}")
        return requested
    stream = stream or sys.stdout
    isatty = getattr(stream, "isatty", None)
    return "table" if isatty and isatty() else "tsv"


def _plain(value: Any) -> Any:
    """A value JSON can carry, with its structure (lists, dicts) kept."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal):
        # DuckDB sums and averages are DECIMAL: numbers in JSON, not quoted strings
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):  # numpy arrays and scalars
        return _plain(value.tolist())
    return str(value)


def machine_text(value: Any) -> str:
    """One value as complete text for TSV/CSV: lists and structs as JSON, NULL as empty."""
    if value is None:
        return ""
    plain = _plain(value)
    if isinstance(plain, list | dict):
        return json.dumps(plain, ensure_ascii=False)
    if isinstance(plain, bool):
        return "true" if plain else "false"
    return str(plain)


def _tsv_escape(text: str) -> str:
    # the escapes PostgreSQL's COPY text format uses: one row stays one line
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def cell_text(value: Any) -> str:
    """One value for a person: long lists as their first items and a count, long text cut."""
    if value is None:
        return NULL
    plain = _plain(value)
    if isinstance(plain, list):
        shown = [machine_text(v) for v in plain[:LIST_ITEMS_SHOWN]]
        more = len(plain) - len(shown)
        text = "[" + ", ".join(shown) + (f", … +{more} more" if more > 0 else "") + "]"
    elif isinstance(plain, dict):
        text = json.dumps(plain, ensure_ascii=False)
    else:
        text = machine_text(plain)
    return text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"


def write_rows(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    fmt: str,
    console: Console | None = None,
    out: IO[str] | None = None,
    title: str | None = None,
) -> int:
    """Write rows in a format; returns how many were written. ``out`` (default stdout) takes
    the machine formats, ``console`` the table."""
    out = out or sys.stdout
    count = 0
    if fmt == "table":
        table = Table(title=Text(title) if title else None, show_lines=False)
        for column in columns:
            table.add_column(Text(str(column)), overflow="fold")
        for row in rows:
            table.add_row(*[Text(cell_text(v)) for v in row])
            count += 1
        console = console or Console()
        # a table sent somewhere that is not a terminal (asked for with --format table) is
        # not folded to 80 columns: as wide as its content, up to a generous limit
        if console.is_terminal:
            console.print(table, crop=False)
        else:
            wide = Console(file=console.file, width=max(console.width, 240), color_system=None)
            wide.print(table, crop=False)
        return count
    if fmt == "tsv":
        out.write("\t".join(_tsv_escape(str(c)) for c in columns) + "\n")
        for row in rows:
            out.write("\t".join(_tsv_escape(machine_text(v)) for v in row) + "\n")
            count += 1
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([machine_text(v) for v in row])
            count += 1
    elif fmt == "json":
        # one JSON array of objects, written row by row (a large result is not held twice)
        out.write("[")
        for row in rows:
            record = {str(c): _plain(v) for c, v in zip(columns, row, strict=True)}
            out.write(("," if count else "") + "\n" + json.dumps(record, ensure_ascii=False))
            count += 1
        out.write("\n]\n" if count else "]\n")
    else:
        raise ValueError(f"unknown format {fmt!r}: one of {', '.join(FORMATS)}")
    out.flush()
    return count


def write_frame(frame, fmt: str, console: Console | None = None, out=None, title=None) -> int:
    """A polars (or pandas) frame through :func:`write_rows`."""
    if hasattr(frame, "iter_rows"):  # polars
        return write_rows(frame.columns, frame.iter_rows(), fmt, console, out, title)
    columns = [str(c) for c in frame.columns]
    return write_rows(columns, frame.itertuples(index=False), fmt, console, out, title)


def write_cursor(cursor, fmt: str, console=None, out=None, max_rows: int | None = None) -> tuple:
    """A DB-API cursor (DuckDB) through :func:`write_rows`, fetched in chunks; returns
    (rows written, whether rows were left unshown by ``max_rows``)."""
    columns = [d[0] for d in cursor.description]
    state = {"more": False}

    def chunks():
        sent = 0
        while True:
            batch = cursor.fetchmany(1000)
            if not batch:
                return
            for row in batch:
                if max_rows is not None and sent >= max_rows:
                    state["more"] = True
                    return
                sent += 1
                yield row

    written = write_rows(columns, chunks(), fmt, console, out)
    return written, state["more"]
