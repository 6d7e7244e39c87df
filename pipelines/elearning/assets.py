"""Dagster assets of the e-learning source: thin wrappers around ``build``.

Wire into pipelines/definitions.py: ``ASSETS`` and ``JOBS`` (the resource is the common
``skillwatch``). No ``from __future__ import annotations`` here: Dagster resolves the
config class from the live annotation.
"""

import dataclasses
import datetime as dt

import dagster as dg
from pydantic import Field

from pipelines.asset_keys import silver_key
from pipelines.district_feeds.assets import bronze_key
from pipelines.elearning.build import ALERTS, REMINDERS, SILVER, build
from pipelines.elearning.config import DEFAULT_RULES, ElearningRules
from pipelines.reports.smtp import SmtpConfig
from pipelines.resources import SkillWatchResource

GROUP = "elearning"


_DESCRIPTIONS = {
    "elearning_sessions": "SCORM 1.2 sessions (learner, course, SCO, n-th launch), time credited "
    "as the session's last session_time.",
    "elearning_progress": "Per learner and continuing-education course: learning time, status, "
    "first/last activity, completion.",
    "elearning_compliance": "Required 学时 per learner and year, linked to the district feeds' "
    "teachers (district, institution); feeds W09's compliance view.",
    ALERTS: "E01-E03 implausible-learning alerts in the common alerts shape (insert-only).",
    REMINDERS: "Reminder outbox: learner id, masked contact, channel, e-mail status.",
}


class ElearningConfig(dg.Config):
    """Thresholds of the e-learning rules (defaults: pipelines/elearning/config.py)."""

    required_hours_per_year: float = Field(
        DEFAULT_RULES.required_hours_per_year, description="学时 required per teacher and year"
    )
    click_through_ratio: float = Field(
        DEFAULT_RULES.click_through_ratio,
        description="E01: completion under this share of the course length",
    )
    over_credit_ratio: float = Field(
        DEFAULT_RULES.over_credit_ratio,
        description="E02: time credited above this multiple of the course length",
    )
    concurrent_min_overlap_minutes: float = Field(
        DEFAULT_RULES.concurrent_min_overlap_minutes,
        description="E03: minimum overlap of two sessions of one learner",
    )
    not_started_after_days: int = Field(
        DEFAULT_RULES.not_started_after_days, description="reminder: enrolled, not started after"
    )
    as_of: str = Field(
        "", description="reminders as of this day (YYYY-MM-DD); empty: the day after the data"
    )

    def rules(self) -> ElearningRules:
        names = {f.name for f in dataclasses.fields(ElearningRules)}
        return dataclasses.replace(
            DEFAULT_RULES, **{k: v for k, v in self.model_dump().items() if k in names}
        )


@dg.multi_asset(
    specs=[
        dg.AssetSpec(
            silver_key(name),
            group_name=GROUP,
            description=_DESCRIPTIONS[name],
            kinds={"delta", "polars"},
            deps=[bronze_key(f"elearning_{k}") for k in ("courses", "events", "notifications")]
            + [bronze_key("teachers")],
        )
        for name in (*SILVER, ALERTS, REMINDERS)
    ],
    can_subset=False,
)
def elearning_silver(
    context: dg.AssetExecutionContext, config: ElearningConfig, skillwatch: SkillWatchResource
):
    """Sessions, progress, compliance, alerts and reminders (e-mails sent where an address
    is known and SMTP is configured)."""
    as_of = dt.date.fromisoformat(config.as_of) if config.as_of else None
    summary = build(
        skillwatch.settings(), rules=config.rules(), as_of=as_of, smtp=SmtpConfig.from_env()
    )
    counts = {
        "elearning_sessions": summary.sessions,
        "elearning_progress": summary.learner_courses,
        "elearning_compliance": summary.compliance_rows,
        ALERTS: summary.alerts_new,
        REMINDERS: summary.reminders_new,
    }
    for name, n in counts.items():
        meta = {"rows" if name in SILVER else "rows_new": dg.MetadataValue.int(n)}
        if summary.as_of:
            meta["as_of"] = dg.MetadataValue.text(summary.as_of.isoformat())
        if name == REMINDERS and summary.emails is not None:
            meta["emails"] = dg.MetadataValue.json(summary.emails)
        yield dg.MaterializeResult(asset_key=silver_key(name), metadata=meta)


# its own silver assets only: the bronze e-learning tables come from the shared ingest
# multi-asset, which cannot be subset
elearning_job = dg.define_asset_job(
    "elearning", selection=dg.AssetSelection.assets(elearning_silver)
)

ASSETS = [elearning_silver]
JOBS = [elearning_job]
