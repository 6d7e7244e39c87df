"""``skillwatch sql``: read-only SQL on the published auditor file.

The console runs on the serving layer's sandbox (pipelines/serving): the file is attached
read-only, external access and the configuration are locked before the first statement,
and only one read statement at a time is run (SELECT, DESCRIBE, SHOW, SUMMARIZE, EXPLAIN of
a SELECT). ATTACH, DETACH, USE, SET, PRAGMA, COPY, EXPORT, INSTALL/LOAD, CALL, CREATE and
every write are refused with a reason before DuckDB sees them. A statement runs at most
--timeout seconds within --memory-limit. Values are printed as plain text, never as markup.
Read-only also means the file is never locked against the publisher, which replaces it by
rename.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.text import Text

from pipelines.lib import table_output
from pipelines.serving import (
    QueryRefused,
    QueryTimeout,
    Scope,
    check_scoped_sql,
    execute_read,
    open_sandbox,
    scoped_connection,
)
from pipelines.serving.sandbox import DEFAULT_MEMORY_LIMIT, DEFAULT_TIMEOUT_S

# Kept for the callers that opened the file through the console's module: the same sandbox.
open_readonly = open_sandbox
AUDITOR = Scope("auditor")
# what a refused, interrupted or failed statement prints, and the console's exit code
QUERY_ERRORS = (QueryRefused, QueryTimeout, duckdb.Error)


def _error_line(exc: BaseException) -> Text:
    # the message quotes the user's SQL: plain text, so '[/x]' cannot break the console
    kind = "refused" if isinstance(exc, QueryRefused) else type(exc).__name__
    line = Text(f"{kind}: ", style="red")
    line.append(str(exc))
    return line


def render(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    console: Console,
    max_rows: int | None,
    fmt: str = "table",
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> None:
    check_scoped_sql(con, AUDITOR, sql)
    cursor = execute_read(con, sql, timeout_s=timeout_s)
    if cursor.description is None:
        console.print("ok")
        return
    # the writing (table on a terminal, complete TSV/CSV/JSON rows otherwise) is shared
    written, more = table_output.write_cursor(cursor, fmt, console, max_rows=max_rows)
    if fmt == "table":
        console.print(f"{written} rows" + (" (more not shown: --max-rows)" if more else ""))
    elif more:
        print(f"skillwatch sql: stopped at --max-rows {max_rows}", file=sys.stderr)


def repl(con, console: Console, max_rows, fmt="table", timeout_s=DEFAULT_TIMEOUT_S) -> int:
    with contextlib.suppress(ImportError):
        import readline  # noqa: F401  (line editing and history for input())
    console.print("SkillWatch SQL (read-only). End statements with ';'. \\q to quit.")
    buffer: list[str] = []
    while True:
        try:
            line = input("sql> " if not buffer else "...> ")
        except (EOFError, KeyboardInterrupt):
            console.print()
            return 0
        if not buffer and line.strip() in ("\\q", "quit", "exit", ".quit"):
            return 0
        buffer.append(line)
        statement = "\n".join(buffer).strip()
        if not statement.endswith(";"):
            continue
        buffer.clear()
        try:
            render(con, statement, console, max_rows, fmt, timeout_s)
        except QUERY_ERRORS as exc:
            console.print(_error_line(exc))


def main_sql(argv: list[str] | None = None) -> int:
    from pipelines.settings import get_settings

    # help for a terminal: the docstring without its RST literal quotes
    parser = argparse.ArgumentParser(prog="skillwatch sql", description=__doc__.replace("``", ""))
    parser.add_argument("-c", "--command", help="run one SQL statement and exit")
    parser.add_argument("--db", help="the DuckDB file (default: the published one)")
    parser.add_argument(
        "--max-rows", type=int, help="rows shown at most (default: 200 in a table, all piped)"
    )
    parser.add_argument(
        "--format",
        choices=table_output.FORMATS,
        help="table on a terminal, tsv when piped (default); csv, json",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT_S,
        help=f"seconds a statement may run (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument(
        "--memory-limit",
        default=DEFAULT_MEMORY_LIMIT,
        help=f"memory a statement may use, e.g. 500MB (default {DEFAULT_MEMORY_LIMIT})",
    )
    args = parser.parse_args(argv)
    fmt = table_output.resolve_format(args.format)
    max_rows = args.max_rows if args.max_rows is not None else (200 if fmt == "table" else None)
    # messages go to stderr when the rows are data for another program
    console = Console() if fmt == "table" else Console(stderr=True)
    path = Path(args.db) if args.db else get_settings().duckdb_path
    with contextlib.ExitStack() as stack:
        try:
            con = stack.enter_context(
                scoped_connection(path, AUDITOR, memory_limit=args.memory_limit)
            )
        except (FileNotFoundError, duckdb.Error) as exc:
            line = Text(f"cannot open {path}: ", style="red")
            line.append(str(exc))
            console.print(line)
            return 2
        if args.command is None:
            return repl(con, console, max_rows, fmt, args.timeout)
        try:
            render(con, args.command, console, max_rows, fmt, args.timeout)
        except QUERY_ERRORS as exc:
            console.print(_error_line(exc))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main_sql())
