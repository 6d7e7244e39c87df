"""The app's audit log: an append-only Delta table of who did what, when.

``<warehouse>/lake/audit/app_events``: logins (and refused ones), logouts, views of personal
data (masked check-in lists, quarantined rows), plays, downloads, exports and alert actions,
each with the user, role, district, what was touched, the filters and the row count. Rows are
only ever appended; nothing in the app reads it back except the tests and the auditors.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

import polars as pl

from pipelines.lib import delta_io
from pipelines.settings import Settings

EVENTS = (
    "login", "login_refused", "logout", "timeout", "view_personal", "play", "download",
    "export", "alert_action", "spotcheck_draw", "spotcheck_result",
)  # fmt: skip
SCHEMA = {
    "event_id": pl.String,
    "event_at": pl.Datetime("us"),
    "event": pl.String,
    "user": pl.String,
    "role": pl.String,
    "district_code": pl.String,
    "what": pl.String,
    "filters": pl.String,  # JSON
    "rows": pl.Int64,
    "detail": pl.String,
}


def audit_path(settings: Settings) -> Path:
    return settings.lake / "audit" / "app_events"


def log_event(
    settings: Settings,
    event: str,
    *,
    user: str = "",
    role: str = "",
    district_code: str | None = None,
    what: str = "",
    filters: dict | None = None,
    rows: int | None = None,
    detail: str = "",
) -> dict:
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    row = {
        "event_id": uuid.uuid4().hex,
        "event_at": dt.datetime.now(),
        "event": event,
        "user": user,
        "role": role,
        "district_code": district_code,
        "what": what,
        "filters": json.dumps(filters or {}, ensure_ascii=False, sort_keys=True, default=str),
        "rows": rows,
        "detail": detail,
    }
    delta_io.append(audit_path(settings), pl.DataFrame([row], schema=SCHEMA))
    return row


def read_events(settings: Settings) -> pl.DataFrame:
    frame = delta_io.read(audit_path(settings))
    return frame if not frame.is_empty() else pl.DataFrame(schema=SCHEMA)
