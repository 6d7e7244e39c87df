"""统计 Statistics: pick dimensions and measures; a pivot, a chart, and the same as a file."""

import altair as alt
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("统计")
c = st.columns(2)
dims = ui.pick(
    c[0],
    "维度",
    list(data.DIMENSIONS),
    default=["district", "month"],
    format_func=lambda d: data.DIMENSIONS[d][0],
    key="stats_dims",
)
measures = ui.pick(
    c[1],
    "指标",
    list(data.MEASURES),
    default=["enrolments", "attended_hours"],
    format_func=lambda m: data.MEASURES[m][0],
    key="stats_measures",
)
dims = dims or ["district"]
measures = measures or ["enrolments"]
frame = data.statistics(db, key, tuple(dims), tuple(measures))
if frame.is_empty():
    ui.no_data()
    st.stop()
ui.grid(frame)
ui.export_buttons(user, frame, "统计", {"dimensions": dims, "measures": measures}, "stats")

first_dim = data.DIMENSIONS[dims[0]][0]
first_measure = data.MEASURES[measures[0]][0]
encoding = {
    "x": alt.X(f"{first_dim}:N", title=first_dim),
    "y": alt.Y(f"sum({first_measure}):Q", title=first_measure),
}
if len(dims) > 1:
    second = data.DIMENSIONS[dims[1]][0]
    encoding["color"] = alt.Color(f"{second}:N", title=second)
st.altair_chart(
    alt.Chart(frame.to_pandas()).mark_bar().encode(**encoding).properties(height=320),
    width="stretch",
)
