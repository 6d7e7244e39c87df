"""Where each learner stands: per learner and course, and per teacher and year.

Pure polars over SCORM sessions (``scorm.sessions``) and the bronze courses. The e-learning
export has no enrolment records (see the report on contract gaps), so a learner's course is
known from its first activity, and a course's SCOs are every SCO any learner has launched.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.elearning.config import DEFAULT_RULES, ElearningRules

PROGRESS_SCHEMA = {
    "learner_id": pl.String,
    "course_id": pl.String,
    "course_hours": pl.Float64,
    "course_seconds": pl.Float64,
    "scos_total": pl.UInt32,
    "scos_started": pl.UInt32,
    "scos_completed": pl.UInt32,
    "sessions": pl.UInt32,
    "launches": pl.UInt32,
    "learning_seconds": pl.Float64,
    # learning time of the sessions up to the completing one: what the completion cost
    "seconds_to_complete": pl.Float64,
    "first_activity_at": pl.Datetime("us"),
    "last_activity_at": pl.Datetime("us"),
    "completed": pl.Boolean,
    "completed_at": pl.Datetime("us"),
    "days_to_complete": pl.Float64,
    "score_raw": pl.Float64,
    "status": pl.String,  # completed | in_progress | dropped_off
}

COMPLIANCE_SCHEMA = {
    "learner_id": pl.String,
    "year": pl.Int32,
    "courses_started": pl.UInt32,
    "courses_completed": pl.UInt32,
    "credited_hours": pl.Float64,  # 学时 of the courses completed in the year
    "learning_hours": pl.Float64,  # time spent, by session start
    "required_hours": pl.Float64,
    "met": pl.Boolean,
    "shortfall_hours": pl.Float64,
}


def course_scos(sessions: pl.DataFrame, courses: pl.DataFrame) -> pl.DataFrame:
    """How many SCOs each course has: the package's declared ``sco_count`` where the courses
    export carries it, otherwise every SCO any learner has launched.

    The inference is only as good as the history: a new multi-SCO course whose learners have
    all stalled in the first SCO looks like a one-SCO course, and its stallers would look
    complete (and, being quick, like click-throughs). The contract should carry the count
    from the package manifest (imsmanifest.xml); see the report on contract gaps.
    """
    seen = sessions.group_by("course_id").agg(
        pl.col("sco_id").n_unique().cast(pl.UInt32).alias("_seen")
    )
    if "sco_count" not in courses.columns:
        return seen.rename({"_seen": "scos_total"})
    declared = courses.select("course_id", pl.col("sco_count").cast(pl.UInt32))
    return seen.join(declared, on="course_id", how="left").select(
        "course_id", pl.max_horizontal("sco_count", "_seen").alias("scos_total")
    )


def learner_course_progress(
    sessions: pl.DataFrame,
    courses: pl.DataFrame,
    as_of: dt.date,
    rules: ElearningRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """One row per learner and continuing-education course the learner has touched."""
    if sessions.is_empty():
        return pl.DataFrame(schema=PROGRESS_SCHEMA)
    course_len = courses.filter(~pl.col("public")).select(
        "course_id",
        pl.col("hours").alias("course_hours"),
        (pl.col("hours") * rules.seconds_per_hour).alias("course_seconds"),
    )
    scos_total = course_scos(sessions, courses)
    per_sco = sessions.group_by("learner_id", "course_id", "sco_id").agg(
        pl.col("completed_at").min().alias("sco_completed_at")
    )
    sco_stats = per_sco.group_by("learner_id", "course_id").agg(
        pl.len().cast(pl.UInt32).alias("scos_started"),
        pl.col("sco_completed_at").is_not_null().sum().cast(pl.UInt32).alias("scos_completed"),
        pl.col("sco_completed_at").max().alias("_last_sco_completed_at"),
    )
    per_course = (
        sessions.sort("started_at")
        .group_by("learner_id", "course_id")
        .agg(
            pl.len().cast(pl.UInt32).alias("sessions"),
            pl.col("launched").sum().cast(pl.UInt32).alias("launches"),
            pl.col("session_seconds").sum().alias("learning_seconds"),
            pl.col("started_at").min().alias("first_activity_at"),
            pl.col("ended_at").max().alias("last_activity_at"),
            pl.col("score_raw").drop_nulls().last().alias("score_raw"),
        )
    )
    progress = (
        per_course.join(sco_stats, on=["learner_id", "course_id"])
        .join(scos_total, on="course_id")
        # public video courses are counted from plays, not here
        .join(course_len, on="course_id", how="inner")
        .with_columns((pl.col("scos_completed") >= pl.col("scos_total")).alias("completed"))
        .with_columns(pl.when("completed").then("_last_sco_completed_at").alias("completed_at"))
    )
    keys = ["learner_id", "course_id"]
    until_completion = (
        sessions.join(progress.select(*keys, pl.col("completed_at").alias("_done")), on=keys)
        .filter(pl.col("started_at") <= pl.col("_done"))
        .group_by(keys)
        .agg(pl.col("session_seconds").sum().alias("seconds_to_complete"))
    )
    idle_days = (pl.lit(as_of) - pl.col("last_activity_at").dt.date()).dt.total_days()
    return (
        progress.join(until_completion, on=keys, how="left")
        .with_columns(
            (
                (pl.col("completed_at") - pl.col("first_activity_at")).dt.total_seconds() / 86400.0
            ).alias("days_to_complete"),
            pl.when("completed")
            .then(pl.lit("completed"))
            .when(idle_days > rules.drop_off_after_days)
            .then(pl.lit("dropped_off"))
            .otherwise(pl.lit("in_progress"))
            .alias("status"),
        )
        .select(list(PROGRESS_SCHEMA))
        .cast(PROGRESS_SCHEMA)
        .sort(keys)
    )


def yearly_compliance(
    progress: pl.DataFrame,
    sessions: pl.DataFrame,
    learners: pl.DataFrame,
    years: list[int],
    rules: ElearningRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Required-hours compliance per learner and calendar year.

    ``learners`` (column learner_id) lists who is held to the requirement even without any
    activity — every teacher of the district feeds — so that a teacher who never logged in
    shows as not compliant rather than missing.
    """
    completed = (
        progress.filter("completed")
        .group_by("learner_id", pl.col("completed_at").dt.year().cast(pl.Int32).alias("year"))
        .agg(
            pl.len().cast(pl.UInt32).alias("courses_completed"),
            pl.col("course_hours").sum().alias("credited_hours"),
        )
    )
    ce_courses = progress.select("course_id").unique()
    spent = (
        sessions.join(ce_courses, on="course_id", how="semi")
        .group_by("learner_id", pl.col("started_at").dt.year().cast(pl.Int32).alias("year"))
        .agg(
            pl.col("course_id").n_unique().cast(pl.UInt32).alias("courses_started"),
            (pl.col("session_seconds").sum() / rules.seconds_per_hour).alias("learning_hours"),
        )
    )
    everyone = (
        pl.concat([learners.select("learner_id"), progress.select("learner_id")])
        .unique()
        .join(pl.DataFrame({"year": years}, schema={"year": pl.Int32}), how="cross")
    )
    required = rules.required_hours_per_year
    return (
        everyone.join(completed, on=["learner_id", "year"], how="left")
        .join(spent, on=["learner_id", "year"], how="left")
        .with_columns(
            pl.col("courses_started", "courses_completed").fill_null(0),
            pl.col("credited_hours", "learning_hours").fill_null(0.0),
            pl.lit(required, pl.Float64).alias("required_hours"),
        )
        .with_columns(
            (pl.col("credited_hours") >= required).alias("met"),
            (required - pl.col("credited_hours")).clip(lower_bound=0.0).alias("shortfall_hours"),
        )
        .select(list(COMPLIANCE_SCHEMA))
        .cast(COMPLIANCE_SCHEMA)
        .sort("learner_id", "year")
    )
