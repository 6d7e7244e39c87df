"""公益课程播放 Public course player: open without login; lists the public courses."""

import streamlit as st

from apps.streamlit import data

st.title("公益课程")
if not data.published():
    st.info("暂无课程。")
    st.stop()
courses = data.public_courses(data.db_path())
if courses.is_empty():
    st.info("暂无课程。")
    st.stop()
st.dataframe(courses, hide_index=True)
