"""抽查 Spot checks: this week's draw with its reasons, the inspectors' list, and results."""

import datetime as dt

import streamlit as st

from apps.streamlit import data, spotchecks, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()
settings = data.settings()

st.title("抽查")
week = spotchecks.data_week(settings)
if week is None:
    ui.no_data()
    st.stop()
st.caption(f"抽查周：{week}（数据覆盖的最近一周）")
items = data.spotcheck_items(db, key, week)
if items.is_empty():
    st.info("本周尚未抽取名单。")
    if user.role == "city" and st.button("抽取本周名单", key="spotcheck_draw"):
        n = spotchecks.draw(settings, week)
        ui.log(user, "spotcheck_draw", week, {"week": week}, n)
        st.rerun()
    st.stop()

st.metric("抽中班级", items.height)
shown = items.drop("class_key")
ui.grid(shown)
ui.export_buttons(user, shown, f"抽查名单_{week}", {"week": week}, "spotcheck")
report = spotchecks.report_path(settings, week)
if user.role != "district" and report.exists():
    st.download_button(
        "下载检查员名单（含抽查记录，XLSX）",
        data=report.read_bytes(),
        file_name=report.name,
        key="spotcheck_report",
        on_click=ui.log,
        args=(user, "download", f"spotcheck_report:{week}", {"week": week}, items.height),
    )

st.subheader("登记抽查结果")
if not ui.can_act(user):
    st.info("审计角色只读，不能登记结果。")
    st.stop()
with st.form("spotcheck_result"):
    class_id = st.selectbox("班级", items["class_id"].to_list(), key="spotcheck_class")
    inspected_on = st.date_input("抽查日期", value=dt.date.today(), key="spotcheck_day")
    result = st.radio("结果", spotchecks.RESULTS, horizontal=True, key="spotcheck_outcome")
    findings = st.text_input("问题描述", key="spotcheck_findings")
    submitted = st.form_submit_button("登记")
if submitted:
    district = items.filter(items["class_id"] == class_id)["district_code"][0]
    path = spotchecks.record_result(settings, district, class_id, inspected_on, result, findings)
    ui.log(user, "spotcheck_result", class_id, {"result": result}, 1, path.name)
    st.success(f"已登记，将随下次运行进入抽查结果（{path.name}）。")
