"""The interface standard (数据对接规范), encoded once."""

from pipelines.contract.districts import DISTRICT_CODES, DISTRICTS
from pipelines.contract.feeds import (
    ALL_FEEDS,
    CAMERA_FEEDS,
    CITY_CODE,
    DISTRICT_FEEDS,
    ELEARNING_FEEDS,
    FORMATS,
    LATE_AFTER_DAYS,
    SUBSIDY_CAP_BY_LEVEL,
    Check,
    Column,
    Feed,
    Pii,
    T,
)
from pipelines.contract.reasons import REASON_ZH, FileReason, RowReason

__all__ = [
    "ALL_FEEDS",
    "CAMERA_FEEDS",
    "CITY_CODE",
    "ELEARNING_FEEDS",
    "DISTRICTS",
    "DISTRICT_CODES",
    "DISTRICT_FEEDS",
    "FORMATS",
    "LATE_AFTER_DAYS",
    "SUBSIDY_CAP_BY_LEVEL",
    "Check",
    "Column",
    "Feed",
    "FileReason",
    "Pii",
    "REASON_ZH",
    "RowReason",
    "T",
]
