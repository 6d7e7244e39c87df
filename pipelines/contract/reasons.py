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


class RowReason(StrEnum):
    RAGGED_ROW = "RAGGED_ROW"  # wrong number of fields (e.g. a truncated last line)
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
    BAD_CODE = "BAD_CODE"  # value not in the column's code list
    OUT_OF_RANGE = "OUT_OF_RANGE"
    DATE_ORDER = "DATE_ORDER"  # start after end, or starts_at not before ends_at
    DUPLICATE_KEY = "DUPLICATE_KEY"  # business key repeated within one delivery
    MISSING_REFERENCE = "MISSING_REFERENCE"  # referenced key not found in accepted data
    NOT_ENROLLED = "NOT_ENROLLED"  # attendance by a person with no enrolment in the class
    SESSION_CLASS_MISMATCH = "SESSION_CLASS_MISMATCH"  # attendance class != session's class
    SESSION_OUTSIDE_CLASS = "SESSION_OUTSIDE_CLASS"  # session not within the class's dates
    FACE_SCORE_UNEXPECTED = "FACE_SCORE_UNEXPECTED"  # face_score given for a non-face check-in
    OVER_SUBSIDY_CAP = "OVER_SUBSIDY_CAP"  # amount above the cap for the class's level


REASON_ZH: dict[str, str] = {
    "EMPTY_FILE": "空文件",
    "UNKNOWN_FORMAT": "不支持的文件格式",
    "UNKNOWN_FEED": "未知的数据类别目录",
    "UNKNOWN_DISTRICT": "未知的区代码目录",
    "UNREADABLE": "文件无法读取或解析",
    "MIS_ENCODED": "文件编码错误(乱码)",
    "HEADER_UNRECOGNISED": "表头无法识别",
    "RAGGED_ROW": "字段数与表头不符(可能文件被截断)",
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
    "BAD_CODE": "代码不在允许的取值范围内",
    "OUT_OF_RANGE": "数值超出允许范围",
    "DATE_ORDER": "起止日期/时间顺序错误",
    "DUPLICATE_KEY": "同一文件内主键重复",
    "MISSING_REFERENCE": "引用的记录不存在",
    "NOT_ENROLLED": "考勤人员未在该班报名",
    "SESSION_CLASS_MISMATCH": "考勤课次不属于该班级",
    "SESSION_OUTSIDE_CLASS": "课次不在开班/结班日期内",
    "FACE_SCORE_UNEXPECTED": "非人脸方式却填写了人脸比对分",
    "OVER_SUBSIDY_CAP": "补贴金额超过该等级上限",
}
