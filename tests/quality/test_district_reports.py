"""Each district's data-quality e-mail: its own rows only, masked, sent once, never lost."""

from __future__ import annotations

import email
import email.policy
import io
import shutil
import socket

import openpyxl
import polars as pl
import pytest
from aiosmtpd.controller import Controller

from pipelines.contract import DISTRICTS
from pipelines.lib import delta_io
from pipelines.reports.contacts import CONTACTS_ENV, read_contacts, write_sample_contacts
from pipelines.reports.district_reports import RetryPolicy, outbox_path, send_district_reports
from pipelines.reports.report_log import report_log_path
from pipelines.reports.smtp import SmtpConfig
from pipelines.settings import get_settings

RUN = "runquality1"


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(msg)
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield SmtpConfig(host="127.0.0.1", port=controller.port, tls="none"), inbox
    controller.stop()


@pytest.fixture
def warehouse(validated, tmp_path, monkeypatch):
    """A private copy of the validated warehouse (report logs differ per test)."""
    settings, _, _ = validated
    copy = tmp_path / "wh"
    shutil.copytree(settings.warehouse, copy, ignore=shutil.ignore_patterns("docs", "archive"))
    contacts = write_sample_contacts(tmp_path / "contacts.csv")
    monkeypatch.setenv(CONTACTS_ENV, str(contacts))
    for var in ("HOST", "PORT", "TLS", "USER", "PASSWORD", "FROM"):
        monkeypatch.delenv(f"SKILLWATCH_SMTP_{var}", raising=False)
    return get_settings(copy, settings.landing)


def _parts(msg) -> tuple[str, list[list[list[str]]]]:
    """(all text of the bodies, [sheets of the XLSX attachment as rows of strings])."""
    text = "\n".join(
        part.get_content() for part in msg.walk() if part.get_content_maintype() == "text"
    )
    sheets = []
    for part in msg.iter_attachments():
        book = openpyxl.load_workbook(io.BytesIO(part.get_content()), read_only=True)
        for sheet in book.worksheets:
            rows = [
                ["" if v is None else str(v) for v in row]
                for row in sheet.iter_rows(values_only=True)
            ]
            sheets.append(rows)
    return text, sheets


def test_each_district_receives_only_its_own_rows(warehouse, smtp_server):
    config, inbox = smtp_server
    written = send_district_reports(warehouse, run_id=RUN, smtp=config)
    assert {w["status"] for w in written} == {"sent"}
    assert len(inbox.messages) == 16

    contacts = read_contacts(warehouse.warehouse.parent / "contacts.csv")
    quarantine = delta_io.read(warehouse.quarantine)
    seen = set()
    for msg in inbox.messages:
        district = msg["X-SkillWatch-District"]
        seen.add(district)
        assert msg["To"] == contacts[district][0].email
        text, sheets = _parts(msg)
        assert DISTRICTS[district] in msg["Subject"]
        rows = sheets[0][1:]  # the quarantine sheet, without its header
        assert rows, district
        assert {r[0] for r in rows} == {district}
        assert all(r[3].startswith(f"{district}/") for r in rows)
        mine = quarantine.filter(pl.col("district_code") == district)
        assert sorted((r[3], int(r[4])) for r in rows) == sorted(
            mine.select("file", "row_number").rows()
        )
        # no other district's file, record or class id anywhere in the mail
        blob = text + "\n".join("\t".join(r) for s in sheets for r in s)
        for other in DISTRICTS:
            if other != district:
                assert f"{other}/" not in blob and f"C{other}-" not in blob, (district, other)
        assert "各数据类别" in text and "<svg" in text
    assert seen == set(DISTRICTS)


def test_no_clear_personal_data_in_any_email(warehouse, smtp_server, landing):
    config, inbox = smtp_server
    send_district_reports(warehouse, run_id=RUN, smtp=config)
    secrets = landing.ids | landing.phones | landing.names
    for msg in inbox.messages:
        text, sheets = _parts(msg)
        blob = msg.as_string() + text + "\n".join("\t".join(r) for s in sheets for r in s)
        leaked = [s for s in secrets if s in blob]
        assert not leaked, (msg["X-SkillWatch-District"], leaked[:3])
        # the masked forms are there instead (310***********123X)
        assert "***********" in blob


def test_rerunning_the_report_sends_nothing_twice(warehouse, smtp_server):
    config, inbox = smtp_server
    assert len(send_district_reports(warehouse, run_id=RUN, smtp=config)) == 16
    assert send_district_reports(warehouse, run_id=RUN, smtp=config) == []
    assert len(inbox.messages) == 16
    log = delta_io.read(report_log_path(warehouse))
    assert log.height == 16 and set(log["status"]) == {"sent"}


def test_refused_connection_is_retried_then_kept_in_outbox_and_recorded(warehouse, smtp_server):
    dead = SmtpConfig(host="127.0.0.1", port=_free_port(), tls="none", timeout=2)
    written = send_district_reports(
        warehouse, run_id=RUN, smtp=dead, retry=RetryPolicy(attempts=3, backoff_seconds=0.01)
    )
    assert len(written) == 16
    log = delta_io.read(report_log_path(warehouse))
    assert set(log["status"]) == {"failed"}
    assert set(log["attempts"]) == {3}
    assert all("ConnectionRefused" in e for e in log["error"])
    for district in DISTRICTS:
        saved = outbox_path(warehouse, RUN, district)
        msg = email.message_from_bytes(saved.read_bytes(), policy=email.policy.default)
        assert msg["X-SkillWatch-District"] == district

    # the server is back: the failed reports go out, once
    config, inbox = smtp_server
    resent = send_district_reports(warehouse, run_id=RUN, smtp=config)
    assert {w["status"] for w in resent} == {"sent"} and len(inbox.messages) == 16
    assert set(delta_io.read(report_log_path(warehouse))["attempts"]) == {4}
    assert send_district_reports(warehouse, run_id=RUN, smtp=config) == []
    assert len(inbox.messages) == 16


def test_without_smtp_reports_are_written_to_the_outbox(warehouse):
    written = send_district_reports(warehouse, run_id=RUN)  # no SKILLWATCH_SMTP_HOST
    assert {w["status"] for w in written} == {"outbox"}
    assert len(list((warehouse.warehouse / "outbox" / RUN).glob("*.eml"))) == 16
    assert send_district_reports(warehouse, run_id=RUN) == []


def test_smtp_settings_come_from_the_environment():
    assert SmtpConfig.from_env({}) is None
    config = SmtpConfig.from_env(
        {"SKILLWATCH_SMTP_HOST": "mail.example.gov.cn", "SKILLWATCH_SMTP_TLS": "ssl"}
    )
    assert (config.host, config.port, config.tls) == ("mail.example.gov.cn", 465, "ssl")
    with pytest.raises(ValueError):
        SmtpConfig.from_env({"SKILLWATCH_SMTP_HOST": "h", "SKILLWATCH_SMTP_TLS": "tls1.0"})


def test_sample_contacts_cover_the_16_districts(tmp_path):
    contacts = read_contacts(write_sample_contacts(tmp_path / "c.csv"))
    assert set(contacts) == set(DISTRICTS)
    assert all(c[0].email.endswith("@example.gov.cn") for c in contacts.values())
