"""One e-learning build over the lake: bronze exports in, silver tables and the reminder
outbox out. Thin I/O around the pure functions of scorm, progress, anomalies, reminders.

Silver tables (``<warehouse>/lake/silver/``):
- elearning_sessions, elearning_progress, elearning_compliance: recomputed in full each run
  (a city-year is ~40 k sessions: seconds) and replaced;
- elearning_alerts: new alerts inserted by id; an existing alert, its first_seen_at and the
  status an analyst gave it are left alone;
- elearning_reminders: the outbox, inserted by id (a reminder is due at most once), e-mail
  status updated as mails go out. Each run's new reminders are also exported as CSV to
  ``<warehouse>/outbox/elearning/reminders_<as_of>_<HHMMSS>.csv`` for the e-learning
  system (SMS).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.district_feeds.landing import SHANGHAI
from pipelines.elearning import anomalies, mail, progress, reminders, scorm
from pipelines.elearning.config import DEFAULT_RULES, ElearningRules
from pipelines.elearning.teachers import teacher_directory
from pipelines.lib import delta_io
from pipelines.reports.smtp import SmtpConfig
from pipelines.settings import Settings

log = logging.getLogger(__name__)

SILVER = ("elearning_sessions", "elearning_progress", "elearning_compliance")
ALERTS = "elearning_alerts"
REMINDERS = "elearning_reminders"


def silver(settings: Settings, table: str) -> Path:
    return settings.silver(table)


def outbox_dir(settings: Settings) -> Path:
    return settings.warehouse / "outbox" / "elearning"


@dataclass
class BuildSummary:
    as_of: dt.date | None
    sessions: int = 0
    learner_courses: int = 0
    compliance_rows: int = 0
    alerts_new: int = 0
    reminders_new: int = 0
    emails: dict | None = None


def default_as_of(events: pl.DataFrame, notifications: pl.DataFrame, today: dt.date) -> dt.date:
    """The day after the newest exported data, never later than today: in production the
    two agree (last night's export holds yesterday); on a replay of old exports, reminders
    are what they were then."""
    days = [f[c].max() for f, c in ((events, "ts"), (notifications, "sent_at")) if not f.is_empty()]
    days = [d for d in days if d is not None]
    if not days:
        return today
    return min(max(days).date() + dt.timedelta(days=1), today)


def replace(path: Path, frame: pl.DataFrame) -> None:
    """Overwrite a derived table (a new Delta version: the last one stays readable)."""
    delta_io.replace(path, frame)


def build(
    settings: Settings,
    rules: ElearningRules = DEFAULT_RULES,
    as_of: dt.date | None = None,
    smtp: SmtpConfig | None = None,
    now: dt.datetime | None = None,
    send: mail.Send | None = None,
) -> BuildSummary:
    now = now or dt.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
    events = delta_io.read(settings.bronze("elearning_events"))
    courses = delta_io.read(settings.bronze("elearning_courses"))
    notifications = delta_io.read(settings.bronze("elearning_notifications"))
    if events.is_empty() or courses.is_empty():
        log.info("no e-learning exports ingested yet")
        return BuildSummary(as_of=None)
    as_of = as_of or default_as_of(events, notifications, now.date())
    directory = teacher_directory(delta_io.read(settings.bronze("teachers")))

    sessions = scorm.sessions(events)
    prog = progress.learner_course_progress(sessions, courses, as_of, rules)
    years = list(range(events["ts"].min().year, as_of.year + 1))
    compliance = progress.yearly_compliance(
        prog, sessions, directory.select("learner_id"), years, rules
    ).join(directory, on="learner_id", how="left")
    for name, frame in zip(SILVER, (sessions, prog, compliance), strict=True):
        replace(silver(settings, name), frame)

    alerts = anomalies.detect(sessions, prog, directory, now, rules)
    merged = delta_io.insert_new(silver(settings, ALERTS), alerts, keys=["alert_id"])

    contacts = mail.read_contacts(mail.contacts_path(settings))
    due = reminders.reminder_list(
        notifications if not notifications.is_empty() else _no_notifications(),
        sessions,
        compliance,
        as_of,
        rules,
    )
    new = _new_reminders(settings, reminders.outbox(due, contacts, now))
    delta_io.insert_new(silver(settings, REMINDERS), new, keys=["reminder_id"])
    if not new.is_empty():
        # one file per run that found new reminders: the e-learning system picks up each once
        _export_csv(outbox_dir(settings) / f"reminders_{as_of:%Y%m%d}_{now:%H%M%S}.csv", new)

    # no reminder was ever due: an empty outbox of the outbox's columns, not a shapeless frame
    outbox = delta_io.read(silver(settings, REMINDERS))
    if outbox.is_empty():
        outbox = pl.DataFrame(schema=reminders.OUTBOX_SCHEMA)
    kwargs = {"send": send} if send else {}
    mailed = mail.send_reminder_emails(outbox, contacts, smtp, now, **kwargs)
    if smtp is not None and not mailed.is_empty():
        delta_io.merge(silver(settings, REMINDERS), mailed, keys=["reminder_id"])
    return BuildSummary(
        as_of=as_of,
        sessions=sessions.height,
        learner_courses=prog.height,
        compliance_rows=compliance.height,
        alerts_new=int((merged or {}).get("num_target_rows_inserted", 0)),
        reminders_new=new.height,
        emails=dict(mailed.group_by("email_status").len().iter_rows()) if smtp else None,
    )


def _no_notifications() -> pl.DataFrame:
    return pl.DataFrame(
        schema={"learner_id": pl.String, "kind": pl.String, "sent_at": pl.Datetime("us")}
    )


def _new_reminders(settings: Settings, outbox: pl.DataFrame) -> pl.DataFrame:
    known = delta_io.read(silver(settings, REMINDERS), columns=["reminder_id"])
    if known.is_empty():
        return outbox
    return outbox.join(known, on="reminder_id", how="anti")


def _export_csv(path: Path, frame: pl.DataFrame) -> None:
    """Atomically (write, then rename), so the e-learning system never picks up half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".csv.tmp")
    frame.write_csv(tmp)
    tmp.replace(path)
