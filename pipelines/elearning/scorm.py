"""SCORM 1.2 run-time semantics beyond parsing: what a learning event stream means.

Parsing (CMITimespan to seconds, the lesson_status vocabulary, score.raw in [0, 100]) is done
once, at ingest, by the contract. Here: how the LMS turns events into learning time.

- ``cmi.core.session_time`` is the time of the *current session* as the SCO reports it; the
  SCO may commit several times in one session with a growing value, and the LMS adds only
  the session's last value to ``cmi.core.total_time`` (SCORM 1.2 RTE 3.4.2.1). Summing
  every commit would count a three-commit hour as three hours.
- A session starts with a launch of the SCO; commits and the finish (LMSFinish) that follow,
  until the next launch of the same SCO by the same learner, belong to it. Commits with no
  launch before them (the launch was lost in the export) form a session of their own.
- ``passed`` and ``completed`` are the statuses that complete a SCO; once completed, a SCO
  stays completed (a later review-mode launch reports ``browsed`` or ``incomplete``).
"""

from __future__ import annotations

import polars as pl

COMPLETE_STATUSES = ("passed", "completed")
LEARNING_EVENTS = ("launch", "commit", "finish")
# ties at one timestamp: a launch opens a session before a commit or finish of the same second
_EVENT_ORDER = {"launch": 0, "commit": 1, "finish": 2}

SESSION_SCHEMA = {
    "session_id": pl.String,
    "learner_id": pl.String,
    "course_id": pl.String,
    "sco_id": pl.String,
    "started_at": pl.Datetime("us"),
    # what the SCO claims: start + session_time, or the last event if later
    "ended_at": pl.Datetime("us"),
    # what was observed: the session's last event (concurrency is judged on this)
    "last_event_at": pl.Datetime("us"),
    "session_seconds": pl.Float64,
    "lesson_status": pl.String,
    "score_raw": pl.Float64,
    "completed_at": pl.Datetime("us"),  # first commit in the session with a completing status
    "launched": pl.Boolean,
    "finished": pl.Boolean,
    "commits": pl.UInt32,
}


def format_timespan(seconds: float) -> str:
    """Seconds as a SCORM 1.2 CMITimespan ``HHHH:MM:SS.SS`` (hours capped at 9999)."""
    centis = round(max(seconds, 0.0) * 100)
    hours, centis = divmod(centis, 360_000)
    minutes, centis = divmod(centis, 6_000)
    return f"{min(hours, 9999):04d}:{minutes:02d}:{centis / 100:05.2f}"


def sessions(events: pl.DataFrame) -> pl.DataFrame:
    """One row per SCORM session (learner, course, SCO, n-th launch) from learning events.

    ``events`` has the bronze columns learner_id, course_id, sco_id, ts, event,
    lesson_status, session_time (seconds), score_raw. Logins and password resets are ignored.
    """
    if events.is_empty():
        return pl.DataFrame(schema=SESSION_SCHEMA)
    scope = ["learner_id", "course_id", "sco_id"]
    ordered = (
        events.filter(pl.col("event").is_in(LEARNING_EVENTS) & pl.col("course_id").is_not_null())
        .with_columns(
            pl.col("sco_id").fill_null(""),
            pl.col("event").replace_strict(_EVENT_ORDER, return_dtype=pl.Int8).alias("_order"),
        )
        .sort([*scope, "ts", "_order", "event_id"])
        .with_columns(
            (pl.col("event") == "launch").cast(pl.Int32).cum_sum().over(scope).alias("_n"),
        )
    )
    completes = pl.col("lesson_status").is_in(COMPLETE_STATUSES)
    grouped = ordered.group_by([*scope, "_n"], maintain_order=True).agg(
        pl.col("ts").min().alias("started_at"),
        pl.col("ts").max().alias("last_event_at"),
        pl.col("session_time").max().fill_null(0.0).alias("session_seconds"),
        pl.col("lesson_status").drop_nulls().last().alias("lesson_status"),
        pl.col("score_raw").drop_nulls().last().alias("score_raw"),
        pl.col("ts").filter(completes).min().alias("completed_at"),
        (pl.col("event") == "launch").any().alias("launched"),
        (pl.col("event") == "finish").any().alias("finished"),
        (pl.col("event") == "commit").sum().cast(pl.UInt32).alias("commits"),
    )
    return grouped.with_columns(
        pl.concat_str([*scope, pl.col("_n").cast(pl.String)], separator="|").alias("session_id"),
        # the SCO's own clock can run past the last event we saw (no commit at the very end)
        pl.max_horizontal(
            "last_event_at", pl.col("started_at") + pl.duration(seconds=pl.col("session_seconds"))
        ).alias("ended_at"),
    ).select(list(SESSION_SCHEMA))
