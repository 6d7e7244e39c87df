"""Run one compiled dbt model on hand-built rows: an in-memory DuckDB named like dbt's build
database (``dbt.<schema>.<table>``), with every upstream table the model reads created
empty from a column map, so a test adds only the rows its case needs."""

from __future__ import annotations

import duckdb
import polars as pl


class Mart:
    def __init__(self, tables: dict[str, dict[str, str]], schemas: tuple[str, ...]) -> None:
        self.tables = tables
        self.con = duckdb.connect()
        self.con.execute("attach ':memory:' as dbt")
        self.con.execute("use dbt")
        for schema in schemas:
            self.con.execute(f"create schema if not exists dbt.{schema}")
        for name, cols in tables.items():
            body = ", ".join(f'"{c}" {t}' for c, t in cols.items())
            self.con.execute(f"create table dbt.{name} ({body})")

    def add(self, table: str, rows: list[dict]) -> None:
        cols = self.tables[table]
        for row in rows:
            unknown = set(row) - set(cols)
            assert not unknown, f"{table}: unknown columns {unknown}"
            names = ", ".join(f'"{c}"' for c in row)
            marks = ", ".join("?" for _ in row)
            self.con.execute(
                f"insert into dbt.{table} ({names}) values ({marks})", list(row.values())
            )

    def run(self, sql: str) -> pl.DataFrame:
        return self.con.sql(sql).pl()

    def close(self) -> None:
        self.con.close()
