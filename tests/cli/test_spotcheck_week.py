"""The spot check draws the data's week, not the calendar week (a demo city in September
drew 2026-W49 with 0 candidates)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.lib import delta_io
from pipelines.risk import cli
from simulator.scales import resolve


def test_week_is_the_registers_last_data_day(settings):
    delta_io.append(
        settings.deliveries,
        pl.DataFrame(
            {
                "file": ["a.csv", "b.csv", "c.csv"],
                "data_day_max": [dt.date(2026, 9, 3), dt.date(2026, 9, 16), None],
            }
        ),
    )
    assert cli.data_week(settings) == "2026-W38"  # 2026-09-16 is a Wednesday of W38
    assert cli.demo_week(settings) == "2026-W38"


def test_demo_week_before_any_ingest_is_the_simulated_window(settings):
    assert cli.data_week(settings) is None
    _, window = resolve("small", None, None)
    y, w, _ = window.end.isocalendar()
    assert cli.demo_week(settings) == f"{y}-W{w:02d}"
    assert cli.demo_week(settings) != "{}-W{:02d}".format(*dt.date.today().isocalendar()[:2])
