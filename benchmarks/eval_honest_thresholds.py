"""How honest classes behave near the thresholds the rule catalogue leaves without a number.

The catalogue (shared/spec/early-warning-rules.md) fixes most thresholds; a few settings in
``dbt_project/dbt_project.yml`` have no number there (W06's minimum session size and repeat
share, the attended-hours tolerance). Those are chosen from the distribution of *honest*
behaviour, measured here on the simulated city's honest classes: classes with no planted
behaviour (cheating or near miss) and no row in the fraud truth. Nothing is written to disk;
the figures go to ``benchmarks/RESULTS_detection.md`` by hand with the command:

    nice -n 10 .venv/bin/python benchmarks/eval_honest_thresholds.py --scale city --seed 7
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import defects, rules, world  # noqa: E402
from simulator import deliveries as deliveries_mod  # noqa: E402
from simulator.scales import resolve  # noqa: E402

BURST_SECONDS, BURST_SHARE = 60, 0.8  # the catalogue's W06 numbers (fixed, not measured)


def honest_checkins(city: world.World) -> pl.DataFrame:
    planned = defects.plant(city, deliveries_mod.plan(city))
    truth = rules.evaluate(city, planned)
    flagged = set(truth["class_id"].drop_nulls().to_list())
    honest = [c.class_id for c in city.classes if not c.behaviours and c.class_id not in flagged]
    att = city.frames["attendance"].filter(pl.col("class_id").is_in(honest))
    return att


def is_burst(ts: np.ndarray) -> bool:
    """W06's burst form on one session's check-in times (seconds): >= 80 % within 60 s."""
    ts = np.sort(ts)
    j = np.searchsorted(ts, ts + BURST_SECONDS, side="left")  # strictly inside 60 s
    return int((j - np.arange(len(ts))).max()) >= BURST_SHARE * len(ts)


def burst_by_size(checkins: pl.DataFrame, rng: np.random.Generator) -> pl.DataFrame:
    """Per session size n: the share of honest sessions with >= 80 % of check-ins in 60 s.
    The simulated sessions all hold 10 or more check-ins, so a session of n < 10 is taken as
    n check-ins drawn at random from an honest session (the same arrival behaviour, fewer
    people); "full" is the honest sessions as they are."""
    t = checkins.select("session_id", pl.col("checked_at").dt.epoch("s").alias("t"))
    rows = []
    for (_sid,), grp in t.group_by("session_id"):
        ts = grp["t"].to_numpy()
        rows.append(("full", is_burst(ts)))
        for n in range(2, 9):
            if len(ts) >= n:
                rows.append((str(n), is_burst(rng.choice(ts, size=n, replace=False))))
    df = pl.DataFrame(rows, schema={"n": pl.String, "burst": pl.Boolean}, orient="row")
    return (
        df.group_by("n")
        .agg(pl.len().alias("sessions"), pl.col("burst").sum().alias("bursts"))
        .with_columns((pl.col("bursts") / pl.col("sessions")).alias("share"))
        .sort(pl.col("n").str.zfill(4))
    )


def repeat_shares(checkins: pl.DataFrame) -> pl.DataFrame:
    """Per honest class with >= 3 sessions: the share of check-ins whose clock time repeats
    to the second for the same person in another session (W06's repeat form)."""
    tod = checkins.select("class_id", "session_id", "id_number",
                          pl.col("checked_at").dt.time().alias("tod"))  # fmt: skip
    rep = tod.with_columns((pl.len().over("class_id", "id_number", "tod") > 1).alias("rep"))
    return (
        rep.group_by("class_id")
        .agg(pl.col("rep").mean().alias("share"), pl.col("session_id").n_unique().alias("sessions"))
        .filter(pl.col("sessions") >= 3)
    )


def missed_minutes(att: pl.DataFrame, sessions: pl.DataFrame) -> pl.Series:
    """Minutes of the scheduled time an honest trainee who checked in and out did not cover."""
    ins = (
        att.filter(pl.col("kind") == "签到")
        .group_by("session_id", "id_number")
        .agg(pl.col("checked_at").min().alias("t_in"))
    )
    outs = (
        att.filter(pl.col("kind") == "签退")
        .group_by("session_id", "id_number")
        .agg(pl.col("checked_at").max().alias("t_out"))
    )
    s = sessions.select("session_id", "starts_at", "ends_at")
    j = ins.join(outs, on=["session_id", "id_number"]).join(s, on="session_id")
    late = (pl.col("t_in") - pl.col("starts_at")).dt.total_seconds().clip(lower_bound=0)
    early = (pl.col("ends_at") - pl.col("t_out")).dt.total_seconds().clip(lower_bound=0)
    return j.select(((late + early) / 60).alias("missed"))["missed"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--scale", default="city")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    sc, window = resolve(args.scale, None, None)
    city = world.build(sc, window, args.seed)
    att = honest_checkins(city)
    checkins = att.filter(pl.col("kind") == "签到")
    print(f"scale={args.scale} seed={args.seed}: honest classes "
          f"{checkins['class_id'].n_unique()}, sessions {checkins['session_id'].n_unique()}, "
          f"check-ins {checkins.height}")  # fmt: skip
    print(
        "\nW06 burst (>= 80 % of check-ins within 60 s) among honest sessions, by size n "
        "(n check-ins drawn from an honest session; full = the sessions as they are):"
    )
    with pl.Config(tbl_rows=20):
        print(burst_by_size(checkins, np.random.default_rng(args.seed)))
    rep = repeat_shares(checkins)["share"]
    print(
        f"\nW06 repeat share per honest class with >= 3 sessions ({rep.len()} classes): "
        f"max {rep.max():.3f}, p99 {rep.quantile(0.99):.3f}, p50 {rep.quantile(0.5):.3f}"
    )
    miss = missed_minutes(att, city.frames["sessions"])
    qs = ", ".join(f"p{int(q * 100)} {miss.quantile(q):.1f}" for q in (0.5, 0.9, 0.95, 0.99))
    print(f"\nminutes of the scheduled time not covered by an honest check-in/check-out pair "
          f"({miss.len()} pairs): {qs}, max {miss.max():.1f}; over 10 min: "
          f"{(miss > 10).mean():.2%}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
