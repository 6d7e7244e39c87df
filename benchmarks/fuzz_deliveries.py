"""The big fuzz profile: tried / survived / lost / crashed per class of malformed delivery.

    .venv/bin/python benchmarks/fuzz_deliveries.py [--examples 2000] [--seed 0]

Generates deliveries with the strategies of ``tests/reliability/fuzz.py`` (encodings,
quoting, sizes, sheets, names) and runs each through the reading, counting, typing and
register layer of ingest (``fuzz.account_for``). Survived: no exception, rows read equal to
the independent count, accepted + quarantined = read, every rejection with a reason. Lost:
one of those checks failed. Crashed: any other exception. Prints a Markdown table (the one
in ``RESULTS_reliability.md``); failing cases are written to ``benchmarks/_work/``.
Not part of the test suite.
"""

from __future__ import annotations

import argparse
import collections
import os
import pickle
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
os.environ.setdefault("SKILLWATCH_SECRET_KEY", "fuzz-benchmark-secret-123456")

from hypothesis import HealthCheck, given, seed, settings  # noqa: E402
from reliability import fuzz  # noqa: E402

from pipelines.district_feeds.ingest import Ingestor  # noqa: E402
from pipelines.settings import get_settings  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--examples", type=int, default=2000, help="deliveries per format family")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--only", choices=["csv", "jsonl", "xlsx", "other"], help="one family")
    args = ap.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="fuzz-"))
    ingestor = Ingestor(get_settings(root / "warehouse", root / "landing"))
    tally: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    failures: list[tuple[str, fuzz.Case]] = []

    def run(case: fuzz.Case) -> None:
        row = tally[case.kind]
        row["tried"] += 1
        try:
            outcome = fuzz.account_for(ingestor, case)
        except AssertionError:
            row["lost"] += 1
            failures.append((f"LOST {traceback.format_exc()}", case))
            return
        except Exception:
            row["crashed"] += 1
            failures.append((f"CRASHED {traceback.format_exc()}", case))
            return
        row["survived"] += 1
        row[outcome.status] += 1
        row["rows"] += outcome.rows_read

    families = {
        "csv": fuzz.csv_cases(),
        "jsonl": fuzz.jsonl_cases(),
        "xlsx": fuzz.xlsx_cases(),
        "other": fuzz.other_cases(),
    }
    started = time.perf_counter()
    for name, strategy in families.items():
        if args.only and name != args.only:
            continue
        profile = settings(
            max_examples=args.examples if name != "other" else max(args.examples // 4, 1),
            deadline=None,
            database=None,
            derandomize=False,
            suppress_health_check=list(HealthCheck),
        )
        # a fixed seed: the same corpus for the same --seed
        seed(args.seed)(profile(given(case=strategy)(run)))()
    elapsed = time.perf_counter() - started

    statuses = ("accepted", "partial", "rejected", "unreadable")
    print(f"fuzz corpus, seed {args.seed}, {elapsed:.0f} s\n")
    print(
        "| class | tried | survived | lost | crashed | rows read | " + " | ".join(statuses) + " |"
    )
    print("|---|---:|---:|---:|---:|---:|" + "---:|" * len(statuses))
    total = collections.Counter()
    for kind in sorted(tally):
        row = tally[kind]
        total.update(row)
        cells = [row[k] for k in ("tried", "survived", "lost", "crashed", "rows", *statuses)]
        print(f"| {kind} | " + " | ".join(str(c) for c in cells) + " |")
    cells = [total[k] for k in ("tried", "survived", "lost", "crashed", "rows", *statuses)]
    print("| **all** | " + " | ".join(f"**{c}**" for c in cells) + " |")
    if failures:
        out = HERE / "_work" / "fuzz_failures.txt"
        out.parent.mkdir(exist_ok=True)
        text = "\n\n".join(f"{why}\n{case!r:.3000}" for why, case in failures)
        out.write_text(text, encoding="utf-8")
        with out.with_suffix(".pickle").open("wb") as fh:  # the cases, to replay one by one
            pickle.dump([case for _, case in failures], fh)
        print(f"\n{len(failures)} failing cases written to {out}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
