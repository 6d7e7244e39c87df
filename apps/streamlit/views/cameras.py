"""视频 Cameras: the health grid, one camera's timeline and latest frames, and the recorded
video of a class session played in the page (every play and download logged)."""

import altair as alt
import polars as pl
import streamlit as st

from apps.streamlit import data, ui

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("视频")
health = data.camera_health(db, key)
if health.is_empty():
    ui.no_data("暂无摄像机数据。No camera data yet.")
    st.stop()
c = st.columns(4)
c[0].metric("摄像机", health.height)
c[1].metric("在线", int(health["online"].sum()))
c[2].metric("画面异常（遮挡/移位/冻结等）", int((health["tampered_frames"] > 0).sum()))
c[3].metric("未登记", int((~health["is_registered"].fill_null(False)).sum()))

st.subheader("健康状况（最近一天）")
grid = health.with_columns(
    pl.when(~pl.col("online"))
    .then(pl.lit("离线"))
    .when(pl.col("tampered_frames") > 0)
    .then(pl.lit("画面异常"))
    .otherwise(pl.lit("正常"))
    .alias("状态")
)
st.altair_chart(
    alt.Chart(grid.to_pandas())
    .mark_square(size=400)
    .encode(
        x=alt.X("camera_id:N", title="摄像机", axis=alt.Axis(labelAngle=-60)),
        y=alt.Y("district_code:N", title="区"),
        color=alt.Color(
            "状态:N",
            scale=alt.Scale(
                domain=["正常", "画面异常", "离线"], range=["#2e7d32", "#f9a825", "#c62828"]
            ),
        ),  # fmt: skip
        tooltip=["camera_id", "room", "uptime_share", "last_frame_at", "tampered_frames"],
    )
    .properties(height=220),
    width="stretch",
)
ui.grid(grid)

st.subheader("单台摄像机")
camera = st.selectbox("摄像机", health["camera_id"].to_list(), key="camera_choice")
history = data.camera_history(db, key, camera)
days = history["days"]
if not days.is_empty():
    st.altair_chart(
        alt.Chart(days.to_pandas())
        .mark_bar()
        .encode(
            x=alt.X("day:T", title="日期", axis=alt.Axis(format="%m-%d")),
            y=alt.Y("frames:Q", title="画面数"),
            color=alt.Color("uptime_share:Q", title="在线率"),
            tooltip=["day", "frames", "uptime_share", "offline_minutes", "tampered_frames"],
        )
        .properties(height=200),
        width="stretch",
    )
if not history["offline"].is_empty():
    st.markdown("**离线时段**")
    ui.grid(history["offline"])
thumbs = data.camera_thumbnails([camera])
if thumbs:
    st.markdown("**最近画面**")
    st.image([str(p) for _, p in thumbs], caption=[c for c, _ in thumbs], width=160)

st.subheader("课次录像")
sessions = data.sessions_with_video(db, key)
if sessions.is_empty():
    ui.no_data("暂无有画面的课次。")
    st.stop()
session_id = st.selectbox(
    "课次",
    sessions["session_id"].to_list(),
    format_func=lambda s: (lambda r: f"{s} · {r['starts_at']:%m-%d %H:%M} · {r['frames']} 帧")(
        sessions.row(by_predicate=pl.col("session_id") == s, named=True)
    ),
    key="session_choice",
)
row = sessions.row(by_predicate=pl.col("session_id") == session_id, named=True)
if st.button("播放录像", key="play_session"):
    st.session_state["playing"] = session_id
    ui.log(user, "play", f"session:{session_id}", {"camera_ids": row["camera_ids"]})
if st.session_state.get("playing") == session_id:
    clip = data.session_clip(db, (row["camera_ids"],), row["starts_at"], row["ends_at"])
    if not clip:
        st.info("该课次没有可播放的画面文件。")
    else:
        st.video(clip, format="video/webm")
        st.download_button(
            "下载录像",
            data=clip,
            file_name=f"{session_id}.webm",
            mime="video/webm",
            key="download_session",
            on_click=ui.log,
            args=(user, "download", f"session:{session_id}", {}, 1),
        )
