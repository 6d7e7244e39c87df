"""A deterministic city of 16 districts delivering the feeds of the interface standard.

``simulate(out, scale, seed)`` writes ``<out>/<district>/<feed>/<file>`` exactly as districts
deliver (four delivery habits, late and corrected files, planted defects and fraud) and the
ground truth beside it, under ``<out>_truth/`` (``truth.truth_dir``: outside the landing
folder, so the pipeline cannot read it).
Same seed, scale, start and days give byte-identical files with identical mtimes.
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from simulator import defects, rules, truth, world, writers
from simulator import deliveries as deliveries_mod
from simulator.scales import SCALES, resolve

__all__ = ["SCALES", "SimulationSummary", "simulate"]


@dataclass(frozen=True)
class SimulationSummary:
    out: Path
    truth_dir: Path
    files_written: int
    rows_per_feed: dict[str, int] = field(default_factory=dict)
    defects: int = 0
    fraud_cases: int = 0


def simulate(
    out: Path,
    scale: str = "small",
    seed: int = 42,
    start: dt.date | None = None,
    days: int | None = None,
    progress: bool = False,
    fraud_rate: float | None = None,
) -> SimulationSummary:
    """``fraud_rate``: share of classes carrying planted fraud (``prevalence.py``; the CLI's
    default is ``prevalence.DEFAULT_FRAUD_RATE``); None = the dense test city."""
    sc, window = resolve(scale, start, days)
    out = Path(out)
    with _Progress(progress) as bar:
        bar.step("building the city")
        city = world.build(sc, window, seed, fraud_rate)
        bar.step("cutting deliveries")
        planned = deliveries_mod.plan(city)
        planned = defects.plant(city, planned)
        planned.sort(key=lambda d: d.path)
        bar.step("evaluating rules")
        fraud = rules.evaluate(city, planned)

        for sub in sorted(out.glob("3101*")) + [truth.truth_dir(out)]:
            if sub.is_dir():
                shutil.rmtree(sub)  # a re-run replaces the previous city, never mixes
        rng = world.stream(seed, "defects")
        files, defect_rows = [], []
        rows_per_feed: dict[str, int] = {}
        for d in bar.track(planned, "writing files"):
            rows, reasons = writers.assemble(d)
            data = writers.to_bytes(d, rows, rng)
            path = out / d.path
            path.parent.mkdir(parents=True, exist_ok=True)
            writers.write(str(path), data, d.delivered_at)
            ft = truth.file_truth(d, rows.height)
            files.append(ft)
            if ft.expected_status == "ok":
                rows_per_feed[d.feed] = rows_per_feed.get(d.feed, 0) + rows.height
                defect_rows += [(d.district, d.feed, d.path, n, r) for n, r in reasons]
        summary = {
            "seed": seed,
            "scale": sc.name,
            "start": window.start.isoformat(),
            "days": window.days,
            "districts": list(city.districts),
            "files": len(files),
            "rows_per_feed": dict(sorted(rows_per_feed.items())),
            "defect_rows": len(defect_rows),
            "fraud_cases": fraud.height,
            "fraud_by_rule": dict(sorted(fraud.group_by("rule_code").len().iter_rows())),
            **({} if fraud_rate is None else truth.prevalence_summary(city, fraud, fraud_rate)),
        }
        fraud = truth.with_causes(fraud, city.frames["enrolments"])
        classes = truth.class_truth(city, fraud)
        truth_dir = truth.write(out, files, defect_rows, fraud, summary, classes)
    return SimulationSummary(
        out=out,
        truth_dir=truth_dir,
        files_written=len(files),
        rows_per_feed=summary["rows_per_feed"],
        defects=len(defect_rows),
        fraud_cases=fraud.height,
    )


class _Progress:
    """rich progress when asked for; silent otherwise (tests, CI)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self._progress = None

    def __enter__(self):
        if self.enabled:
            from rich.progress import Progress

            self._progress = Progress()
            self._progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self._progress is not None:
            self._progress.__exit__(*exc)

    def step(self, label: str) -> None:
        if self._progress is not None:
            self._progress.console.log(label)

    def track(self, items, label: str):
        if self._progress is None:
            return items
        return self._progress.track(items, description=label)
