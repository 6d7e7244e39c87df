"""Names and phone numbers planted inside a ticket's summary and a work order's notes, a
technician's name, an ID number and an IP address: none of them in clear in any published
table, nor anywhere in the lake (every Delta table); their masked forms are what is shown."""

from __future__ import annotations

import polars as pl
from ops_deliveries import PLANTED_ID, PLANTED_IP, PLANTED_NAMES, PLANTED_PHONES

from pipelines.lib import delta_io

CLEAR = (*PLANTED_NAMES, *PLANTED_PHONES, PLANTED_ID, PLANTED_IP, "赵强")


def _strings(frame: pl.DataFrame) -> list[str]:
    out: list[str] = []
    for name, dtype in frame.schema.items():
        if dtype == pl.String:
            out += frame[name].drop_nulls().to_list()
        elif dtype == pl.List(pl.String):
            out += [v for vs in frame[name].drop_nulls().to_list() for v in vs if v]
    return out


def test_no_planted_personal_data_anywhere_in_the_lake(ops_built):
    tables = [p.parent for p in ops_built.settings.lake.rglob("_delta_log")]
    assert len(tables) >= 15  # the bronze feeds, register, quarantine, dq_results...
    for table in tables:
        for value in _strings(delta_io.read(table)):
            hits = [c for c in CLEAR if c in value]
            assert not hits, f"{table.name}: {hits} in {value[:80]!r}"


def test_no_planted_personal_data_in_any_published_table(ops_built):
    with ops_built.published() as con:
        columns = con.execute(
            "select schema_name, table_name, column_name from duckdb_columns() "
            "where database_name = current_database() and data_type = 'VARCHAR'"
        ).fetchall()
        assert {"fct_tickets", "fct_work_orders", "fct_online_learning"} <= {c[1] for c in columns}
        for schema, table, column in columns:
            values = con.execute(
                f'select distinct "{column}" from "{schema}"."{table}" where "{column}" is not null'
            ).fetchall()
            for (value,) in values:
                hits = [c for c in CLEAR if c in value]
                assert not hits, f"{table}.{column}: {hits} in {value[:80]!r}"


def test_the_masked_forms_are_what_is_published(ops_built):
    with ops_built.published() as con:
        tickets = con.execute("select ticket_id, summary_masked from fct_tickets").fetchall()
        summaries = dict(tickets)
        notes = dict(con.execute("select order_id, notes_masked from fct_work_orders").fetchall())
        technicians = {
            r[0] for r in con.execute("select technician_masked from fct_work_orders").fetchall()
        }
        ips = {r[0] for r in con.execute("select ip_masked from fct_online_learning").fetchall()}
    assert summaries["TK1"].startswith("学员张*来电（手机138****5678）")
    assert PLANTED_ID[:3] + "*" in summaries["TK1"] and PLANTED_ID[-4:] in summaries["TK1"]
    assert "139****5678" in summaries["TK2"]  # written 139-1234-5678
    assert "陈**" in summaries["TK4"]
    assert summaries["TK5"] == "考勤文件乱码"  # nothing personal: left as written
    assert notes["R-OPEN"] == "联系人王** 139****5678 现场黑屏"
    assert "159****4321" in notes["M-1011"]
    assert technicians == {"赵*"}
    assert "10.20.*.*" in ips
