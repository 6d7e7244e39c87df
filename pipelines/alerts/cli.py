"""skillwatch alerts list|ack|resolve|dismiss: list the published alerts, act on them.

Which alerts: the published ``alerts`` table, read through the scoped read layer, so the
list holds every rule family (the district rules, the e-learning rules E01-E03, ...) and
counts what the auditors' file counts.

Which status: the one the file was published with, unless the latest action in the Delta
actions table (the source of truth for status) is an analyst's: then that status, because an
action recorded since the last build is not yet in the file. System actions (a cause gone or
back) take effect at the next build, exactly as the alerts model applies them.
"""

from __future__ import annotations

import argparse
import sys

import polars as pl
from rich.console import Console

from pipelines.alerts import store
from pipelines.lib import table_output

LIST_COLUMNS = [
    "alert_id", "rule_code", "level", "scope", "district_code", "institution_id", "class_id",
    "period", "period_start", "status", "first_seen_at", "evidence",
]  # fmt: skip
# on a terminal: what a person scans first; the rest stays in --format tsv|csv|json
TABLE_COLUMNS = [
    "alert_id", "rule_code", "level", "status", "period", "period_start", "district_code",
    "institution_id", "class_id", "evidence",
]  # fmt: skip
LEVEL_ORDER = {"red": 0, "orange": 1, "yellow": 2}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="skillwatch alerts", description="预警 early warnings")
    p.add_argument("--warehouse", help="warehouse folder (default: SKILLWATCH_WAREHOUSE)")
    sub = p.add_subparsers(dest="command", required=True)
    ls = sub.add_parser("list", help="list alerts with their current status")
    ls.add_argument("--status", choices=store.STATUSES)
    ls.add_argument("--rule", help="rule code, e.g. W03")
    ls.add_argument("--scope", choices=["class", "institution", "district", "city"])
    ls.add_argument("--period", choices=["day", "week", "month"])
    ls.add_argument("--district")
    ls.add_argument(
        "--limit", type=int, help="at most this many (default: 50 in a table, all piped)"
    )
    ls.add_argument(
        "--format", choices=table_output.FORMATS, help="table on a terminal, tsv when piped"
    )
    for name, help_ in (
        ("ack", "acknowledge an alert (new -> acknowledged)"),
        ("resolve", "resolve an alert"),
        ("dismiss", "dismiss an alert (false alarm)"),
    ):
        a = sub.add_parser(name, help=help_)
        a.add_argument("alert_id")
        a.add_argument("--by", required=True, help="who acts (name or staff id)")
        a.add_argument("--note", default="", help="why")
    return p


def published_alerts(settings) -> pl.DataFrame:
    """The alerts table of the auditors' file, city scope, through the read layer."""
    from pipelines.serving.scope import Scope, read_table

    return read_table(settings.duckdb_path, Scope.city("skillwatch alerts"), "alerts")


def with_current_status(published: pl.DataFrame, actions: pl.DataFrame) -> pl.DataFrame:
    """The published status, overridden where an analyst acted last (module docstring)."""
    latest = store.latest_actions(actions).filter(pl.col("source") == "analyst")
    latest = latest.select("alert_id", pl.col("status").alias("analyst_status"))
    return (
        published.join(latest, on="alert_id", how="left")
        .with_columns(pl.coalesce("analyst_status", "status").alias("status"))
        .drop("analyst_status")
    )


def filter_alerts(
    frame: pl.DataFrame, status=None, rule=None, scope=None, period=None, district=None
) -> pl.DataFrame:
    for col, value in (("status", status), ("rule_code", rule), ("scope", scope),
                       ("period", period), ("district_code", district)):  # fmt: skip
        if value:
            frame = frame.filter(pl.col(col) == value)
    order = pl.col("level").replace_strict(LEVEL_ORDER, default=3, return_dtype=pl.Int8)
    return frame.sort(
        order,
        pl.col("period_start"),
        "rule_code",
        "alert_id",
        descending=[False, True, False, False],
    )


def list_alerts(settings, status=None, rule=None, scope=None, period=None, district=None):
    frame = with_current_status(published_alerts(settings), store.read_actions(settings))
    return filter_alerts(frame, status, rule, scope, period, district)


def counts_line(frame: pl.DataFrame) -> str:
    """'494 alerts: red 12, orange 80, yellow 402; rules A01 3, ...' for the table's foot."""
    levels = (
        frame.group_by("level")
        .len()
        .sort(pl.col("level").replace_strict(LEVEL_ORDER, default=3, return_dtype=pl.Int8))
    )
    by_level = ", ".join(f"{lv} {n}" for lv, n in levels.iter_rows())
    return f"{frame.height} alerts" + (f": {by_level}" if by_level else "")


def main_alerts(argv: list[str] | None = None) -> int:
    from pipelines.settings import get_settings

    args = _parser().parse_args(argv)
    settings = get_settings(args.warehouse)
    if args.command == "list":
        fmt = table_output.resolve_format(args.format)
        console = Console() if fmt == "table" else Console(stderr=True)
        try:
            frame = list_alerts(settings, args.status, args.rule, args.scope, args.period,
                                args.district)  # fmt: skip
        except FileNotFoundError as exc:
            console.print(f"cannot read the alerts: {exc}", markup=False)
            return 2
        limit = args.limit if args.limit is not None else (50 if fmt == "table" else None)
        columns = TABLE_COLUMNS if fmt == "table" else LIST_COLUMNS
        shown = frame.select([c for c in columns if c in frame.columns])
        shown = shown.head(limit) if limit is not None else shown
        table_output.write_frame(shown, fmt, console)
        more = f" ({shown.height} shown: --limit)" if shown.height < frame.height else ""
        if fmt == "table":
            console.print(counts_line(frame) + more, markup=False, highlight=False)
        return 0
    act = {"ack": store.acknowledge, "resolve": store.resolve, "dismiss": store.dismiss}
    try:
        row = act[args.command](settings, args.alert_id, args.by, args.note)
    except store.TransitionError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(
        f"{row['alert_id']}: {row['status']} by {row['actor']} at {row['acted_at']:%Y-%m-%d %H:%M}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main_alerts())
