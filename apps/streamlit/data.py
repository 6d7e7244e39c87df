"""Everything the pages read, in one place: named queries through the serving read layer.

Pages call the functions below and never hold SQL. Every query goes through
:func:`pipelines.serving.scoped_query` on a short-lived, read-only connection to the
published file (it is replaced by rename at each publication), so a district user's rows are
filtered by the layer whatever the page asks for. Results are cached for ``TTL_S`` seconds,
keyed by the file, the scope and the arguments, so a district user never gets a city user's
cached frame.

Alert statuses change between publications (analysts act on them); the published ``alerts``
table carries the status at publication, and :func:`alerts` overlays the latest actions
from the alert store (Delta), so an action shows at once and survives a rebuild.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import polars as pl
import streamlit as st

from pipelines.contract.districts import DISTRICTS
from pipelines.contract.feeds import WORK_ORDER_KINDS
from pipelines.serving import Scope, read_table, scoped_query
from pipelines.settings import Settings, get_settings

TTL_S = get_settings().app_cache_s  # read once: st.cache_data takes its ttl at import
ScopeKey = tuple[str, str | None]  # (role, district_code): hashable, what the cache keys on

LEVELS = {"red": "红", "orange": "橙", "yellow": "黄"}
STATUSES = {"new": "新", "acknowledged": "已确认", "resolved": "已解决", "dismissed": "已忽略"}
PERIODS = {"day": "日", "week": "周", "month": "月"}


def settings() -> Settings:
    return get_settings()


def db_path() -> str:
    return str(settings().duckdb_path)


def scope_of(key: ScopeKey, user: str = "") -> Scope:
    return Scope(key[0], key[1], user)


def _q(db: str, key: ScopeKey, sql: str, params: list | dict | None = None) -> pl.DataFrame:
    return scoped_query(db, scope_of(key), sql, params)


def published() -> bool:
    return Path(db_path()).exists()


def district_name(code: str | None) -> str:
    return DISTRICTS.get(code or "", code or "")


# --- overview -------------------------------------------------------------------------------


@st.cache_data(ttl=TTL_S, show_spinner=False)
def as_of_day(db: str, key: ScopeKey) -> dt.date | None:
    """The latest data day: the last session in scope."""
    return _q(db, key, "select max(session_date) as d from fct_sessions")["d"][0]


KPI_SQL = """
select
  (select count(*) from dim_institution) as institutions,
  (select count(*) from dim_class where start_date <= $day and end_date >= $day)
      as classes_running,
  (select count(*) from dim_class where start_date <= $prev and end_date >= $prev)
      as classes_running_prev,
  (select count(*) from fct_enrolments where enrolled_on <= $day) as enrolments,
  (select count(*) from fct_enrolments where enrolled_on <= $prev) as enrolments_prev,
  (select coalesce(sum(attended_hours), 0) from fct_session_attendance
      where session_date <= $day) as attended_hours,
  (select coalesce(sum(attended_hours), 0) from fct_session_attendance
      where session_date <= $prev) as attended_hours_prev,
  (select count(*) from fct_camera_health_daily where day = $day) as cameras,
  (select count(*) from fct_camera_health_daily where day = $day and heartbeats > 0
      and uptime_share > 0) as cameras_online,
  (select count(*) from fct_camera_health_daily where day = $prev and heartbeats > 0
      and uptime_share > 0) as cameras_online_prev,
  (select avg(passed::int) from fct_dq_results) as dq_pass_rate,
  (select avg(r.passed::int) from fct_dq_results r join fct_deliveries d
      using (delivery_sha256) where d.delivered_on <= $prev) as dq_pass_rate_prev
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def kpis(db: str, key: ScopeKey) -> dict:
    """Headline numbers on the latest data day and a week before it."""
    day = as_of_day(db, key)
    if day is None:
        return {}
    prev = day - dt.timedelta(days=7)
    row = scoped_query(db, scope_of(key), KPI_SQL, {"day": day, "prev": prev}).row(0, named=True)
    open_alerts = alerts(db, key).filter(pl.col("status").is_in(["new", "acknowledged"]))
    week_start = day - dt.timedelta(days=6)
    for level in LEVELS:
        of_level = open_alerts.filter(pl.col("level") == level)
        row[f"open_{level}"] = of_level.height
        row[f"open_{level}_week"] = of_level.filter(pl.col("period_start") >= week_start).height
    row["as_of"] = day
    row["prev"] = prev
    return row


MONTHLY_SQL = """
select month, sum(classes_opened)::bigint as classes_opened,
       sum(enrolments)::bigint as enrolments,
       sum(attended_hours) as attended_hours, sum(subsidy_amount_yuan) as subsidy_amount_yuan
from stats_district_occupation_month group by month order by month
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def monthly_trend(db: str, key: ScopeKey) -> pl.DataFrame:
    return _q(db, key, MONTHLY_SQL)


DISTRICT_SQL = """
select d.district_code, d.district_name_zh,
       coalesce(sum(s.enrolments), 0)::bigint as enrolments,
       coalesce(sum(s.attended_hours), 0) as attended_hours,
       coalesce(sum(s.classes_opened), 0)::bigint as classes_opened,
       (select count(*) from alerts a where a.district_code = d.district_code
           and a.status in ('new', 'acknowledged')) as open_alerts
from dim_district d left join stats_district_occupation_month s using (district_code)
group by all order by d.district_code
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def district_comparison(db: str, key: ScopeKey) -> pl.DataFrame:
    """The 16 districts side by side: city users only (a district user gets nothing)."""
    if key[0] == "district":
        return pl.DataFrame()
    return _q(db, key, DISTRICT_SQL)


# --- alerts ---------------------------------------------------------------------------------

ALERTS_SQL = """
select a.alert_id, a.rule_code, coalesce(c.rule_name_zh, a.rule_code) as rule_name_zh, a.level,
       a.scope, a.district_code, a.institution_id, a.class_id, a.period, a.period_start,
       a.first_seen_at, a.status as published_status, a.evidence, a.risk_score
from alerts a
left join alert_rules c using (rule_code)
"""


def _latest_actions() -> pl.DataFrame:
    from pipelines.alerts import store

    latest = store.latest_actions(store.read_actions(settings()))
    return latest.select(
        "alert_id",
        pl.col("status").alias("action_status"),
        pl.col("actor").alias("status_by"),
        pl.col("acted_at").alias("status_at"),
        pl.col("note").alias("status_note"),
    )


_DISTRICT_IN_ID = re.compile(r"\b([A-Z]{2,4})?(31\d{4})\w*")


def redact_other_districts(text: str | None, own: str) -> str | None:
    """Evidence text for a district user: identifiers and names of other districts replaced.

    A cross-district finding (a trainee checked in at two classes at once, one elsewhere)
    names the other class, whose id embeds its district's code; the district user learns
    that there is such a class, not which district or class it is."""
    if not text:
        return text

    def swap(match: re.Match) -> str:
        prefix, code = match.group(1) or "", match.group(2)
        if code == own or code not in DISTRICTS:
            return match.group(0)
        return "外区班级" if prefix else "外区"

    text = _DISTRICT_IN_ID.sub(swap, text)
    for code, name in DISTRICTS.items():
        if code != own:
            text = text.replace(name, "外区")
    return text


def alerts(db: str, key: ScopeKey) -> pl.DataFrame:
    """The scoped published alerts with their current status (latest action wins).

    Not cached as a whole: the actions are read fresh so an acknowledgement shows at once;
    the published part is cached."""
    base = _published_alerts(db, key)
    if base.is_empty():
        return base.with_columns(pl.lit(None, pl.String).alias("status"))
    if key[0] == "district":
        own = key[1] or ""
        base = base.with_columns(
            pl.col("evidence").map_elements(
                lambda t: redact_other_districts(t, own), return_dtype=pl.String
            )
        )
    merged = base.join(_latest_actions(), on="alert_id", how="left")
    return merged.with_columns(
        pl.coalesce("action_status", "published_status").alias("status")
    ).drop("action_status")


@st.cache_data(ttl=TTL_S, show_spinner=False)
def _published_alerts(db: str, key: ScopeKey) -> pl.DataFrame:
    return _q(db, key, ALERTS_SQL)


def filter_alerts(frame: pl.DataFrame, filters: dict) -> pl.DataFrame:
    """Apply the page's filters (lists of allowed values, a minimum risk) and sort by risk."""
    for column in ("level", "rule_code", "district_code", "institution_id", "period", "status"):
        values = filters.get(column)
        if values:
            frame = frame.filter(pl.col(column).is_in(list(values)))
    if filters.get("min_risk"):
        frame = frame.filter(pl.col("risk_score").fill_null(0) >= float(filters["min_risk"]))
    level_order = pl.col("level").replace_strict({"red": 0, "orange": 1, "yellow": 2}, default=3)
    return frame.sort(
        [pl.col("risk_score").fill_null(-1), level_order, "period_start"],
        descending=[True, False, True],
    )


CLASS_SQL = """
select c.class_key, c.class_id, c.district_code, i.institution_id, i.institution_name,
       c.occupation_name, c.training_level, c.training_mode, c.start_date, c.end_date,
       c.planned_hours, c.capacity, c.site_address, c.camera_ids
from dim_class c left join dim_institution i using (institution_key)
where c.class_id = ?
"""
SESSIONS_SQL = """
select s.session_id, s.session_key, s.starts_at, s.ends_at, s.declared_hours,
       s.persons_checked_in, s.persons_paired, v.coverage_status, v.coverage_share,
       v.median_headcount, v.checked_in, v.headcount_ratio, v.camera_ids, v.tamper_states
from fct_sessions s join dim_class c using (class_key)
left join fct_session_coverage v using (session_key)
where c.class_id = ? order by s.starts_at
"""
CHECKINS_SQL = """
select s.session_id, a.checked_at, a.punch_kind, a.punch_method, a.face_score,
       a.id_number_masked, a.photo_id
from fct_attendance a join fct_sessions s using (session_key) join dim_class c
    on c.class_key = a.class_key
where c.class_id = ? order by a.checked_at
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def alert_evidence(db: str, key: ScopeKey, class_id: str) -> dict[str, pl.DataFrame]:
    """The class behind an alert, its sessions (with video coverage) and check-ins."""
    return {
        "class": _q(db, key, CLASS_SQL, [class_id]),
        "sessions": _q(db, key, SESSIONS_SQL, [class_id]),
        "checkins": _q(db, key, CHECKINS_SQL, [class_id]),
    }


def camera_thumbnails(camera_ids: list[str], limit: int = 8) -> list[tuple[str, Path]]:
    """The latest frame thumbnails of cameras the scoped evidence named (newest first).

    The frames are not in the published file; their thumbnails are files under the warehouse,
    listed by the cameras' silver frames table. Only camera ids returned by a scoped query
    come in here, so a district user sees its own cameras' frames only."""
    from pipelines.lib import delta_io

    cfg = settings()
    camera_ids = sorted({c.strip() for s in camera_ids for c in re.split(r"[;,]", s or "") if c})
    lazy = delta_io.scan(cfg.silver("camera_frames"))
    if lazy is None or not camera_ids:
        return []
    frames = (
        lazy.filter(pl.col("camera_id").is_in(camera_ids) & pl.col("thumb_path").is_not_null())
        .select("camera_id", "captured_at", "thumb_path")
        .sort("captured_at", descending=True)
        .head(limit)
        .collect()
    )
    out = []
    for camera, at, thumb in frames.iter_rows():
        path = cfg.warehouse / thumb
        if path.exists():
            out.append((f"{camera} {at:%m-%d %H:%M}", path))
    return out


# --- data quality ---------------------------------------------------------------------------

DQ_BY_DISTRICT_SQL = """
select district_code, feed, count(*) as checks, sum(passed::int)::bigint as passed,
       avg(passed::int) as pass_rate, sum(rows_failed)::bigint as rows_failed
from fct_dq_results group by all order by district_code, feed
"""
DQ_TREND_SQL = """
select d.delivered_on, count(*) as checks, avg(r.passed::int) as pass_rate
from fct_dq_results r join fct_deliveries d using (delivery_sha256)
group by all order by d.delivered_on
"""
DQ_FAILING_SQL = """
select district_code, feed, delivery_file, check_name, rows_checked, rows_failed,
       failure_ratio, is_severe
from fct_dq_results where not passed order by is_severe desc, rows_failed desc
"""
QUARANTINE_SQL = """
select district_code, feed, delivery_file, delivery_row, first_reason_code, first_reason_zh,
       reason_detail, severity, status, original_values_masked
from fct_quarantine where is_current order by district_code, feed, delivery_file, delivery_row
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def data_quality(db: str, key: ScopeKey) -> dict[str, pl.DataFrame]:
    return {
        "by_district": _q(db, key, DQ_BY_DISTRICT_SQL),
        "trend": _q(db, key, DQ_TREND_SQL),
        "failing": _q(db, key, DQ_FAILING_SQL),
        "quarantine": _q(db, key, QUARANTINE_SQL),
    }


# --- statistics -----------------------------------------------------------------------------

# dimension -> (label, SQL expression over the enrolment base below); whitelisted, never input
DIMENSIONS: dict[str, tuple[str, str]] = {
    "district": ("区", "d.district_name_zh"),
    "occupation": ("职业（工种）", "c.occupation_name"),
    "level": ("等级", "c.training_level"),
    "institution": ("培训机构", "i.institution_name"),
    "month": ("月份", "strftime(e.enrolled_month, '%Y-%m')"),
    "mode": ("培训形式", "c.training_mode"),
}
MEASURES: dict[str, tuple[str, str]] = {
    "enrolments": ("报名人次", "count(*)"),
    "trainees": ("学员人数", "count(distinct e.person_pseudo)"),
    "attended_hours": ("出勤学时", "round(sum(e.attended_hours), 1)"),
    "completed": ("结业人次", "sum(e.is_completed::int)::bigint"),
    "subsidy_eligible": ("可补贴人次", "sum(e.subsidy_eligible::int)::bigint"),
}
STATS_BASE = """
from fct_enrolments e join dim_class c using (class_key)
left join dim_institution i on i.institution_key = c.institution_key
left join dim_district d on d.district_code = e.district_code
"""


def stats_sql(dimensions: list[str], measures: list[str]) -> str:
    dims = [d for d in dimensions if d in DIMENSIONS] or ["district"]
    meas = [m for m in measures if m in MEASURES] or ["enrolments"]
    select = [f'{DIMENSIONS[d][1]} as "{DIMENSIONS[d][0]}"' for d in dims]
    select += [f'{MEASURES[m][1]} as "{MEASURES[m][0]}"' for m in meas]
    order = ", ".join(str(i + 1) for i in range(len(dims)))
    return f"select {', '.join(select)} {STATS_BASE} group by all order by {order}"


@st.cache_data(ttl=TTL_S, show_spinner=False)
def statistics(
    db: str, key: ScopeKey, dimensions: tuple[str, ...], measures: tuple[str, ...]
) -> pl.DataFrame:
    return _q(db, key, stats_sql(list(dimensions), list(measures)))


# --- query & export -------------------------------------------------------------------------

# table -> (label, the date column to filter on); published marts analysts verify against
EXPORTABLE: dict[str, tuple[str, str | None]] = {
    "stats_district_occupation_month": ("区×职业×月统计", "month"),
    "fct_enrolments": ("报名", "enrolled_on"),
    "fct_sessions": ("课次", "session_date"),
    "fct_session_attendance": ("课次出勤", "session_date"),
    "fct_claims": ("补贴申领", "claimed_on"),
    "fct_inspections": ("检查", "inspected_on"),
    "fct_camera_health_daily": ("摄像机日健康", "day"),
    "fct_dq_results": ("数据质量结果", None),
    "fct_quarantine": ("隔离记录", "delivered_at"),
    "alerts": ("预警", "period_start"),
    "dim_class": ("班级", "start_date"),
    "dim_institution": ("培训机构", None),
    "fct_online_learning": ("线上学习记录", "learning_date"),
    "fct_work_orders": ("设备工单", "opened_at"),
    "stats_repair_times_monthly": ("维修时效", "opened_month"),
    "fct_tickets": ("客服工单", "opened_at"),
    "mart_courseware_catalogue": ("课件目录", None),
}


@st.cache_data(ttl=TTL_S, show_spinner=False)
def table_columns(db: str, key: ScopeKey, table: str) -> list[str]:
    if table not in EXPORTABLE:
        return []
    return read_table(db, scope_of(key), table, limit=0).columns


@st.cache_data(ttl=TTL_S, show_spinner=False)
def extract(
    db: str,
    key: ScopeKey,
    table: str,
    districts: tuple[str, ...] = (),
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    limit: int = 100_000,
) -> pl.DataFrame:
    """A filtered extract of one exportable mart (the scope applies on top of the filters)."""
    if table not in EXPORTABLE:
        raise ValueError(f"{table} is not exportable")
    date_col = EXPORTABLE[table][1]
    columns = table_columns(db, key, table)
    clauses, params = [], []
    if districts and "district_code" in columns:
        clauses.append("district_code in (select unnest(?))")
        params.append(list(districts))
    if date_col and date_from:
        clauses.append(f'"{date_col}" >= ?')
        params.append(date_from)
    if date_col and date_to:
        clauses.append(f'"{date_col}" < ?')
        params.append(date_to + dt.timedelta(days=1))
    where = f" where {' and '.join(clauses)}" if clauses else ""
    order = f' order by "{date_col}"' if date_col else ""
    sql = f'select * from "{table}"{where}{order} limit {int(limit)}'
    return _q(db, key, sql, params or None)


def to_csv(frame: pl.DataFrame) -> bytes:
    # UTF-8 with BOM: Excel on a Chinese Windows desktop opens it without mojibake
    return b"\xef\xbb\xbf" + frame.write_csv().encode("utf-8")


def to_xlsx(frame: pl.DataFrame) -> bytes:
    import io

    buffer = io.BytesIO()
    frame.write_excel(buffer, worksheet="data")
    return buffer.getvalue()


# --- reference ------------------------------------------------------------------------------


@st.cache_data(ttl=TTL_S, show_spinner=False)
def districts_in_scope(db: str, key: ScopeKey) -> pl.DataFrame:
    return _q(db, key, "select district_code, district_name_zh from dim_district order by 1")


@st.cache_data(ttl=TTL_S, show_spinner=False)
def institutions_in_scope(db: str, key: ScopeKey) -> pl.DataFrame:
    return _q(
        db,
        key,
        "select institution_id, institution_name, district_code from dim_institution "
        "order by institution_id",
    )


# --- public courses (no login: the public scope reads only district-free reference tables) --

PUBLIC_SCOPE: ScopeKey = ("district", "public")  # a district scope no district matches


@st.cache_data(ttl=TTL_S, show_spinner=False)
def public_courses(db: str) -> pl.DataFrame:
    return _q(
        db,
        PUBLIC_SCOPE,
        "select course_id, course_title, plays, unique_viewers, total_watch_hours, "
        "median_watched_seconds, completion_rate from stats_public_courses_by_course "
        "order by rank_by_plays",
    )


# --- cameras --------------------------------------------------------------------------------

CAMERA_HEALTH_SQL = """
select h.camera_id, h.district_code, h.room, h.is_registered, h.heartbeats,
       round(h.uptime_share, 3) as uptime_share, h.offline_minutes, h.frames,
       h.frames_rejected, h.last_frame_at, round(h.median_brightness, 1) as median_brightness,
       round(h.median_sharpness, 1) as median_sharpness, h.dark_frames, h.covered_frames,
       h.out_of_focus_frames, h.moved_frames, h.frozen_frames, h.tampered_frames,
       h.median_people, (h.heartbeats > 0 and h.uptime_share > 0) as online
from fct_camera_health_daily h
where h.day = (select max(day) from fct_camera_health_daily)
order by h.district_code, h.camera_id
"""
CAMERA_DAYS_SQL = """
select day, heartbeats, uptime_share, offline_minutes, frames, tampered_frames, median_people
from fct_camera_health_daily where camera_id = ? order by day
"""
CAMERA_OFFLINE_SQL = """
select offline_from, offline_to, offline_minutes, detected_from, session_id
from fct_camera_offline_intervals where camera_id = ? order by offline_from
"""
SESSIONS_WITH_VIDEO_SQL = """
select session_id, class_id, district_code, camera_ids, starts_at, ends_at, frames,
       coverage_status, coverage_share, median_headcount, checked_in
from fct_session_coverage where frames > 0 order by starts_at desc
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def camera_health(db: str, key: ScopeKey) -> pl.DataFrame:
    return _q(db, key, CAMERA_HEALTH_SQL)


@st.cache_data(ttl=TTL_S, show_spinner=False)
def camera_history(db: str, key: ScopeKey, camera_id: str) -> dict[str, pl.DataFrame]:
    return {
        "days": _q(db, key, CAMERA_DAYS_SQL, [camera_id]),
        "offline": _q(db, key, CAMERA_OFFLINE_SQL, [camera_id]),
    }


@st.cache_data(ttl=TTL_S, show_spinner=False)
def sessions_with_video(db: str, key: ScopeKey) -> pl.DataFrame:
    return _q(db, key, SESSIONS_WITH_VIDEO_SQL)


def _camera_list(camera_ids: list[str]) -> list[str]:
    return sorted({c.strip() for s in camera_ids for c in re.split(r"[;,]", s or "") if c})


def session_frames(camera_ids: list[str], starts_at, ends_at) -> pl.DataFrame:
    """The stored frames of the cameras (from a scoped query) within a session's hours."""
    from pipelines.lib import delta_io

    lazy = delta_io.scan(settings().silver("camera_frames"))
    cameras = _camera_list(camera_ids)
    if lazy is None or not cameras:
        return pl.DataFrame()
    return (
        lazy.filter(
            pl.col("camera_id").is_in(cameras)
            & pl.col("captured_at").is_between(starts_at, ends_at)
            & pl.col("image_path").is_not_null()
        )
        .select("camera_id", "captured_at", "image_path", "thumb_path")
        .sort("camera_id", "captured_at")
        .collect()
    )


MAX_CLIP_FRAMES = 120


@st.cache_data(ttl=600, show_spinner="正在合成视频…")
def session_clip(db: str, camera_ids: tuple[str, ...], starts_at, ends_at, fps: int = 4) -> bytes:
    """The session's frames stitched into a VP8 WebM clip (Chromium plays it; OpenCV's wheel
    has no H.264 encoder, and VP9 took ten times as long), each camera in turn, the capture
    time burnt into the picture; at most ``MAX_CLIP_FRAMES`` frames, evenly sampled."""
    import tempfile

    import cv2

    frames = session_frames(list(camera_ids), starts_at, ends_at)
    if frames.is_empty():
        return b""
    if frames.height > MAX_CLIP_FRAMES:
        step = frames.height / MAX_CLIP_FRAMES
        frames = frames[[int(i * step) for i in range(MAX_CLIP_FRAMES)]]
    root = settings().warehouse
    size = (480, 270)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.webm"
        writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"VP80"), fps, size)
        try:
            for camera, at, image in frames.select(
                "camera_id", "captured_at", "image_path"
            ).iter_rows():
                picture = cv2.imread(str(root / image))
                if picture is None:
                    continue
                picture = cv2.resize(picture, size)
                label = f"{camera} {at:%Y-%m-%d %H:%M:%S}"
                cv2.putText(picture, label, (10, 22), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                            (255, 255, 255), 2, cv2.LINE_AA)  # fmt: skip
                writer.write(picture)
        finally:
            writer.release()
        return out.read_bytes() if out.exists() else b""


# --- continuing education and public courses ------------------------------------------------

ELEARNING_COMPLIANCE_SQL = """
select year, district_code, count(*) as teachers, sum(is_met::int)::bigint as met,
       avg(is_met::int) as met_rate, round(sum(learning_hours), 1) as learning_hours,
       round(sum(shortfall_hours), 1) as shortfall_hours
from fct_elearning_compliance group by all order by year, district_code
"""
ELEARNING_COURSES_SQL = """
select course_id, course_title, count(*) as learners, sum(is_completed::int)::bigint as completed,
       avg(is_completed::int) as completion_rate, round(sum(learning_hours), 1) as learning_hours,
       median(days_to_complete) as median_days_to_complete
from fct_elearning_progress group by all order by course_id
"""
PUBLIC_SLICES_SQL = """
select slice, play_day, play_hour, device, plays, unique_viewers, total_watch_hours,
       completion_rate
from stats_public_courses_by_slice order by slice, play_day, play_hour, device
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def elearning(db: str, key: ScopeKey) -> dict[str, pl.DataFrame]:
    """Continuing education from the district-scoped facts (so a district user gets its
    own teachers), public courses from the district-free course statistics."""
    return {
        "compliance": _q(db, key, ELEARNING_COMPLIANCE_SQL),
        "courses": _q(db, key, ELEARNING_COURSES_SQL),
        "public": public_courses(db),
        "public_slices": _q(db, PUBLIC_SCOPE, PUBLIC_SLICES_SQL),
    }


@st.cache_data(ttl=TTL_S, show_spinner=False)
def publication(db: str, key: ScopeKey) -> str:
    """Which publication the pages read: its id and time."""
    frame = _q(db, key, "select publication_id, published_at from publication")
    if frame.is_empty():
        return "—"
    row = frame.row(0)
    return f"{row[0]} ({row[1]})"


DRAWN_CLASSES_SQL = """
select c.class_key, c.class_id, c.district_code, i.institution_name, c.occupation_name,
       c.start_date, c.end_date, r.score, r.reasons_zh
from dim_class c left join dim_institution i using (institution_key)
left join risk_class_scores r using (class_key)
where c.class_key in (select unnest(?))
"""


def spotcheck_items(db: str, key: ScopeKey, week: str) -> pl.DataFrame:
    """The week's drawn classes that the scope can see, with their risk reasons."""
    from apps.streamlit import spotchecks

    items = spotchecks.drawn_items(settings(), week)
    if items.is_empty():
        return pl.DataFrame()
    classes = _q(db, key, DRAWN_CLASSES_SQL, [items["class_key"].to_list()])
    keep = [c for c in ("item_no", "class_key", "drawn_by") if c in items.columns]
    return (
        items.select(keep)
        .join(classes, on="class_key", how="inner")
        .sort("item_no" if "item_no" in keep else "class_key")
    )


PHOTO_PAIRS_SQL = """
select p.photo_a, p.photo_b, p.matched_by, p.hash_distance, p.finding, p.day_a, p.day_b,
       p.district_a, p.district_b, p.is_different_people
from fct_photo_reuse p join dim_class c on c.class_key in (p.class_a_key, p.class_b_key)
where c.class_id = ? and p.is_reused order by p.hash_distance
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def photo_pairs(db: str, key: ScopeKey, class_id: str) -> pl.DataFrame:
    """W05: re-used check-in photos of a class. The pairs table spans two districts (it has
    no district_code), so the read layer shows it to city-wide roles only."""
    if key[0] == "district":
        return pl.DataFrame()
    return _q(db, key, PHOTO_PAIRS_SQL, [class_id])


def photo_thumbnails(photo_ids: list[str]) -> dict[str, Path]:
    """Thumbnails of check-in photos named by a scoped query."""
    from pipelines.lib import delta_io

    cfg = settings()
    lazy = delta_io.scan(cfg.silver("photo_hashes"))
    if lazy is None or not photo_ids:
        return {}
    rows = (
        lazy.filter(pl.col("photo_id").is_in(photo_ids) & pl.col("thumb_path").is_not_null())
        .select("photo_id", "thumb_path")
        .collect()
    )
    return {
        pid: cfg.warehouse / thumb
        for pid, thumb in rows.iter_rows()
        if (cfg.warehouse / thumb).exists()
    }


# --- online training, device operations, courseware, service desk (issue 13's areas) -------

# the rule families each operations page lists (the catalogue's O and D rules)
ONLINE_RULES = ("O01", "O02", "O03", "O04")
DEVICE_RULES = ("D01", "D02")
MAX_DETAIL_ROWS = 500  # detail tables on a page: the newest rows; the export page has all
REPAIR_KIND = "维修"  # the contract's work-order kind the service level applies to
assert REPAIR_KIND in WORK_ORDER_KINDS

ONLINE_DAILY_SQL = """
select learning_date, sum(records)::bigint as records, sum(learners)::bigint as learners,
       round(sum(credited_hours), 1)::double as credited_hours,
       max(peak_concurrent_records) as peak_concurrent_records,
       sum(people_on_two_devices)::bigint as people_on_two_devices
from stats_online_concurrency group by all order by learning_date
"""
ONLINE_CLASSES_SQL = """
select district_code, class_id, any_value(class_mode) as class_mode,
       count(*) as learners, sum(records)::bigint as records,
       round(sum(online_hours), 1) as online_hours, round(sum(offline_hours), 1) as offline_hours,
       round(avg(online_hours + offline_hours), 1) as mean_hours_per_learner,
       any_value(planned_hours) as planned_hours, max(last_learned_on) as last_learned_on
from stats_online_enrolment_hours group by district_code, class_id
order by online_hours desc, class_id
"""
ONLINE_TOTALS_SQL = """
select count(*) as records, count(distinct person_pseudo) as learners,
       count(distinct class_key) as classes,
       coalesce(round(sum(credited_hours), 1), 0) as credited_hours,
       coalesce(sum(face_failures), 0)::bigint as face_failures
from fct_online_learning
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def online_training(db: str, key: ScopeKey) -> dict[str, pl.DataFrame]:
    """线上培训: records and credited hours by day and per class (its alerts: rule_alerts)."""
    return {
        "totals": _q(db, key, ONLINE_TOTALS_SQL),
        "daily": _q(db, key, ONLINE_DAILY_SQL),
        "classes": _q(db, key, ONLINE_CLASSES_SQL),
    }


WORK_ORDERS_OPEN_SQL = """
select order_id, camera_id, district_code, institution_id, order_kind, opened_at,
       round(hours_open, 1) as hours_open, repair_overdue, technician_masked, notes_masked
from fct_work_orders_open order by repair_overdue desc, hours_open desc
"""
REPAIR_MONTHLY_SQL = """
select district_code, opened_month, repairs_opened, repairs_done, repairs_open,
       round(median_hours_to_repair, 1) as median_hours_to_repair,
       round(p90_hours_to_repair, 1) as p90_hours_to_repair, share_within_sla
from stats_repair_times_monthly order by opened_month, district_code
"""
# the same definitions as stats_repair_times_monthly: times over done repairs, the share
# within the service level over every repair opened (an open one is not within it)
REPAIR_TOTALS_SQL = """
with repairs as (select * from fct_work_orders where order_kind = $repair)
select (select count(*) from fct_work_orders where is_open) as open_orders,
       count(*) as repairs, count(*) filter (where is_done) as repairs_done,
       median(hours_open) filter (where is_done) as median_hours,
       quantile_cont(hours_open, 0.9) filter (where is_done) as p90_hours,
       sum(repaired_within_sla::int) / nullif(count(*), 0) as share_within_sla
from repairs
"""
PATROL_COVERAGE_SQL = """
select district_code, installed_cameras, patrolled_cameras, patrol_coverage
from stats_patrol_coverage order by district_code
"""
PATROL_DUE_SQL = """
select camera_id, district_code, institution_id, camera_status, patrols, last_patrol_at,
       patrol_due_on
from fct_camera_patrols where is_installed and not patrolled_in_window
order by patrol_due_on nulls first, camera_id
"""
PATROL_PICTURE_SQL = """
select order_id, camera_id, district_code, patrol_date, picture_status, frames, dark_frames,
       covered_frames, out_of_focus_frames, frozen_frames, moved_frames
from fct_patrol_picture_checks order by patrol_date desc, order_id
"""
RELOCATIONS_SQL = """
select order_id, camera_id, district_code, institution_id, relocated_on, new_site_number,
       days_since_previous
from fct_camera_relocations order by relocated_on desc, order_id
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def device_operations(db: str, key: ScopeKey) -> dict[str, pl.DataFrame]:
    """设备运维: open orders, repair times against the service level, patrol coverage, the
    patrols' picture checks and relocations (its alerts: rule_alerts)."""
    return {
        "totals": _q(db, key, REPAIR_TOTALS_SQL, {"repair": REPAIR_KIND}),
        "open": _q(db, key, WORK_ORDERS_OPEN_SQL),
        "repair_monthly": _q(db, key, REPAIR_MONTHLY_SQL),
        "coverage": _q(db, key, PATROL_COVERAGE_SQL),
        "patrol_due": _q(db, key, PATROL_DUE_SQL),
        "pictures": _q(db, key, PATROL_PICTURE_SQL),
        "relocations": _q(db, key, RELOCATIONS_SQL),
    }


COURSEWARE_SQL = """
select package_file, package_status, package_status_zh, reason, standard, package_identifier,
       package_title, sco_count, files_in_package, files_missing, files_unreferenced,
       round(content_bytes / 1048576, 2) as content_mb, content_sha256, duplicate_of, defects,
       warnings, courses_linked, modified_at
from mart_courseware_catalogue order by package_file
"""
COURSEWARE_FINDINGS_SQL = """
select package_file, package_title, severity_zh, finding_code, message_zh, detail
from mart_courseware_findings order by severity, package_file, finding_code
"""
COURSEWARE_DUPLICATES_SQL = """
select content_sha256, package_file, is_kept, kept_package, copies, package_title
from mart_courseware_duplicates order by content_sha256, not is_kept, package_file
"""
COURSEWARE_LINKS_SQL = """
select course_id, course_title, package_file, package_title, link_status_zh, match_by,
       sco_count_agrees, standard_agrees
from mart_courseware_course_links order by link_status, course_id nulls last, package_file
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def courseware(db: str, key: ScopeKey) -> dict[str, pl.DataFrame]:
    """课件库: the catalogue of delivered packages, their integrity findings, exact
    duplicates and the courses they serve (a city-wide library: no district's rows)."""
    return {
        "catalogue": _q(db, key, COURSEWARE_SQL),
        "findings": _q(db, key, COURSEWARE_FINDINGS_SQL),
        "duplicates": _q(db, key, COURSEWARE_DUPLICATES_SQL),
        "links": _q(db, key, COURSEWARE_LINKS_SQL),
    }


TICKETS_WEEKLY_SQL = """
select opened_week, channel, category, sum(tickets)::bigint as tickets,
       sum(resolved)::bigint as resolved, sum(repeats)::bigint as repeats
from stats_tickets_weekly group by all order by opened_week, channel, category
"""
TICKETS_TOTALS_SQL = """
select count(*) as tickets, count(*) filter (where is_resolved) as resolved,
       median(hours_to_resolution) as median_hours,
       quantile_cont(hours_to_resolution, 0.9) as p90_hours,
       count(*) filter (where is_repeat) as repeats,
       avg(satisfaction) as mean_satisfaction
from fct_tickets
"""
TICKETS_BY_CATEGORY_SQL = """
select district_code, category, count(*) as tickets, count(*) filter (where is_repeat) as repeats,
       round(median(hours_to_resolution), 1) as median_hours_to_resolution,
       round(avg(satisfaction), 2) as mean_satisfaction
from fct_tickets group by all order by tickets desc, district_code, category
"""
TICKETS_SQL = """
select ticket_id, opened_at, channel, category, district_code, ticket_status,
       round(hours_to_resolution, 1) as hours_to_resolution, satisfaction, is_repeat,
       previous_ticket_id, summary_masked
from fct_tickets order by opened_at desc, ticket_id limit {limit}
"""


@st.cache_data(ttl=TTL_S, show_spinner=False)
def service_desk(db: str, key: ScopeKey) -> dict[str, pl.DataFrame]:
    """服务台: volume by week, channel and category, time to resolution, repeat problems,
    satisfaction; the tickets themselves with their summaries masked."""
    return {
        "totals": _q(db, key, TICKETS_TOTALS_SQL),
        "weekly": _q(db, key, TICKETS_WEEKLY_SQL),
        "by_category": _q(db, key, TICKETS_BY_CATEGORY_SQL),
        "tickets": _q(db, key, TICKETS_SQL.format(limit=MAX_DETAIL_ROWS)),
    }


def rule_alerts(db: str, key: ScopeKey, rules: tuple[str, ...]) -> pl.DataFrame:
    """A rule family's class and institution alerts with their current status, as the 预警
    page has them (same overlay of actions, same redaction), newest first."""
    frame = alerts(db, key)
    if frame.is_empty():
        return frame
    return (
        frame.filter(pl.col("rule_code").is_in(list(rules)))
        .filter(pl.col("scope").is_in(["class", "institution"]))
        .sort(["period_start", "rule_code"], descending=[True, False])
        .select(
            "rule_code",
            "rule_name_zh",
            "level",
            "district_code",
            "institution_id",
            "class_id",
            "period",
            "period_start",
            "status",
            "evidence",
        )  # fmt: skip
        .head(MAX_DETAIL_ROWS)
    )
