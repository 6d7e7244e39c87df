"""Reason codes for quarantined rows and rejected files.

Each code has a Chinese label for district reports. Codes are stable: they are stored in the
quarantine and the delivery register and appear in e-mails to districts.
"""

from enum import StrEnum


class FileReason(StrEnum):
    EMPTY_FILE = "EMPTY_FILE"
    UNKNOWN_FORMAT = "UNKNOWN_FORMAT"  # extension not one of the standard's formats
    UNKNOWN_FEED = "UNKNOWN_FEED"  # folder is not a feed of the standard
    UNKNOWN_DISTRICT = "UNKNOWN_DISTRICT"  # folder is not one of the 16 district codes
    UNREADABLE = "UNREADABLE"  # bytes cannot be decoded / parsed as the format at all
    MIS_ENCODED = "MIS_ENCODED"  # text decodes, but as mojibake (UTF-8 once read as Latin-1)
    HEADER_UNRECOGNISED = "HEADER_UNRECOGNISED"  # no column of the feed found in the header
    LIMIT_EXCEEDED = "LIMIT_EXCEEDED"  # over a reading limit (bytes, rows, columns, XLSX size)
    NOT_FIRST_SHEET = "NOT_FIRST_SHEET"  # XLSX: the first sheet holds no data, another does
    REFUSED = "REFUSED"  # a link, a special file or a path outside the landing: never read


class RowReason(StrEnum):
    RAGGED_ROW = "RAGGED_ROW"  # wrong number of fields (e.g. a truncated last line)
    # a record the parser cannot split: an unterminated quote, a field over the length limit
    UNPARSEABLE = "UNPARSEABLE"
    LOST_DIGITS = "LOST_DIGITS"  # XLSX number of 16+ digits (an ID number typed as a number)
    BAD_JSON = "BAD_JSON"  # a JSON Lines line that is not a JSON object
    MISSING_COLUMN = "MISSING_COLUMN"  # a required column is absent from the whole file
    REQUIRED_MISSING = "REQUIRED_MISSING"  # a required value is blank
    BAD_NUMBER = "BAD_NUMBER"
    BAD_DATE = "BAD_DATE"
    BAD_TIMESTAMP = "BAD_TIMESTAMP"
    BAD_BOOL = "BAD_BOOL"
    BAD_DURATION = "BAD_DURATION"  # not a SCORM 1.2 CMITimespan HHHH:MM:SS.SS
    BAD_ID_NUMBER = "BAD_ID_NUMBER"  # GB 11643 format, birth date or check digit
    BAD_USCC = "BAD_USCC"  # GB 32100 format or check digit
    BAD_PHONE = "BAD_PHONE"
    INCOMPLETE_ADDRESS = "INCOMPLETE_ADDRESS"  # no road, lane, village or number in it
    BAD_CODE = "BAD_CODE"  # value not in the column's code list
    OUT_OF_RANGE = "OUT_OF_RANGE"
    DATE_ORDER = "DATE_ORDER"  # start after end, or starts_at not before ends_at
    DUPLICATE_KEY = "DUPLICATE_KEY"  # business key repeated within one delivery
    MISSING_REFERENCE = "MISSING_REFERENCE"  # referenced key not found in accepted data
    # attendance for a class none of whose enrolments are in the warehouse yet: waits
    ENROLMENTS_PENDING = "ENROLMENTS_PENDING"
    # attendance by a person with no enrolment in a class whose enrolments were delivered:
    # accepted and flagged, evidence for W17 (ghost or proxy attendance)
    NOT_ENROLLED = "NOT_ENROLLED"
    SESSION_CLASS_MISMATCH = "SESSION_CLASS_MISMATCH"  # attendance class != session's class
    SESSION_OUTSIDE_CLASS = "SESSION_OUTSIDE_CLASS"  # session not within the class's dates
    FACE_SCORE_UNEXPECTED = "FACE_SCORE_UNEXPECTED"  # face_score given for a non-face check-in
    OVER_SUBSIDY_CAP = "OVER_SUBSIDY_CAP"  # amount above the cap for the class's level


class CheckReason(StrEnum):
    """Findings of the validation suites that never quarantine a row on their own."""

    LATE = "LATE"  # delivered more than LATE_AFTER_DAYS after the row's data day
    UNKNOWN_TEACHER = "UNKNOWN_TEACHER"  # a session's teacher is not in the teacher register
    DUPLICATE_FILE = "DUPLICATE_FILE"  # the same bytes were delivered before under another name
    ENCODING_GUESSED = "ENCODING_GUESSED"  # no BOM, not UTF-8 nor GB18030: the encoding is a guess


class Severity(StrEnum):
    """What a failed check does to a row (interface standard, "Severity", 2026-12-02)."""

    BLOCKING = "blocking"  # the row cannot be trusted as a record: quarantined
    PENDING = "pending"  # sound, but its parent is not held (yet): waits, re-admitted later
    WARNING = "warning"  # accepted; the finding goes to dq_results and the district's report


# The severity of every reason code, declared once: ingest, the suites, the reports and the
# interface document read it. Codes not listed (the file-level reasons) are blocking.
SEVERITY: dict[str, Severity] = {
    **{code: Severity.BLOCKING for code in (*FileReason, *RowReason)},
    RowReason.MISSING_REFERENCE: Severity.PENDING,
    RowReason.ENROLMENTS_PENDING: Severity.PENDING,
    # a contact detail never costs a trainee's enrolment, attendance or claim
    RowReason.BAD_PHONE: Severity.WARNING,
    RowReason.INCOMPLETE_ADDRESS: Severity.WARNING,
    # not a data error to hide: the check-in is evidence for the rules (W17)
    RowReason.NOT_ENROLLED: Severity.WARNING,
    CheckReason.LATE: Severity.WARNING,
    CheckReason.UNKNOWN_TEACHER: Severity.WARNING,
    CheckReason.DUPLICATE_FILE: Severity.WARNING,
    CheckReason.ENCODING_GUESSED: Severity.WARNING,
}

SEVERITY_ZH: dict[str, str] = {
    Severity.BLOCKING: "阻断",
    Severity.PENDING: "待补",
    Severity.WARNING: "提示",
}

# what each severity does, for the interface document and the district reports
SEVERITY_EFFECT_ZH: dict[str, str] = {
    Severity.BLOCKING: "该行不可信，进入隔离区，需报送更正后的数据",
    Severity.PENDING: "该行本身无误但引用的数据尚未接收，暂存隔离区，关联数据到达后自动接收",
    Severity.WARNING: "该行正常接收，问题记入数据质量结果并在报告中提示",
}


def severity_of(code: str) -> Severity:
    """The severity of a reason code (``CODE`` or a problem entry ``CODE:column``)."""
    return SEVERITY.get(code.split(":", 1)[0], Severity.BLOCKING)


REASON_ZH: dict[str, str] = {
    "EMPTY_FILE": "空文件",
    "UNKNOWN_FORMAT": "不支持的文件格式",
    "UNKNOWN_FEED": "未知的数据类别目录",
    "UNKNOWN_DISTRICT": "未知的区代码目录",
    "UNREADABLE": "文件无法读取或解析",
    "MIS_ENCODED": "文件编码错误(乱码)",
    "HEADER_UNRECOGNISED": "表头无法识别",
    "LIMIT_EXCEEDED": "文件超出读取限制(大小、行数、列数或压缩比)",
    "NOT_FIRST_SHEET": "数据不在第一个工作表(规范只读取第一个工作表)",
    "REFUSED": "链接文件、特殊文件或落地目录之外的文件,拒绝读取",
    "RAGGED_ROW": "字段数与表头不符(可能文件被截断)",
    "UNPARSEABLE": "记录无法解析(引号未闭合或字段过长)",
    "LOST_DIGITS": "长号码以数字格式保存,已丢失位数(应保存为文本)",
    "BAD_JSON": "JSON 行格式错误",
    "MISSING_COLUMN": "缺少必填列",
    "REQUIRED_MISSING": "必填项为空",
    "BAD_NUMBER": "数字格式错误",
    "BAD_DATE": "日期格式错误",
    "BAD_TIMESTAMP": "时间格式错误",
    "BAD_BOOL": "是/否值无法识别",
    "BAD_DURATION": "时长格式错误(应为 SCORM HHHH:MM:SS.SS)",
    "BAD_ID_NUMBER": "身份证号码校验失败",
    "BAD_USCC": "统一社会信用代码校验失败",
    "BAD_PHONE": "手机号码格式错误",
    "INCOMPLETE_ADDRESS": "地址不完整(缺少路/街/弄/村/号等)",
    "BAD_CODE": "代码不在允许的取值范围内",
    "OUT_OF_RANGE": "数值超出允许范围",
    "DATE_ORDER": "起止日期/时间顺序错误",
    "DUPLICATE_KEY": "同一文件内主键重复",
    "MISSING_REFERENCE": "引用的记录不存在",
    "ENROLMENTS_PENDING": "该班报名数据尚未接收(待补)",
    "NOT_ENROLLED": "考勤人员未在该班报名",
    "SESSION_CLASS_MISMATCH": "考勤课次不属于该班级",
    "SESSION_OUTSIDE_CLASS": "课次不在开班/结班日期内",
    "FACE_SCORE_UNEXPECTED": "非人脸方式却填写了人脸比对分",
    "OVER_SUBSIDY_CAP": "补贴金额超过该等级上限",
    "LATE": "迟报(数据日期后超过规定天数)",
    "UNKNOWN_TEACHER": "教师不在师资数据中",
    "DUPLICATE_FILE": "重复报送的文件",
    "ENCODING_GUESSED": "文件编码无法确定,系按推测读取",
}
