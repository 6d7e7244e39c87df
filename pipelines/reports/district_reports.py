"""Send each district its data-quality report for a run: once, retried, never lost.

For every district with a contact: build the report from the lake (its rows only), then
send it over SMTP (bounded retries with backoff) or, with no SMTP configured, write it to
``<warehouse>/outbox/<run_id>/<district>.eml``. A failed send is written to the outbox too
and recorded as ``failed``; the next run for the same run id retries it. A district whose
report is ``sent`` or ``outbox`` for the run is skipped: re-running sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import polars as pl

from expectations.validate import dq_results_path
from pipelines.district_feeds.landing import SHANGHAI
from pipelines.lib import delta_io
from pipelines.reports import report_log
from pipelines.reports.contacts import Contact, contacts_path, read_contacts
from pipelines.reports.district_summary import build_district_report
from pipelines.reports.render import build_message
from pipelines.reports.smtp import DEFAULT_FROM, SmtpConfig, send, send_with_retry
from pipelines.settings import Settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 3
    backoff_seconds: float = 2.0


def outbox_path(settings: Settings, run_id: str, district: str) -> Path:
    return settings.warehouse / "outbox" / run_id / f"{district}.eml"


def write_outbox(msg: EmailMessage, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".eml.tmp")
    tmp.write_bytes(msg.as_bytes())
    tmp.replace(path)
    return path


def latest_run_id(register: pl.DataFrame) -> str | None:
    if register.is_empty():
        return None
    return register.sort("ingested_at")["run_id"][-1]


def send_district_reports(
    settings: Settings,
    run_id: str | None = None,
    smtp: SmtpConfig | None = None,
    contacts: dict[str, list[Contact]] | None = None,
    retry: RetryPolicy = RetryPolicy(),
    sender=send,
    use_env_smtp: bool = True,
) -> list[dict]:
    """Report ``run_id`` (default: the latest ingest run) to every district with a contact.
    Returns the report-log rows written by this call (nothing for districts already done)."""
    register = delta_io.read(settings.deliveries)
    run_id = run_id or latest_run_id(register)
    if run_id is None:
        log.info("no deliveries registered: no reports")
        return []
    if smtp is None and use_env_smtp:
        smtp = SmtpConfig.from_env()
    contacts = read_contacts(contacts_path(settings)) if contacts is None else contacts
    dq = delta_io.read(dq_results_path(settings))
    quarantine = delta_io.read(
        settings.quarantine,
        columns=[
            "district_code",
            "feed",
            "file",
            "sha256",
            "row_number",
            "reason_codes",
            "reason_detail",
            "original_values",  # masked; original_encrypted is never read here
            "delivered_at",
        ],
    )
    done = report_log.read_log(settings, run_id)
    written: list[dict] = []
    for district in sorted(contacts):
        previous = done.get(district)
        if previous and previous["status"] in report_log.DONE:
            continue
        report = build_district_report(district, run_id, register, dq, quarantine)
        now = dt.datetime.now(SHANGHAI).replace(tzinfo=None, microsecond=0)
        msg = build_message(
            report, contacts[district], smtp.from_addr if smtp else DEFAULT_FROM, now
        )
        entry = {
            "run_id": run_id,
            "district_code": district,
            "recipients": msg["To"],
            "subject": msg["Subject"],
            "message_id": msg["Message-ID"],
            "deliveries": report.files.height,
            "rows_failed_attached": report.quarantine.height,
            "updated_at": now,
            "error": None,
            "outbox_path": None,
        }
        attempts_before = previous["attempts"] if previous else 0
        if smtp is None:
            path = write_outbox(msg, outbox_path(settings, run_id, district))
            entry |= {
                "status": report_log.OUTBOX,
                "attempts": attempts_before,
                "outbox_path": str(path),
            }
        else:
            outcome = send_with_retry(
                msg,
                smtp,
                attempts=retry.attempts,
                backoff_seconds=retry.backoff_seconds,
                sender=sender,
            )
            entry["attempts"] = attempts_before + outcome.attempts
            if outcome.sent:
                entry["status"] = report_log.SENT
            else:
                # never lost: the message waits in the outbox and the next run retries
                path = write_outbox(msg, outbox_path(settings, run_id, district))
                entry |= {
                    "status": report_log.FAILED,
                    "error": outcome.error,
                    "outbox_path": str(path),
                }
                log.warning(
                    "report for %s not sent after %s attempts: %s",
                    district,
                    outcome.attempts,
                    outcome.error,
                )
        report_log.record(settings, entry)
        written.append(entry)
    return written
