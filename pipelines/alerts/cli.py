"""``skillwatch alerts list|ack|resolve|dismiss``: read and act on alerts from the Delta
tables (register + actions), never from the DuckDB file (no lock, always current).

Wire into pipelines/cli.py as a sub-command that passes the remaining arguments:
``from pipelines.alerts.cli import main_alerts``; ``return main_alerts(rest)``.
"""

from __future__ import annotations

import argparse
import sys

import polars as pl

from pipelines.alerts import store

LIST_COLUMNS = [
    "alert_id", "rule_code", "level", "scope", "district_code", "institution_id", "class_id",
    "period", "period_start", "status", "first_seen_at", "evidence",
]  # fmt: skip


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
    ls.add_argument("--limit", type=int, default=50)
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


def list_alerts(settings, status=None, rule=None, scope=None, period=None, district=None):
    frame = store.alerts_with_status(settings)
    for col, value in (("status", status), ("rule_code", rule), ("scope", scope),
                       ("period", period), ("district_code", district)):  # fmt: skip
        if value:
            frame = frame.filter(pl.col(col) == value)
    order = pl.col("level").replace_strict({"red": 0, "orange": 1, "yellow": 2}, default=3)
    return frame.sort(order, pl.col("period_start"), "rule_code", descending=[False, True, False])


def main_alerts(argv: list[str] | None = None) -> int:
    from pipelines.settings import get_settings

    args = _parser().parse_args(argv)
    settings = get_settings(args.warehouse)
    if args.command == "list":
        frame = list_alerts(settings, args.status, args.rule, args.scope, args.period,
                            args.district)  # fmt: skip
        with pl.Config(tbl_rows=args.limit, fmt_str_lengths=80, tbl_width_chars=200):
            print(frame.select([c for c in LIST_COLUMNS if c in frame.columns]).head(args.limit))
        print(f"{frame.height} alerts")
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
