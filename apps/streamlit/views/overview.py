"""总览 Overview: headline numbers against a week before, monthly trends, the 16 districts."""

import altair as alt
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("总览")
k = data.kpis(db, key)
if not k:
    ui.no_data()
    st.stop()
st.caption(f"数据截至 {k['as_of']}，与一周前（{k['prev']}）相比")

row1 = st.columns(4)
row1[0].metric("培训机构", k["institutions"])
row1[1].metric("在训班级", k["classes_running"], k["classes_running"] - k["classes_running_prev"])
row1[2].metric("报名人次", k["enrolments"], k["enrolments"] - k["enrolments_prev"])
row1[3].metric(
    "出勤学时",
    f"{k['attended_hours']:,.1f}",
    f"{k['attended_hours'] - k['attended_hours_prev']:,.1f}",
)
row2 = st.columns(5)
for col, (level, label) in zip(row2, data.LEVELS.items(), strict=False):
    col.metric(
        f"未处理{label}色预警",
        k[f"open_{level}"],
        f"本周 +{k[f'open_{level}_week']}",
        delta_color="inverse",
    )
row2[3].metric(
    "摄像机在线",
    f"{k['cameras_online']}/{k['cameras']}",
    k["cameras_online"] - k["cameras_online_prev"],
)
rate = k["dq_pass_rate"]
prev_rate = k["dq_pass_rate_prev"]
row2[4].metric(
    "数据质量通过率",
    "—" if rate is None else f"{rate:.1%}",
    None if rate is None or prev_rate is None else f"{rate - prev_rate:+.1%}",
)

st.subheader("月度趋势")
trend = data.monthly_trend(db, key)
if trend.is_empty():
    ui.no_data()
else:
    labels = {"enrolments": "报名人次", "attended_hours": "出勤学时", "classes_opened": "开班数"}
    for col, (measure, label) in zip(st.columns(3), labels.items(), strict=True):
        col.altair_chart(
            alt.Chart(trend.to_pandas(), title=label)
            .mark_line(point=True)
            .encode(
                x=alt.X("month:T", title="月份", axis=alt.Axis(format="%Y-%m")),
                y=alt.Y(f"{measure}:Q", title=label),
                tooltip=[alt.Tooltip("month:T", format="%Y-%m", title="月份"), measure],
            )
            .properties(height=200),
            width="stretch",
        )

if user.role != "district":
    st.subheader("各区对比")
    districts = data.district_comparison(db, key)
    measure = st.radio(
        "指标",
        ["enrolments", "attended_hours", "open_alerts"],
        horizontal=True,
        format_func={
            "enrolments": "报名人次",
            "attended_hours": "出勤学时",
            "open_alerts": "未处理预警",
        }.get,
    )
    chart = (
        alt.Chart(districts.to_pandas())
        .mark_bar()
        .encode(
            x=alt.X("district_name_zh:N", title="区", sort="-y"),
            y=alt.Y(f"{measure}:Q", title="数值"),
            tooltip=["district_name_zh", "enrolments", "attended_hours", "open_alerts"],
        )
        .properties(height=300)
    )
    st.altair_chart(chart, width="stretch")
    st.dataframe(
        districts.rename(
            {
                "district_code": "区代码",
                "district_name_zh": "区",
                "enrolments": "报名人次",
                "attended_hours": "出勤学时",
                "classes_opened": "开班数",
                "open_alerts": "未处理预警",
            }
        ),
        hide_index=True,
    )
