"""``skillwatch spotcheck --week 2026-W40 [--out file.xlsx] [--seed N]`` (wired into
pipelines/cli.py as ``main_spotcheck``). Without --seed a week's recorded draw is
re-created; a week never drawn gets a fresh seed from OS entropy, recorded in the lake."""

from __future__ import annotations

import argparse
from pathlib import Path

from pipelines.risk.spotcheck import SpotcheckParams


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="skillwatch spotcheck", description="验证抽查：抽取本周抽查名单"
    )
    p.add_argument("--week", required=True, help="ISO week, e.g. 2026-W40")
    p.add_argument("--out", help="XLSX path (default <warehouse>/reports/spotcheck/)")
    p.add_argument("--seed", type=int, help="re-create a draw from its recorded seed")
    p.add_argument("--warehouse", help="warehouse folder (default SKILLWATCH_WAREHOUSE)")
    d = SpotcheckParams()
    p.add_argument("--classes", type=int, default=d.classes, help="classes to draw city-wide")
    p.add_argument("--random-share", type=float, default=d.random_share)
    p.add_argument("--min-per-district", type=int, default=d.min_per_district)
    p.add_argument("--records-per-class", type=int, default=d.records_per_class)
    return p


def main_spotcheck(argv: list[str] | None = None) -> int:
    from pipelines.risk.run import run_spotcheck
    from pipelines.risk.spotcheck import week_bounds
    from pipelines.settings import get_settings

    args = parser().parse_args(argv)
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
    settings = get_settings(args.warehouse)
    drawn, path = run_spotcheck(
        settings, args.week, params, seed=args.seed, out=Path(args.out) if args.out else None
    )
    print(
        f"{args.week}: {drawn.items.height} classes, {drawn.records.height} records "
        f"from {drawn.candidates} running classes; seed {drawn.seed}; {path}"
    )
    return 0
