"""公益课程播放 Public course player: open to anyone without a login. Lists the public video
courses, plays them, and records each play into the e-learning plays feed. It reads only the
district-free public-course tables."""

import datetime as dt
import time

import streamlit as st

from apps.streamlit import data, public_plays, ui

PLACEHOLDER_S = 20


@st.cache_data(show_spinner=False)
def _placeholder(course_id: str) -> bytes:
    return public_plays.placeholder_clip(course_id, PLACEHOLDER_S)


st.title("公益课程")
st.caption("面向公众的公益类视频课程，无需登录即可观看。")
if not data.published():
    st.info("暂无课程。")
    st.stop()
courses = data.public_courses(data.db_path())
if courses.is_empty():
    st.info("暂无课程。")
    st.stop()
settings = data.settings()
viewer = st.session_state.setdefault("public_viewer", public_plays.new_viewer_id())
titles = dict(courses.select("course_id", "course_title").iter_rows())
course_id = st.radio("课程", list(titles), format_func=titles.get, key="public_course")
media = public_plays.course_media(settings, course_id)
clip = None if media else _placeholder(course_id)
duration = public_plays.media_seconds(media) if media else PLACEHOLDER_S
playing = st.session_state.get("public_playing")

if playing is None or playing["course_id"] != course_id:
    if st.button("开始观看", key="public_play"):
        st.session_state["public_playing"] = {"course_id": course_id, "since": time.time()}
        st.rerun()
else:
    if media is None:
        st.info("本课程视频文件尚未上传（media/public_courses/），先播放示例画面。")
        st.video(clip, format="video/webm", autoplay=True)
    else:
        st.video(str(media), autoplay=True)
    if st.button("结束观看", key="public_stop"):
        watched = round(time.time() - playing["since"])
        started = dt.datetime.now().astimezone() - dt.timedelta(seconds=watched)
        device = public_plays.device_of(st.context.headers.get("User-Agent"))
        public_plays.record_play(settings, course_id, viewer, started, watched, duration, device)
        ui.log(None, "play", f"public_course:{course_id}", {"device": device}, 1,
               f"watched {watched} s")  # fmt: skip
        st.session_state.pop("public_playing", None)
        st.success(f"已记录本次观看（{watched} 秒）。")

st.subheader("课程列表")
st.dataframe(
    courses.select("course_id", "course_title", "plays", "unique_viewers").rename(
        {"course_id": "课程编号", "course_title": "课程", "plays": "播放次数",
         "unique_viewers": "观众人数"}
    ),
    hide_index=True,
)  # fmt: skip
