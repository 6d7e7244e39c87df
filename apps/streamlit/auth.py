"""Login, sessions and logout for the app.

Users and hashes come from :mod:`pipelines.app_users`. Repeated failures for a name lock it
out for a growing time (kept in the server process, shared by every browser session, so a
new tab does not reset it); a session idle for ``SKILLWATCH_APP_SESSION_MINUTES`` (30) ends.
Every login, refusal, logout and timeout goes to the audit log.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import streamlit as st

from apps.streamlit import audit
from pipelines.app_users import User, users_path, verify
from pipelines.settings import get_settings

SESSION_KEY = "skillwatch_user"
ACTIVITY_KEY = "skillwatch_last_activity"
FREE_FAILURES = 3  # failures allowed before the lock-out starts
BASE_LOCK_S = 5.0  # then 5 s, 10 s, 20 s ... up to MAX_LOCK_S
MAX_LOCK_S = 300.0


def session_timeout_s() -> float:
    return get_settings().app_session_minutes * 60


@dataclass
class Throttle:
    """Failed logins per user name, and until when the name is locked."""

    failures: dict[str, int] = field(default_factory=dict)
    locked_until: dict[str, float] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, name: str, now: float | None = None) -> float:
        now = time.monotonic() if now is None else now
        return max(0.0, self.locked_until.get(name, 0.0) - now)

    def failed(self, name: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            n = self.failures.get(name, 0) + 1
            self.failures[name] = n
            if n >= FREE_FAILURES:
                lock = min(MAX_LOCK_S, BASE_LOCK_S * 2 ** (n - FREE_FAILURES))
                self.locked_until[name] = now + lock

    def succeeded(self, name: str) -> None:
        with self.lock:
            self.failures.pop(name, None)
            self.locked_until.pop(name, None)


@st.cache_resource
def throttle() -> Throttle:
    return Throttle()


def _log(event: str, user: User | None, name: str = "", detail: str = "") -> None:
    audit.log_event(
        get_settings(),
        event,
        user=user.name if user else name,
        role=user.role if user else "",
        district_code=user.district_code if user else None,
        detail=detail,
    )


def current_user() -> User | None:
    """The logged-in user of this browser session, or None (also after a timeout)."""
    user = st.session_state.get(SESSION_KEY)
    if user is None:
        return None
    last = st.session_state.get(ACTIVITY_KEY, 0.0)
    if time.time() - last > session_timeout_s():
        _log("timeout", user)
        st.session_state.pop(SESSION_KEY, None)
        st.session_state["skillwatch_notice"] = "会话已超时，请重新登录。Session timed out."
        return None
    st.session_state[ACTIVITY_KEY] = time.time()
    return user


def attempt_login(name: str, password: str) -> tuple[User | None, str]:
    """Check a login; the user and '' on success, else None and the message to show."""
    name = (name or "").strip()
    gate = throttle()
    wait = gate.wait_s(name)
    if wait > 0:
        _log("login_refused", None, name, "locked out")
        return None, f"失败次数过多，请 {wait:.0f} 秒后再试。Too many failures: wait {wait:.0f} s."
    user = verify(users_path(get_settings()), name, password)
    if user is None:
        gate.failed(name)
        _log("login_refused", None, name, "wrong name or password")
        return None, "用户名或密码错误。Wrong user name or password."
    gate.succeeded(name)
    _log("login", user)
    return user, ""


def login_page() -> None:
    st.title("SkillWatch 职业技能培训监管")
    if notice := st.session_state.pop("skillwatch_notice", None):
        st.info(notice)
    with st.form("login"):
        name = st.text_input("用户名", key="login_name")
        password = st.text_input("密码", type="password", key="login_password")
        submitted = st.form_submit_button("登录")
    if submitted:
        user, message = attempt_login(name, password)
        if user is None:
            st.error(message)
        else:
            st.session_state[SESSION_KEY] = user
            st.session_state[ACTIVITY_KEY] = time.time()
            st.rerun()
    st.caption("公益课程无需登录：见左侧「公益课程播放」。Public courses need no login.")


def logout() -> None:
    user = st.session_state.pop(SESSION_KEY, None)
    if user is not None:
        _log("logout", user)
    st.session_state["skillwatch_notice"] = "已退出。Logged out."
