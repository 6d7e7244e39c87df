"""服务台 Service desk: tickets by week, channel and category, time to resolution, repeat
problems (same district and category within the rule's days), satisfaction; summaries are
shown only masked."""

import altair as alt
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("服务台")
desk = data.service_desk(db, key)
t = desk["totals"].row(0, named=True)
c = st.columns(5)
c[0].metric("工单", t["tickets"])
c[1].metric("已解决", t["resolved"])
c[2].metric("解决中位时长", "—" if t["median_hours"] is None else f"{t['median_hours']:,.1f} 小时")
c[3].metric("重复问题", t["repeats"])
mean = t["mean_satisfaction"]
c[4].metric("平均满意度", "—" if mean is None else f"{mean:.2f}")
if t["tickets"] == 0:
    ui.no_data("暂无服务台工单。No service-desk tickets yet.")
    st.stop()

weekly = desk["weekly"]
st.subheader("每周工单量")
channel = st.radio("按", ["channel", "category"], horizontal=True, key="desk_split",
                   format_func=lambda v: {"channel": "渠道", "category": "类别"}[v])  # fmt: skip
st.altair_chart(
    alt.Chart(weekly.to_pandas())
    .mark_bar()
    .encode(
        x=alt.X("opened_week:N", title="周"),
        y=alt.Y("sum(tickets):Q", title="工单"),
        color=alt.Color(f"{channel}:N", title="渠道" if channel == "channel" else "类别"),
        tooltip=["opened_week", channel, "sum(tickets)", "sum(resolved)", "sum(repeats)"],
    )
    .properties(height=220),
    width="stretch",
)
st.subheader("按区、类别")
ui.table(desk["by_category"], {
    "district_code": "区", "category": "类别", "tickets": "工单", "repeats": "重复",
    "median_hours_to_resolution": "解决中位时长（小时）", "mean_satisfaction": "平均满意度",
})  # fmt: skip
tickets = desk["tickets"]
st.subheader(f"工单明细（最近 {tickets.height} 条，摘要已脱敏）")
ui.table(tickets, {
    "ticket_id": "工单", "opened_at": "受理时间", "channel": "渠道", "category": "类别",
    "district_code": "区", "ticket_status": "状态", "hours_to_resolution": "解决时长（小时）",
    "satisfaction": "满意度", "is_repeat": "重复问题", "previous_ticket_id": "上次工单",
    "summary_masked": "摘要（已脱敏）",
})  # fmt: skip
