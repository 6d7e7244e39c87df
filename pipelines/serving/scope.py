"""Who may see which rows: the role scope every consumer query passes through.

A city or auditor user reads the published tables as they are. A district user gets a
connection on which every published table with a ``district_code`` column is replaced by a
view filtered to their district, tables without one are invisible (except the reference
tables below, which hold no district's data), and a query that names the published catalog,
another schema or a table function is refused, so the filter cannot be forgotten or
side-stepped by the caller.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from pipelines.serving.sandbox import (
    ALIAS,
    DEFAULT_MEMORY_LIMIT,
    DEFAULT_TIMEOUT_S,
    EXPLAIN_PREFIX,
    QueryRefused,
    check_read_only,
    open_sandbox,
    run_select,
)

ROLES = ("city", "district", "auditor")

# Published tables with no district's rows in them, readable by every role.
REFERENCE_TABLES = frozenset(
    {
        "mart_status", "dim_occupation", "publication", "alert_rules",
        # public courses are open to anyone (the player needs no login); no district in them
        "stats_public_courses_by_course", "stats_public_courses_by_slice",
        # the courseware library is the city's (continuing education), one for every district
        "mart_courseware_catalogue", "mart_courseware_findings", "mart_courseware_duplicates",
        "mart_courseware_course_links",
    }
)  # fmt: skip
# Table functions harmless on any scope (they read no table).
SAFE_TABLE_FUNCTIONS = frozenset({"range", "generate_series", "unnest"})


@dataclass(frozen=True)
class Scope:
    role: str
    district_code: str | None = None
    user: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"unknown role {self.role!r}; one of {', '.join(ROLES)}")
        if self.role == "district" and not self.district_code:
            raise ValueError("a district scope needs its district_code")

    @classmethod
    def city(cls, user: str = "") -> Scope:
        return cls("city", None, user)

    @property
    def is_district(self) -> bool:
        return self.role == "district"


def _published_tables(con: duckdb.DuckDBPyConnection) -> dict[str, set[str]]:
    rows = con.execute(
        "select table_name, column_name from duckdb_columns() "
        "where database_name = ? and schema_name = 'main'",
        [ALIAS],
    ).fetchall()
    tables: dict[str, set[str]] = {}
    for table, column in rows:
        tables.setdefault(table, set()).add(column)
    return tables


def _district_views(district_code: str):
    def prepare(con: duckdb.DuckDBPyConnection) -> None:
        code = district_code.replace("'", "''")
        for table, columns in sorted(_published_tables(con).items()):
            source = f'{ALIAS}.main."{table}"'
            if "district_code" in columns:
                body = f"select * from {source} where district_code = '{code}'"
            elif table in REFERENCE_TABLES:
                body = f"select * from {source}"
            else:
                continue
            con.execute(f'create view memory.main."{table}" as {body}')
        con.execute("use memory")

    return prepare


def _walk(node) -> Iterator[dict]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def check_district_sql(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refuse what could reach past the district's views: other catalogs and schemas,
    table functions (``query_table('published.main.alerts')``), unparseable input."""
    for statement in check_read_only(con, sql):
        # EXPLAIN does not serialise: its query (already checked to be one SELECT) does.
        # DESCRIBE, SHOW and SUMMARIZE serialise as a SHOW_REF around their query, so a
        # ``summarize published.main.alerts`` meets the same catalog check as a SELECT.
        statement = EXPLAIN_PREFIX.sub("", statement, count=1)
        ast = json.loads(con.execute("select json_serialize_sql(?)", [statement]).fetchone()[0])
        if ast.get("error"):
            reason = ast.get("error_message")
            raise QueryRefused(f"statement not allowed for a district user: {reason}")
        for node in _walk(ast):
            kind = node.get("type")
            if kind == "BASE_TABLE":
                if node.get("catalog_name") not in ("", "memory") or node.get(
                    "schema_name"
                ) not in ("", "main"):
                    raise QueryRefused("a district user reads only its own district's tables")
            elif kind == "SHOW_REF" and node.get("table_name", "").startswith("__"):
                # SHOW ALL TABLES lists every attached catalog, the published file's too
                raise QueryRefused("a district user lists only its own district's tables")
            elif kind == "TABLE_FUNCTION":
                function = (node.get("function") or {}).get("function_name", "")
                if function.lower() not in SAFE_TABLE_FUNCTIONS:
                    raise QueryRefused(f"table function {function}() is not allowed here")


@contextlib.contextmanager
def scoped_connection(
    path: str | Path, scope: Scope, **sandbox_options
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short-lived sandboxed connection in the scope's view of the published file
    (``sandbox_options``: :func:`open_sandbox`'s ``memory_limit`` and ``threads``)."""
    prepare = _district_views(scope.district_code) if scope.is_district else None
    con = open_sandbox(path, before_lock=prepare, **sandbox_options)
    try:
        yield con
    finally:
        con.close()


def scoped_query(
    path: str | Path,
    scope: Scope,
    sql: str,
    params: list | dict | None = None,
    *,
    timeout_s: float = DEFAULT_TIMEOUT_S,
    max_rows: int | None = None,
    memory_limit: str = DEFAULT_MEMORY_LIMIT,
) -> pl.DataFrame:
    """One read query in the scope (district users' SQL is checked against the views)."""
    with scoped_connection(path, scope, memory_limit=memory_limit) as con:
        check_scoped_sql(con, scope, sql)
        return run_select(con, sql, params, timeout_s=timeout_s, max_rows=max_rows)


def read_table(
    path: str | Path,
    scope: Scope,
    table: str,
    *,
    columns: list[str] | None = None,
    where: dict[str, object] | None = None,
    order_by: str | None = None,
    limit: int | None = None,
) -> pl.DataFrame:
    """A published table (its scoped view) with equality filters, no SQL in the caller."""
    if not table.replace("_", "").isalnum():
        raise QueryRefused(f"not a table name: {table!r}")
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    sql = f'select {cols} from "{table}"'
    params: list = []
    if where:
        clauses = []
        for column, value in where.items():
            if isinstance(value, (list, tuple, set)):
                clauses.append(f'"{column}" in (select unnest(?))')
                params.append(list(value))
            else:
                clauses.append(f'"{column}" = ?')
                params.append(value)
        sql += " where " + " and ".join(clauses)
    if order_by:
        # "col", "col desc", "a, b desc": identifiers only, never free SQL
        terms = [t.split() for t in order_by.split(",")]
        if not all(
            1 <= len(t) <= 2
            and t[0].replace("_", "").isalnum()
            and (len(t) == 1 or t[1].lower() in ("asc", "desc"))
            for t in terms
        ):
            raise QueryRefused(f"not an ordering: {order_by!r}")
        sql += " order by " + ", ".join(f'"{t[0]}" {" ".join(t[1:])}' for t in terms)
    if limit is not None:
        sql += f" limit {int(limit)}"
    return scoped_query(path, scope, sql, params or None)


def check_scoped_sql(con: duckdb.DuckDBPyConnection, scope: Scope, sql: str) -> None:
    """What every caller running free SQL in a scope checks first: one read statement,
    and for a district user nothing past its views."""
    statements = check_read_only(con, sql)
    if len(statements) != 1:
        raise QueryRefused("one statement at a time")
    if scope.is_district:
        check_district_sql(con, sql)
