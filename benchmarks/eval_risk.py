"""Evaluate the risk score against the simulator's truth; append the figures to RESULTS_risk.md.

    .venv/bin/python benchmarks/eval_risk.py --root /tmp/risk_city [--scale city] [--seed 1]

``<root>/landing`` is simulated and ingested into ``<root>/warehouse`` when missing; the dbt
seeds and models are (re)built every time (the marts change as the project grows: the
alerts mart, for one). Measured: catch rate of the top 5% / 10% and ROC-AUC of the class
score, for the published model, the unsupervised and the supervised one, and two ablations
(without alert counts, without inspection history) to show what carries the score. The
simulator is never changed to suit the detector.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from pipelines.risk import model, run  # noqa: E402
from pipelines.risk.catalogue import FEATURES  # noqa: E402
from pipelines.settings import get_settings  # noqa: E402
from simulator.evaluation import risk as ev  # noqa: E402
from simulator.truth import truth_dir  # noqa: E402

RESULTS = REPO / "benchmarks" / "RESULTS_risk.md"
BUILD = ["build", "--quiet", "--resource-type", "seed", "--resource-type", "model"]


def prepare(root: Path, scale: str, seed: int, fraud_rate: str = "3%"):
    from pipelines.district_feeds.ingest import ingest
    from pipelines.warehouse.project import build_db_path, ensure_manifest, run_dbt
    from simulator import simulate
    from simulator.prevalence import parse_fraud_rate

    os.environ.setdefault("SKILLWATCH_SECRET_KEY", "benchmark-secret")
    settings = get_settings(root / "warehouse", root / "landing")
    timings = {}
    if not (truth_dir(root / "landing") / "fraud.csv").exists():
        t = time.perf_counter()
        simulate(root / "landing", scale=scale, seed=seed, fraud_rate=parse_fraud_rate(fraud_rate))
        ingest(settings)
        timings["simulate+ingest"] = time.perf_counter() - t
    ensure_manifest(settings)
    t = time.perf_counter()
    done = run_dbt(BUILD, settings, check=False)
    if done.returncode != 0:
        raise SystemExit(f"dbt failed:\n{done.stdout}\n{done.stderr}")
    timings["dbt seeds+models"] = time.perf_counter() - t
    return settings, build_db_path(settings), timings


def _at(got: dict, pct: int) -> str:
    t = got[f"top_{pct}pct"]
    p, r = t["precision_ci"], t["recall_ci"]
    return (
        f"{t['caught']}/{t['k']}: precision {t['precision']:.1%} [{p[0]:.0%}–{p[1]:.0%}], "
        f"recall {t['catch_rate']:.1%} [{r[0]:.0%}–{r[1]:.0%}] (ceiling "
        f"{min(1, t['k'] / got['positives']):.0%})"
    )


def row(name: str, got: dict) -> str:
    return (
        f"| {name} | {got['roc_auc']:.3f} | {got['pr_auc']:.3f} (base {got['base_rate']:.3f}) | "
        f"{_at(got, 1)} | {_at(got, 5)} | {_at(got, 10)} |"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", type=Path, required=True)
    ap.add_argument("--scale", default="city")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--fraud-rate", default="3%", help="planted-fraud share, or 'dense'")
    args = ap.parse_args()
    settings, db, timings = prepare(args.root, args.scale, args.seed, args.fraud_rate)
    truth = ev.truth_classes(truth_dir(settings.landing))
    params = model.RiskParams()

    t = time.perf_counter()
    inputs = run.load(settings, db)
    timings["load inputs"] = time.perf_counter() - t
    t = time.perf_counter()
    scoring = run.score_all(inputs, params)
    timings["features + fit + score (classes and institutions)"] = time.perf_counter() - t
    unsup, sup, chosen = scoring.runs["class"]
    lines = [row(f"published ({chosen.record['kind']})", ev.evaluate(chosen.scores, truth))]
    lines.append(row("unsupervised (isolation forest)", ev.evaluate(unsup.scores, truth)))
    if sup is not None:
        lines.append(row("supervised (calibrated logistic)", ev.evaluate(sup.scores, truth)))
    classes = scoring.features["class"]
    alerts = tuple(c for c in classes.columns if c.startswith("alerts_"))
    insp = tuple(n for n, f in FEATURES.items() if f.from_inspections)
    for label, drop in (("without alert counts", alerts), ("without inspection history", insp)):
        if drop:
            p = replace(params, exclude_features=drop)
            u, _, _ = model.fit_unsupervised(classes, "class_key", "class", p)
            lines.append(row(f"unsupervised {label}", ev.evaluate(u.scores, truth)))
    published = ev.evaluate(chosen.scores, truth)

    summary = json.loads(json.dumps(sup.metrics if sup else {}, default=str))
    section = [
        f"## simulate(scale={args.scale!r}, seed={args.seed}, fraud_rate={args.fraud_rate!r}) — "
        f"{dt.datetime.now():%Y-%m-%d %H:%M} ({platform.node()}, {os.cpu_count()} cores)",
        "",
        f"Classes scored: {published['scored']}; planted-fraud classes (truth, any rule with a "
        f"class): {published['positives']} ({published['positives'] / published['scored']:.0%})."
        f" Features used: {len(unsup.record['features'])} "
        f"({', '.join(unsup.record['features'])}).",
        "",
        "| class score | ROC-AUC | PR-AUC (base rate) | top 1 % | top 5 % | top 10 % |",
        "|---|---|---|---|---|---|",
        *lines,
        "",
        "Top k: caught / k, precision and recall with Wilson 95 % intervals; ceiling = k / "
        "fraud classes, the most recall any ranking can reach in the top k. PR-AUC is average "
        "precision; a random ranking scores the base rate.",
        "",
        f"Top 5% recall by rule (published): {published.get('recall_by_rule_top5')}",
        "",
        "Supervised model (out-of-fold on inspection outcomes): "
        + (
            f"labelled {summary['labelled']}, failed {summary['failed']}, "
            f"OOF ROC-AUC {summary['oof_roc_auc']:.3f} vs unsupervised on the same labels "
            f"{summary['unsupervised_auc_on_labels']:.3f}, Brier {summary['oof_brier']:.3f}, "
            f"promoted: {summary.get('promoted')}"
            if summary
            else "not trained (too few labels)"
        ),
        "",
        "Timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()),
        "",
    ]
    text = "\n".join(section)
    print(text)
    header = "# Risk score evaluation\n\nWritten by `benchmarks/eval_risk.py`.\n\n"
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else header
    RESULTS.write_text(old.rstrip("\n") + "\n\n" + text, encoding="utf-8")


if __name__ == "__main__":
    main()
