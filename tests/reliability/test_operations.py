"""Operations: source freshness, retries with backoff, run-failure mail to the operators
(a real SMTP server on localhost)."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import socket

import dagster as dg
import polars as pl
import pytest
from aiosmtpd.controller import Controller

from pipelines import operations as ops
from pipelines.contract import DISTRICTS

LAST = dt.datetime(2026, 9, 10, 2, 0)  # the nightly exports land around 02:00


class _Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_env(monkeypatch):
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    env = {
        "SKILLWATCH_SMTP_HOST": "127.0.0.1",
        "SKILLWATCH_SMTP_PORT": str(controller.port),
        "SKILLWATCH_SMTP_TLS": "none",
        ops.OPERATORS_ENV: "ops-duty@example.gov.cn",
    }
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    yield env, inbox
    controller.stop()


def _register(rows: list[tuple[str, str, dt.datetime]]) -> pl.DataFrame:
    return pl.DataFrame(
        rows, schema={"district_code": pl.String, "feed": pl.String, "delivered_at": pl.Datetime},
        orient="row",
    )  # fmt: skip


# --- freshness ----------------------------------------------------------------------------
def test_a_district_that_stops_delivering_shows_within_a_day():
    daily = [
        (d, feed, LAST - dt.timedelta(days=k))
        for d in ("310104", "310105")
        for feed in ("attendance", "sessions")
        for k in range(5)
    ]
    # 310105 stopped two nights ago; the camera network and e-learning still deliver
    daily = [r for r in daily if not (r[0] == "310105" and r[2] > LAST - dt.timedelta(days=2))]
    daily += [("310000", "heartbeats", LAST), ("310000", "elearning_events", LAST)]
    register = _register(daily)

    def stale(now):
        fresh = ops.source_freshness(register, now, districts=("310104", "310105"))
        return set(fresh.filter(pl.col("stale"))["source"])

    # the morning after 310105's last delivery: nothing is late yet
    assert stale(LAST - dt.timedelta(days=2) + dt.timedelta(hours=6)) == set()
    # 29 h after the last nightly export of everyone else: all fresh but 310105
    assert stale(LAST + dt.timedelta(hours=29)) == {"district:310105"}
    # a day and a half later, every source is silent
    assert stale(LAST + dt.timedelta(hours=31)) == {
        "district:310104", "district:310105", "camera", "elearning",
    }  # fmt: skip


def test_every_district_is_checked_even_one_that_never_delivered():
    register = _register([("310104", "attendance", LAST)])
    fresh = ops.source_freshness(register, LAST + dt.timedelta(hours=1))
    assert fresh.height == len(DISTRICTS)
    never = fresh.filter(pl.col("last_delivered_at").is_null())
    assert never.height == len(DISTRICTS) - 1 and never["stale"].all()
    assert not fresh.filter(pl.col("source") == "district:310104")["stale"][0]
    # a camera heartbeat filed under a district does not make its office's exports fresh
    register = _register([("310105", "heartbeats", LAST)])
    fresh = ops.source_freshness(register, LAST, districts=("310105",))
    assert fresh.filter(pl.col("source") == "district:310105")["stale"][0]
    assert not fresh.filter(pl.col("source") == "camera")["stale"][0]


def test_freshness_window_comes_from_the_settings(monkeypatch, tmp_path):
    from pipelines.settings import get_settings

    assert ops.max_age(get_settings(tmp_path)) == ops.DEFAULT_MAX_AGE
    monkeypatch.setenv(ops.FRESHNESS_ENV, "12")
    assert ops.max_age(get_settings(tmp_path)) == dt.timedelta(hours=12)


# --- retries --------------------------------------------------------------------------------
def test_transient_faults_are_retried_with_backoff_and_others_are_not(monkeypatch):
    from deltalake.exceptions import CommitFailedError

    monkeypatch.setattr(ops, "TRANSIENT_RETRY", dg.RetryPolicy(max_retries=3, delay=0.01))
    calls = {"locked": 0, "bug": 0}

    @dg.asset
    def locked_then_free(context):
        def work():
            calls["locked"] += 1
            if calls["locked"] < 3:
                raise CommitFailedError("a concurrent transaction wrote to the table")
            return "done"

        return ops.retry_transient(context, work)

    @dg.asset
    def a_bug(context):
        def work():
            calls["bug"] += 1
            raise KeyError("not transient")

        return ops.retry_transient(context, work)

    assert dg.materialize([locked_then_free]).success and calls["locked"] == 3
    assert not dg.materialize([a_bug], raise_on_error=False).success and calls["bug"] == 1


def test_unsent_reports_fail_the_step_and_the_retry_policy_retries_it():
    from pipelines.reports.assets import district_dq_emails

    assert district_dq_emails.op.retry_policy == ops.TRANSIENT_RETRY
    assert ops.TRANSIENT_RETRY.backoff == dg.Backoff.EXPONENTIAL
    sent = [{"district_code": "310104", "status": "sent"}]
    ops.raise_if_unsent(sent)  # nothing failed: no retry
    with pytest.raises(ops.TransientFault, match="310105"):
        ops.raise_if_unsent([*sent, {"district_code": "310105", "status": "failed"}])

    attempts = []

    @dg.asset(
        retry_policy=dg.RetryPolicy(max_retries=2, delay=0.01, backoff=dg.Backoff.EXPONENTIAL)
    )
    def reports():
        attempts.append(1)
        status = "failed" if len(attempts) == 1 else "sent"  # the SMTP server is back
        ops.raise_if_unsent([{"district_code": "310105", "status": status}])

    assert dg.materialize([reports]).success and len(attempts) == 2


# --- run-failure notification -------------------------------------------------------------
def test_operators_get_a_masked_mail_when_a_run_fails(smtp_env, settings):
    env, inbox = smtp_env
    errors = ["district_feeds_bronze: row of 310104199002011040 / 13912341041 broke the parser"]
    notice = ops.notify_run_failure(settings, "abc123def456ghi", "__ASSET_JOB", errors, env=env)
    assert notice.sent and notice.to == "ops-duty@example.gov.cn"
    (msg,) = inbox.messages
    body = msg.get_content()
    assert msg["To"] == "ops-duty@example.gov.cn" and "abc123def456" in msg["Subject"]
    assert "district_feeds_bronze" in body
    assert "310104199002011040" not in body and "13912341041" not in body
    assert "310***********1040" in body and "139****1041" in body


def test_without_smtp_the_notice_goes_to_the_outbox_and_without_operators_nowhere(settings):
    env = {ops.OPERATORS_ENV: "ops-duty@example.gov.cn"}
    notice = ops.notify_run_failure(settings, "run0000000001", "job", ["x: boom"], env=env)
    assert not notice.sent and notice.outbox.is_file()
    assert b"ops-duty@example.gov.cn" in notice.outbox.read_bytes()
    assert ops.notify_run_failure(settings, "run0000000002", "job", ["x"], env={}) is None


def test_the_run_failure_sensor_mails_the_operators(smtp_env, settings, monkeypatch):
    env, inbox = smtp_env
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", str(settings.warehouse))

    @dg.op
    def explode():
        raise RuntimeError("the landing disk went away")

    @dg.job
    def nightly():
        explode()

    instance = dg.DagsterInstance.ephemeral()
    result = nightly.execute_in_process(instance=instance, raise_on_error=False)
    assert not result.success
    context = dg.build_run_status_sensor_context(
        sensor_name=ops.notify_operators_on_run_failure.name,
        dagster_instance=instance,
        dagster_run=result.dagster_run,
        dagster_event=result.get_run_failure_event(),
    ).for_run_failure()
    ops.notify_operators_on_run_failure(context)
    (msg,) = inbox.messages
    assert "nightly" in msg["Subject"]
    assert "explode" in msg.get_content() and "the landing disk went away" in msg.get_content()


def test_a_failed_cli_run_notifies_the_operators(smtp_env, tmp_path):
    from pipelines.settings import get_settings

    env, inbox = smtp_env
    settings = get_settings(tmp_path / "warehouse")  # the operators' address from the env

    @dg.asset
    def broken():
        raise OSError("disk full while writing bronze/attendance")

    result = dg.materialize([broken], raise_on_error=False)
    notice = ops.notify_failed_result(settings, result)
    assert notice.sent
    (msg,) = inbox.messages
    assert "skillwatch run" in msg["Subject"] and "disk full" in msg.get_content()
    assert (
        ops.notify_failed_result(settings, dg.materialize([dg.asset(lambda: 1, name="ok")])) is None
    )
