"""Users: the CLI stores only argon2 hashes; logins are refused, throttled, timed out, logged."""

from __future__ import annotations

import io
import time

import polars as pl
import pytest
from app_helpers import PASSWORD, login, new_app

from apps.streamlit import audit, auth
from pipelines import cli
from pipelines.app_users import list_users, verify


def _users(monkeypatch, path, argv, stdin=""):
    monkeypatch.setenv("SKILLWATCH_USERS", str(path))
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return cli.main(["users", *argv])


def test_users_cli_keeps_only_a_slow_hash(tmp_path, monkeypatch, capsys):
    path = tmp_path / "users.yaml"
    assert (
        _users(
            monkeypatch,
            path,
            ["add", "wang", "--role", "district", "--district", "310104"],
            "s3cret-pass\n",
        )
        == 0
    )
    assert _users(monkeypatch, path, ["add", "li", "--role", "city"], "other-pass-1\n") == 0
    text = path.read_text(encoding="utf-8")
    assert "s3cret-pass" not in text and "$argon2id$" in text
    assert [(u.name, u.role, u.district_code) for u in list_users(path)] == [
        ("li", "city", None), ("wang", "district", "310104")]  # fmt: skip
    assert verify(path, "wang", "s3cret-pass").scope.district_code == "310104"
    assert verify(path, "wang", "wrong-pass") is None
    assert verify(path, "nobody", "s3cret-pass") is None
    assert _users(monkeypatch, path, ["passwd", "wang"], "new-pass-123\n") == 0
    assert verify(path, "wang", "s3cret-pass") is None
    assert verify(path, "wang", "new-pass-123") is not None
    assert _users(monkeypatch, path, ["remove", "li"]) == 0
    assert [u.name for u in list_users(path)] == ["wang"]
    capsys.readouterr()
    assert _users(monkeypatch, path, ["list"]) == 0
    assert "wang\tdistrict\t310104" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv, why",
    [
        (["add", "x", "--role", "district"], "needs --district"),
        (["add", "x", "--role", "district", "--district", "999999"], "unknown district"),
        (["add", "x", "--role", "city", "--district", "310104"], "has no district"),
        (["add", "x", "--role", "city"], "at least 8"),
        (["remove", "ghost"], "no user ghost"),
    ],
)
def test_users_cli_refuses_bad_input(tmp_path, monkeypatch, capsys, argv, why):
    stdin = "short\n" if why == "at least 8" else "long-enough-1\n"
    assert _users(monkeypatch, tmp_path / "u.yaml", argv, stdin) == 2
    assert why in capsys.readouterr().err


def test_wrong_password_is_refused_with_a_message(app_env):
    at = new_app().run()
    assert [b.label for b in at.button] == ["登录"]
    at.text_input(key="login_name").input("city")
    at.text_input(key="login_password").input("not-the-password")
    at.button[0].click().run()
    assert "skillwatch_user" not in at.session_state
    assert any("密码错误" in e.value for e in at.error)
    events = audit.read_events(app_env.settings)
    assert "login_refused" in events.filter(events["user"] == "city")["event"].to_list()


def test_repeated_failures_lock_the_name_out_for_a_growing_time():
    gate = auth.Throttle()
    now = 1000.0
    for _ in range(auth.FREE_FAILURES - 1):
        gate.failed("x", now)
    assert gate.wait_s("x", now) == 0
    gate.failed("x", now)
    first = gate.wait_s("x", now)
    gate.failed("x", now)
    assert first == auth.BASE_LOCK_S and gate.wait_s("x", now) == 2 * auth.BASE_LOCK_S
    assert gate.wait_s("x", now + 100) == 0
    gate.succeeded("x")
    assert gate.wait_s("x", now) == 0


def test_locked_out_name_is_refused_even_with_the_right_password(app_env):
    name = "d310151"
    auth.throttle().succeeded(name)
    for _ in range(auth.FREE_FAILURES):
        assert auth.attempt_login(name, "wrong-password")[0] is None
    user, message = auth.attempt_login(name, PASSWORD)
    assert user is None and "秒后再试" in message
    auth.throttle().succeeded(name)
    assert auth.attempt_login(name, PASSWORD)[0] is not None


def test_logout_and_idle_timeout_end_the_session_and_are_logged(app_env):
    at = login("city")
    assert at.title[0].value == "总览"
    at.button(key="logout").click().run()
    assert "skillwatch_user" not in at.session_state
    assert [b.label for b in at.button] == ["登录"]

    at = login("auditor")
    at.session_state["skillwatch_last_activity"] = time.time() - auth.session_timeout_s() - 1
    at.run()
    assert "skillwatch_user" not in at.session_state
    assert any("超时" in i.value for i in at.info)
    assert [b.label for b in at.button] == ["登录"]
    events = audit.read_events(app_env.settings)
    assert "logout" in events.filter(pl.col("user") == "city")["event"].to_list()
    assert "timeout" in events.filter(pl.col("user") == "auditor")["event"].to_list()


def test_stopping_skillwatch_app_stops_the_server(tmp_path):
    """A supervisor stops the app with SIGTERM; the server must go with it (it used to run
    streamlit as a child that kept serving on the port after `skillwatch app` was gone)."""
    import os
    import socket
    import subprocess
    import sys
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SKILLWATCH_USERS": str(tmp_path / "users.yaml")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "app", "--port", str(port),
         "--warehouse", str(tmp_path / "wh")],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/_stcore/health"

    def healthy() -> bool:
        try:
            with urllib.request.urlopen(url, timeout=1) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        deadline = time.monotonic() + 60
        while not healthy():
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.3)
        proc.terminate()
        proc.wait(15)
        deadline = time.monotonic() + 10
        while healthy():
            assert time.monotonic() < deadline, "the server outlived `skillwatch app`"
            time.sleep(0.3)
    finally:
        proc.kill()
