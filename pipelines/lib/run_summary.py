"""The closing summary of ``skillwatch demo``: what was built and where, the top findings,
and the commands to go on with."""

from __future__ import annotations

import polars as pl
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from pipelines.settings import Settings

LEVEL_ORDER = {"red": 0, "orange": 1, "yellow": 2}


def alerts_by_level(settings: Settings) -> pl.DataFrame:
    """level, rule families and count of the published alerts (empty before a publication)."""
    from pipelines.serving.scope import Scope, scoped_query

    if not settings.duckdb_path.exists():
        return pl.DataFrame(schema={"level": pl.String, "rules": pl.String, "alerts": pl.Int64})
    frame = scoped_query(
        settings.duckdb_path,
        Scope.city("skillwatch demo"),
        "select level, string_agg(distinct rule_code, ' ' order by rule_code) as rules, "
        "count(*) as alerts from alerts group by level",
    )
    order = pl.col("level").replace_strict(LEVEL_ORDER, default=9, return_dtype=pl.Int8)
    return frame.sort(order)


def quarantine_by_reason(quarantine: pl.DataFrame) -> pl.DataFrame:
    """Rows still in quarantine per reason code (a row with two reasons counts under both)."""
    if quarantine.is_empty():
        return pl.DataFrame(schema={"reason_code": pl.String, "rows": pl.UInt32})
    held = quarantine.filter(pl.col("status").fill_null("quarantined") == "quarantined")
    return (
        # an entry is CODE or CODE:column: a row counts once per code
        held.select(
            pl.col("reason_codes")
            .list.eval(pl.element().str.split(":").list.first())
            .list.unique()
            .alias("reason_code")
        )
        .explode("reason_code")
        .drop_nulls()
        .group_by("reason_code")
        .agg(pl.len().alias("rows"))
        .sort("rows", "reason_code", descending=[True, False])
    )


def built_paths(settings: Settings) -> list[tuple[str, str]]:
    docs = settings.docs
    return [
        ("Delta lake (bronze, silver, quarantine, registers)", str(settings.lake)),
        ("auditors' DuckDB file", str(settings.duckdb_path)),
        ("interface standard", str(docs / "interface-standard.zh.html")),
        ("dbt docs (opens offline)", str(settings.dbt_docs / "static_index.html")),
        ("Great Expectations Data Docs", str(settings.gx_docs / "index.html")),
        ("district e-mails (outbox when no SMTP server)", str(settings.warehouse / "outbox")),
        ("Dagster instance (run history)", str(settings.dagster_home)),
    ]


def print_closing_summary(settings: Settings, console: Console, dagster_command: str) -> None:
    from pipelines.lib import delta_io

    console.print("\n[bold]Built[/]")
    for what, where in built_paths(settings):
        console.print(f"  {escape(what)}: {escape(where)}", highlight=False)

    levels = alerts_by_level(settings)
    if levels.height:
        table = Table(title="预警 alerts by level", title_justify="left")
        for col in ("level", "alerts", "rule families"):
            table.add_column(col, justify="right" if col == "alerts" else "left")
        for level, rules, count in levels.iter_rows():
            table.add_row(escape(str(level)), str(count), escape(rules or ""))
        console.print(table)
    quarantined = quarantine_by_reason(delta_io.read(settings.quarantine))
    if quarantined.height:
        from pipelines.contract.reasons import REASON_ZH

        table = Table(title="Quarantined rows by reason", title_justify="left")
        for col in ("reason", "rows", "what"):
            table.add_column(col, justify="right" if col == "rows" else "left")
        for code, rows in quarantined.head(12).iter_rows():
            table.add_row(escape(str(code)), str(rows), escape(REASON_ZH.get(code, "")))
        console.print(table)
        if quarantined.height > 12:
            console.print(f"  … {quarantined.height - 12} more reasons: skillwatch sql")

    console.print("\n[bold]Next[/]")
    for command, why in (
        (
            ".venv/bin/skillwatch app",
            "the analysts' app (总览, 预警, 统计, 视频, 数据质量, 抽查, …)",
        ),
        (dagster_command, "Dagster with this run's history, then http://127.0.0.1:3000"),
        (".venv/bin/skillwatch alerts list", "the alerts, every rule family"),
        (".venv/bin/skillwatch sql", "read-only SQL on the auditors' file"),
        (".venv/bin/skillwatch docs", "where every document is"),
    ):
        # soft_wrap: a command cut at the console's width (80 when piped) cannot be pasted
        console.print(f"  {escape(command)}\n      {escape(why)}", highlight=False, soft_wrap=True)
