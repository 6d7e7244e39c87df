"""预警 Early warnings: filters, the list by risk, a drill-down with the evidence, actions."""

import altair as alt
import polars as pl
import streamlit as st

from apps.streamlit import data, ui
from apps.streamlit import evidence as evidence_pack

user = ui.require_user()
ui.require_published()
key = ui.key_of(user)
db = data.db_path()

st.title("预警")
READ_ONLY = "审计角色只读，不能处理预警。Auditors cannot act on alerts."
frame = data.alerts(db, key)
if frame.is_empty():
    ui.no_data("暂无预警。No alerts.")
    st.stop()


def _options(column: str) -> list:
    return sorted(v for v in frame[column].unique().to_list() if v is not None)


with st.expander("筛选", expanded=True):
    c = st.columns(4)
    filters = {
        "level": ui.pick(c[0], "级别", list(data.LEVELS), format_func=data.LEVELS.get),
        "rule_code": ui.pick(c[1], "规则", _options("rule_code")),
        "period": ui.pick(c[2], "周期", list(data.PERIODS), format_func=data.PERIODS.get),
        "status": ui.pick(
            c[3],
            "状态",
            list(data.STATUSES),
            default=["new", "acknowledged"],
            format_func=data.STATUSES.get,
        ),
    }
    c = st.columns(3)
    if user.role != "district":
        filters["district_code"] = ui.pick(
            c[0],
            "区",
            _options("district_code"),
            format_func=lambda v: f"{v} {data.district_name(v)}",
        )
    filters["institution_id"] = ui.pick(c[1], "培训机构", _options("institution_id"))
    filters["min_risk"] = c[2].slider("最低风险分", 0, 100, 0)

matching = data.filter_alerts(frame, filters)
# the list and the drill-down hold the riskiest SHOWN_MAX (a browser grid and a select box of
# the city-year's 12 k alerts took 3 s to draw); the downloads hold every matching alert
SHOWN_MAX = 1000
shown = matching.head(SHOWN_MAX)
if matching.height > SHOWN_MAX:
    st.caption(
        f"共 {matching.height} 条预警，列出风险分最高的 {SHOWN_MAX} 条（筛选可缩小范围）；"
        f"下载包含全部 {matching.height} 条"
    )
else:
    st.caption(f"共 {matching.height} 条预警（按风险分排序）")


def _listed(alerts: pl.DataFrame) -> pl.DataFrame:
    return alerts.select(
        pl.col("alert_id").alias("编号"),
        pl.col("level").replace_strict(data.LEVELS, default=None).alias("级别"),
        pl.col("rule_code").alias("规则"),
        pl.col("rule_name_zh").alias("规则名称"),
        pl.col("district_code").alias("区"),
        pl.col("institution_id").alias("机构"),
        pl.col("class_id").alias("班级"),
        pl.col("period").replace_strict(data.PERIODS, default=None).alias("周期"),
        pl.col("period_start").alias("起始日"),
        pl.col("status").replace_strict(data.STATUSES, default=None).alias("状态"),
        pl.col("risk_score").round(1).alias("风险分"),
        pl.col("evidence").alias("证据"),
    )


ui.grid(_listed(shown), height=320)
ui.export_buttons(
    user, _listed(matching), "预警列表", {k: v for k, v in filters.items() if v}, "alerts"
)

if shown.is_empty():
    st.stop()
st.subheader("预警详情")
# labels built in one pass: a per-option row lookup was quadratic (6 s for the city-year's
# 12 k alerts on the page's first view)
labels = dict(
    shown.select(
        "alert_id",
        pl.format(
            "{} {} {} {} · {}",
            "rule_code",
            pl.col("level").replace_strict(data.LEVELS, default=""),
            pl.coalesce("class_id", "institution_id", "district_code"),
            pl.col("period_start").cast(pl.String),
            pl.col("alert_id").str.slice(0, 8),
        ),
    ).iter_rows()
)
# nothing chosen on the first view: the evidence (class, sessions, check-ins, frames, the
# pack) is read for the alert the analyst picks, not for whichever sorts first (0.6-1 s of
# the city-year's first view went to a drill-down nobody had asked for)
chosen = st.selectbox(
    "选择预警",
    list(labels),
    index=None,
    format_func=labels.get,
    placeholder="选择一条预警，查看证据、下载证据包并处理",
    key="alert_choice",
)
if chosen is None:
    if not ui.can_act(user):
        st.info(READ_ONLY)
    st.stop()
alert = shown.row(by_predicate=pl.col("alert_id") == chosen, named=True)
st.markdown(
    f"**{alert['rule_code']} {alert['rule_name_zh']}** · 级别 {data.LEVELS.get(alert['level'])}"
    f" · 状态 {data.STATUSES.get(alert['status'], alert['status'])}"
    f" · 风险分 {alert['risk_score'] if alert['risk_score'] is not None else '—'}"
)
st.write(alert["evidence"])
if alert.get("status_by"):
    st.caption(f"最近处理：{alert['status_by']} {alert['status_at']} {alert['status_note'] or ''}")

if alert["class_id"]:
    evidence = data.alert_evidence(db, key, alert["class_id"])
    klass, sessions, checkins = evidence["class"], evidence["sessions"], evidence["checkins"]
    if not klass.is_empty():
        st.markdown("**班级**")
        ui.grid(klass.drop("class_key"))
    if not sessions.is_empty():
        st.markdown("**课次与视频人数**")
        ui.grid(sessions.drop("session_key"))
        compare = sessions.select(
            "session_id",
            pl.col("persons_checked_in").cast(pl.Float64).alias("签到人数"),
            pl.col("median_headcount").cast(pl.Float64).alias("视频人数（中位）"),
        ).unpivot(index="session_id", variable_name="来源", value_name="人数")
        st.altair_chart(
            alt.Chart(compare.to_pandas())
            .mark_bar()
            .encode(
                x=alt.X("session_id:N", title="课次"),
                xOffset="来源:N",
                y=alt.Y("人数:Q", title="人数"),
                color=alt.Color("来源:N", title="来源"),
            )
            .properties(height=240),
            width="stretch",
        )
    if not checkins.is_empty():
        st.markdown("**签到时间线**（身份证号已脱敏）")
        ui.log(user, "view_personal", "alert_checkins", {"alert_id": chosen}, checkins.height)
        st.altair_chart(
            alt.Chart(checkins.to_pandas())
            .mark_tick(thickness=2)
            .encode(
                x=alt.X("checked_at:T", title="打卡时间"),
                y=alt.Y("session_id:N", title="课次"),
                color=alt.Color("punch_kind:N", title="类型"),
                tooltip=["id_number_masked", "checked_at", "punch_method", "face_score"],
            )
            .properties(height=200),
            width="stretch",
        )
        with st.expander(f"签到明细（{checkins.height} 条）"):
            ui.grid(checkins)
    if not klass.is_empty():
        thumbs = data.camera_thumbnails(klass["camera_ids"].to_list())
        if thumbs:
            st.markdown("**摄像机画面（最近）**")
            st.image([str(p) for _, p in thumbs], caption=[c for c, _ in thumbs], width=160)

if alert["rule_code"] == "W05" and alert["class_id"]:
    pairs = data.photo_pairs(db, key, alert["class_id"])
    if not pairs.is_empty():
        st.markdown("**签到照片比对（疑似重复使用）**")
        thumbs = data.photo_thumbnails(pairs["photo_a"].to_list() + pairs["photo_b"].to_list())
        for pair in pairs.head(6).iter_rows(named=True):
            left, right, info = st.columns([1, 1, 2])
            for col, photo, day in ((left, pair["photo_a"], pair["day_a"]),
                                    (right, pair["photo_b"], pair["day_b"])):  # fmt: skip
                if photo in thumbs:
                    col.image(str(thumbs[photo]), caption=f"{photo} {day}", width=140)
                else:
                    col.caption(f"{photo}（无图像）")
            info.caption(f"{pair['finding'] or ''} · 差异 {pair['hash_distance']}")
evidence = data.alert_evidence(db, key, alert["class_id"]) if alert["class_id"] else {}
klass = evidence.get("class")
frames = (
    data.camera_thumbnails(klass["camera_ids"].to_list())
    if klass is not None and not klass.is_empty()
    else []
)
pack = evidence_pack.evidence_html(
    alert,
    evidence,
    frames,
    data.publication(db, key),
    evidence_pack.lake_versions(data.settings().lake),
)
html_col, pdf_col = st.columns(2)
html_col.download_button(
    "下载证据包（HTML）",
    data=pack.encode("utf-8"),
    file_name=f"evidence_{alert['rule_code']}_{chosen[:8]}.html",
    mime="text/html",
    key="evidence_pack",
    on_click=ui.log,
    args=(user, "download", f"evidence_pack:{chosen}", {}, 1),
)
# printing takes a browser start (1-3 s): only on request, kept for this alert in the session
pdf_key = f"evidence_pdf:{chosen}"
if pdf_key not in st.session_state and pdf_col.button("生成 PDF 证据包", key="evidence_pdf_make"):
    try:
        st.session_state[pdf_key] = evidence_pack.evidence_pdf(pack)
    except evidence_pack.PdfUnavailable as exc:
        pdf_col.warning(str(exc))
if pdf_key in st.session_state:
    pdf_col.download_button(
        "下载证据包（PDF）",
        data=st.session_state[pdf_key],
        file_name=f"evidence_{alert['rule_code']}_{chosen[:8]}.pdf",
        mime="application/pdf",
        key="evidence_pack_pdf",
        on_click=ui.log,
        args=(user, "download", f"evidence_pack_pdf:{chosen}", {}, 1),
    )

st.subheader("处理")
if not ui.can_act(user):
    st.info(READ_ONLY)
else:
    from pipelines.alerts import store

    allowed = store.TRANSITIONS.get(alert["status"], set())
    labels = {"acknowledged": "确认", "resolved": "解决", "dismissed": "忽略"}
    with st.form("alert_action"):
        action = st.radio(
            "操作",
            [s for s in labels if s in allowed] or ["—"],
            horizontal=True,
            format_func=lambda s: labels.get(s, "无可用操作"),
        )
        note = st.text_input("备注")
        done = st.form_submit_button("提交", disabled=not allowed)
    if done and action in allowed:
        try:
            store.record_action(data.settings(), chosen, action, user.name, note)
        except store.TransitionError as exc:
            st.error(f"未能处理：{exc}")
        else:
            ui.log(user, "alert_action", chosen, {"status": action}, 1, note)
            st.success(f"已{labels[action]}。")
            st.rerun()
