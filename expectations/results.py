"""From GX results to ``dq_results`` rows, and GX results stripped of personal values.

GX's COMPLETE format carries the unexpected VALUES (``unexpected_list``,
``partial_unexpected_*``): ID numbers and phones. Only row numbers and counts leave this
module; the stored and rendered copy keeps counts only.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import asdict, dataclass, field

import polars as pl
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
)

DQ_SCHEMA = {
    "district_code": pl.String,
    "feed": pl.String,
    "file": pl.String,
    "sha256": pl.String,
    "check": pl.String,
    "column": pl.String,
    "severity": pl.String,
    "reason": pl.String,
    "passed": pl.Boolean,
    "rows_checked": pl.Int64,
    "rows_failed": pl.Int64,
    "failing_rows": pl.List(pl.Int64),  # row numbers in the file, never values
    "detail": pl.String,
    "delivered_at": pl.Datetime("us"),
    "validated_at": pl.Datetime("us"),
    "run_id": pl.String,
}

# counts and ratios only: what GX result keys may be kept for display
_KEEP = {
    "element_count",
    "unexpected_count",
    "unexpected_percent",
    "unexpected_percent_total",
    "unexpected_percent_nonmissing",
    "missing_count",
    "missing_percent",
}

# an identity number or a mobile number, wherever it might hide in free text
_ID_LIKE = re.compile(r"(?<![0-9A-Za-z])(\d{3})\d{11}(\d{3}[\dXx])(?![0-9A-Za-z])")
_MOBILE_LIKE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")


def scrub(text: str | None) -> str | None:
    """Mask anything shaped like an ID number or mobile number (defence in depth for free
    text such as exception messages)."""
    if text is None:
        return None
    text = _ID_LIKE.sub(lambda m: m.group(1) + "*" * 11 + m.group(2), text)
    return _MOBILE_LIKE.sub(lambda m: m.group(1) + "****" + m.group(2), text)


@dataclass
class CheckResult:
    district_code: str
    feed: str
    file: str
    sha256: str
    check: str
    column: str | None
    severity: str
    reason: str
    passed: bool
    rows_checked: int
    rows_failed: int
    failing_rows: list[int] = field(default_factory=list)
    detail: str | None = None
    delivered_at: dt.datetime | None = None
    validated_at: dt.datetime | None = None
    run_id: str | None = None

    def as_row(self) -> dict:
        return asdict(self)


def to_frame(results: list[CheckResult]) -> pl.DataFrame:
    return pl.DataFrame([r.as_row() for r in results], schema=DQ_SCHEMA)


def strip_values(result: ExpectationSuiteValidationResult) -> ExpectationSuiteValidationResult:
    """A copy holding counts only: no unexpected values, no index lists, no tracebacks."""
    clean = copy.copy(result)
    clean.results = []
    for item in result.results:
        one = copy.copy(item)
        one.result = {k: v for k, v in (item.result or {}).items() if k in _KEEP}
        info = dict(item.exception_info or {})
        if info:
            info["exception_traceback"] = None
            info["exception_message"] = scrub(info.get("exception_message"))
        one.exception_info = info
        clean.results.append(one)
    return clean


def failing_positions(item) -> list[int]:
    """Frame positions GX found unexpected (the frame's index is 0..n-1)."""
    return [int(i) for i in (item.result or {}).get("unexpected_index_list") or []]
