"""The alert register and the analysts' actions: Delta tables that outlive every rebuild.

The DuckDB build database is disposable; these two tables are the source of truth for what
an alert has been through:

- ``<warehouse>/lake/alert_register``: one row per alert ever raised (alert_id, what it is,
  first_seen_at, last_seen_at, cause_present). MERGEd after each build from the build's
  candidates: an alert seen again keeps its first_seen_at; one whose cause is gone (a
  corrected delivery) gets ``cause_present = false`` and is never deleted.
- ``<warehouse>/lake/alert_actions``: append-only; every status change with who, when and a
  note. The status of an alert is its latest action ('new' without one). The register's
  update appends 'system' actions: resolved when the cause disappears, new when it returns
  after such a system resolution.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

import polars as pl

from pipelines.contract.published import ALERT_SCHEMA
from pipelines.lib import delta_io, lake
from pipelines.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
TS = pl.Datetime("us")
STATUSES = ("new", "acknowledged", "resolved", "dismissed")
# what an analyst may do from each status; resolved and dismissed are final for analysts
TRANSITIONS = {
    "new": {"acknowledged", "resolved", "dismissed"},
    "acknowledged": {"resolved", "dismissed"},
    "resolved": set(),
    "dismissed": set(),
}
SYSTEM = "system"
CAUSE_GONE = "cause no longer present in data"
CAUSE_BACK = "cause present again in data"

# the alert's identity and evidence as published (contract), then its life in the register
REGISTER_SCHEMA = {
    **{c: t for c, t in ALERT_SCHEMA.items() if c not in ("first_seen_at", "status", "risk_score")},
    "first_seen_at": TS,
    "last_seen_at": TS,
    "cause_present": pl.Boolean,
    "updated_at": TS,
}
ACTIONS_SCHEMA = {
    "action_id": pl.String,
    "alert_id": pl.String,
    "status": pl.String,
    "actor": pl.String,
    "acted_at": TS,
    "note": pl.String,
    "source": pl.String,  # analyst | system
}


class TransitionError(ValueError):
    """An action the alert's current status does not allow, or an unknown alert."""


def register_path(settings: Settings) -> Path:
    return lake.path(settings, "alert_register")


def actions_path(settings: Settings) -> Path:
    return lake.path(settings, "alert_actions")


def candidates_path(settings: Settings) -> Path:
    """Written by the dbt model alert_candidates (post-hook) at the end of each build."""
    return settings.warehouse / "build" / "alert_candidates.parquet"


def now_local() -> dt.datetime:
    """Asia/Shanghai wall time, naive, like every timestamp in the lake."""
    return dt.datetime.now(SHANGHAI).replace(tzinfo=None)


def read_register(settings: Settings) -> pl.DataFrame:
    frame = delta_io.read(register_path(settings))
    return frame if not frame.is_empty() else pl.DataFrame(schema=REGISTER_SCHEMA)


def read_actions(settings: Settings) -> pl.DataFrame:
    frame = delta_io.read(actions_path(settings))
    return frame if not frame.is_empty() else pl.DataFrame(schema=ACTIONS_SCHEMA)


def latest_actions(actions: pl.DataFrame) -> pl.DataFrame:
    """The latest action per alert (its current status)."""
    return actions.sort("acted_at", "action_id").group_by("alert_id", maintain_order=True).last()


def _append_actions(settings: Settings, rows: list[dict]) -> None:
    if not rows:
        return
    delta_io.append(actions_path(settings), pl.DataFrame(rows, schema=ACTIONS_SCHEMA))


def _action(alert_id: str, status: str, actor: str, note: str, source: str, at) -> dict:
    return {
        "action_id": uuid.uuid4().hex,
        "alert_id": alert_id,
        "status": status,
        "actor": actor,
        "acted_at": at,
        "note": note,
        "source": source,
    }


def update_register(
    settings: Settings, candidates: pl.DataFrame, now: dt.datetime | None = None
) -> dict[str, int]:
    """MERGE this build's candidate alerts into the register; mark vanished causes.

    ``candidates``: the alert_candidates mart (alert_id ... evidence, built_at). A new alert's
    first_seen_at is the build's start (built_at), the value the alerts mart already showed.
    """
    now = now or now_local()
    before = read_register(settings)
    cols = [c for c in REGISTER_SCHEMA if c not in ("first_seen_at", "last_seen_at",
                                                    "cause_present", "updated_at")]  # fmt: skip
    built = candidates["built_at"].cast(TS) if "built_at" in candidates.columns else None
    incoming = candidates.select(
        [pl.col(c).cast(REGISTER_SCHEMA[c]) for c in cols]
    ).with_columns(
        (built if built is not None else pl.lit(now, TS)).alias("first_seen_at"),
        pl.lit(now, TS).alias("last_seen_at"),
        pl.lit(True).alias("cause_present"),
        pl.lit(now, TS).alias("updated_at"),
    ).unique("alert_id", keep="first")  # fmt: skip
    path = register_path(settings)
    if not delta_io.exists(path):
        delta_io.append(path, incoming)
    elif incoming.is_empty():
        # nothing raised at all (e.g. every cause corrected): only mark what is gone
        delta_io.update_where(
            path,
            predicate="cause_present = true",
            updates={"cause_present": "false", "updated_at": f"'{now.isoformat(sep=' ')}'"},
        )
    else:
        (
            delta_io.merger(path, incoming, keys=["alert_id"])
            .when_matched_update(
                updates={
                    "level": "s.level",
                    "evidence": "s.evidence",
                    "last_seen_at": "s.last_seen_at",
                    "cause_present": "true",
                    "updated_at": "s.updated_at",
                }
            )
            .when_not_matched_insert_all()
            .when_not_matched_by_source_update(
                predicate="t.cause_present = true",
                updates={"cause_present": "false", "updated_at": f"'{now.isoformat(sep=' ')}'"},
            )
            .execute()
        )
    present = set(incoming["alert_id"])
    was = dict(before.select("alert_id", "cause_present").iter_rows())
    gone = [a for a, p in was.items() if p and a not in present]
    back = [a for a, p in was.items() if not p and a in present]
    latest = latest_actions(read_actions(settings))
    status = dict(latest.select("alert_id", "status").iter_rows())
    source = dict(latest.select("alert_id", "source").iter_rows())
    rows = [
        _action(a, "resolved", SYSTEM, CAUSE_GONE, SYSTEM, now)
        for a in gone
        if status.get(a, "new") in ("new", "acknowledged")
    ]
    rows += [
        _action(a, "new", SYSTEM, CAUSE_BACK, SYSTEM, now)
        for a in back
        if status.get(a) == "resolved" and source.get(a) == SYSTEM
    ]
    _append_actions(settings, rows)
    return {
        "candidates": incoming.height,
        "new": len(present - set(was)),
        "seen_again": len(present & set(was)),
        "cause_gone": len(gone),
        "cause_back": len(back),
        "system_actions": len(rows),
    }


def _known_alert(settings: Settings, alert_id: str) -> bool:
    register = read_register(settings)
    if alert_id in set(register["alert_id"]):
        return True
    elearning = delta_io.read(settings.silver("elearning_alerts"), columns=["alert_id"])
    return not elearning.is_empty() and alert_id in set(elearning["alert_id"])


def status_of(settings: Settings, alert_id: str) -> str:
    latest = latest_actions(read_actions(settings).filter(pl.col("alert_id") == alert_id))
    return latest["status"][0] if latest.height else "new"


def record_action(settings: Settings, alert_id: str, status: str, who: str, note: str = "") -> dict:
    """Append an analyst's action after checking the transition from the current status."""
    if status not in STATUSES:
        raise TransitionError(f"unknown status {status!r}; one of {', '.join(STATUSES)}")
    if not who or not who.strip():
        raise TransitionError("who must name the analyst")
    if not _known_alert(settings, alert_id):
        raise TransitionError(f"no alert {alert_id} in the register")
    current = status_of(settings, alert_id)
    if status not in TRANSITIONS[current]:
        raise TransitionError(f"alert {alert_id} is {current}: cannot become {status}")
    row = _action(alert_id, status, who.strip(), note, "analyst", now_local())
    _append_actions(settings, [row])
    return row


def acknowledge(settings: Settings, alert_id: str, who: str, note: str = "") -> dict:
    return record_action(settings, alert_id, "acknowledged", who, note)


def resolve(settings: Settings, alert_id: str, who: str, note: str = "") -> dict:
    return record_action(settings, alert_id, "resolved", who, note)


def dismiss(settings: Settings, alert_id: str, who: str, note: str = "") -> dict:
    return record_action(settings, alert_id, "dismissed", who, note)


def alerts_with_status(settings: Settings) -> pl.DataFrame:
    """The register with each alert's current status (from Delta only, no DuckDB)."""
    register = read_register(settings)
    latest = latest_actions(read_actions(settings)).select(
        "alert_id", "status", pl.col("actor").alias("status_by"),
        pl.col("acted_at").alias("status_at"), pl.col("note").alias("status_note"),
    )  # fmt: skip
    return register.join(latest, on="alert_id", how="left").with_columns(
        pl.when(pl.col("status").is_not_null())
        .then(pl.col("status"))
        .when(pl.col("cause_present"))
        .then(pl.lit("new"))
        .otherwise(pl.lit("resolved"))
        .alias("status")
    )
