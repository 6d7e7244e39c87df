"""Reminder e-mails over the platform's one SMTP path (pipelines.reports.smtp), and the
learners' contact book they need.

The contact book (learner_id, email, phone) is an input the e-learning system hands over;
it is personal data, read in memory only: nothing here logs or returns an address.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from email.message import EmailMessage
from pathlib import Path

import polars as pl

from pipelines.reports.smtp import SendOutcome, SmtpConfig, send_with_retry
from pipelines.settings import Settings

log = logging.getLogger(__name__)

CONTACTS_ENV = "SKILLWATCH_ELEARNING_CONTACTS"
CONTACT_SCHEMA = {"learner_id": pl.String, "email": pl.String, "phone": pl.String}
SUBJECT = "【师资继续教育】学习提醒"

Send = Callable[[EmailMessage, SmtpConfig], SendOutcome]


def contacts_path(settings: Settings) -> Path:
    return settings.elearning_contacts_path  # SKILLWATCH_ELEARNING_CONTACTS


def read_contacts(path: Path) -> pl.DataFrame:
    """The contact book; empty (so: no e-mail, no SMS contact) when there is none."""
    if not path.exists():
        return pl.DataFrame(schema=CONTACT_SCHEMA)
    frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    missing = [c for c in CONTACT_SCHEMA if c not in frame.columns]
    frame = frame.with_columns(pl.lit(None, pl.String).alias(c) for c in missing)
    return frame.select(list(CONTACT_SCHEMA)).unique("learner_id", keep="last")


def send_reminder_emails(
    outbox: pl.DataFrame,
    contacts: pl.DataFrame,
    smtp: SmtpConfig | None,
    now: dt.datetime,
    send: Send = send_with_retry,
) -> pl.DataFrame:
    """Send every pending e-mail reminder; returns the rows with their new status.

    Without SMTP settings the rows stay pending, to go out on a later run that has them
    (the clear address is never parked on disk waiting for it).
    """
    pending = outbox.filter(pl.col("email_status") == "pending")
    if pending.is_empty():
        return pending
    if smtp is None:
        log.warning(
            "SKILLWATCH_SMTP_HOST is not set: %d reminder e-mails stay pending", pending.height
        )
        return pending
    address = dict(contacts.select("learner_id", "email").drop_nulls().iter_rows())
    status, sent_at = [], []
    for learner, message in pending.select("learner_id", "message").iter_rows():
        to = (address.get(learner) or "").strip()
        ok = False
        if to:
            msg = EmailMessage()
            msg["From"], msg["To"], msg["Subject"] = smtp.from_addr, to, SUBJECT
            msg.set_content(message)
            ok = send(msg, smtp).sent
        status.append("sent" if ok else "failed")
        sent_at.append(now if ok else None)
    failed = status.count("failed")
    # counts only: a refusal's text names the recipient
    log.info("reminder e-mails: %d sent, %d failed", len(status) - failed, failed)
    return pending.with_columns(
        pl.Series("email_status", status, pl.String),
        pl.Series("sent_at", sent_at, pl.Datetime("us")),
    )
