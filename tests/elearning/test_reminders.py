"""The reminder list around the yearly deadline, the outbox's masking, and e-mail sending."""

from __future__ import annotations

import datetime as dt
import logging
import socket

import polars as pl
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from pipelines.elearning.config import ElearningRules
from pipelines.elearning.mail import send_reminder_emails
from pipelines.elearning.reminders import outbox, reminder_list
from pipelines.reports.smtp import SmtpConfig

RULES = ElearningRules()  # 72 学时, deadline 31 December, windows 90 and 30 days
DEADLINE = dt.date(2026, 12, 31)
NO_NOTICES = pl.DataFrame(
    schema={"learner_id": pl.String, "kind": pl.String, "sent_at": pl.Datetime("us")}
)
NO_SESSIONS = pl.DataFrame(schema={"learner_id": pl.String, "started_at": pl.Datetime("us")})


def compliance(**credited: float) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "learner_id": list(credited),
            "year": [2026] * len(credited),
            "credited_hours": list(credited.values()),
        },
        schema={"learner_id": pl.String, "year": pl.Int32, "credited_hours": pl.Float64},
    )


def kinds(as_of: dt.date, comp: pl.DataFrame, notices=NO_NOTICES, sessions=NO_SESSIONS) -> dict:
    out = reminder_list(notices, sessions, comp, as_of, RULES)
    return dict(out.select("learner_id", "kind").iter_rows())


@pytest.mark.parametrize(
    ("days_before", "expected"),
    [
        (91, {}),  # before the schedule window: nobody is nudged yet
        (90, {"LOW": "behind_schedule"}),  # MID (60 h) is on schedule (~54 h due by now)
        (31, {"LOW": "behind_schedule", "MID": "behind_schedule"}),
        (30, {"LOW": "year_end", "MID": "year_end"}),
        (0, {"LOW": "year_end", "MID": "year_end"}),
        (-1, {}),  # 1 January: a new year, a new requirement
    ],
)
def test_schedule_reminders_around_the_year_end_deadline(days_before, expected):
    comp = compliance(LOW=10.0, MID=60.0, DONE=72.0)
    as_of = DEADLINE - dt.timedelta(days=days_before)
    assert kinds(as_of, comp) == expected


def test_not_started_fires_on_the_fourteenth_day_and_not_after_a_launch():
    enrolled = dt.datetime(2026, 9, 1, 10, 0)
    notices = pl.DataFrame(
        {"learner_id": ["A", "B"], "kind": ["enrol", "enrol"], "sent_at": [enrolled, enrolled]}
    )
    started = pl.DataFrame({"learner_id": ["B"], "started_at": [enrolled + dt.timedelta(days=3)]})
    comp = compliance(A=0.0, B=0.0)
    assert kinds(dt.date(2026, 9, 14), comp, notices, started) == {}
    assert kinds(dt.date(2026, 9, 15), comp, notices, started) == {"A": "not_started"}


def test_the_same_reminder_keeps_its_identity_within_a_week():
    comp = compliance(LOW=10.0)
    monday, friday, next_monday = dt.date(2026, 12, 7), dt.date(2026, 12, 11), dt.date(2026, 12, 14)
    ids = [
        reminder_list(NO_NOTICES, NO_SESSIONS, comp, d, RULES)["reminder_id"][0]
        for d in (monday, friday, next_monday)
    ]
    assert ids[0] == ids[1] != ids[2]


def test_outbox_carries_a_masked_contact_and_no_clear_one():
    due = reminder_list(NO_NOTICES, NO_SESSIONS, compliance(A=1.0, B=1.0, C=1.0), DEADLINE, RULES)
    contacts = pl.DataFrame(
        {
            "learner_id": ["A", "B", "C"],
            "email": ["zhang.wei@mail.example.com", None, ""],
            "phone": ["13912345678", "13800138000", None],
        }
    )
    box = outbox(due, contacts, dt.datetime(2026, 12, 31, 3, 0)).sort("learner_id")
    assert box["channel"].to_list() == ["email", "sms", "none"]
    assert box["contact_masked"].to_list() == ["z***@mail.example.com", "138****8000", None]
    assert box["email_status"].to_list() == ["pending", "not_applicable", "not_applicable"]
    text = box.write_csv()
    assert "zhang.wei" not in text and "13800138000" not in text and "13912345678" not in text
    assert "尚差71学时" in box["message"][0]


@pytest.fixture
def smtp_server():
    class Inbox(Message):
        def __init__(self):
            super().__init__()
            self.messages = []

        def handle_message(self, message):
            self.messages.append(message)

    handler = Inbox()
    with socket.socket() as probe:  # a free port: aiosmtpd's start-up check cannot use 0
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, SmtpConfig(host="127.0.0.1", port=port, tls="none")
    finally:
        controller.stop()


def test_pending_reminder_emails_go_out_over_smtp_without_logging_the_address(smtp_server, caplog):
    handler, config = smtp_server
    due = reminder_list(NO_NOTICES, NO_SESSIONS, compliance(A=1.0, B=1.0), DEADLINE, RULES)
    contacts = pl.DataFrame(
        {
            "learner_id": ["A", "B"],
            "email": ["a.teacher@mail.example.com", None],
            "phone": [None, "13800138000"],
        }
    )
    box = outbox(due, contacts, dt.datetime(2026, 12, 31, 3, 0))
    now = dt.datetime(2026, 12, 31, 3, 5)
    with caplog.at_level(logging.DEBUG):
        mailed = send_reminder_emails(box, contacts, config, now)
    assert mailed.select("learner_id", "email_status").rows() == [("A", "sent")]
    assert mailed["sent_at"].to_list() == [now]
    assert [m["To"] for m in handler.messages] == ["a.teacher@mail.example.com"]
    # our own log lines (the test server, aiosmtpd's mail.log, logs what it receives)
    ours = [r.getMessage() for r in caplog.records if r.name.startswith("pipelines")]
    assert ours and not any("a.teacher" in line for line in ours)


def test_without_smtp_settings_e_mails_stay_pending():
    due = reminder_list(NO_NOTICES, NO_SESSIONS, compliance(A=1.0), DEADLINE, RULES)
    contacts = pl.DataFrame({"learner_id": ["A"], "email": ["a@mail.example.com"], "phone": [None]})
    box = outbox(due, contacts, dt.datetime(2026, 12, 31, 3, 0))
    assert send_reminder_emails(box, contacts, None, dt.datetime(2026, 12, 31))[
        "email_status"
    ].to_list() == ["pending"]
