"""SIGKILL a ``skillwatch run`` at random points, then check what it left and that a re-run
completes and balances.

    .venv/bin/python benchmarks/kill_runs.py --kills 20 [--landing L] [--seed 1] [--out DIR]

1. A reference run on a fresh warehouse (its time bounds the kill points; its counts are
   the truth: register files and rows, bronze rows per feed).
2. On a second fresh warehouse, ``--kills`` times: start ``skillwatch run``, SIGKILL the
   process at a random moment in [1 s, ``--max-after``] after its first asset started
   (start-up writes nothing), then check what it left:
   every Delta table under the lake opens and reads at its latest version; the register
   balances (rows read = accepted + quarantined per file); processes of the run still alive
   after the kill (its dbt children) are counted and then killed, by pid; ``.building``
   files left beside the published file are counted.
3. A last uninterrupted run: it must exit as the reference did and give the reference's
   counts exactly (nothing lost, nothing twice).

Too slow for the test suite (each kill is a run cut short, and the reference takes minutes);
the figures go to benchmarks/RESULTS_reliability.md under "Crashes".
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SKILLWATCH = [str(REPO / ".venv" / "bin" / "skillwatch")]  # --runner replaces it


def _children(pid: int) -> list[int]:
    """Descendants of ``pid`` (from /proc), deepest last."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
    found, frontier = [], [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parents.items() if pp == p]
        found.extend(kids)
        frontier.extend(kids)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and ") Z" not in stat.read_text()


def start_run(landing: Path, warehouse: Path, log: Path) -> subprocess.Popen:
    env = {**os.environ, "SKILLWATCH_SECRET_KEY": os.environ.get("SKILLWATCH_SECRET_KEY", "kill")}
    env.pop("SKILLWATCH_DUCKDB", None)
    env.pop("DAGSTER_HOME", None)
    with log.open("ab") as fh:
        return subprocess.Popen(
            [*SKILLWATCH, "run", "--landing", str(landing), "--warehouse", str(warehouse)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=REPO,
        )


def counts(warehouse: Path) -> dict:
    """The truth a run leaves: register files/rows and bronze rows per feed."""
    import polars as pl

    from pipelines.lib import delta_io

    register = delta_io.read(warehouse / "lake" / "deliveries")
    bronze_dir = warehouse / "lake" / "bronze"  # absent when killed before the first commit
    bronze = {
        p.name: delta_io.read(p).height
        for p in (sorted(bronze_dir.iterdir()) if bronze_dir.is_dir() else [])
        if (p / "_delta_log").is_dir()
    }
    if register.is_empty():
        return {"files": 0, "rows_read": 0, "unbalanced": 0, "bronze": bronze}
    unbalanced = register.filter(
        pl.col("rows_read") != pl.col("rows_accepted") + pl.col("rows_quarantined")
    ).height
    return {
        "files": register.height,
        "rows_read": int(register["rows_read"].sum()),
        "unbalanced": unbalanced,
        "bronze": bronze,
    }


def tables_readable(warehouse: Path) -> tuple[int, list[str]]:
    """(tables read, tables that failed to open or read)."""
    from deltalake import DeltaTable

    lake = warehouse / "lake"
    ok, bad = 0, []
    for log in sorted(lake.rglob("_delta_log")) if lake.exists() else []:
        table = log.parent
        if not any(log.glob("*.json")):
            continue  # a table whose first commit never happened: nothing to read yet
        try:
            DeltaTable(str(table)).to_pyarrow_table()
            ok += 1
        except Exception as exc:  # noqa: BLE001 - any failure is the finding
            bad.append(f"{table.relative_to(lake)}: {type(exc).__name__}: {str(exc)[:120]}")
    return ok, bad


def _working(warehouse: Path, since: float) -> bool:
    """The run has passed its start-up (imports, Dagster instance, dbt manifest): its log
    shows the first asset at work."""
    logs = [p for p in (warehouse / "logs").glob("run-*.log") if p.stat().st_mtime >= since]
    return any("district_feeds_bronze" in p.read_text(errors="replace") for p in logs)


def kill_once(landing: Path, warehouse: Path, after: float, log: Path) -> dict:
    """Kill ``after`` seconds into the run's work (start-up, which writes nothing, takes
    minutes on a loaded machine and would otherwise absorb most kill points)."""
    started = time.time()
    proc = start_run(landing, warehouse, log)
    while proc.poll() is None and not _working(warehouse, started - 1):
        time.sleep(0.5)
    deadline = time.monotonic() + after
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    finished_first = proc.poll() is not None
    kids = _children(proc.pid)
    if not finished_first:
        proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)  # children notice their parent's death (or not)
    orphans = [k for k in kids if _alive(k)]
    for k in orphans:  # ours: started by this script's run
        with contextlib.suppress(ProcessLookupError):
            os.kill(k, signal.SIGKILL)
    read_ok, read_bad = tables_readable(warehouse)
    try:
        c = counts(warehouse)
        register_error = None
    except Exception as exc:  # noqa: BLE001
        c, register_error = {}, f"{type(exc).__name__}: {exc}"
    building = [str(p) for p in warehouse.rglob("*.building")]
    return {
        "killed_after_s": round(after, 1),
        "finished_before_kill": finished_first,
        "orphans_alive_after_kill": len(orphans),
        "tables_read": read_ok,
        "tables_unreadable": read_bad,
        "register_unbalanced": c.get("unbalanced"),
        "register_error": register_error,
        "building_files_left": len(building),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--landing", help="default: a tiny simulated city, made once")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", help="work folder (default: a new temporary one)")
    parser.add_argument("--max-after", type=float, help="latest kill point, s (default: ref)")
    parser.add_argument("--reference", help="a warehouse an uninterrupted run made (exit 0)")
    parser.add_argument(
        "--runner", help="the command instead of .venv/bin/skillwatch (e.g. 'python my_cli.py')"
    )
    args = parser.parse_args(argv)
    if args.runner:
        global SKILLWATCH
        SKILLWATCH = args.runner.split()
    rng = random.Random(args.seed)
    out = Path(args.out or tempfile.mkdtemp(prefix="kill_runs_"))
    out.mkdir(parents=True, exist_ok=True)
    log = out / "runs.log"
    landing = Path(args.landing) if args.landing else out / "landing"
    if not args.landing and not landing.exists():
        subprocess.run(
            [*SKILLWATCH, "simulate", "--out", str(landing), "--scale", "tiny", "--seed", "7"],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=REPO,
        )

    if args.reference:  # an uninterrupted run of the same landing, already made
        ref_code, ref_time = 0, args.max_after or 300.0
        reference = counts(Path(args.reference))
    else:
        t = time.monotonic()
        ref_code = start_run(landing, out / "reference", log).wait()
        ref_time = time.monotonic() - t
        reference = counts(out / "reference")
    print(f"reference: exit {ref_code}, kills up to {ref_time:.0f} s, {reference['files']} files")

    warehouse = out / "killed"
    trials = []
    for i in range(args.kills):
        after = rng.uniform(0.0, args.max_after or ref_time)
        trial = kill_once(landing, warehouse, after, log)
        trials.append(trial)
        print(f"kill {i + 1}/{args.kills}: {json.dumps(trial, ensure_ascii=False)}", flush=True)

    final_code = start_run(landing, warehouse, log).wait()
    final = counts(warehouse)
    read_ok, read_bad = tables_readable(warehouse)
    survived = [
        t
        for t in trials
        if not t["tables_unreadable"] and not t["register_unbalanced"] and not t["register_error"]
    ]
    summary = {
        "kills_tried": len(trials),
        "kills_before_finish": sum(not t["finished_before_kill"] for t in trials),
        "survived_checks": len(survived),
        "orphans_after_kill": sum(t["orphans_alive_after_kill"] for t in trials),
        "max_building_files_left": max((t["building_files_left"] for t in trials), default=0),
        "reference_exit": ref_code,
        "final_exit": final_code,
        "final_equals_reference": final == reference,
        "final_tables_unreadable": read_bad,
        "reference": reference,
        "final": final,
        "reference_seconds": round(ref_time),
    }
    (out / "kill_runs.json").write_text(
        json.dumps({"summary": summary, "trials": trials}, indent=1)
    )
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    ok = final_code == ref_code and final == reference and len(survived) == len(trials)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
