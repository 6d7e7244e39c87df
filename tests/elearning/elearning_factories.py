"""Hand-built e-learning records for unit tests (the simulator makes whole cities)."""

from __future__ import annotations

import datetime as dt

import polars as pl

T0 = dt.datetime(2026, 9, 7, 19, 0)


def events(*rows: tuple) -> pl.DataFrame:
    """(minutes after T0, event, sco, lesson_status, session seconds[, learner, course])."""
    out = []
    for i, r in enumerate(rows):
        minutes, event, sco, status, seconds, *rest = r
        learner, course = rest if rest else ("JS1", "K1")
        out.append(
            {
                "event_id": f"E{i:04d}",
                "learner_id": learner,
                "course_id": course,
                "sco_id": sco,
                "ts": T0 + dt.timedelta(minutes=minutes),
                "event": event,
                "lesson_status": status,
                "session_time": seconds,
                "score_raw": None,
            }
        )
    schema = {
        "event_id": pl.String,
        "learner_id": pl.String,
        "course_id": pl.String,
        "sco_id": pl.String,
        "ts": pl.Datetime("us"),
        "event": pl.String,
        "lesson_status": pl.String,
        "session_time": pl.Float64,
        "score_raw": pl.Float64,
    }
    return pl.DataFrame(out, schema=schema)
