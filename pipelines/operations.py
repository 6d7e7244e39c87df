"""Operations: retries for transient faults, source freshness, run-failure notification.

- **Retries**: ``TRANSIENT_RETRY`` (Dagster ``RetryPolicy``, exponential backoff with
  jitter) is set on the assets that meet transient faults: the district reports (an SMTP
  server down: failed sends stay in the outbox and the report log, ``raise_if_unsent`` fails
  the step so Dagster tries again, and the retry sends only what is still unsent). The
  bronze ingest retries through ``retry_transient`` instead, on transient faults only (a
  Delta commit conflict, a held file lock; ingest is idempotent): a deterministic error
  there would only cost three more full reads of the landing.
- **Freshness**: Dagster's own freshness checks measure when an *asset* was last
  materialised; a daily run materialises bronze even when one district has stopped
  delivering, so they cannot see that. ``source_freshness`` measures when each *source* last
  delivered, from the delivery register: every district (all 16, a district that never
  delivered included) and each city-level source (camera heartbeats, e-learning platform,
  operations desk). The asset check ``sources_fresh`` on the delivery register warns, naming
  each source older than ``SKILLWATCH_FRESHNESS_HOURS`` (default 24 + 6 h of grace for the
  nightly export): a district that stops delivering shows on the first run a day later.
- **Run failure**: ``notify_operators_on_run_failure`` (a Dagster run-failure sensor) and
  ``skillwatch run`` both mail ``SKILLWATCH_OPERATORS_EMAIL`` through the reports' SMTP
  module (``pipelines/reports/smtp.py``), or write the message to ``outbox/operators/`` when
  no SMTP host is configured. Error text is masked (``mask_free_text``): an exception may
  quote a delivered value.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import TypeVar

import dagster as dg
import polars as pl

from pipelines.resources import SkillWatchResource

log = logging.getLogger(__name__)
T = TypeVar("T")

OPERATORS_ENV = "SKILLWATCH_OPERATORS_EMAIL"
FRESHNESS_ENV = "SKILLWATCH_FRESHNESS_HOURS"
DEFAULT_MAX_AGE = dt.timedelta(hours=30)

# 15 s, 30 s, 60 s (+-jitter): long enough for an SMTP restart or a lock to clear, short
# enough that a CLI run does not stall for long on a real outage
TRANSIENT_RETRY = dg.RetryPolicy(
    max_retries=3, delay=15, backoff=dg.Backoff.EXPONENTIAL, jitter=dg.Jitter.PLUS_MINUS
)


class TransientFault(Exception):
    """A fault worth retrying (the work done so far is kept; the retry does the rest)."""


def transient_errors() -> tuple[type[BaseException], ...]:
    """Faults that clear by themselves: a Delta commit that lost a race, a file lock held by
    another process, an SMTP server or network briefly away."""
    import smtplib

    from deltalake.exceptions import CommitFailedError
    from filelock import Timeout as LockTimeout

    return (
        TransientFault,
        CommitFailedError,
        LockTimeout,
        BlockingIOError,
        smtplib.SMTPException,
        ConnectionError,
        TimeoutError,
    )


def retry_transient(context, work: Callable[[], T]) -> T:
    """``work()``, with a transient fault turned into a Dagster retry (backoff as
    ``TRANSIENT_RETRY``: 15 s, 30 s, 60 s). Any other error fails the step at once: a
    deterministic fault (a bug, a full disk) gains nothing from three more runs."""
    try:
        return work()
    except transient_errors() as exc:
        attempt = getattr(context, "retry_number", 0)
        wait = TRANSIENT_RETRY.delay * (2**attempt)
        context.log.warning(
            f"transient fault ({type(exc).__name__}), retry {attempt + 1} of "
            f"{TRANSIENT_RETRY.max_retries} in {wait:g} s"
        )
        raise dg.RetryRequested(
            max_retries=TRANSIENT_RETRY.max_retries, seconds_to_wait=wait
        ) from exc


def raise_if_unsent(rows: Iterable[dict], status_key: str = "status") -> None:
    """Fail the step (so ``TRANSIENT_RETRY`` retries it) when any message failed to send."""
    failed = [r for r in rows if r.get(status_key) == "failed"]
    if failed:
        raise TransientFault(
            f"{len(failed)} e-mails not sent (kept in the outbox, retried): "
            + ", ".join(sorted({str(r.get("district_code", "?")) for r in failed}))
        )


# --- freshness ----------------------------------------------------------------------------
def max_age(settings) -> dt.timedelta:
    hours = getattr(settings, "freshness_hours", None)
    return dt.timedelta(hours=float(hours)) if hours else DEFAULT_MAX_AGE


def source_freshness(
    register: pl.DataFrame,
    now: dt.datetime,
    limit: dt.timedelta = DEFAULT_MAX_AGE,
    districts: Iterable[str] | None = None,
) -> pl.DataFrame:
    """One row per source: ``source`` (``district:310104``, ``camera``, ``elearning``,
    ``operations``), ``last_delivered_at`` (null: never), ``age_hours`` and ``stale``.

    A district's freshness counts its district feeds only (a camera heartbeat filed under
    the district says nothing about its office's exports). Every expected district has a
    row, delivered or not."""
    from pipelines.contract import ALL_FEEDS, DISTRICTS

    expected = sorted(DISTRICTS if districts is None else districts)
    source_of = {name: feed.source for name, feed in ALL_FEEDS.items()}
    reg = (
        register.select("district_code", "feed", "delivered_at")
        if not register.is_empty()
        else pl.DataFrame(
            schema={"district_code": pl.String, "feed": pl.String, "delivered_at": pl.Datetime}
        )
    ).with_columns(pl.col("feed").replace_strict(source_of, default="district").alias("kind"))
    by_district = (
        reg.filter(pl.col("kind") == "district")
        .group_by("district_code")
        .agg(pl.col("delivered_at").max().alias("last_delivered_at"))
    )
    districts_frame = (
        pl.DataFrame({"district_code": expected}, schema={"district_code": pl.String})
        .join(by_district, on="district_code", how="left")
        .select(
            ("district:" + pl.col("district_code")).alias("source"),
            pl.col("last_delivered_at").cast(pl.Datetime("us")),
        )
    )
    city = (
        reg.filter(pl.col("kind") != "district")
        .group_by("kind")
        .agg(pl.col("delivered_at").max().cast(pl.Datetime("us")).alias("last_delivered_at"))
        .select(pl.col("kind").alias("source"), "last_delivered_at")
    )
    now_us = pl.lit(now.replace(tzinfo=None)).cast(pl.Datetime("us"))
    return (
        pl.concat([districts_frame, city])
        .with_columns(
            ((now_us - pl.col("last_delivered_at")).dt.total_seconds() / 3600)
            .round(1)
            .alias("age_hours")
        )
        .with_columns(
            (
                pl.col("last_delivered_at").is_null()
                | (pl.col("age_hours") > limit.total_seconds() / 3600)
            ).alias("stale")
        )
        .sort("source")
    )


def _now_local() -> dt.datetime:
    from pipelines.district_feeds.landing import SHANGHAI

    return dt.datetime.now(SHANGHAI).replace(tzinfo=None)


def _register_key() -> dg.AssetKey:
    from pipelines.district_feeds.assets import DELIVERIES

    return DELIVERIES


def freshness_check_result(settings, now: dt.datetime | None = None) -> dg.AssetCheckResult:
    from pipelines.lib import delta_io

    limit = max_age(settings)
    fresh = source_freshness(delta_io.read(settings.deliveries), now or _now_local(), limit)
    stale = fresh.filter(pl.col("stale"))
    listed = [
        f"{r['source']} ({'never' if r['age_hours'] is None else str(r['age_hours']) + ' h'})"
        for r in stale.iter_rows(named=True)
    ]
    return dg.AssetCheckResult(
        passed=stale.is_empty(),
        severity=dg.AssetCheckSeverity.WARN,
        description=(
            f"every source delivered within {limit.total_seconds() / 3600:g} h"
            if stale.is_empty()
            else f"{stale.height} sources silent for over {limit.total_seconds() / 3600:g} h"
        ),
        metadata={
            "stale_sources": dg.MetadataValue.json(listed),
            "sources_checked": dg.MetadataValue.int(fresh.height),
        },
    )


def build_freshness_check() -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=_register_key(),
        name="sources_fresh",
        description="Every source (each district, camera heartbeats, e-learning, operations) "
        "delivered within SKILLWATCH_FRESHNESS_HOURS (default 30 h), from the register.",
    )
    def sources_fresh(skillwatch: SkillWatchResource) -> dg.AssetCheckResult:
        return freshness_check_result(skillwatch.settings())

    return sources_fresh


# --- run-failure notification -------------------------------------------------------------
@dataclass(frozen=True)
class Notice:
    to: str
    sent: bool
    outbox: Path | None  # where the message was written when not sent
    error: str | None


def failure_message(run_id: str, job: str, errors: list[str], to: str, sender: str) -> EmailMessage:
    from pipelines.lib.pii import mask_free_text

    msg = EmailMessage()
    msg["From"], msg["To"] = sender, to
    msg["Subject"] = f"[SkillWatch] 运行失败 run failed: {job} ({run_id[:12]})"
    lines = [
        f"运行 Run {run_id} of {job} failed at {_now_local():%Y-%m-%d %H:%M} (Asia/Shanghai).",
        "",
        *(f"- {mask_free_text(e.strip())[:500]}" for e in errors or ["(no step error given)"]),
        "",
        f"Dagster UI: the run {run_id}; the CLI summary lists the same steps.",
    ]
    msg.set_content("\n".join(lines))
    return msg


def notify_run_failure(
    settings, run_id: str, job: str, errors: list[str], env: dict[str, str] | None = None
) -> Notice | None:
    """Mail the operators (None when ``SKILLWATCH_OPERATORS_EMAIL`` is not set)."""
    from pipelines.reports.smtp import DEFAULT_FROM, SmtpConfig, send_with_retry

    to = (
        env.get(OPERATORS_ENV, "") if env is not None else (settings.operators_email or "")
    ).strip()
    env = os.environ if env is None else env
    if not to:
        log.warning("%s is not set: nobody is told that run %s failed", OPERATORS_ENV, run_id)
        return None
    smtp = SmtpConfig.from_env(env)
    msg = failure_message(run_id, job, errors, to, smtp.from_addr if smtp else DEFAULT_FROM)
    if smtp is not None:
        outcome = send_with_retry(msg, smtp, attempts=3, backoff_seconds=2.0)
        if outcome.sent:
            return Notice(to, True, None, None)
        error = outcome.error
    else:
        error = "SKILLWATCH_SMTP_HOST not set"
    path = settings.warehouse / "outbox" / "operators" / f"{run_id[:12]}.eml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msg.as_bytes())
    log.warning("run-failure notice not sent (%s): written to %s", error, path)
    return Notice(to, False, path, error)


def notify_failed_result(settings, result) -> Notice | None:
    """``skillwatch run``'s in-process run failed: no daemon runs the sensor, so tell the
    operators from here."""
    if result.success:
        return None
    errors = _step_errors(result) or ["a step failed (see the run log)"]
    return notify_run_failure(settings, result.run_id, "skillwatch run", errors)


def _step_errors(context) -> list[str]:
    """Step errors of a run-failure sensor context or an in-process result."""
    errors = []
    for event in context.get_step_failure_events():
        data = event.step_failure_data
        error = data.error if data else None
        text = error.cause.message if error and error.cause else (error.message if error else "")
        errors.append(f"{event.step_key}: {text}")
    failure = getattr(context, "failure_event", None)
    return errors or ([failure.message or ""] if failure else [])


@dg.run_failure_sensor(
    name="notify_operators_on_run_failure",
    description="Mails SKILLWATCH_OPERATORS_EMAIL when a run fails (outbox/operators without "
    "an SMTP host).",
    default_status=dg.DefaultSensorStatus.RUNNING,
    monitor_all_code_locations=False,
)
def notify_operators_on_run_failure(context: dg.RunFailureSensorContext):
    from pipelines.settings import get_settings

    run = context.dagster_run
    notice = notify_run_failure(get_settings(), run.run_id, run.job_name, _step_errors(context))
    if notice is not None and not notice.sent:
        context.log.warning(f"run-failure notice kept in {notice.outbox}: {notice.error}")


SENSORS = [notify_operators_on_run_failure]
