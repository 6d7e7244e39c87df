"""查询导出 Query & export: filtered extracts of the marts, CSV/XLSX, every export logged."""

import datetime as dt

import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("查询导出")
table = st.selectbox(
    "数据表",
    list(data.EXPORTABLE),
    format_func=lambda t: f"{data.EXPORTABLE[t][0]}（{t}）",
    key="export_table",
)
columns = data.table_columns(db, key, table)
c = st.columns(3)
districts: list[str] = []
if user.role != "district" and "district_code" in columns:
    options = data.districts_in_scope(db, key)["district_code"].to_list()
    districts = ui.pick(
        c[0], "区", options, format_func=lambda v: f"{v} {data.district_name(v)}", key="export_d"
    )
date_col = data.EXPORTABLE[table][1]
date_from = date_to = None
if date_col:
    date_from = c[1].date_input("起始日期", value=None, key="export_from")
    date_to = c[2].date_input("截止日期", value=None, key="export_to")
frame = data.extract(db, key, table, tuple(districts), date_from, date_to)
filters = {
    "table": table,
    "districts": districts,
    "from": str(date_from) if isinstance(date_from, dt.date) else None,
    "to": str(date_to) if isinstance(date_to, dt.date) else None,
}
st.caption(f"{frame.height} 行")
ui.grid(frame.head(1000))
ui.export_buttons(user, frame, table, filters, "export")
