"""The interface standard (数据对接规范) in code: every feed, column, type, key and code list.

This is the single copy of the contract. Ingest, the validation suites, the simulator and
the generated interface document all read it; nothing else lists columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pipelines.contract.districts import DISTRICT_CODES


class T(StrEnum):
    """Column types of the standard."""

    STR = "str"
    INT = "int"
    DEC = "dec"  # decimal
    DATE = "date"  # YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD
    TS = "ts"  # date + HH:MM[:SS], Asia/Shanghai local time
    BOOL = "bool"  # Y/N, 是/否, 1/0, true/false
    DURATION = "duration"  # SCORM 1.2 CMITimespan HHHH:MM:SS.SS, stored as seconds


class Pii(StrEnum):
    """Kinds of personal data; never stored or published in clear."""

    ID_NUMBER = "id_number"
    NAME = "name"
    PHONE = "phone"
    # an online learner's IP address: a keyed pseudonym for O03 (one IP, many people) and a
    # masked form (the network kept, the host hidden) for evidence
    IP = "ip"
    # free text that may name people or give phone numbers (a ticket's summary, a work
    # order's notes): published only with those masked, the original encrypted
    TEXT = "text"


class Check(StrEnum):
    """Format rules a column's values must satisfy (beyond parsing as their type)."""

    RIC = "ric"  # resident identity card number, GB 11643 check digit + birth date
    USCC = "uscc"  # unified social credit code, GB 32100 check digit
    MOBILE = "mobile"  # mainland mobile number, 11 digits 1[3-9]...
    ADDRESS = "address"  # a street address down to a road, lane, village or number


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    type: T = T.STR
    required: bool = False
    key: bool = False
    pii: Pii | None = None
    check: Check | None = None
    codes: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False  # the value must be greater than min, not equal to it
    # (feed, column) this value must exist in, within the same district's accepted data
    ref: tuple[str, str] | None = None
    description: str = ""
    # other header names districts use for this column (the standard names only some in Chinese)
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feed:
    name: str
    zh: str
    columns: tuple[Column, ...]
    # column whose date is the "data day" of a row (for the lateness check)
    data_day: str | None = None
    # pairs (earlier, later) that must be ordered within a row; strict when the flag is set
    ordered: tuple[tuple[str, str, bool], ...] = ()
    description: str = ""
    # "district": <landing>/<district>/<folder>/; "elearning": <landing>/elearning/<folder>/;
    # "camera": <landing>/<folder>/ (city-level device telemetry);
    # "operations": <landing>/operations/<folder>/ (the camera operator, the service desk)
    source: str = "district"
    folder: str = ""  # landing folder name; the feed's name when empty
    # a timestamp key column whose day partitions the bronze table (<column>_day): only a
    # key may decide the partition (a corrected row never moves partitions), so only feeds
    # keyed by a time qualify; a day's MERGE then reads and writes its day, not the history
    # (by month, the cost still grew through the month: benchmarks/RESULTS_partitions.md)
    day_partition: str | None = None

    @property
    def landing_folder(self) -> str:
        return self.folder or self.name

    @property
    def keys(self) -> list[str]:
        """The business key: one column for most feeds, (camera_id, ts) for heartbeats."""
        return [c.name for c in self.columns if c.key]

    @property
    def key(self) -> str:
        return self.keys[0]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    @property
    def pii_columns(self) -> list[Column]:
        return [c for c in self.columns if c.pii]


def _c(name: str, zh: str, type: T = T.STR, **kw) -> Column:
    return Column(name, zh, type, **kw)


LEVELS = ("1", "2", "3", "4", "5")

INSTITUTIONS = Feed(
    "institutions",
    "培训机构",
    (
        _c("institution_id", "机构编号", key=True, required=True),
        _c("uscc", "统一社会信用代码", required=True, check=Check.USCC),
        _c("name", "机构名称", required=True),
        _c("district_code", "所属区", required=True, codes=DISTRICT_CODES),
        _c("address", "地址", check=Check.ADDRESS),
        _c("license_no", "办学许可证号"),
        _c("license_valid_until", "许可证有效期至", T.DATE),
        _c("status", "状态", required=True, codes=("正常", "暂停", "注销")),
        # an institution's contact is often a person's own mobile: protect it like one
        _c("contact_phone", "联系电话", pii=Pii.PHONE),
    ),
    description="Training institutions registered in the district.",
)

TEACHERS = Feed(
    "teachers",
    "师资",
    (
        _c("teacher_id", "教师编号", key=True, required=True),
        _c("id_number", "身份证号", required=True, pii=Pii.ID_NUMBER, check=Check.RIC),
        _c("name", "姓名", required=True, pii=Pii.NAME),
        _c(
            "institution_id",
            "所属机构",
            required=True,
            ref=("institutions", "institution_id"),
        ),
        _c("occupation_code", "职业(工种)代码", required=True),
        _c("cert_no", "证书编号"),
        _c("cert_level", "证书等级", T.INT, min=1, max=5),
        _c("cert_valid_until", "证书有效期至", T.DATE),
    ),
    description="Teachers and their vocational certificates.",
)

CLASSES = Feed(
    "classes",
    "培训班",
    (
        _c("class_id", "班级编号", key=True, required=True),
        _c(
            "institution_id",
            "机构编号",
            required=True,
            ref=("institutions", "institution_id"),
        ),
        _c("occupation_code", "职业(工种)代码", required=True),
        _c("occupation_name", "职业(工种)名称"),
        _c("level", "培训等级", T.INT, required=True, min=1, max=5),
        _c("mode", "培训形式", required=True, codes=("线下", "线上", "混合")),
        _c("filed_on", "备案日期", T.DATE),
        _c("start_date", "开班日期", T.DATE, required=True),
        _c("end_date", "结班日期", T.DATE, required=True),
        _c("planned_hours", "计划课时", T.INT, required=True, min=1),
        _c("capacity", "计划人数", T.INT, required=True, min=1),
        _c("site_address", "培训地址", check=Check.ADDRESS),
        _c("camera_ids", "摄像机编号", description="';'-separated camera ids"),
    ),
    data_day="filed_on",
    ordered=(("start_date", "end_date", False),),
    description="Training classes (开班) as filed with the district.",
)

SESSIONS = Feed(
    "sessions",
    "课表",
    (
        _c("session_id", "课次编号", key=True, required=True),
        _c("class_id", "班级编号", required=True, ref=("classes", "class_id")),
        # not a hard reference: a late teacher register must not quarantine whole schedules
        # (and with them every check-in); an unknown teacher is a W09 finding instead
        _c("teacher_id", "教师编号", required=True),
        _c("starts_at", "开始时间", T.TS, required=True),
        _c("ends_at", "结束时间", T.TS, required=True),
        _c("hours", "课时", T.DEC, required=True, min=0.0, max=24.0),
        _c("room", "教室"),
    ),
    data_day="starts_at",
    ordered=(("starts_at", "ends_at", True),),
    description="Class sessions (课表).",
)

ENROLMENTS = Feed(
    "enrolments",
    "学员报名",
    (
        _c("enrolment_id", "报名编号", key=True, required=True),
        _c("class_id", "班级编号", required=True, ref=("classes", "class_id")),
        _c("id_number", "身份证号", required=True, pii=Pii.ID_NUMBER, check=Check.RIC),
        _c("name", "姓名", required=True, pii=Pii.NAME),
        _c("phone", "手机号", pii=Pii.PHONE, check=Check.MOBILE),
        _c("enrolled_on", "报名日期", T.DATE, required=True),
        _c("subsidy_eligible", "是否补贴对象", T.BOOL),
    ),
    data_day="enrolled_on",
    description="Trainee enrolments.",
)

ATTENDANCE = Feed(
    "attendance",
    "考勤",
    (
        _c("record_id", "记录编号", key=True, required=True),
        _c("class_id", "班级编号", required=True, ref=("classes", "class_id")),
        _c("session_id", "课次编号", required=True, ref=("sessions", "session_id")),
        _c("id_number", "身份证号", required=True, pii=Pii.ID_NUMBER, check=Check.RIC),
        _c("kind", "类型", required=True, codes=("签到", "签退")),
        _c("checked_at", "打卡时间", T.TS, required=True),
        _c("method", "方式", required=True, codes=("人脸", "刷卡", "手工")),
        _c("face_score", "人脸比对分", T.DEC, min=0.0, max=1.0),
        _c("photo_id", "照片编号"),
        _c("device_id", "设备编号"),
    ),
    data_day="checked_at",
    description="Attendance check-ins and check-outs (签到/签退).",
)

SUBSIDY_CLAIMS = Feed(
    "subsidy_claims",
    "补贴申领",
    (
        _c("claim_id", "申领编号", key=True, required=True),
        _c("enrolment_id", "报名编号", required=True, ref=("enrolments", "enrolment_id")),
        _c("class_id", "班级编号", required=True, ref=("classes", "class_id")),
        _c("id_number", "身份证号", required=True, pii=Pii.ID_NUMBER, check=Check.RIC),
        _c("amount", "金额", T.DEC, required=True, min=0.0, min_exclusive=True),
        _c("claimed_on", "申领日期", T.DATE, required=True),
        _c("cert_no", "取得证书编号"),
    ),
    data_day="claimed_on",
    description="Subsidy claims (补贴申领), amounts in yuan.",
)

INSPECTIONS = Feed(
    "inspections",
    "抽查结果",
    (
        _c("inspection_id", "抽查编号", key=True, required=True, aliases=("检查编号",)),
        _c("target_kind", "对象类型", required=True, codes=("班级", "考勤", "机构")),
        _c("target_id", "对象编号", required=True, aliases=("对象ID", "对象代码")),
        _c("inspected_on", "抽查日期", T.DATE, required=True, aliases=("检查日期",)),
        _c("result", "结果", required=True, codes=("合格", "不合格")),
        _c("findings", "问题描述"),
    ),
    data_day="inspected_on",
    description="Spot-check (抽查) results.",
)

CAMERAS = Feed(
    "cameras",
    "摄像机",
    (
        _c("camera_id", "摄像机编号", key=True, required=True),
        _c(
            "institution_id",
            "机构编号",
            required=True,
            ref=("institutions", "institution_id"),
        ),
        _c("room", "教室"),
        _c("sim_iccid", "物联网卡号"),
        _c("installed_on", "安装日期", T.DATE),
        _c("status", "状态", required=True, codes=("在用", "停用", "移机")),
    ),
    description="Classroom camera register (视频点).",
)

ONLINE_LEARNING = Feed(
    "online_learning",
    "线上学习记录",
    (
        _c("record_id", "记录编号", key=True, required=True),
        _c("class_id", "班级编号", required=True, ref=("classes", "class_id")),
        _c("id_number", "身份证号", required=True, pii=Pii.ID_NUMBER, check=Check.RIC),
        _c("module_id", "课程模块", required=True, aliases=("模块编号",)),
        _c("started_at", "开始时间", T.TS, required=True),
        _c("ended_at", "结束时间", T.TS, required=True),
        _c("module_minutes", "模块时长", T.INT, required=True, min=1),
        _c("progress_pct", "进度", T.DEC, required=True, min=0.0, max=100.0),
        _c("device_id", "设备编号"),
        _c("ip", "IP地址", pii=Pii.IP, aliases=("IP",)),
        _c("face_checks", "人脸核验次数", T.INT, min=0),
        # more failures than checks is impossible: OUT_OF_RANGE (conform's row checks)
        _c("face_failures", "核验失败次数", T.INT, min=0),
    ),
    data_day="started_at",
    ordered=(("started_at", "ended_at", True),),
    description="Online learning records of 线上/混合 classes (one module studied once).",
)

# Processing order matters: a feed's references are checked against feeds ingested before it.
DISTRICT_FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (
        INSTITUTIONS,
        TEACHERS,
        CLASSES,
        SESSIONS,
        ENROLMENTS,
        ATTENDANCE,
        ONLINE_LEARNING,
        SUBSIDY_CLAIMS,
        INSPECTIONS,
        CAMERAS,
    )
}

# --- Continuing education (师资继续教育) and public video courses: JSON Lines exports of the
# municipal e-learning system, at <landing>/elearning/<folder>/<file>.jsonl, English keys.
CITY_CODE = "310000"  # 上海市: the district code under which city-level sources are kept

SCORM_LESSON_STATUS = ("passed", "completed", "failed", "incomplete", "browsed", "not attempted")

ELEARNING_COURSES = Feed(
    "elearning_courses",
    "继续教育课程",
    (
        _c("course_id", "课程编号", key=True, required=True),
        _c("title", "课程名称", required=True),
        _c("hours", "学时", T.DEC, required=True, min=0.0, max=1000.0),
        _c("kind", "课程类型", required=True, codes=("SCORM1.2", "video")),
        _c("public", "是否公益课程", T.BOOL, required=True),
        # from the package manifest: without it, "completed every SCO" can only be judged
        # from SCOs learners happened to launch (false click-through alerts early on)
        _c("sco_count", "SCO数量", T.INT, min=1),
    ),
    source="elearning",
    folder="courses",
    description="Courses of the continuing-education platform and public video courses.",
)

ELEARNING_EVENTS = Feed(
    "elearning_events",
    "学习记录",
    (
        _c("event_id", "事件编号", key=True, required=True),
        _c("learner_id", "学员编号", required=True),
        _c("course_id", "课程编号", ref=("elearning_courses", "course_id")),
        _c("sco_id", "SCO编号"),
        _c("ts", "时间", T.TS, required=True),
        _c(
            "event",
            "事件",
            required=True,
            codes=("launch", "commit", "finish", "login", "login_failed", "password_reset"),
        ),
        _c(
            "lesson_status",
            "学习状态",
            codes=SCORM_LESSON_STATUS,
            aliases=("cmi.core.lesson_status",),
        ),
        _c("session_time", "本次学习时长", T.DURATION, aliases=("cmi.core.session_time",)),
        _c("score_raw", "成绩", T.DEC, min=0.0, max=100.0, aliases=("cmi.core.score.raw",)),
    ),
    data_day="ts",
    source="elearning",
    folder="events",
    description="Learning events: logins, SCORM 1.2 launches, commits (cmi.core.*), finishes.",
)

ELEARNING_PLAYS = Feed(
    "elearning_plays",
    "公益课程播放",
    (
        _c("play_id", "播放编号", key=True, required=True),
        _c("course_id", "课程编号", required=True, ref=("elearning_courses", "course_id")),
        _c("viewer_id", "观众编号", required=True),
        _c("started_at", "开始时间", T.TS, required=True),
        _c("watched_seconds", "观看秒数", T.INT, required=True, min=0),
        _c("duration_seconds", "视频时长秒数", T.INT, required=True, min=1),
        _c("device", "终端", codes=("pc", "mobile")),
    ),
    data_day="started_at",
    source="elearning",
    folder="plays",
    description="Playbacks of public-interest video courses (公益类视频课程).",
)

ELEARNING_NOTIFICATIONS = Feed(
    "elearning_notifications",
    "通知记录",
    (
        _c("notification_id", "通知编号", key=True, required=True),
        _c("learner_id", "学员编号", required=True),
        _c("channel", "渠道", required=True, codes=("sms", "email")),
        _c(
            "kind", "通知类型", required=True, codes=("enrol", "reminder", "deadline", "reset_code")
        ),
        _c("sent_at", "发送时间", T.TS, required=True),
        _c("status", "状态", required=True, codes=("sent", "failed")),
    ),
    data_day="sent_at",
    source="elearning",
    folder="notifications",
    description="SMS and e-mail notifications sent to learners.",
)

# --- Camera network telemetry: JSON Lines at <landing>/heartbeats/<file>.jsonl, city-level.
HEARTBEATS = Feed(
    "heartbeats",
    "摄像机心跳",
    (
        _c("camera_id", "摄像机编号", key=True, required=True),
        _c("ts", "时间", T.TS, key=True, required=True),
        _c("online", "在线", T.BOOL, required=True),
        _c("rssi_dbm", "信号强度", T.INT, min=-140, max=0),
    ),
    data_day="ts",
    source="camera",
    description="Camera heartbeats: online state and 4G signal strength.",
    day_partition="ts",  # 2,000 cameras x 288 a day = 576 k rows, one ~10 MB file a day
)

CAMERA_FEEDS: dict[str, Feed] = {HEARTBEATS.name: HEARTBEATS}

# --- Operations: the camera-network operator's work orders and the service desk's tickets,
# city-level deliveries at <landing>/operations/<folder>/<file> (any format of the standard).
# The standard names some columns only in English; their Chinese headers here follow the
# other feeds (摄像机编号, 机构编号) or the desk's own words (受理时间, 办结时间).
WORK_ORDER_KINDS = ("安装", "移机", "维修", "巡检", "拆除")

WORK_ORDERS = Feed(
    "work_orders",
    "设备工单",
    (
        _c("order_id", "工单编号", key=True, required=True),
        _c("camera_id", "摄像机编号", required=True),
        # no reference check: the operator delivers city-wide, the register per district
        _c("institution_id", "机构编号"),
        _c("kind", "类型", required=True, codes=WORK_ORDER_KINDS, aliases=("工单类型",)),
        _c(
            "opened_at",
            "报修/派单时间",
            T.TS,
            required=True,
            aliases=("报修时间", "派单时间", "报修派单时间"),
        ),
        _c("closed_at", "完成时间", T.TS, description="blank while the order is open"),
        _c("result", "结果", codes=("完成", "未完成", "无需处理")),
        _c("technician", "工程师", pii=Pii.NAME),
        _c("notes", "说明", pii=Pii.TEXT),
    ),
    data_day="opened_at",
    ordered=(("opened_at", "closed_at", False),),
    source="operations",
    description="Camera work orders: install, relocate, repair, patrol, remove (SLA 48 h).",
)

TICKET_CHANNELS = ("电话", "微信", "邮件", "网页")
TICKET_CATEGORIES = ("设备", "数据对接", "继续教育", "账号密码", "其他")

TICKETS = Feed(
    "tickets",
    "客服工单",
    (
        _c("ticket_id", "客服工单编号", key=True, required=True, aliases=("工单编号",)),
        _c("channel", "渠道", required=True, codes=TICKET_CHANNELS),
        _c("category", "类别", required=True, codes=TICKET_CATEGORIES),
        # the caller's district; 310000 for a city-level contact (e-learning, the desk itself)
        _c(
            "district_code",
            "所属区",
            required=True,
            codes=(*DISTRICT_CODES, "310000"),
            aliases=("区划代码",),
        ),
        _c("opened_at", "受理时间", T.TS, required=True, aliases=("开始时间",)),
        _c("closed_at", "办结时间", T.TS, aliases=("结束时间",)),
        _c("status", "状态", required=True, codes=("处理中", "已解决", "已关闭")),
        _c("satisfaction", "满意度", T.INT, min=1, max=5),
        _c("summary", "问题摘要", pii=Pii.TEXT),
    ),
    data_day="opened_at",
    ordered=(("opened_at", "closed_at", False),),
    source="operations",
    description="Service-desk contacts (客服), summaries with names and phones masked.",
)

OPERATIONS_FEEDS: dict[str, Feed] = {f.name: f for f in (WORK_ORDERS, TICKETS)}

ELEARNING_FEEDS: dict[str, Feed] = {
    f.name: f
    for f in (ELEARNING_COURSES, ELEARNING_EVENTS, ELEARNING_PLAYS, ELEARNING_NOTIFICATIONS)
}

# Every feed, in processing order (references point to feeds earlier in this order).
ALL_FEEDS: dict[str, Feed] = {
    **DISTRICT_FEEDS,
    **ELEARNING_FEEDS,
    **CAMERA_FEEDS,
    **OPERATIONS_FEEDS,
}

# Subsidy cap per training level (yuan). Level 1 is the highest (高级技师), 5 the lowest (初级工).
SUBSIDY_CAP_BY_LEVEL: dict[int, float] = {1: 6000.0, 2: 5000.0, 3: 4000.0, 4: 3000.0, 5: 2000.0}

# A delivery is late when its rows' data day is more than this many days before delivery.
LATE_AFTER_DAYS = 2

# File formats accepted in a landing folder, by extension.
FORMATS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".jsonl": "jsonl", ".json": "jsonl"}
