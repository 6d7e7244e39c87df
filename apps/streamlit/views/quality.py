"""数据质量 Data quality: pass rates by district and feed, the trend, failing checks and the
quarantined rows (masked), as the district contacts get them by e-mail."""

import altair as alt
import polars as pl
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("数据质量")
dq = data.data_quality(db, key)
by = dq["by_district"]
total_checks = int(by["checks"].sum()) if not by.is_empty() else 0
total_passed = int(by["passed"].sum()) if not by.is_empty() else 0
c = st.columns(3)
c[0].metric("检查项", total_checks)
c[1].metric("通过率", f"{total_passed / total_checks:.1%}" if total_checks else "—")
c[2].metric("隔离记录", dq["quarantine"].height)
if by.is_empty():
    ui.no_data("暂无校验结果。No validation results yet.")
    st.stop()

st.subheader("各区、各数据项通过率")
st.altair_chart(
    alt.Chart(by.with_columns(pl.col("district_code").fill_null("全市")).to_pandas())
    .mark_rect()
    .encode(
        x=alt.X("feed:N", title="数据项"),
        y=alt.Y("district_code:N", title="区"),
        color=alt.Color("pass_rate:Q", title="通过率", scale=alt.Scale(domain=[0.8, 1])),
        tooltip=["district_code", "feed", "checks", "passed", "pass_rate", "rows_failed"],
    )
    .properties(height=260),
    width="stretch",
)
st.subheader("趋势")
trend = dq["trend"]
if not trend.is_empty():
    st.altair_chart(
        alt.Chart(trend.to_pandas())
        .mark_line(point=True)
        .encode(
            x=alt.X("delivered_on:T", title="交付日期"),
            y=alt.Y("pass_rate:Q", title="通过率", scale=alt.Scale(zero=False)),
        )
        .properties(height=220),
        width="stretch",
    )
st.subheader(f"未通过的检查（{dq['failing'].height}）")
ui.grid(dq["failing"])
st.subheader(f"隔离及待处理记录（{dq['quarantine'].height}，已脱敏）")
if not dq["quarantine"].is_empty():
    ui.log(user, "view_personal", "fct_quarantine", {}, dq["quarantine"].height)
ui.grid(dq["quarantine"])
docs = data.settings().gx_docs / "index.html"
st.caption(
    f"校验文档（Great Expectations Data Docs）：{docs}" + ("" if docs.exists() else "（尚未生成）")
)
