"""A landing without the new feeds runs as before: the lake plugin gives each of them an
empty table of its real bronze columns (IP and free text already protected), so every
staging model, mart and rule builds and simply has no rows (mart_status: no_data)."""

from __future__ import annotations

import duckdb

from pipelines.contract import ALL_FEEDS
from pipelines.district_feeds.ingest import bronze_columns
from pipelines.warehouse.dbt_delta import register_lake


def test_undelivered_feeds_are_empty_typed_tables_in_the_lake(tmp_path):
    con = duckdb.connect()
    names = register_lake(con, tmp_path / "lake")
    for feed in ("online_learning", "work_orders", "tickets"):
        assert feed in names
        columns = dict(
            con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_schema = 'lake' and table_name = ?",
                [feed],
            ).fetchall()
        )
        assert list(columns) == list(bronze_columns(ALL_FEEDS[feed]))
        assert con.execute(f"select count(*) from lake.{feed}").fetchone() == (0,)
    online = dict(
        con.execute(
            "select column_name, data_type from information_schema.columns "
            "where table_schema = 'lake' and table_name = 'online_learning'"
        ).fetchall()
    )
    assert online["started_at"] == "TIMESTAMP" and online["module_minutes"] == "BIGINT"
    assert {"ip_pseudo", "ip_masked", "ip_enc"} <= set(online) and "ip" not in online
    tickets = con.execute(
        "select column_name from information_schema.columns "
        "where table_schema = 'lake' and table_name = 'tickets'"
    ).fetchall()
    assert ("summary_masked",) in tickets and ("summary",) not in tickets
    assert ("summary_pseudo",) not in tickets  # nobody joins on a sentence
