"""Implausible learning as alerts, in the shape of the common ``alerts`` table.

- E01 click-through (刷课): a course completed faster than its content allows — learning
  time, or wall-clock span from first launch to completion, under a share of its length.
  Either alone suffices: a cheating tool may post a plausible session_time (span gives it
  away) or click through over several days (learning time gives it away).
- E02 over-credit: SCORM time credited above a multiple of the course length.
- E03 concurrent sessions: one learner in two sessions (of any courses or SCOs) at once,
  judged on observed event times.

An alert's identity is a hash of rule, target and period, so a re-run finds the same alert
(and an analyst's status on it survives): E01/E02 target a learner's course, dated by the
completion and by the session that crossed the threshold; E03 targets a learner's day.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

from pipelines.contract import CITY_CODE
from pipelines.contract.published import ALERT_SCHEMA
from pipelines.contract.rules import RULES
from pipelines.elearning.config import DEFAULT_RULES, ElearningRules

# the level of each anomaly, from the rules registry (names and levels live there)
LEVELS = {code: r.levels for code, r in RULES.items() if r.kind == "elearning"}
HIT_SCHEMA = {
    "rule_code": pl.String,
    "learner_id": pl.String,
    "target": pl.String,  # what the alert is about, for its identity
    "day": pl.Date,
    "evidence": pl.String,
}


def _hms(seconds: pl.Expr) -> pl.Expr:
    """Seconds as H:MM for evidence text."""
    s = seconds.round(0).cast(pl.Int64)
    return pl.format("{}:{}", s // 3600, ((s % 3600) // 60).cast(pl.String).str.pad_start(2, "0"))


def click_through(progress: pl.DataFrame, rules: ElearningRules = DEFAULT_RULES) -> pl.DataFrame:
    span = (pl.col("completed_at") - pl.col("first_activity_at")).dt.total_seconds()
    limit = rules.click_through_ratio * pl.col("course_seconds")
    return (
        progress.filter(
            pl.col("completed") & (pl.min_horizontal("seconds_to_complete", span) < limit)
        )
        .with_columns(span.alias("_span"))
        .select(
            pl.lit("E01").alias("rule_code"),
            "learner_id",
            pl.format("{}|{}", "learner_id", "course_id").alias("target"),
            pl.col("completed_at").dt.date().alias("day"),
            pl.format(
                "学员 {} 于 {} 完成课程 {}（{} 学时）：学习时长 {}，首次启动至完成 {}，"
                "低于课程时长的 {}%",
                "learner_id",
                pl.col("completed_at").dt.strftime("%Y-%m-%d %H:%M"),
                "course_id",
                "course_hours",
                _hms(pl.col("seconds_to_complete")),
                _hms(pl.col("_span")),
                pl.lit(round(rules.click_through_ratio * 100)),
            ).alias("evidence"),
        )
    )


def over_credit(
    sessions: pl.DataFrame, progress: pl.DataFrame, rules: ElearningRules = DEFAULT_RULES
) -> pl.DataFrame:
    keys = ["learner_id", "course_id"]
    limit = rules.over_credit_ratio * pl.col("course_seconds")
    crossing = (
        sessions.join(progress.select(*keys, "course_seconds", "course_hours"), on=keys)
        .sort("started_at", "session_id")
        .with_columns(pl.col("session_seconds").cum_sum().over(keys).alias("_cum"))
        .filter(pl.col("_cum") > limit)
        .group_by(keys)
        .agg(pl.col("started_at").first().alias("_crossed_at"), pl.first("course_hours"))
    )
    return (
        crossing.join(progress.select(*keys, "learning_seconds"), on=keys)
        .sort(keys)
        .select(
            pl.lit("E02").alias("rule_code"),
            "learner_id",
            pl.format("{}|{}", "learner_id", "course_id").alias("target"),
            pl.col("_crossed_at").dt.date().alias("day"),
            pl.format(
                "学员 {} 课程 {}（{} 学时）计入学习时长 {}，超过课程时长的 {} 倍",
                "learner_id",
                "course_id",
                "course_hours",
                _hms(pl.col("learning_seconds")),
                pl.lit(rules.over_credit_ratio),
            ).alias("evidence"),
        )
    )


def concurrent_sessions(
    sessions: pl.DataFrame, rules: ElearningRules = DEFAULT_RULES
) -> pl.DataFrame:
    # observed spans, launch to last event: a session_time claim alone (E01/E02's business)
    # must not make two sessions look simultaneous
    s = sessions.filter(pl.col("last_event_at") > pl.col("started_at")).select(
        "learner_id",
        "session_id",
        "course_id",
        "started_at",
        pl.col("last_event_at").alias("ended_at"),
    )
    pairs = (
        s.join(s, on="learner_id", suffix="_b")
        # each pair once: b is the later one (ties broken by id)
        .filter(
            (pl.col("started_at") < pl.col("started_at_b"))
            | (
                (pl.col("started_at") == pl.col("started_at_b"))
                & (pl.col("session_id") < pl.col("session_id_b"))
            )
        )
        .with_columns(
            (
                (
                    pl.min_horizontal("ended_at", "ended_at_b")
                    - pl.max_horizontal("started_at", "started_at_b")
                ).dt.total_seconds()
                / 60
            ).alias("_overlap_min")
        )
        .filter(pl.col("_overlap_min") >= rules.concurrent_min_overlap_minutes)
    )
    return (
        pairs.group_by("learner_id", pl.col("started_at_b").dt.date().alias("day"))
        .agg(
            pl.len().alias("_pairs"),
            pl.col("_overlap_min").max().round(0).cast(pl.Int64).alias("_max"),
            pl.col("course_id").append(pl.col("course_id_b")).unique().sort().alias("_c"),
        )
        .sort("learner_id", "day")
        .select(
            pl.lit("E03").alias("rule_code"),
            "learner_id",
            pl.col("learner_id").alias("target"),
            "day",
            pl.format(
                "学员 {} 于 {} 有 {} 对学习会话同时进行（最长重叠 {} 分钟），涉及课程 {}",
                "learner_id",
                pl.col("day").dt.strftime("%Y-%m-%d"),
                "_pairs",
                "_max",
                pl.col("_c").list.join("、"),
            ).alias("evidence"),
        )
    )


def alert_id(rule_code: str, target: str, period: str, period_start: dt.date) -> str:
    key = f"{rule_code}|{target}|{period}|{period_start.isoformat()}"
    return hashlib.sha256(key.encode()).hexdigest()[:24]


def to_alerts(hits: pl.DataFrame, directory: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    """Hits in the common alerts shape; a learner who is a known teacher is placed in the
    teacher's district and institution, anyone else at city level."""
    if hits.is_empty():
        return pl.DataFrame(schema=ALERT_SCHEMA)
    joined = hits.join(directory, on="learner_id", how="left")
    ids = [
        alert_id(r, t, "day", d)
        for r, t, d in joined.select("rule_code", "target", "day").iter_rows()
    ]
    return (
        joined.with_columns(
            pl.Series("alert_id", ids, pl.String),
            pl.col("rule_code").replace_strict(LEVELS, return_dtype=pl.String).alias("level"),
            pl.when(pl.col("institution_id").is_not_null())
            .then(pl.lit("institution"))
            .otherwise(pl.lit("city"))
            .alias("scope"),
            pl.col("district_code").fill_null(CITY_CODE),
            pl.lit(None, pl.String).alias("class_id"),
            pl.lit("day").alias("period"),
            pl.col("day").alias("period_start"),
            pl.lit(now).cast(pl.Datetime("us")).alias("first_seen_at"),
            pl.lit("new").alias("status"),
            pl.lit(None, pl.Float64).alias("risk_score"),
        )
        .select(list(ALERT_SCHEMA))
        .cast(ALERT_SCHEMA)
        .unique("alert_id", keep="first", maintain_order=True)
    )


def detect(
    sessions: pl.DataFrame,
    progress: pl.DataFrame,
    directory: pl.DataFrame,
    now: dt.datetime,
    rules: ElearningRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Every E01-E03 alert the data shows."""
    hits = pl.concat(
        [
            click_through(progress, rules).cast(HIT_SCHEMA),
            over_credit(sessions, progress, rules).cast(HIT_SCHEMA),
            concurrent_sessions(sessions, rules).cast(HIT_SCHEMA),
        ]
    )
    return to_alerts(hits, directory, now)
