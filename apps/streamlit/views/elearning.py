"""继续教育 / 公益课程: teachers' continuing education (hours against the yearly requirement,
course completion) and the public video courses' plays."""

import altair as alt
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("继续教育 / 公益课程")
marts = data.elearning(db, key)
# only the selected tab runs: each holds charts and grids the other does not need
tab_ce, tab_public = ui.lazy_tabs(["继续教育", "公益课程"], "elearning_tab")

with tab_ce:
    if tab_ce.open:
        compliance = marts["compliance"]
        if compliance.is_empty():
            ui.no_data()
        else:
            teachers = int(compliance["teachers"].sum())
            met = int(compliance["met"].sum())
            c = st.columns(3)
            c[0].metric("教师（学员）", teachers)
            c[1].metric("已达学时要求", met)
            c[2].metric("达标率", f"{met / teachers:.1%}" if teachers else "—")
            st.altair_chart(
                alt.Chart(compliance.to_pandas())
                .mark_bar()
                .encode(
                    x=alt.X("district_code:N", title="区"),
                    y=alt.Y("met_rate:Q", title="达标率", axis=alt.Axis(format="%")),
                    column=alt.Column("year:O", title="年度"),
                    tooltip=["district_code", "teachers", "met", "shortfall_hours"],
                )
                .properties(height=220, width=260)
            )
            ui.grid(compliance)
        courses = marts["courses"]
        if not courses.is_empty():
            st.subheader("课程完成情况")
            st.altair_chart(
                alt.Chart(courses.to_pandas())
                .mark_bar()
                .encode(
                    y=alt.Y("course_title:N", title="课程", sort="-x"),
                    x=alt.X("completion_rate:Q", title="完成率", axis=alt.Axis(format="%")),
                    tooltip=["course_id", "learners", "completed", "learning_hours"],
                )
                .properties(height=260),
                width="stretch",
            )
            ui.grid(courses)

with tab_public:
    if tab_public.open:
        public = marts["public"]
        if public.is_empty():
            ui.no_data()
        else:
            c = st.columns(3)
            c[0].metric("公益课程", public.height)
            c[1].metric("播放次数", int(public["plays"].sum()))
            c[2].metric("观看小时", f"{public['total_watch_hours'].sum():,.1f}")
            st.altair_chart(
                alt.Chart(public.to_pandas())
                .mark_bar()
                .encode(
                    y=alt.Y("course_title:N", title="课程", sort="-x"),
                    x=alt.X("plays:Q", title="播放次数"),
                    tooltip=["course_id", "plays", "unique_viewers", "completion_rate"],
                )
                .properties(height=200),
                width="stretch",
            )
            ui.grid(public)
            slices = marts["public_slices"]
            by_device = slices.filter(slices["slice"] == "device")
            if not by_device.is_empty():
                st.markdown("**按终端**")
                ui.grid(by_device.select("device", "plays", "unique_viewers"))
