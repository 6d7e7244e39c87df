"""Small helpers every page shares: the user's scope, audit calls, downloads, labels."""

from __future__ import annotations

import polars as pl
import streamlit as st

from apps.streamlit import audit, auth, data
from pipelines.app_users import User

ROLE_LABELS = {"city": "市级", "district": "区级", "auditor": "审计（只读）"}


def require_user() -> User:
    """The logged-in user; a page reached without one stops here (app.py routes to login)."""
    user = st.session_state.get(auth.SESSION_KEY)
    if user is None:
        st.warning("请先登录。Please log in.")
        st.stop()
    return user


def key_of(user: User) -> data.ScopeKey:
    return (user.role, user.district_code)


def can_act(user: User) -> bool:
    """Auditors read everything and change nothing."""
    return user.role in ("city", "district")


def log(user: User | None, event: str, what: str = "", filters=None, rows=None, detail=""):
    audit.log_event(
        data.settings(),
        event,
        user=user.name if user else "public",
        role=user.role if user else "public",
        district_code=user.district_code if user else None,
        what=what,
        filters=filters,
        rows=rows,
        detail=detail,
    )


def pick(container, label: str, options, **kwargs):
    """A multiselect with a Chinese placeholder (Streamlit's default reads 'Choose options')."""
    return container.multiselect(label, options, placeholder="请选择", **kwargs)


SECTION_KEY = "more_"  # session keys of the sections below (tests open them all by it)


def on_request(label: str, key: str):
    """A section whose content is read and drawn only once the analyst opens it (an
    expander that tracks its state), or None while it is closed. The first view of a page
    with many grids and charts costs the browser most of its time (benchmarks/RESULTS_app.md:
    0.4-1.4 s of rendering on a shared 2-core machine), so secondary tables wait to be
    asked for, as the alerts drill-down does."""
    box = st.expander(label, key=SECTION_KEY + key, on_change="rerun")
    return box if box.open else None


def lazy_tabs(labels: list[str], key: str):
    """Tabs of which only the selected one runs (``tab.open``); the others cost nothing."""
    return st.tabs(labels, key=SECTION_KEY + key, on_change="rerun")


def no_data(message: str = "暂无数据。No data yet.") -> None:
    st.info(message)


def require_published() -> None:
    if not data.published():
        st.warning("数据仓库尚未发布：请先运行 skillwatch demo 或 skillwatch run。")
        st.stop()


def export_buttons(user: User, frame: pl.DataFrame, what: str, filters: dict, key: str) -> None:
    """CSV and XLSX of exactly ``frame``; each download is logged when it is clicked.

    The files are written when a button is clicked (a callable ``data``), not on every run
    of the page: the XLSX of the city-year's 12 k alerts took seconds of each first view."""
    col1, col2 = st.columns(2)
    name = what.replace(" ", "_")
    col1.download_button(
        "下载 CSV",
        data=lambda: data.to_csv(frame),
        file_name=f"{name}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        on_click=log,
        args=(user, "export", what, {**filters, "format": "csv"}, frame.height),
    )
    col2.download_button(
        "下载 XLSX",
        data=lambda: data.to_xlsx(frame),
        file_name=f"{name}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
        on_click=log,
        args=(user, "export", what, {**filters, "format": "xlsx"}, frame.height),
    )


def table(frame: pl.DataFrame, labels: dict[str, str], **kwargs) -> None:
    """A frame with Chinese column headers (the data keep their column names, so an export
    of the same frame reads like the published table)."""
    config = {c: st.column_config.Column(labels[c]) for c in frame.columns if c in labels}
    grid(frame, column_config={**config, **day_columns(frame, labels)}, **kwargs)


def grid(frame: pl.DataFrame, **kwargs) -> None:
    """``st.dataframe`` without the index and with dates shown as days."""
    kwargs.setdefault("column_config", day_columns(frame))
    st.dataframe(frame, hide_index=True, **kwargs)


def day_columns(frame: pl.DataFrame, labels: dict[str, str] | None = None) -> dict:
    """Date columns shown as days: the grid renders an Arrow date as a midnight timestamp
    ("2026-09-05 00:00:00") unless told the format."""
    labels = labels or {}
    return {
        c: st.column_config.DateColumn(labels.get(c, c), format="YYYY-MM-DD")
        for c, dtype in frame.schema.items()
        if dtype == pl.Date
    }


def rule_alerts(frame: pl.DataFrame, empty: str) -> None:
    """The alerts of a page's rule family, newest first, with Chinese levels and statuses."""
    if frame.is_empty():
        no_data(empty)
        return
    shown = frame.with_columns(
        pl.col("level").replace_strict(data.LEVELS, default=pl.col("level")),
        pl.col("status").replace_strict(data.STATUSES, default=pl.col("status")),
        pl.col("period").replace_strict(data.PERIODS, default=pl.col("period")),
    )
    table(shown, ALERT_LABELS)


ALERT_LABELS = {
    "rule_code": "规则", "rule_name_zh": "规则名称", "level": "级别", "district_code": "区",
    "institution_id": "机构", "class_id": "班级", "period": "周期", "period_start": "起始日",
    "status": "状态", "evidence": "证据",
}  # fmt: skip
