"""``skillwatch sql``: read-only SQL on the published auditor file.

The connection cannot reach anything but the file itself: no COPY ... TO, no ATTACH, no
read_csv('/etc/passwd'), no INSTALL/LOAD (``enable_external_access=false``), and
``lock_configuration`` stops a session from switching that back on. (Scratch tables in the
session's own in-memory database are allowed; they vanish with the session.) Read-only
also means the file is never locked against the publisher, which replaces it by rename.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

import duckdb
from rich.console import Console

from pipelines.lib import table_output

# Before the file is attached: no extension is fetched or loaded behind the user's back.
CONNECT_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}
# After: no file system, network, ATTACH, COPY, INSTALL/LOAD; then freeze the settings so a
# session cannot SET them back.
LOCK_DOWN = ("set enable_external_access = false", "set lock_configuration = true")
ALIAS = "published"


def open_readonly(path: str | Path) -> duckdb.DuckDBPyConnection:
    """A locked-down, read-only connection to a published DuckDB file.

    An in-memory database that ATTACHes the file, rather than ``duckdb.connect(path)``:
    the Python client caches one database instance per path, so in a long-lived process
    (a dashboard) a second ``connect(path)`` while an older connection is open returns the
    *old* instance and never sees a republished file (measured with duckdb 2.0.1). A fresh
    in-memory instance per call always reads the file now at ``path``.
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the pipeline to publish it")
    con = duckdb.connect(":memory:", config=dict(CONNECT_CONFIG))
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"attach '{quoted}' as {ALIAS} (read_only)")
        con.execute(f"use {ALIAS}")
        for statement in LOCK_DOWN:
            con.execute(statement)
    except BaseException:
        con.close()
        raise
    return con


def render(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    console: Console,
    max_rows: int | None,
    fmt: str = "table",
) -> None:
    cursor = con.execute(sql)
    if cursor.description is None:
        console.print("ok")
        return
    # the writing (table on a terminal, complete TSV/CSV/JSON rows otherwise) is shared
    written, more = table_output.write_cursor(cursor, fmt, console, max_rows=max_rows)
    if fmt == "table":
        console.print(f"{written} rows" + (" (more not shown: --max-rows)" if more else ""))
    elif more:
        print(f"skillwatch sql: stopped at --max-rows {max_rows}", file=sys.stderr)


def repl(con: duckdb.DuckDBPyConnection, console: Console, max_rows, fmt="table") -> int:
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
            render(con, statement, console, max_rows, fmt)
        except duckdb.Error as exc:
            console.print(f"[red]{type(exc).__name__}:[/] {exc}")


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
    args = parser.parse_args(argv)
    fmt = table_output.resolve_format(args.format)
    max_rows = args.max_rows if args.max_rows is not None else (200 if fmt == "table" else None)
    # messages go to stderr when the rows are data for another program
    console = Console() if fmt == "table" else Console(stderr=True)
    path = Path(args.db) if args.db else get_settings().duckdb_path
    try:
        con = open_readonly(path)
    except (FileNotFoundError, duckdb.Error) as exc:
        console.print(f"[red]cannot open {path}:[/] {exc}")
        return 2
    with con:
        if args.command is None:
            return repl(con, console, max_rows, fmt)
        try:
            render(con, args.command, console, max_rows, fmt)
        except duckdb.Error as exc:
            console.print(f"[red]{type(exc).__name__}:[/] {exc}")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main_sql())
