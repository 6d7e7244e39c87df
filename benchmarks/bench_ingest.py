"""City-year ingest: SkillWatch's batch ingest vs the obvious pandas way.

    .venv/bin/python benchmarks/bench_ingest.py [--scale city] [--runs 3]

Simulates the city once (cached under benchmarks/_work/), then times each engine in a fresh
subprocess per run (so peak RSS is that run's own), reports medians, rows/s and the ratio.
Not part of the test suite: no timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"

_SKILLWATCH = """
import json, resource, sys, time
from pipelines.settings import get_settings
from pipelines.district_feeds.ingest import ingest
s = get_settings(sys.argv[1], sys.argv[2])
t = time.perf_counter()
summary = ingest(s)
elapsed = time.perf_counter() - t
rows = sum(f["rows_read"] for f in summary.files)
print(json.dumps({"seconds": elapsed, "rows": rows, "files": len(summary.files),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""

# The obvious way: one file at a time with pandas, row-wise validation and pseudonyms,
# one Delta write per feed. It does less than SkillWatch (no cross-feed reference checks,
# no quarantine of originals, no register) and is still the slower one.
_PANDAS = """
import hashlib, hmac, json, resource, sys, time
from pathlib import Path
import pandas as pd
from deltalake import write_deltalake
from pipelines.contract import DISTRICT_FEEDS, T
from pipelines.contract.headers import header_lookup, normalise_header
from pipelines.contract.legality import is_valid_id_number, is_valid_mobile, is_valid_uscc
landing, out = Path(sys.argv[2]), Path(sys.argv[1])
checks = {"ric": is_valid_id_number, "uscc": is_valid_uscc, "mobile": is_valid_mobile}
t = time.perf_counter()
rows = 0
for name, feed in DISTRICT_FEEDS.items():
    lookup = header_lookup(feed)
    frames = []
    for path in sorted(landing.glob(f"31*/{name}/*")):
        try:
            if path.suffix == ".xlsx":
                df = pd.read_excel(path, dtype=str)
            elif path.suffix == ".jsonl":
                df = pd.read_json(path, lines=True, dtype=False).astype(str)
            else:
                raw = path.read_bytes()
                for enc in ("utf-8-sig", "gb18030"):
                    try:
                        text = raw.decode(enc)
                        break
                    except UnicodeDecodeError:
                        continue
                import io
                df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except Exception:
            continue
        df = df.fillna("").astype(str)  # blank XLSX cells arrive as NaN
        rows += len(df)
        df = df.rename(columns=lambda h: lookup.get(normalise_header(h), h))
        df["src_file"] = str(path)
        frames.append(df)
    if not frames:
        continue
    df = pd.concat(frames, ignore_index=True).fillna("")  # columns some files lack
    bad = pd.Series(False, index=df.index)
    for c in feed.columns:
        if c.name not in df:
            continue
        col = df[c.name].astype(str).str.strip()
        if c.type in (T.DATE, T.TS):
            parsed = pd.to_datetime(col.str.replace("/", "-"), errors="coerce", format="mixed")
            bad |= parsed.isna() & (col != "")
            df[c.name] = parsed
        elif c.type in (T.INT, T.DEC):
            parsed = pd.to_numeric(col, errors="coerce")
            bad |= parsed.isna() & (col != "")
            df[c.name] = parsed
        if c.check:
            bad |= ~col.apply(lambda v: v == "" or checks[c.check](v))
        if c.pii:
            df[c.name + "_pseudo"] = col.apply(
                lambda v: hmac.new(b"k", v.encode(), hashlib.sha256).hexdigest()[:32])
            df = df.drop(columns=[c.name])
    good = df[~bad].drop_duplicates(subset=[feed.key], keep="last").astype(
        {k: str for k in df.columns if df[k].dtype == object})
    write_deltalake(str(out / name), good, mode="overwrite")
elapsed = time.perf_counter() - t
print(json.dumps({"seconds": elapsed, "rows": rows, "files": 0,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _run(code: str, warehouse: Path, landing: Path) -> dict:
    shutil.rmtree(warehouse, ignore_errors=True)
    warehouse.mkdir(parents=True)
    out = subprocess.run(
        [sys.executable, "-c", code, str(warehouse), str(landing)],
        capture_output=True,
        text=True,
        cwd=HERE.parent,
    )
    if out.returncode:
        raise SystemExit(f"run failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="city")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pandas-runs", type=int, default=1, help="0 skips the baseline")
    args = parser.parse_args()

    sys.path.insert(0, str(HERE.parent))
    from simulator import simulate
    from simulator.truth import truth_dir

    landing = WORK / f"landing_{args.scale}"
    if not truth_dir(landing).exists():
        t = time.perf_counter()
        simulate(landing, scale=args.scale, seed=7, progress=True)
        print(f"simulated {args.scale} in {time.perf_counter() - t:.1f} s")

    results = {}
    engines = {"skillwatch": (_SKILLWATCH, args.runs), "pandas": (_PANDAS, args.pandas_runs)}
    for name, (code, n) in engines.items():
        if not n:
            continue
        runs = [_run(code, WORK / f"wh_{name}", landing) for _ in range(n)]
        secs = statistics.median(r["seconds"] for r in runs)
        results[name] = {
            "median_s": secs,
            "runs_s": [round(r["seconds"], 2) for r in runs],
            "rows": runs[0]["rows"],
            "rows_per_s": runs[0]["rows"] / secs,
            "peak_mib": max(r["peak_mib"] for r in runs),
        }
        print(name, json.dumps(results[name]))
    if "pandas" in results:
        ratio = results["pandas"]["median_s"] / results["skillwatch"]["median_s"]
        print(f"pandas / skillwatch median time: {ratio:.2f}x")


if __name__ == "__main__":
    main()
