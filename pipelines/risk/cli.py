"""skillwatch spotcheck [--week 2026-W40] [--out file.xlsx] [--seed N] (main_spotcheck in
pipelines/cli.py's DELEGATED). Without --week: the latest week the data covers (the
register's last data day), not the calendar week, which a city's data may not reach yet.
Without --seed a week's recorded draw is re-created; a week never drawn gets a fresh seed
from OS entropy, recorded in the lake."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from pipelines.risk.spotcheck import SpotcheckParams


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="skillwatch spotcheck", description="验证抽查：抽取本周抽查名单"
    )
    p.add_argument("--week", help="ISO week, e.g. 2026-W40 (default: the data's latest week)")
    p.add_argument("--out", help="XLSX path (default <warehouse>/reports/spotcheck/)")
    p.add_argument("--seed", type=int, help="re-create a draw from its recorded seed")
    p.add_argument("--warehouse", help="warehouse folder (default SKILLWATCH_WAREHOUSE)")
    d = SpotcheckParams()
    p.add_argument("--classes", type=int, default=d.classes, help="classes to draw city-wide")
    p.add_argument("--random-share", type=float, default=d.random_share)
    p.add_argument("--min-per-district", type=int, default=d.min_per_district)
    p.add_argument("--records-per-class", type=int, default=d.records_per_class)
    return p


def data_week(settings) -> str | None:
    """The ISO week of the last data day the delivery register records, or None."""
    from pipelines.lib import delta_io
    from pipelines.risk.spotcheck import current_week

    register = delta_io.read(settings.deliveries, columns=["data_day_max"])
    last = None if register.is_empty() else register["data_day_max"].max()
    return current_week(last) if isinstance(last, dt.date) else None


def demo_week(settings, scale: str = "small", start: dt.date | None = None) -> str:
    """The week the demo's spot check draws: the data's latest week, from the register when
    it has data, else from the window the simulator writes for ``scale``."""
    from pipelines.risk.spotcheck import current_week
    from simulator.scales import resolve

    if week := data_week(settings):
        return week
    _, window = resolve(scale, start, None)
    return current_week(window.end)


def main_spotcheck(argv: list[str] | None = None) -> int:
    from pipelines.risk.run import run_spotcheck
    from pipelines.risk.spotcheck import week_bounds
    from pipelines.settings import get_settings

    args = parser().parse_args(argv)
    settings = get_settings(args.warehouse)
    if args.week is None:
        args.week = data_week(settings)
        if args.week is None:
            parser().error("no data registered yet: give --week YYYY-Www")
        print(f"week {args.week}: the latest week of the data (--week to choose another)")
    try:
        week_bounds(args.week)
    except ValueError:
        parser().error(f"--week must look like 2026-W40, got {args.week!r}")
    params = SpotcheckParams(
        classes=args.classes,
        min_per_district=args.min_per_district,
        random_share=args.random_share,
        records_per_class=args.records_per_class,
    )
    drawn, path = run_spotcheck(
        settings, args.week, params, seed=args.seed, out=Path(args.out) if args.out else None
    )
    print(
        f"{args.week}: {drawn.items.height} classes, {drawn.records.height} records "
        f"from {drawn.candidates} running classes; seed {drawn.seed}; {path}"
    )
    return 0
