"""The reminder list: who the e-learning system (SMS) or the platform (e-mail) should nudge.

- not_started: enrolled (the system's 'enrol' notice) at least N days ago, nothing launched
  since. One reminder per enrolment notice.
- behind_schedule: inside the window before the yearly deadline (but not yet in the year-end
  window), credited 学时 under the pro-rata schedule (required x share of the year gone).
- year_end: inside the last days before the deadline, credited 学时 under the requirement.
Schedule reminders repeat weekly: their identity is (kind, learner, week), so a daily run
adds each at most once a week.

No personal data here: the outbox carries the learner id and a masked contact; the clear
address is looked up only at the moment of sending.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

from pipelines.contract import Pii
from pipelines.elearning.config import DEFAULT_RULES, ElearningRules
from pipelines.lib.pii import mask

REMINDER_SCHEMA = {
    "reminder_id": pl.String,
    "kind": pl.String,  # not_started | behind_schedule | year_end
    "learner_id": pl.String,
    "as_of": pl.Date,
    "anchor": pl.Date,  # the enrolment day, or the Monday of the reminder's week
    "deadline": pl.Date,
    "credited_hours": pl.Float64,
    "required_hours": pl.Float64,
    "message": pl.String,
}
OUTBOX_SCHEMA = {
    **REMINDER_SCHEMA,
    "channel": pl.String,  # email (sent by the platform) | sms (for the e-learning system) | none
    "contact_masked": pl.String,
    "email_status": pl.String,  # pending | sent | failed | not_applicable
    "sent_at": pl.Datetime("us"),
    "created_at": pl.Datetime("us"),
}


def deadline_of(year: int, rules: ElearningRules = DEFAULT_RULES) -> dt.date:
    return dt.date(year, rules.deadline_month, rules.deadline_day)


def reminder_id(kind: str, learner_id: str, anchor: dt.date) -> str:
    return hashlib.sha256(f"{kind}|{learner_id}|{anchor.isoformat()}".encode()).hexdigest()[:24]


def not_started(
    notifications: pl.DataFrame,
    sessions: pl.DataFrame,
    as_of: dt.date,
    rules: ElearningRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Learners whose latest enrolment notice is N+ days old with no session since."""
    enrolled = (
        notifications.filter(pl.col("kind") == "enrol")
        .filter(pl.col("sent_at").dt.date() <= as_of)
        .group_by("learner_id")
        .agg(pl.col("sent_at").max().alias("_enrolled_at"))
    )
    started = sessions.group_by("learner_id").agg(pl.col("started_at").max().alias("_last"))
    due = as_of - dt.timedelta(days=rules.not_started_after_days)
    return (
        enrolled.join(started, on="learner_id", how="left")
        .filter(
            (pl.col("_enrolled_at").dt.date() <= due)
            & (pl.col("_last").is_null() | (pl.col("_last") < pl.col("_enrolled_at")))
        )
        .select(
            pl.lit("not_started").alias("kind"),
            "learner_id",
            pl.col("_enrolled_at").dt.date().alias("anchor"),
        )
    )


def schedule(
    compliance: pl.DataFrame, as_of: dt.date, rules: ElearningRules = DEFAULT_RULES
) -> pl.DataFrame:
    """behind_schedule and year_end reminders from the compliance of as_of's year."""
    deadline = deadline_of(as_of.year, rules)
    days_left = (deadline - as_of).days
    year_start = dt.date(as_of.year, 1, 1)
    share_gone = ((as_of - year_start).days + 1) / ((deadline - year_start).days + 1)
    required = rules.required_hours_per_year
    if 0 <= days_left <= rules.year_end_window_days:
        kind, below = "year_end", required
    elif rules.year_end_window_days < days_left <= rules.behind_schedule_window_days:
        kind, below = "behind_schedule", required * share_gone
    else:
        return pl.DataFrame(schema={"kind": pl.String, "learner_id": pl.String, "anchor": pl.Date})
    week = as_of - dt.timedelta(days=as_of.weekday())
    return compliance.filter(
        (pl.col("year") == as_of.year) & (pl.col("credited_hours") < below)
    ).select(pl.lit(kind).alias("kind"), "learner_id", pl.lit(week).alias("anchor"))


def reminder_list(
    notifications: pl.DataFrame,
    sessions: pl.DataFrame,
    compliance: pl.DataFrame,
    as_of: dt.date,
    rules: ElearningRules = DEFAULT_RULES,
) -> pl.DataFrame:
    """Every reminder due on ``as_of``, with its message (no personal data in it)."""
    due = pl.concat(
        [
            not_started(notifications, sessions, as_of, rules),
            schedule(compliance, as_of, rules),
        ]
    )
    credited = compliance.filter(pl.col("year") == as_of.year).select(
        "learner_id", "credited_hours"
    )
    deadline = deadline_of(as_of.year, rules)
    out = due.join(credited, on="learner_id", how="left").with_columns(
        pl.col("credited_hours").fill_null(0.0),
        pl.lit(rules.required_hours_per_year).alias("required_hours"),
        pl.lit(as_of).alias("as_of"),
        pl.lit(deadline).alias("deadline"),
    )
    ids = [
        reminder_id(k, lr, a) for k, lr, a in out.select("kind", "learner_id", "anchor").iter_rows()
    ]
    texts = {
        "not_started": "【师资继续教育】您报名的课程尚未开始学习，请尽快登录平台学习。",
        "behind_schedule": "【师资继续教育】您本年度已获{c}学时，进度落后于年度{r}学时要求，"
        "请于{d}前完成。",
        "year_end": "【师资继续教育】您本年度已获{c}学时，距年度{r}学时要求尚差{s}学时，"
        "截止日期{d}，请尽快完成。",
    }
    messages = [
        texts[k].format(c=f"{c:g}", r=f"{r:g}", s=f"{max(r - c, 0):g}", d=deadline.isoformat())
        for k, c, r in out.select("kind", "credited_hours", "required_hours").iter_rows()
    ]
    return (
        out.with_columns(
            pl.Series("reminder_id", ids, pl.String), pl.Series("message", messages, pl.String)
        )
        .select(list(REMINDER_SCHEMA))
        .cast(REMINDER_SCHEMA)
        .sort("kind", "learner_id")
    )


def mask_email(address: str) -> str:
    """z***@example.com: enough for a person to recognise their own address."""
    local, _, domain = address.strip().partition("@")
    return (local[:1] + "***@" + domain) if domain else mask(Pii.NAME, address)


def outbox(reminders: pl.DataFrame, contacts: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    """Reminders with their channel and masked contact; e-mail where an address is known,
    else SMS where a mobile is known. ``contacts`` (learner_id, email, phone) is read in
    memory only and none of its clear values leave this function."""
    known = contacts.select(
        "learner_id",
        pl.col("email").cast(pl.String).str.strip_chars().replace("", None).alias("_email"),
        pl.col("phone").cast(pl.String).str.strip_chars().replace("", None).alias("_phone"),
    )
    joined = reminders.join(known, on="learner_id", how="left")
    masked = [
        mask_email(e) if e else mask(Pii.PHONE, p) if p else None
        for e, p in joined.select("_email", "_phone").iter_rows()
    ]
    return (
        joined.with_columns(
            pl.when(pl.col("_email").is_not_null())
            .then(pl.lit("email"))
            .when(pl.col("_phone").is_not_null())
            .then(pl.lit("sms"))
            .otherwise(pl.lit("none"))
            .alias("channel"),
            pl.Series("contact_masked", masked, pl.String),
            pl.lit(now).cast(pl.Datetime("us")).alias("created_at"),
            pl.lit(None, pl.Datetime("us")).alias("sent_at"),
        )
        .with_columns(
            pl.when(pl.col("channel") == "email")
            .then(pl.lit("pending"))
            .otherwise(pl.lit("not_applicable"))
            .alias("email_status")
        )
        .select(list(OUTBOX_SCHEMA))
        .cast(OUTBOX_SCHEMA)
    )
