"""Time the warehouse build on a prepared (ideally city-scale) lake; record medians.

    .venv/bin/python benchmarks/bench_warehouse.py --warehouse /path/to/warehouse [--repeat 3]

The warehouse must hold an ingested lake (``skillwatch run --landing L --warehouse W`` on
``skillwatch simulate --scale city``). Measured per repeat: ``dbt build`` (seeds, models and
all dbt tests = the validation), the auditor publication, and the two ways of reading a Delta
table into DuckDB (read_parquet over the file list, as the lake plugin does, against the
Arrow dataset the stock delta plugin registers). Appends a section to RESULTS_warehouse.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb
from deltalake import DeltaTable

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.settings import get_settings  # noqa: E402
from pipelines.warehouse.dbt_delta import scan_sql  # noqa: E402
from pipelines.warehouse.project import build_db_path, ensure_manifest, run_dbt  # noqa: E402
from pipelines.warehouse.publish import publish  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS_warehouse.md"


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def dbt_build(settings, target: Path) -> dict:
    done = run_dbt(["build"], settings, target_path=target, check=False)
    if done.returncode != 0:
        raise SystemExit(f"dbt build failed:\n{done.stdout[-5000:]}")
    results = json.loads((target / "run_results.json").read_text())["results"]
    models = [r for r in results if r["unique_id"].startswith("model.")]
    tests = [r for r in results if r["unique_id"].startswith("test.")]
    return {
        "models_s": sum(r["execution_time"] for r in models),
        "tests_s": sum(r["execution_time"] for r in tests),
        "tests": len(tests),
        "slowest": sorted(
            ((r["execution_time"], r["unique_id"].split(".")[-1]) for r in models), reverse=True
        )[:6],
    }


def read_compare(lake: Path) -> dict[str, float]:
    """CREATE TABLE from bronze attendance: read_parquet over file_uris vs Arrow dataset."""
    path = lake / "bronze" / "attendance"
    out = {}
    with duckdb.connect() as con:
        t, _ = timed(lambda: con.execute(f"create or replace table a as {scan_sql(path)}"))
        out["read_parquet"] = t
        dataset = DeltaTable(str(path)).to_pyarrow_dataset()
        con.register("attendance_ds", dataset)
        t, _ = timed(
            lambda: con.execute("create or replace table b as select * from attendance_ds")
        )
        out["arrow_dataset"] = t
        out["rows"] = con.execute("select count(*) from a").fetchone()[0]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warehouse", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--label", default="city-year")
    args = parser.parse_args(argv)
    settings = get_settings(args.warehouse)
    os.environ.pop("SKILLWATCH_DUCKDB", None)
    ensure_manifest(settings)
    builds, publishes, reads, details = [], [], [], []
    for i in range(args.repeat):
        with tempfile.TemporaryDirectory(prefix="bench-dbt-") as tmp:
            t, detail = timed(lambda tmp=tmp: dbt_build(settings, Path(tmp)))
        builds.append(t)
        details.append(detail)
        target = Path(tempfile.gettempdir()) / f"bench-auditor-{os.getpid()}.duckdb"
        t, _ = timed(lambda target=target: publish(build_db_path(settings), target))
        target.unlink(missing_ok=True)
        publishes.append(t)
        reads.append(read_compare(settings.lake))
        print(f"run {i + 1}: dbt build {builds[-1]:.1f} s, publish {publishes[-1]:.1f} s")

    def med(values):
        return statistics.median(values)

    last = details[-1]
    lines = [
        f"\n## {args.label} — {dt.datetime.now():%Y-%m-%d %H:%M} ({platform.node()}, "
        f"{os.cpu_count()} cores, threads: 2)\n",
        f"Lake: `{settings.warehouse}`; attendance rows read: {reads[-1]['rows']:,}.\n",
        f"| measure (median of {args.repeat}) | seconds |",
        "|---|---|",
        f"| dbt build, wall (seeds + {last['tests']} tests + models) | {med(builds):.1f} |",
        f"| of which models (sum of node times) | {med([d['models_s'] for d in details]):.1f} |",
        f"| of which dbt tests = validation (sum) | {med([d['tests_s'] for d in details]):.1f} |",
        f"| publish skillwatch.duckdb | {med(publishes):.1f} |",
        "| read bronze attendance: read_parquet(file_uris) | "
        f"{med([r['read_parquet'] for r in reads]):.2f} |",
        "| read bronze attendance: Arrow dataset (stock delta plugin) | "
        f"{med([r['arrow_dataset'] for r in reads]):.2f} |",
        "",
        "Slowest models (last run): "
        + ", ".join(f"{name} {secs:.1f} s" for secs, name in last["slowest"]),
        "",
    ]
    text = "\n".join(lines)
    print(text)
    if not RESULTS.exists():
        RESULTS.write_text(
            "# Warehouse build benchmark\n\nWritten by `benchmarks/bench_warehouse.py`.\n",
            encoding="utf-8",
        )
    with RESULTS.open("a", encoding="utf-8") as fh:
        fh.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
