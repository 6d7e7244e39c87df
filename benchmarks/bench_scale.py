"""The core transforms against their peers on identical data, and how each grows with work.

    .venv/bin/python -m pip install --target /tmp/bench_spark 'pyspark>=4,<5'   # for Spark
    .venv/bin/python benchmarks/bench_scale.py [--rows 2500000,10000000,40000000]
        [--peers-up-to 10000000] [--repeat 3] [--data /tmp/bench_scale]
        [--spark-path /tmp/bench_spark]

PySpark goes in a folder of its own, put on the Spark runs' path only: installed into the
product's environment it breaks Great Expectations' import in pytest-xdist workers
(``pyspark.sql.connect`` exits the process when ``__main__`` has no spec).

Three transforms, on attendance-shaped Delta tables (``punches``: one row per 签到/签退, month
partitions; ``sessions``: schedule and the camera's headcount) generated here, deterministic:
- **Q1 hours**: attended hours per enrolment (person x class), as
  ``int_attendance__person_sessions`` + ``int_enrolments__attended_hours`` compute them: the
  first check-in and last check-out of each person-session, clipped to the schedule, the
  declared hours times the covered share.
- **Q2 overlap (W04)**: people in sessions of two different classes at overlapping times,
  as ``int_persons__overlapping_sessions`` finds them (persons in >= 2 classes first, then
  an interval join on the person; ``overlap_min_minutes`` from dbt_project.yml).
- **Q3 headcount (W03)**: sessions whose video headcount is below ``w03_orange_ratio`` of
  the people checked in (at least ``w03_min_checked_in``), as ``alert_w03`` does.

Engines, each in a fresh process (peak RSS is that process's): **skillwatch** (DuckDB over
``read_parquet`` of the Delta file list, as the dbt lake plugin reads the lake), **pandas**
written the obvious way (read the tables, groupby, merge), **spark** (PySpark ``local[2]``,
Spark SQL over the same Parquet files; skipped when ``--spark-path`` holds no pyspark) and the
**floor**: Arrow reading and decoding the input columns, nothing else. Every engine's answer
is checked against skillwatch's; a mismatch fails the run. Appends to RESULTS_scale.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "RESULTS_scale.md"
TRANSFORMS = ("hours", "overlap", "headcount")
ENGINES = ("skillwatch", "pandas", "spark", "floor")
PEER_MEMORY_GIB = 16  # a peer that needs more is reported out of memory, not left to swap
CLASS_SIZE = 30
SESSIONS_PER_CLASS = 40
SLOTS = ((9, 0, 3.0), (13, 30, 3.0), (18, 30, 3.0))  # start hour, minute, declared hours


def thresholds() -> dict:
    """The rule parameters, from the one place they are set (dbt_project.yml vars, read as
    the rules manual reads them)."""
    from pipelines.docs.manual import dbt_vars

    v = {name: value for name, (value, _) in dbt_vars().items()}
    return {
        "overlap_min_minutes": v["overlap_min_minutes"],
        "ratio": v["w03_orange_ratio"],
        "min_checked_in": v["w03_min_checked_in"],
    }


# --- data ----------------------------------------------------------------------------------


def generate(folder: Path, rows: int, seed: int = 7) -> Path:
    """``rows`` punches (two per attended person-session) in ``folder/<rows>``: classes of 30
    over 40 daily sessions in three time slots; 3 % of the classes share 3 people with another
    class (some of those overlap in time: W04's cases), 5 % of person-sessions are absent,
    2 % of sessions have a headcount far below the check-ins (W03's). Written once per size."""
    import numpy as np
    import polars as pl
    from deltalake import write_deltalake

    out = folder / str(rows)
    if (out / "done").exists():
        return out
    rng = np.random.default_rng(seed)
    classes = max(1, round(rows / (2 * CLASS_SIZE * SESSIONS_PER_CLASS * 0.95)))
    chunk = 400
    base = dt.datetime(2024, 1, 1)
    for first in range(0, classes, chunk):
        ids = np.arange(first, min(classes, first + chunk))
        n = ids.size
        # per class, not per chunk, so that a class and its partner agree across chunks
        start_day = (ids * 2654435761) % 700
        slot = (ids * 40503) % len(SLOTS)
        # the partner of a sharing class (see below) meets it in time for half of the pairs
        # (W04's cases) and sits in another slot for the other half (honest, must not match)
        partner = (ids % 33 == 6) & ((ids // 33) % 2 == 0)
        start_day = np.where(partner, ((ids - 1) * 2654435761) % 700 + 10, start_day)
        slot = np.where(partner, ((ids - 1) * 40503) % len(SLOTS), slot)
        district = rng.integers(1, 17, n)
        cls = pl.DataFrame({"c": ids, "start_day": start_day, "slot": slot, "district": district})
        sess = cls.join(pl.DataFrame({"k": np.arange(SESSIONS_PER_CLASS)}), how="cross")
        hour = pl.Series([s[0] for s in SLOTS])[sess["slot"]]
        minute = pl.Series([s[1] for s in SLOTS])[sess["slot"]]
        sess = (
            sess.with_columns(
                starts_at=pl.lit(base)
                + pl.duration(days=pl.col("start_day") + pl.col("k"), hours=hour, minutes=minute),
            )
            .with_columns(
                ends_at=pl.col("starts_at") + pl.duration(hours=3),
                declared_hours=pl.lit(3.0),
                class_key=pl.format("C{}", pl.col("c").cast(pl.String).str.zfill(7)),
                district_code=pl.format("3101{}", pl.col("district").cast(pl.String).str.zfill(2)),
            )
            .with_columns(session_key=pl.format("{}-{}", "class_key", pl.col("k")))
        )
        seats = sess.join(pl.DataFrame({"j": np.arange(CLASS_SIZE)}), how="cross")
        person = seats["c"] * CLASS_SIZE + seats["j"]
        # 3 % of classes take seats 0-2 from the next class's people: the same people in two
        # classes, overlapping when the slots and days meet
        shared = (seats["c"] % 33 == 5) & (seats["j"] < 3)
        person = pl.select(
            pl.when(shared).then((seats["c"] + 1) * CLASS_SIZE + seats["j"]).otherwise(person)
        ).to_series()
        seats = seats.with_columns(
            person_pseudo=pl.format("P{}", person.cast(pl.String).str.zfill(9)),
            present=pl.Series(rng.random(seats.height) >= 0.05),
            early_in=pl.Series(rng.integers(-600, 300, seats.height)),
            late_out=pl.Series(rng.integers(-300, 600, seats.height)),
        ).filter("present")
        base_cols = ["person_pseudo", "class_key", "session_key", "district_code"]
        ins = seats.select(
            *base_cols,
            direction=pl.lit("in"),
            punched_at=pl.col("starts_at") + pl.duration(seconds=pl.col("early_in")),
        )
        outs = seats.select(
            *base_cols,
            direction=pl.lit("out"),
            punched_at=pl.col("ends_at") + pl.duration(seconds=pl.col("late_out")),
        )
        punches = pl.concat([ins, outs]).with_columns(
            month=pl.col("punched_at").dt.strftime("%Y-%m")
        )
        checked = seats.group_by("session_key").len("checked_in")
        low = rng.random(sess.height) < 0.02
        sessions = (
            sess.join(checked, on="session_key", how="left")
            .with_columns(pl.col("checked_in").fill_null(0))
            .with_columns(
                headcount=pl.when(pl.Series(low))
                .then(pl.col("checked_in") // 3)
                .otherwise(pl.col("checked_in") - pl.Series(rng.integers(0, 3, sess.height)))
                .clip(lower_bound=0)
                .cast(pl.Int32)
            )
            .select(
                "session_key",
                "class_key",
                "district_code",
                "starts_at",
                "ends_at",
                "declared_hours",
                "headcount",
            )
        )
        write_deltalake(
            str(out / "punches"), punches.to_arrow(), mode="append", partition_by=["month"]
        )
        write_deltalake(str(out / "sessions"), sessions.to_arrow(), mode="append")
        print(f"  generating {rows:,} rows: {min(classes, first + chunk):,}/{classes:,} classes",
              end="\r", flush=True)  # fmt: skip
    print()
    (out / "done").write_text("")
    return out


def files(data: Path, table: str) -> list[str]:
    from deltalake import DeltaTable

    return DeltaTable(str(data / table)).file_uris()


# --- engines -------------------------------------------------------------------------------

DUCKDB_SQL = {
    "hours": """
        with ps as (
            select person_pseudo, class_key, session_key,
                   min(punched_at) filter (where direction = 'in') as first_in,
                   max(punched_at) filter (where direction = 'out') as last_out
            from punches group by all
        )
        select count(*) as n, round(sum(hours), 3) as total from (
            select person_pseudo, ps.class_key, sum(
                case when last_out is null then 0 else s.declared_hours * greatest(0,
                    date_diff('second', greatest(first_in, s.starts_at), least(last_out, s.ends_at))
                ) / date_diff('second', s.starts_at, s.ends_at) end) as hours
            from ps join sessions s using (session_key)
            group by all
        )""",
    "overlap": """
        with ps as (
            select distinct p.person_pseudo, p.class_key, p.session_key, s.starts_at, s.ends_at
            from punches p join sessions s using (session_key)
            where p.direction = 'in'
        ),
        multi as (
            select person_pseudo from ps group by 1 having count(distinct class_key) >= 2
        ),
        iv as (select * from ps semi join multi using (person_pseudo))
        select count(*) as n, count(distinct a.person_pseudo) as total
        from iv a join iv b
          on a.person_pseudo = b.person_pseudo and a.class_key < b.class_key
         and a.starts_at < b.ends_at and b.starts_at < a.ends_at
        where date_diff('minute', greatest(a.starts_at, b.starts_at),
                        least(a.ends_at, b.ends_at)) >= {overlap_min_minutes}""",
    "headcount": """
        with checked as (
            select session_key, count(distinct person_pseudo) as checked_in
            from punches where direction = 'in' group by 1
        )
        select count(*) as n, coalesce(sum(checked_in), 0) as total
        from checked join sessions s using (session_key)
        where checked_in >= {min_checked_in} and s.headcount < {ratio} * checked_in""",
}

SPARK_SQL = {
    "hours": """
        with ps as (
            select person_pseudo, class_key, session_key,
                   min(case when direction = 'in' then punched_at end) as first_in,
                   max(case when direction = 'out' then punched_at end) as last_out
            from punches group by person_pseudo, class_key, session_key
        )
        select count(*) as n, round(sum(hours), 3) as total from (
            select person_pseudo, ps.class_key, sum(
                case when last_out is null then 0 else s.declared_hours * greatest(0,
                    unix_timestamp(least(last_out, s.ends_at))
                    - unix_timestamp(greatest(first_in, s.starts_at)))
                  / (unix_timestamp(s.ends_at) - unix_timestamp(s.starts_at)) end) as hours
            from ps join sessions s on ps.session_key = s.session_key
            group by person_pseudo, ps.class_key
        )""",
    "overlap": """
        with ps as (
            select distinct p.person_pseudo, p.class_key, p.session_key, s.starts_at, s.ends_at
            from punches p join sessions s on p.session_key = s.session_key
            where p.direction = 'in'
        ),
        multi as (
            select person_pseudo from ps group by 1 having count(distinct class_key) >= 2
        ),
        iv as (select * from ps left semi join multi on ps.person_pseudo = multi.person_pseudo)
        select count(*) as n, count(distinct a.person_pseudo) as total
        from iv a join iv b
          on a.person_pseudo = b.person_pseudo and a.class_key < b.class_key
         and a.starts_at < b.ends_at and b.starts_at < a.ends_at
        where (unix_timestamp(least(a.ends_at, b.ends_at))
               - unix_timestamp(greatest(a.starts_at, b.starts_at))) / 60
              >= {overlap_min_minutes}""",
    "headcount": DUCKDB_SQL["headcount"],
}

COLUMNS = {
    "hours": (["person_pseudo", "class_key", "session_key", "direction", "punched_at"],
              ["session_key", "starts_at", "ends_at", "declared_hours"]),
    "overlap": (["person_pseudo", "class_key", "session_key", "direction"],
                ["session_key", "starts_at", "ends_at"]),
    "headcount": (["person_pseudo", "session_key", "direction"], ["session_key", "headcount"]),
}  # fmt: skip


def run_skillwatch(data: Path, transform: str, _=None) -> tuple:
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    for table in ("punches", "sessions"):
        listed = ", ".join(f"'{f}'" for f in files(data, table))
        hive = ", hive_partitioning = true" if table == "punches" else ""
        con.execute(f"create view {table} as select * from read_parquet([{listed}]{hive})")
    return con.execute(DUCKDB_SQL[transform].format(**thresholds())).fetchone()


def run_pandas(data: Path, transform: str, _=None) -> tuple:
    import pandas as pd
    from deltalake import DeltaTable

    p_cols, s_cols = COLUMNS[transform]
    punches = DeltaTable(str(data / "punches")).to_pandas(columns=p_cols)
    sessions = DeltaTable(str(data / "sessions")).to_pandas(columns=s_cols)
    t = thresholds()
    if transform == "hours":
        ins = (
            punches[punches.direction == "in"]
            .groupby(["person_pseudo", "class_key", "session_key"])
            .punched_at.min()
            .rename("first_in")
        )
        outs = (
            punches[punches.direction == "out"]
            .groupby(["person_pseudo", "class_key", "session_key"])
            .punched_at.max()
            .rename("last_out")
        )
        ps = pd.concat([ins, outs], axis=1).reset_index().merge(sessions, on="session_key")
        covered = (
            (ps[["last_out", "ends_at"]].min(axis=1) - ps[["first_in", "starts_at"]].max(axis=1))
            .dt.total_seconds()
            .clip(lower=0)
        )
        length = (ps.ends_at - ps.starts_at).dt.total_seconds()
        ps["hours"] = (ps.declared_hours * covered / length).where(ps.last_out.notna(), 0.0)
        per = ps.groupby(["person_pseudo", "class_key"]).hours.sum()
        return (len(per), round(float(per.sum()), 3))
    if transform == "overlap":
        ps = punches[punches.direction == "in"].drop(columns="direction").drop_duplicates()
        ps = ps.merge(sessions, on="session_key")
        pairs = ps.merge(ps, on="person_pseudo", suffixes=("_a", "_b"))
        pairs = pairs[
            (pairs.class_key_a < pairs.class_key_b)
            & (pairs.starts_at_a < pairs.ends_at_b)
            & (pairs.starts_at_b < pairs.ends_at_a)
        ]
        minutes = (
            pairs[["ends_at_a", "ends_at_b"]].min(axis=1)
            - pairs[["starts_at_a", "starts_at_b"]].max(axis=1)
        ).dt.total_seconds() / 60
        pairs = pairs[minutes >= t["overlap_min_minutes"]]
        return (len(pairs), pairs.person_pseudo.nunique())
    checked = punches[punches.direction == "in"].groupby("session_key").person_pseudo.nunique()
    joined = checked.rename("checked_in").reset_index().merge(sessions, on="session_key")
    flagged = joined[
        (joined.checked_in >= t["min_checked_in"])
        & (joined.headcount < t["ratio"] * joined.checked_in)
    ]
    return (len(flagged), int(flagged.checked_in.sum()))  # fmt: skip


def start_spark():
    """The Spark session, started before the clock: a cluster's engine is already up."""
    from pyspark.sql import SparkSession

    spark = (
        SparkSession.builder.master("local[2]")
        .config("spark.driver.memory", f"{PEER_MEMORY_GIB - 2}g")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def jvm_peak_mib(spark) -> float:
    """The JVM's peak resident set (VmHWM): Spark's memory is there, not in Python."""
    pid = spark.sparkContext._gateway.proc.pid
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def run_spark(data: Path, transform: str, spark) -> tuple:
    spark.read.option("basePath", str(data / "punches")).parquet(
        *files(data, "punches")
    ).createOrReplaceTempView("punches")
    spark.read.parquet(*files(data, "sessions")).createOrReplaceTempView("sessions")
    row = spark.sql(SPARK_SQL[transform].format(**thresholds())).collect()[0]
    return (row[0], float(row[1]) if transform == "hours" else row[1])


def run_floor(data: Path, transform: str, _=None) -> tuple:
    import pyarrow.dataset as ds

    p_cols, s_cols = COLUMNS[transform]
    rows = 0
    for table, cols in (("punches", p_cols), ("sessions", s_cols)):
        rows += ds.dataset(files(data, table), format="parquet").to_table(columns=cols).num_rows
    return (rows, None)


IMPORTS = {
    "skillwatch": ("deltalake", "duckdb"),
    "pandas": ("deltalake", "pandas"),
    "spark": ("deltalake", "pyspark.sql"),
    "floor": ("deltalake", "pyarrow.dataset"),
}
RUNNERS = {"skillwatch": run_skillwatch, "pandas": run_pandas, "spark": run_spark,
           "floor": run_floor}  # fmt: skip


def one(engine: str, transform: str, data: Path) -> None:
    """The child process: run once, print seconds, peak RSS and the answer as JSON. Imports
    and the Spark session come before the clock; reading the input is inside it."""
    import importlib

    for module in IMPORTS[engine]:
        importlib.import_module(module)

    if engine in ("pandas", "spark"):
        limit = PEER_MEMORY_GIB * 2**30
        resource.setrlimit(resource.RLIMIT_AS, (limit * (4 if engine == "spark" else 1),) * 2)
    context = start_spark() if engine == "spark" else None
    thresholds()
    start = time.perf_counter()
    try:
        answer = RUNNERS[engine](data, transform, context)
        error = None
    except MemoryError:
        answer, error = None, "out of memory"
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    if context is not None:
        peak += jvm_peak_mib(context)
        context.stop()
    print(json.dumps({"seconds": seconds, "peak_mib": peak, "answer": answer, "error": error},
                     default=str))  # fmt: skip


def measure(engine: str, transform: str, data: Path, repeat: int, spark_path: Path) -> dict:
    runs = []
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    if engine == "spark":
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(spark_path), env.get("PYTHONPATH")]))
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--one", engine, transform, str(data)],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
        if done.returncode != 0:
            tail = (done.stderr or "").strip().splitlines()[-1:] or ["?"]
            oom = (
                "MemoryError" in done.stderr or "OutOfMemory" in done.stderr or done.returncode < 0
            )
            return {"error": "out of memory" if oom else f"failed: {tail[0][:120]}"}
        result = json.loads(done.stdout.strip().splitlines()[-1])
        if result["error"]:
            return {"error": result["error"]}
        runs.append(result)
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mib": max(r["peak_mib"] for r in runs),
        "answer": runs[0]["answer"],
    }


def slope(points: list[tuple[int, float]]) -> float | None:
    """Least-squares slope of log(seconds) against log(rows): 1.0 is linear growth."""
    if len(points) < 2:
        return None
    xs = [math.log(r) for r, _ in points]
    ys = [math.log(s) for _, s in points]
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    covariance = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    return covariance / sum((x - mx) ** 2 for x in xs)


def same(a, b) -> bool:
    if a is None or b is None:
        return False
    return int(a[0]) == int(b[0]) and math.isclose(float(a[1]), float(b[1]), rel_tol=1e-6)


def report(results: dict, sizes: list[int], repeat: int, note: str) -> str:
    def cell(r):
        if r is None:
            return "—"
        if "error" in r:
            return r["error"]
        return f"{r['seconds']:.2f} s · {r['peak_mib'] / 1024:.1f} GiB"

    lines = [
        f"\n## {dt.datetime.now():%Y-%m-%d %H:%M} · {platform.node() or 'vm'} · "
        f"{os.cpu_count()} cores · median of {repeat}\n",
        f"{note}\n",
        "| rows | transform | skillwatch | pandas | spark local[2] | Arrow floor "
        "| pandas ÷ sw | spark ÷ sw | sw ÷ floor |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for rows in sizes:
        for t in TRANSFORMS:
            r = {e: results.get((e, t, rows)) for e in ENGINES}
            sw = r["skillwatch"]["seconds"]

            def ratio(e, over=True, r=r, sw=sw):
                x = r[e]
                if x is None or "error" in x:
                    return "—"
                return f"{x['seconds'] / sw:.1f}×" if over else f"{sw / x['seconds']:.1f}×"

            lines.append(
                f"| {rows:,} | {t} | {cell(r['skillwatch'])} | {cell(r['pandas'])} "
                f"| {cell(r['spark'])} | {cell(r['floor'])} | {ratio('pandas')} "
                f"| {ratio('spark')} | {ratio('floor', over=False)} |"
            )
    answers = "; ".join(
        f"{t} {results[('skillwatch', t, rows)]['answer']}"
        for rows in sizes[-1:]
        for t in TRANSFORMS
    )
    lines += ["", f"Answers at {sizes[-1]:,} rows (count, checksum): {answers}."]
    lines += ["", "Growth with work (log-log slope of seconds against rows; 1.0 = linear):", ""]
    lines += ["| transform | " + " | ".join(ENGINES) + " |", "|---|" + "---:|" * len(ENGINES)]
    for t in TRANSFORMS:
        cells = []
        for e in ENGINES:
            pts = [(n, results[(e, t, n)]["seconds"]) for n in sizes
                   if "seconds" in results.get((e, t, n), {})]  # fmt: skip
            s = slope(pts)
            cells.append("—" if s is None else f"{s:.2f} ({len(pts)} sizes)")
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="2500000,10000000,40000000")
    ap.add_argument("--peers-up-to", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", type=Path, default=Path("/tmp/bench_scale"))
    ap.add_argument("--spark-path", type=Path, default=Path("/tmp/bench_spark"))
    ap.add_argument("--note", default="")
    ap.add_argument("--one", nargs=3, metavar=("ENGINE", "TRANSFORM", "DATA"))
    args = ap.parse_args()
    if args.one:
        one(args.one[0], args.one[1], Path(args.one[2]))
        return
    engines = ENGINES
    if not (args.spark_path / "pyspark").is_dir():
        engines = tuple(e for e in ENGINES if e != "spark")
        print(f"no pyspark in {args.spark_path}: spark is skipped "
              f"(pip install --target {args.spark_path} 'pyspark>=4,<5')")  # fmt: skip
    sizes = [int(s) for s in args.rows.split(",")]
    results: dict = {}
    mismatches = []
    for rows in sizes:
        data = generate(args.data, rows)
        for t in TRANSFORMS:
            for e in engines:
                if e in ("pandas", "spark") and rows > args.peers_up_to:
                    continue
                print(f"  {rows:>12,} {t:<10} {e:<11}", end=" ", flush=True)
                r = results[(e, t, rows)] = measure(e, t, data, args.repeat, args.spark_path)
                print(r.get("error") or f"{r['seconds']:.2f} s, {r['peak_mib'] / 1024:.1f} GiB")
                sw = results[("skillwatch", t, rows)]
                compared = e not in ("skillwatch", "floor") and "answer" in r and "answer" in sw
                if compared and not same(r["answer"], sw["answer"]):
                    mismatches.append((rows, t, e, r["answer"], sw["answer"]))
    if mismatches:
        raise SystemExit(f"engines disagree: {mismatches}")
    note = args.note or (
        f"Attendance-shaped data generated by the script (punches partitioned by month, "
        f"sessions with a headcount); peers run up to {args.peers_up_to:,} rows. Every "
        f"engine's answers equal skillwatch's."
    )
    text = report(results, sizes, args.repeat, note)
    from results_file import append_section

    append_section(
        RESULTS,
        "# Scale: core transforms against peers (`benchmarks/bench_scale.py`)\n\n"
        "Targets (issue 16): ≥ 5× both peers, within 3× of the Arrow floor.\n",
        text,
    )
    print(text)


if __name__ == "__main__":
    sys.path[:0] = [str(Path(__file__).resolve().parent), str(REPO)]
    main()
