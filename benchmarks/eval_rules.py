"""Early-warning rules against the simulator's truth, end to end.

Simulates a city (district feeds, e-learning, cameras), runs every asset of the code location
plus the alert assets (pipelines/alerts/assets.py) in process, then scores each rule W01-W17
with simulator/evaluation/rules.py and appends a section to benchmarks/RESULTS_rules.md.

    .venv/bin/python benchmarks/eval_rules.py                 # small city (~3 min)
    .venv/bin/python benchmarks/eval_rules.py --scale city    # a city-year (long)
    # score a run made outside (skillwatch simulate + skillwatch run) without re-running it:
    .venv/bin/python benchmarks/eval_rules.py --landing L --warehouse W --label "city-year"
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import time
from pathlib import Path

from results_file import append_section

HERE = Path(__file__).resolve().parent


def run(scale: str, seed: int, work: Path, fraud_rate: float | None) -> tuple[list, dict]:
    import dagster as dg

    from pipelines.alerts import assets as alert_assets
    from pipelines.definitions import defs
    from pipelines.resources import SkillWatchResource
    from simulator.city import simulate_city

    landing, warehouse = work / f"landing_{scale}", work / f"wh_{scale}"
    shutil.rmtree(warehouse, ignore_errors=True)
    timings = {}
    t = time.perf_counter()
    simulate_city(landing, scale=scale, seed=seed, fraud_rate=fraud_rate)
    timings["simulate_s"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    os.environ.pop("SKILLWATCH_DUCKDB", None)
    result = dg.materialize(
        [*defs.assets, *defs.asset_checks, *alert_assets.ASSETS],
        resources={
            **defs.resources,
            "skillwatch": SkillWatchResource(warehouse=str(warehouse), landing=str(landing)),
        },
        raise_on_error=False,
    )
    timings["pipeline_s"] = round(time.perf_counter() - t, 1)
    timings["success"] = result.success
    return score_existing(landing, warehouse, timings)


def score_existing(landing: Path, warehouse: Path, timings: dict) -> tuple[list, dict]:
    """Scores of a warehouse built by ``skillwatch run`` from a simulated landing."""
    import duckdb

    from pipelines.settings import get_settings
    from pipelines.warehouse.project import build_db_path
    from simulator.evaluation import rules as evaluate
    from simulator.truth import truth_dir

    db = build_db_path(get_settings(warehouse, landing))
    scores = evaluate.evaluate_db(db, truth_dir(landing))
    with duckdb.connect(str(db), read_only=True) as con:
        timings["alerts"] = con.sql("select count(*) from marts.alerts").fetchall()[0][0]
        status = con.sql(
            "select rule_code, status, reason from marts.alert_rule_status where scope = 'city'"
        ).pl()
    timings["rule_status"] = {
        r["rule_code"]: f"{r['status']}" + (f" ({r['reason']})" if r["reason"] else "")
        for r in status.sort("rule_code").iter_rows(named=True)
    }
    return scores, timings


HEADING = (
    "# Early-warning rules vs the simulator's truth\n\n"
    "Written by `benchmarks/eval_rules.py`, one section per run (appended). Precision and "
    "recall per rule at the rule's grain (`simulator/evaluation/rules.py`); target: recall "
    "≥ 0.95 at precision ≥ 0.9, with Wilson 95 % intervals and the cases behind each rate. "
    "W02/W03 are scored on the sessions the camera simulator rendered (its scope note); W13 "
    "has no detector and no truth.\n"
)


def report(results: dict[str, tuple[list, dict]]) -> str:
    """One section per run, titled by date and label (``<scale> city`` for a run made here)."""
    from simulator.evaluation.intervals import rate_with_interval

    lines = [""]
    for scale, (scores, timings) in results.items():
        lines += [f"## {dt.date.today()} · {scale}", "",
                  f"simulate {timings['simulate_s']} s, pipeline {timings['pipeline_s']} s "
                  f"(success: {timings['success']}), {timings['alerts']} published alerts.", "",
                  "| rule | grain | truth | detected | matched | precision [95 % CI] (cases) "
                  "| recall [95 % CI] (cases) | target |",
                  "|---|---|---|---|---|---|---|---|"]  # fmt: skip
        for s in scores:
            lines.append(
                f"| {s.rule_code} | {s.grain} | {s.truth} | {s.detected} | {s.matched} | "
                f"{rate_with_interval(s.matched, s.detected)} | "
                f"{rate_with_interval(s.matched, s.truth)} | {'✓' if s.ok else '✗'} |"
            )
        misses = [s for s in scores if s.missed or s.extra]
        if misses:
            lines += ["", "Differences (first five each):", ""]
            for s in misses:
                lines.append(
                    f"- {s.rule_code}: missed {list(s.missed[:5])}, extra {list(s.extra[:5])}"
                )
        lines += ["", "Rule status (city):", ""]
        lines += [f"- {k}: {v}" for k, v in timings["rule_status"].items()]
        lines.append("")
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--scale", action="append", choices=["tiny", "small", "city"])
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--work", default=str(HERE / "_work"))
    p.add_argument("--out", default=str(HERE / "RESULTS_rules.md"))
    p.add_argument(
        "--fraud-rate", default="dense",
        help="planted-fraud share (3%%, 0.05) or 'dense' (every behaviour, the default here: "
        "a rule needs cases to be scored at all)",
    )  # fmt: skip
    p.add_argument("--landing", type=Path, help="score this simulated landing's run ...")
    p.add_argument("--warehouse", type=Path, help="... built into this warehouse")
    p.add_argument("--label", default="existing run", help="the section title for it")
    p.add_argument("--simulate-s", default="?", help="how long its simulation took")
    p.add_argument("--pipeline-s", default="?", help="how long its skillwatch run took")
    args = p.parse_args()
    from simulator.prevalence import parse_fraud_rate

    if args.landing and args.warehouse:
        timings = {"simulate_s": args.simulate_s, "pipeline_s": args.pipeline_s,
                   "success": "skillwatch run"}  # fmt: skip
        text = report({args.label: score_existing(args.landing, args.warehouse, timings)})
        append_section(Path(args.out), HEADING, text)
        print(text)
        return 0

    rate = parse_fraud_rate(args.fraud_rate)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    results = {
        f"{s} city, seed {args.seed}": run(s, args.seed, work, rate)
        for s in (args.scale or ["small"])
    }
    text = report(results)
    append_section(Path(args.out), HEADING, text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
