"""课件库 Courseware library: every delivered package with its standard, structure and
integrity, the findings, exact duplicates, and which courses each package serves."""

import polars as pl
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("课件库")
cw = data.courseware(db, key)
catalogue = cw["catalogue"]
c = st.columns(5)
c[0].metric("课件包", catalogue.height)
c[1].metric("可用", int((catalogue["package_status"] == "ok").sum()))
c[2].metric("拒收", int((catalogue["package_status"] == "rejected").sum()))
c[3].metric("重复", int(catalogue["duplicate_of"].is_not_null().sum()))
c[4].metric("内容（MB）", f"{catalogue['content_mb'].fill_null(0).sum():,.1f}")
if catalogue.is_empty():
    ui.no_data("暂无课件包。No courseware packages delivered yet.")
    st.stop()

status = st.multiselect(
    "状态", sorted(catalogue["package_status_zh"].drop_nulls().unique().to_list()),
    placeholder="全部", key="courseware_status",
)  # fmt: skip
shown = catalogue.filter(pl.col("package_status_zh").is_in(status)) if status else catalogue
ui.table(shown, {
    "package_file": "文件", "package_status": "状态码", "package_status_zh": "状态",
    "reason": "原因", "standard": "标准", "package_identifier": "标识", "package_title": "名称",
    "sco_count": "SCO 数", "files_in_package": "文件数", "files_missing": "缺失文件",
    "files_unreferenced": "未引用文件", "content_mb": "内容（MB）", "content_sha256": "SHA-256",
    "duplicate_of": "重复于", "defects": "缺陷", "warnings": "警告", "courses_linked": "关联课程",
    "modified_at": "修改时间",
})  # fmt: skip

findings = cw["findings"]
st.subheader(f"完整性问题（{findings.height}）")
if findings.is_empty():
    ui.no_data("没有发现问题。")
else:
    ui.table(findings, {
        "package_file": "文件", "package_title": "名称", "severity_zh": "严重程度",
        "finding_code": "代码", "message_zh": "说明", "detail": "详情",
    })  # fmt: skip

# the duplicates and the course links are detail behind the counts above: on request
duplicates = cw["duplicates"]
if not duplicates.is_empty() and (box := ui.on_request("重复课件", "courseware_duplicates")):
    with box:
        ui.table(duplicates, {
            "content_sha256": "内容 SHA-256", "package_file": "文件", "is_kept": "保留",
            "kept_package": "保留的文件", "copies": "份数", "package_title": "名称",
        })  # fmt: skip

links = cw["links"]
if not links.is_empty() and (box := ui.on_request("课程与课件包", "courseware_links")):
    with box:
        ui.table(links, {
            "course_id": "课程", "course_title": "课程名称", "package_file": "课件包",
            "package_title": "课件名称", "link_status_zh": "对应情况", "match_by": "匹配依据",
            "sco_count_agrees": "SCO 数一致", "standard_agrees": "标准一致",
        })  # fmt: skip
