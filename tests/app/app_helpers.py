"""Helpers of the app tests: AppTest sessions, logins, what a page shows."""

from __future__ import annotations

from pathlib import Path

from apps.streamlit.ui import SECTION_KEY

REPO = Path(__file__).resolve().parents[2]
APP = REPO / "apps" / "streamlit" / "app.py"
PASSWORD = "correct-horse-42"


def new_app():
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(str(APP), default_timeout=60)


def login(name: str, password: str = PASSWORD):
    """An AppTest session logged in as ``name`` (asserts the login worked)."""
    at = new_app().run()
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "skillwatch_user" in at.session_state, [e.value for e in at.error]
    # AppTest stays on the login page after the rerun (a browser learns the new one); widget
    # events sent from a page that is gone are dropped, so move explicitly
    return open_page(at, "overview")


def open_page(at, page: str, sections: bool = True, tabs: dict[str, str] | None = None):
    """Open ``page``; with ``sections`` every on-request section (``ui.on_request``) is opened
    too, so the numbers, cells and masked data behind them are in what the test reads; ``tabs``
    selects a lazy tab by its key (``ui.lazy_tabs``) and label."""
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    closed = [k for k, v in at.session_state.items() if k.startswith(SECTION_KEY) and v is False]
    for k in closed if sections else []:
        at.session_state[k] = True
    for k, label in (tabs or {}).items():
        at.session_state[SECTION_KEY + k] = label
    if (closed and sections) or tabs:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def all_text(at) -> str:
    """Every text the page shows: markdown, captions, titles, metrics, tables' cells."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "text"):
        parts += [str(e.value) for e in at.get(kind)]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for frame in at.dataframe:
        parts.append(frame.value.to_csv())
    for kind in ("selectbox", "multiselect", "radio"):
        for widget in at.get(kind):
            parts += [str(o) for o in widget.options]
    return "\n".join(parts)
