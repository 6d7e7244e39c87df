"""A connection to the published file that cannot write, attach, detach or leave its file.

Layers, each of which alone would stop the escape the auditors' console once allowed
(``USE memory; DETACH published; ATTACH '<file>' AS w3; UPDATE w3.main.alerts …``):

1. the file is ATTACHed ``read_only`` into a fresh in-memory instance (a fresh instance per
   call also always sees a file the publisher has just replaced by rename: the Python client
   caches one instance per path, so ``duckdb.connect(path)`` would keep showing the old one);
2. external access, extension loading and the configuration are locked before any user SQL;
   a memory limit and one thread per query bound what a query can take;
3. user SQL is parsed first and only read statements (SELECT, DESCRIBE/SHOW/SUMMARIZE,
   EXPLAIN) are run: ATTACH, DETACH, USE, SET, PRAGMA, COPY, CREATE, UPDATE, CALL … are refused
   with a reason, before DuckDB sees them;
4. a statement time limit interrupts long queries.
"""

from __future__ import annotations

import re
import threading
import warnings
from pathlib import Path

import duckdb
import polars as pl

ALIAS = "published"

# Before the file is attached: no extension is fetched or loaded behind the user's back.
CONNECT_CONFIG = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_community_extensions": False,
    "allow_unsigned_extensions": False,
}
# The statement kinds a reader may run; everything else is refused before execution.
READ_STATEMENTS = {duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN}

DEFAULT_MEMORY_LIMIT = "2GB"
DEFAULT_TIMEOUT_S = 30.0
# DuckDB plans some long statements in quadratic time before any time limit can interrupt
# them (4,000 UNION ALL branches, 76 KB: 4.5 s of planning; 20,000: 4 minutes, measured with
# duckdb 2.0.1); an auditor's query is far below this.
MAX_SQL_CHARS = 20_000
# EXPLAIN ANALYZE runs its statement: what follows EXPLAIN [ANALYZE] must itself be a read
EXPLAIN_PREFIX = re.compile(r"^\s*explain\s+(?:analy[sz]e\s+)?", re.IGNORECASE)


class QueryRefused(ValueError):
    """A statement the read layer does not run (writes, ATTACH, settings, …)."""


class QueryTimeout(TimeoutError):
    """A statement interrupted at the time limit."""


def open_sandbox(
    path: str | Path,
    *,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
    threads: int = 2,
    before_lock=None,
) -> duckdb.DuckDBPyConnection:
    """A locked-down, read-only connection whose default catalog is the published file.

    ``before_lock(con)`` runs after the file is attached and before the settings are frozen
    (the scope layer uses it to put its filtered views in place)."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run the pipeline to publish it")
    con = duckdb.connect(":memory:", config=dict(CONNECT_CONFIG))
    try:
        quoted = str(path).replace("'", "''")
        con.execute(f"attach '{quoted}' as {ALIAS} (read_only)")
        con.execute(f"use {ALIAS}")
        if before_lock is not None:
            before_lock(con)
        con.execute(f"set memory_limit = '{memory_limit}'")
        con.execute(f"set threads = {int(threads)}")
        # an in-memory instance spills to ./.tmp by default: a big sort must fail at the
        # memory limit, not write into the working folder
        con.execute("set temp_directory = ''")
        con.execute("set enable_external_access = false")
        con.execute("set lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def check_read_only(con: duckdb.DuckDBPyConnection, sql: str) -> list[str]:
    """The statements of ``sql`` if every one is a read; else :class:`QueryRefused`."""
    if len(sql) > MAX_SQL_CHARS:
        raise QueryRefused(f"the statement is longer than {MAX_SQL_CHARS:,} characters")
    try:
        statements = con.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryRefused(f"cannot parse the statement: {exc}") from exc
    if not statements:
        raise QueryRefused("no statement given")
    for statement in statements:
        if statement.type not in READ_STATEMENTS:
            kind = statement.type.name
            raise QueryRefused(f"{kind} statements are not allowed: this connection only reads")
        if statement.type == duckdb.StatementType.EXPLAIN:
            inner = EXPLAIN_PREFIX.sub("", statement.query, count=1)
            if inner == statement.query:
                raise QueryRefused("EXPLAIN must be followed directly by the query it explains")
            explained = check_read_only(con, inner)
            if len(explained) != 1 or con.extract_statements(inner)[0].type != (
                duckdb.StatementType.SELECT
            ):
                raise QueryRefused("EXPLAIN is allowed only for a SELECT")
    return [s.query for s in statements]


def execute_with_timeout(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list | dict | None = None,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> duckdb.DuckDBPyConnection:
    """``con.execute`` that is interrupted after ``timeout_s`` seconds."""
    timer = threading.Timer(timeout_s, con.interrupt)
    timer.start()
    try:
        return con.execute(sql, params) if params is not None else con.execute(sql)
    except duckdb.InterruptException as exc:
        raise QueryTimeout(f"the query ran past the {timeout_s:g} s limit") from exc
    finally:
        timer.cancel()


def execute_read(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list | dict | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
) -> duckdb.DuckDBPyConnection:
    """Check that ``sql`` is one read statement and run it under the time limit; the
    cursor holds the whole result (DuckDB materialises it), so fetching needs no limit."""
    statements = check_read_only(con, sql)
    if len(statements) != 1:
        raise QueryRefused("one statement at a time")
    return execute_with_timeout(con, statements[0], params, timeout_s)


def run_select(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: list | dict | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int | None = None,
) -> pl.DataFrame:
    """Run one read statement (checked first) and return its rows as a frame."""
    cursor = execute_read(con, sql, params, timeout_s=timeout_s)
    names = _unique_names([d[0] for d in cursor.description or []])
    if max_rows is None:
        with warnings.catch_warnings():
            # DuckDB 2.0 warns that a cursor's Arrow copies the rows; the cursor is what the
            # time limit can interrupt, and a result here is small enough to copy once
            warnings.simplefilter("ignore", UserWarning)
            table = cursor.to_arrow_table()
        return pl.from_arrow(table.rename_columns(names))
    rows = cursor.fetchmany(max_rows)
    return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)


def _unique_names(names: list[str]) -> list[str]:
    """``select *`` over a join repeats column names; a frame needs them unique
    (``district_code``, ``district_code_2``)."""
    seen: dict[str, int] = {}
    unique = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return unique
