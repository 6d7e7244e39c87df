"""设备运维 Device operations: open work orders and overdue repairs, time to repair against
the service level, patrol coverage, patrols' picture checks, relocations, and D01–D02."""

import altair as alt
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("设备运维")
ops = data.device_operations(db, key)
t = ops["totals"].row(0, named=True)
coverage = ops["coverage"]
installed = int(coverage["installed_cameras"].sum()) if not coverage.is_empty() else 0
patrolled = int(coverage["patrolled_cameras"].sum()) if not coverage.is_empty() else 0


def hours(value) -> str:
    return "—" if value is None else f"{value:,.1f} 小时"


c = st.columns(5)
c[0].metric("未完成工单", t["open_orders"])
c[1].metric("维修中位时长", hours(t["median_hours"]))
c[2].metric("维修 P90 时长", hours(t["p90_hours"]))
sla = t["share_within_sla"]
c[3].metric("时限内修复", "—" if sla is None else f"{sla:.1%}")
c[4].metric("巡检覆盖率", f"{patrolled / installed:.1%}" if installed else "—")

open_orders = ops["open"]
st.subheader(f"未完成工单（{open_orders.height}）")
if open_orders.is_empty():
    ui.no_data("没有未完成的工单。")
else:
    ui.table(open_orders, {
        "order_id": "工单", "camera_id": "摄像机", "district_code": "区",
        "institution_id": "机构", "order_kind": "类型", "opened_at": "开单时间",
        "hours_open": "已开（小时）", "repair_overdue": "维修超时", "technician_masked": "维修人员",
        "notes_masked": "备注（已脱敏）",
    })  # fmt: skip

st.subheader("设备运维预警（D01–D02）")
ui.rule_alerts(data.rule_alerts(db, key, data.DEVICE_RULES), "暂无设备运维预警。")

# The first view is what an analyst acts on (open orders, the D rules, coverage at a glance);
# the monthly repair times and the per-camera lists open on request.
st.subheader("巡检覆盖（近一年）")
if coverage.is_empty():
    ui.no_data("暂无已安装摄像机。")
else:
    st.altair_chart(
        alt.Chart(coverage.to_pandas())
        .mark_bar()
        .encode(
            x=alt.X("district_code:N", title="区"),
            y=alt.Y(
                "patrol_coverage:Q",
                title="覆盖率",
                axis=alt.Axis(format="%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            tooltip=["district_code", "installed_cameras", "patrolled_cameras", "patrol_coverage"],
        )  # fmt: skip
        .properties(height=200),
        width="stretch",
    )

due = ops["patrol_due"]
if not due.is_empty() and (box := ui.on_request(f"待巡检摄像机（{due.height}）", "patrol_due")):
    with box:
        ui.table(due, {
            "camera_id": "摄像机", "district_code": "区", "institution_id": "机构",
            "camera_status": "状态", "patrols": "巡检次数", "last_patrol_at": "最近巡检",
            "patrol_due_on": "应巡检日",
        })  # fmt: skip

monthly = ops["repair_monthly"]
if not monthly.is_empty() and (box := ui.on_request("维修时效（按开单月份）", "repair_monthly")):
    with box:
        st.altair_chart(
            alt.Chart(monthly.to_pandas())
            .mark_line(point=True)
            .encode(
                x=alt.X("opened_month:T", title="月份"),
                y=alt.Y("share_within_sla:Q", title="时限内修复比例", axis=alt.Axis(format="%")),
                color=alt.Color("district_code:N", title="区"),
                tooltip=[
                    "district_code",
                    "opened_month",
                    "repairs_opened",
                    "repairs_done",
                    "median_hours_to_repair",
                    "p90_hours_to_repair",
                    "share_within_sla",
                ],
            )  # fmt: skip
            .properties(height=220),
            width="stretch",
        )
        ui.table(monthly, {
            "district_code": "区", "opened_month": "月份", "repairs_opened": "报修",
            "repairs_done": "已修复", "repairs_open": "未修复",
            "median_hours_to_repair": "中位时长（小时）", "p90_hours_to_repair": "P90（小时）",
            "share_within_sla": "时限内比例",
        })  # fmt: skip

pictures = ops["pictures"]
if not pictures.is_empty() and (box := ui.on_request("巡检画面核验", "patrol_pictures")):
    with box:
        ui.table(pictures, {
            "order_id": "工单", "camera_id": "摄像机", "district_code": "区",
            "patrol_date": "巡检日", "picture_status": "画面结论", "frames": "帧数",
            "dark_frames": "过暗", "covered_frames": "遮挡", "out_of_focus_frames": "失焦",
            "frozen_frames": "冻结", "moved_frames": "移位",
        })  # fmt: skip

relocations = ops["relocations"]
if not relocations.is_empty() and (
    box := ui.on_request(f"移机（{relocations.height}）", "relocations")
):
    with box:
        ui.table(relocations, {
            "order_id": "工单", "camera_id": "摄像机", "district_code": "区",
            "institution_id": "机构", "relocated_on": "移机日", "new_site_number": "新点位",
            "days_since_previous": "距上次移机（天）",
        })  # fmt: skip
