"""A daily run's MERGE into bronze heartbeats, with and without the month partition.

    .venv/bin/python benchmarks/bench_partitions.py [--cameras 2000] [--history 14 56]
        [--repeat 3] [--out benchmarks/RESULTS_partitions.md]

Heartbeats are the largest feed (2,000 cameras x 288 a day = 576 k rows a day, ~210 M a
year). For each history length H (days already in the lake, the last of them in the same
month as the new day), this writes H days of the city's heartbeats into a bronze table laid
out as the ingest lays it out (partitioned by ``ts_day``) and into one laid out as before
(unpartitioned), then MERGEs the next day's delivery into each with the ingest's own
``delta_io.merge`` (key ``src_district_code, camera_id, ts``; latest delivery wins). Each
repeat starts from a fresh copy of the history. Reported: median wall time of the MERGE, the
files it scanned and how many bytes the commit wrote and removed, from the Delta log.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from results_file import append_section  # noqa: E402  (benchmarks/ is the script's folder)

from pipelines.contract.feeds import HEARTBEATS  # noqa: E402
from pipelines.district_feeds.ingest import (  # noqa: E402
    bronze_columns,
    day_partition_column,
    day_partition_value,
)
from pipelines.lib import delta_io  # noqa: E402

KEYS = ["src_district_code", *HEARTBEATS.keys]
PART = day_partition_column(HEARTBEATS)
NEW_DAY = dt.date(2026, 11, 28)  # the history runs up to the day before, months back


def day_of_heartbeats(day: dt.date, cameras: int, seed: int) -> pl.DataFrame:
    """One day of every camera every 5 minutes, in the bronze schema."""
    rng = np.random.default_rng([seed, day.toordinal()])
    n = cameras * 288
    cams = np.repeat([f"CAM{3101040000 + c:010d}" for c in range(cameras)], 288)
    start = np.datetime64(dt.datetime.combine(day, dt.time()), "us")
    ts = start + np.tile(np.arange(288) * 300_000_000, cameras).astype("timedelta64[us]")
    delivered = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30))
    frame = (
        pl.DataFrame(
            {
                "camera_id": cams,
                "ts": ts,
                "online": rng.random(n) > 0.01,
                "rssi_dbm": rng.integers(-105, -60, n),
            }
        )
        .with_columns(
            src_district_code=pl.lit("310000"),
            src_file=pl.lit(f"heartbeats/heartbeats_{day:%Y%m%d}.jsonl"),
            src_sha256=pl.lit(f"{day.toordinal():064x}"),
            src_row=pl.int_range(1, n + 1, dtype=pl.Int64),
            src_delivered_at=pl.lit(delivered).cast(pl.Datetime("us")),
            src_ingested_at=pl.lit(delivered).cast(pl.Datetime("us")),
            src_warnings=pl.lit([], dtype=pl.List(pl.String)),
        )
        .with_columns(day_partition_value(HEARTBEATS))
    )  # as the ingest derives it
    schema = bronze_columns(HEARTBEATS)
    return frame.select([pl.col(c).cast(t) for c, t in schema.items()])


def write_history(path: Path, days: int, cameras: int, partitioned: bool) -> int:
    rows = 0
    for d in range(days, 0, -1):
        frame = day_of_heartbeats(NEW_DAY - dt.timedelta(days=d), cameras, seed=d)
        if not partitioned:
            frame = frame.drop(PART)
        delta_io.append(path, frame, partition_by=[PART] if partitioned else None)
        rows += frame.height
    return rows


def last_commit(path: Path) -> dict:
    logs = sorted((path / "_delta_log").glob("*.json"))
    added = removed = 0
    for line in logs[-1].read_text("utf-8").splitlines():
        action = json.loads(line)
        added += action.get("add", {}).get("size", 0)
        removed += action.get("remove", {}).get("size", 0) or 0
    return {"added": added, "removed": removed}


def measure(history: Path, cameras: int, partitioned: bool, repeat: int) -> dict:
    new = day_of_heartbeats(NEW_DAY, cameras, seed=0)
    if not partitioned:
        new = new.drop(PART)
    times, scanned, commits = [], [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="bench-part-", dir=history.parent) as tmp:
            table = Path(tmp) / "heartbeats"
            shutil.copytree(history, table)
            start = time.perf_counter()
            metrics = delta_io.merge(table, new, KEYS, newer="src_delivered_at")
            times.append(time.perf_counter() - start)
            scanned.append(metrics.get("num_target_files_scanned"))
            commits.append(last_commit(table))
    return {
        "median_s": statistics.median(times),
        "runs": times,
        "scanned": scanned[-1],
        "added_mb": commits[-1]["added"] / 2**20,
        "removed_mb": commits[-1]["removed"] / 2**20,
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--cameras", type=int, default=2000)
    p.add_argument("--history", type=int, nargs="+", default=[14, 56])
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--out", type=Path, default=REPO / "benchmarks" / "RESULTS_partitions.md")
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()))
    args = p.parse_args()
    rows = []
    for days in args.history:
        for partitioned in (False, True):
            work = Path(tempfile.mkdtemp(prefix="bench-part-hist-", dir=args.workdir))
            try:
                history = work / "heartbeats"
                n = write_history(history, days, args.cameras, partitioned)
                files = len(list(history.rglob("*.parquet")))
                r = measure(history, args.cameras, partitioned, args.repeat)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            layout = "by day (`ts_day`)" if partitioned else "unpartitioned (before)"
            print(f"{days} days, {layout}: {r['median_s']:.2f} s", flush=True)
            rows.append(
                f"| {days} | {n:,} | {layout} | {files} | {r['median_s']:.2f} s "
                f"({' / '.join(f'{t:.2f}' for t in r['runs'])}) | {r['scanned']} | "
                f"{r['added_mb']:.0f} MB / {r['removed_mb']:.0f} MB |"
            )
    text = "\n".join(
        [
            f"\n## {dt.datetime.now():%Y-%m-%d %H:%M} · {platform.node()} · "
            f"{os.cpu_count()} cores · {args.cameras} cameras · median of {args.repeat}",
            "",
            f"One new day ({args.cameras * 288:,} heartbeats, {NEW_DAY}) MERGEd into a bronze "
            "history of H days ending the day before.",
            "",
            "| history (days) | rows in the lake | layout | files | MERGE wall (runs) | "
            "files scanned | bytes written / removed |",
            "|---:|---:|---|---:|---|---:|---|",
            *rows,
            "",
        ]
    )
    print(text)
    append_section(
        args.out,
        "# Partitioned bronze: a daily run's MERGE (`benchmarks/bench_partitions.py`)\n\n"
        "Issue 10: a day's run touches only its partitions. Heartbeats are partitioned "
        "by the day of their timestamp key (`pipelines/contract/feeds.py`, "
        "`day_partition`), camera frames by `captured_month`.\n",
        text,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
