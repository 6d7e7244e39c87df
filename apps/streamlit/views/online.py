"""线上培训 Online training: records and credited hours by day, peak concurrency, classes'
online against offline hours (线上/混合 classes), and rules O01–O04."""

import altair as alt
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("线上培训")
marts = data.online_training(db, key)
totals = marts["totals"].row(0, named=True)
c = st.columns(5)
c[0].metric("学习记录", totals["records"])
c[1].metric("学员", totals["learners"])
c[2].metric("班级", totals["classes"])
c[3].metric("计入学时", f"{totals['credited_hours']:,.1f}")
c[4].metric("人脸核验未通过", totals["face_failures"])
if totals["records"] == 0:
    ui.no_data("暂无线上学习记录。No online learning records yet.")

daily = marts["daily"]
if not daily.is_empty():
    st.subheader("每日学习与并发")
    base = alt.Chart(daily.to_pandas()).encode(x=alt.X("learning_date:T", title="日期"))
    st.altair_chart(
        alt.layer(
            base.mark_bar(opacity=0.6).encode(
                y=alt.Y("credited_hours:Q", title="计入学时"),
                tooltip=["learning_date", "records", "learners", "credited_hours"],
            ),
            base.mark_line(point=True, color="#c62828").encode(
                y=alt.Y("peak_concurrent_records:Q", title="峰值并发记录"),
                tooltip=["learning_date", "peak_concurrent_records", "people_on_two_devices"],
            ),
        )
        .resolve_scale(y="independent")
        .properties(height=240),
        width="stretch",
    )

classes = marts["classes"]
if not classes.is_empty():
    st.subheader("班级线上 / 线下学时")
    ui.table(classes, {
        "district_code": "区", "class_id": "班级", "class_mode": "培训形式", "learners": "学员",
        "records": "记录", "online_hours": "线上学时", "offline_hours": "线下学时",
        "mean_hours_per_learner": "人均学时", "planned_hours": "计划学时",
        "last_learned_on": "最近学习日",
    })  # fmt: skip

st.subheader("线上培训预警（O01–O04）")
ui.rule_alerts(data.rule_alerts(db, key, data.ONLINE_RULES), "暂无线上培训预警。")
