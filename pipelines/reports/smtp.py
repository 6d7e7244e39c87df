"""SMTP settings from the environment and a bounded, retried send.

``SKILLWATCH_SMTP_HOST``, ``_PORT``, ``_TLS`` (starttls | ssl | none), ``_USER``,
``_PASSWORD``, ``_FROM``. Without a host, reports go to the outbox folder instead.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

DEFAULT_FROM = "skillwatch-noreply@example.gov.cn"
_DEFAULT_PORT = {"ssl": 465, "starttls": 587, "none": 25}


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    tls: str = "starttls"  # starttls | ssl | none
    user: str = ""
    password: str = ""
    from_addr: str = DEFAULT_FROM
    timeout: float = 20.0

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> SmtpConfig | None:
        env = os.environ if env is None else env
        host = env.get("SKILLWATCH_SMTP_HOST", "").strip()
        if not host:
            return None
        tls = env.get("SKILLWATCH_SMTP_TLS", "starttls").strip().lower() or "starttls"
        if tls not in _DEFAULT_PORT:
            raise ValueError(f"SKILLWATCH_SMTP_TLS must be starttls, ssl or none, not {tls!r}")
        port = env.get("SKILLWATCH_SMTP_PORT", "").strip()
        return cls(
            host=host,
            port=int(port) if port else _DEFAULT_PORT[tls],
            tls=tls,
            user=env.get("SKILLWATCH_SMTP_USER", ""),
            password=env.get("SKILLWATCH_SMTP_PASSWORD", ""),
            from_addr=env.get("SKILLWATCH_SMTP_FROM", "").strip() or DEFAULT_FROM,
        )


def send(msg: EmailMessage, config: SmtpConfig) -> None:
    context = ssl.create_default_context()
    if config.tls == "ssl":
        client = smtplib.SMTP_SSL(config.host, config.port, timeout=config.timeout, context=context)
    else:
        client = smtplib.SMTP(config.host, config.port, timeout=config.timeout)
    with client:
        if config.tls == "starttls":
            client.starttls(context=context)
        if config.user:
            client.login(config.user, config.password)
        client.send_message(msg)


@dataclass(frozen=True)
class SendOutcome:
    sent: bool
    attempts: int
    error: str | None


def send_with_retry(
    msg: EmailMessage,
    config: SmtpConfig,
    attempts: int = 3,
    backoff_seconds: float = 2.0,
    sleep: Callable[[float], None] = time.sleep,
    sender: Callable[[EmailMessage, SmtpConfig], None] = send,
) -> SendOutcome:
    """Try up to ``attempts`` times, waiting backoff, 2x backoff, ... between tries.

    Only transport and server errors are retried; a message the server refuses for its
    recipients (SMTPRecipientsRefused) will not pass on a second try either."""
    error = None
    for attempt in range(1, attempts + 1):
        try:
            sender(msg, config)
            return SendOutcome(True, attempt, None)
        except smtplib.SMTPRecipientsRefused as exc:
            return SendOutcome(False, attempt, f"recipients refused: {exc.recipients}")
        except (OSError, smtplib.SMTPException) as exc:
            error = f"{type(exc).__name__}: {exc}"
            if attempt < attempts:
                sleep(backoff_seconds * 2 ** (attempt - 1))
    return SendOutcome(False, attempts, error)
