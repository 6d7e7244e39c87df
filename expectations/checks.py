"""The checks of each feed, generated from the contract and the interface standard's
legality and compliance rules (数据对接规范, "Legality and compliance checks").

A ``CheckSpec`` is pure data: a stable name stored in ``dq_results`` (``not_null:class_id``),
the contract column it concerns, the reason code it stands for, its severity (the
contract's for that reason: blocking, pending or warning, declared once in
``pipelines.contract.reasons.SEVERITY``), a Chinese label for district reports, and the GX
expectation that decides it. The columns an
expectation reads are those of the validation frame (``expectations.validation_frame``):
contract columns typed, ``<col>__text`` as delivered, and derived ``__`` columns holding
what other feeds say (class dates, subsidy cap, reference keys).
"""

from __future__ import annotations

from dataclasses import dataclass

import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

from expectations.custom_expectations import (
    ExpectColumnValuesToBeCompleteCnAddress,
    ExpectColumnValuesToBeValidCnIdNumber,
    ExpectColumnValuesToBeValidCnMobile,
    ExpectColumnValuesToBeValidCnUscc,
    ExpectColumnValuesToExistInReference,
    ExpectColumnValuesToParseAsContractType,
)
from pipelines.contract import (
    Check,
    CheckReason,
    Feed,
    FileReason,
    RowReason,
    Severity,
    T,
    severity_of,
)

BLOCKING = str(Severity.BLOCKING)  # ingest quarantines the row for this
PENDING = str(Severity.PENDING)  # the row waits in quarantine for its parent
WARNING = str(Severity.WARNING)  # informs the district; the row is accepted

# GX's own scale: a blocking or pending failure is "critical" to the row
_GX_SEVERITY = {BLOCKING: "critical", PENDING: "critical", WARNING: "warning"}

WELLFORMED = "__wellformed"
DELIVERY_KEY = "__delivery_key"
DATA_DAY = "__data_day"
LATE_BEFORE = "__late_before"
CLASS_START = "__class_start"
CLASS_END_EXCLUSIVE = "__class_end_exclusive"
SESSION_CLASS = "__session_class"
SUBSIDY_CAP = "__subsidy_cap"
FACE_SCORE_NOT_FACE = "__face_score_not_face"
ENROLMENT_REF = "__ref__enrolment"

# parent (feed, column) of each reference check that is not a contract ``ref``
TEACHER_REF = ("teachers", "teacher_id")
ENROLMENT_PARENT = ("enrolments", "class_id+id_number_pseudo")
CLASS_ENROLMENTS = ("enrolments", "class_id")  # has the class any enrolment in the warehouse
CLASS_ENROLMENTS_REF = "__ref__class_enrolments"


def text_column(column: str) -> str:
    return f"{column}__text"


def ref_column(column: str) -> str:
    return f"__ref__{column}"


def reference_name(parent: tuple[str, str]) -> str:
    return f"{parent[0]}.{parent[1]}"


@dataclass(frozen=True)
class CheckSpec:
    name: str
    column: str | None
    severity: str
    reason: str  # the RowReason (or file reason) the check stands for
    label_zh: str
    expectation: Expectation | None = None  # None: decided outside GX (file-level checks)


def _spec(name, column, reason, label, expectation) -> CheckSpec:
    severity = str(severity_of(reason))
    expectation.meta = {"check": name, "severity": severity}
    expectation.severity = _GX_SEVERITY[severity]
    expectation.description = label
    return CheckSpec(name, column, severity, str(reason), label, expectation)


_PARSE_REASON = {
    T.DATE: RowReason.BAD_DATE,
    T.TS: RowReason.BAD_TIMESTAMP,
    T.INT: RowReason.BAD_NUMBER,
    T.DEC: RowReason.BAD_NUMBER,
    T.BOOL: RowReason.BAD_BOOL,
}

_IDENTITY = {
    Check.RIC: (
        ExpectColumnValuesToBeValidCnIdNumber,
        RowReason.BAD_ID_NUMBER,
        "符合 GB 11643(校验位、出生日期)",
    ),
    Check.USCC: (ExpectColumnValuesToBeValidCnUscc, RowReason.BAD_USCC, "符合 GB 32100(校验位)"),
    Check.MOBILE: (ExpectColumnValuesToBeValidCnMobile, RowReason.BAD_PHONE, "为有效的手机号码"),
    Check.ADDRESS: (
        ExpectColumnValuesToBeCompleteCnAddress,
        RowReason.INCOMPLETE_ADDRESS,
        "完整(含路/街/弄/村/号等)",
    ),
}


def feed_checks(feed: Feed) -> list[CheckSpec]:
    """Every row check of a feed, in a stable order."""
    checks = [
        _spec(
            "record_wellformed",
            None,
            RowReason.RAGGED_ROW,
            "记录结构完整(字段数正确/JSON 可解析)",
            gxe.ExpectColumnValuesToBeInSet(column=WELLFORMED, value_set=[True]),
        )
    ]
    for c in feed.columns:
        checks.extend(_column_checks(feed, c))
    for earlier, later, strict in feed.ordered:
        zh = f"{feed.column(earlier).zh}{'早于' if strict else '不晚于'}{feed.column(later).zh}"
        checks.append(
            _spec(
                f"ordered:{earlier}<{'' if strict else '='}{later}",
                earlier,
                RowReason.DATE_ORDER,
                zh,
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=later,
                    column_B=earlier,
                    or_equal=not strict,
                    ignore_row_if="either_value_is_missing",
                ),
            )
        )
    checks.append(
        _spec(
            f"unique_key:{'+'.join(feed.keys)}",
            feed.key,
            RowReason.DUPLICATE_KEY,
            f"同一文件内{'+'.join(feed.column(k).zh for k in feed.keys)}不重复",
            gxe.ExpectColumnValuesToBeUnique(column=DELIVERY_KEY),
        )
    )
    checks.extend(_FEED_RULES.get(feed.name, lambda f: [])(feed))
    if feed.data_day:
        checks.append(
            _spec(
                f"on_time:{feed.data_day}",
                feed.data_day,
                CheckReason.LATE,
                f"按时报送(数据日期后 {_late_days()} 天内)",
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A=DATA_DAY,
                    column_B=LATE_BEFORE,
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
            )
        )
    return checks


def _late_days() -> int:
    from pipelines.contract import LATE_AFTER_DAYS

    return LATE_AFTER_DAYS


def _column_checks(feed: Feed, c) -> list[CheckSpec]:
    out: list[CheckSpec] = []
    if c.required:
        out.append(
            _spec(
                f"not_null:{c.name}",
                c.name,
                RowReason.REQUIRED_MISSING,
                f"{c.zh}必填",
                # a STR column's typed value is its cleaned text; others are checked as
                # delivered, so an unparseable value does not also count as missing
                gxe.ExpectColumnValuesToNotBeNull(
                    column=c.name if c.type == T.STR else text_column(c.name)
                ),
            )
        )
    if c.type in _PARSE_REASON:
        out.append(
            _spec(
                f"parses:{c.name}",
                c.name,
                _PARSE_REASON[c.type],
                f"{c.zh}格式({c.type})可解析",
                ExpectColumnValuesToParseAsContractType(
                    column=text_column(c.name), contract_type=str(c.type)
                ),
            )
        )
    if c.check:
        cls, reason, zh = _IDENTITY[c.check]
        out.append(_spec(f"{c.check}:{c.name}", c.name, reason, f"{c.zh}{zh}", cls(column=c.name)))
    if c.codes:
        out.append(
            _spec(
                f"in_codes:{c.name}",
                c.name,
                RowReason.BAD_CODE,
                f"{c.zh}在代码表内",
                gxe.ExpectColumnValuesToBeInSet(column=c.name, value_set=list(c.codes)),
            )
        )
    if c.min is not None or c.max is not None:
        out.append(
            _spec(
                f"in_range:{c.name}",
                c.name,
                RowReason.OUT_OF_RANGE,
                f"{c.zh}{_bounds(c.min, c.max, c.min_exclusive)}",
                gxe.ExpectColumnValuesToBeBetween(
                    column=c.name, min_value=c.min, max_value=c.max, strict_min=c.min_exclusive
                ),
            )
        )
    if c.ref:
        out.append(_reference_check(f"ref:{c.name}", c.name, c.ref, f"{c.zh}在已接收的数据中存在"))
    return out


def _bounds(lo: float | None, hi: float | None, lo_exclusive: bool = False) -> str:
    if lo is not None and hi is not None:
        return f"在 {'(' if lo_exclusive else '['}{lo:g}, {hi:g}] 内"
    if lo is not None:
        return f"{'>' if lo_exclusive else '≥'} {lo:g}"
    return f"≤ {hi:g}"


def _reference_check(
    name, column, parent, label, frame_column=None, reason=RowReason.MISSING_REFERENCE
) -> CheckSpec:
    return _spec(
        name,
        column,
        reason,
        label,
        ExpectColumnValuesToExistInReference(
            column=frame_column or ref_column(column), reference=reference_name(parent)
        ),
    )


def _sessions(feed: Feed) -> list[CheckSpec]:
    return [
        _spec(
            "inside_class:starts_at",
            "starts_at",
            RowReason.SESSION_OUTSIDE_CLASS,
            "课次开始不早于开班日期",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="starts_at",
                column_B=CLASS_START,
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        _spec(
            "inside_class:ends_at",
            "ends_at",
            RowReason.SESSION_OUTSIDE_CLASS,
            "课次结束不晚于结班日期",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=CLASS_END_EXCLUSIVE,
                column_B="ends_at",
                or_equal=False,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        # not a hard reference in the contract (a late teacher register must not quarantine
        # whole schedules): a finding to inform the district
        _reference_check(
            "ref:teacher_id",
            "teacher_id",
            TEACHER_REF,
            "教师编号在师资数据中存在",
            reason=CheckReason.UNKNOWN_TEACHER,
        ),
    ]


def _attendance(feed: Feed) -> list[CheckSpec]:
    return [
        _spec(
            "session_of_class:class_id",
            "class_id",
            RowReason.SESSION_CLASS_MISMATCH,
            "考勤课次属于该班级",
            gxe.ExpectColumnPairValuesToBeEqual(
                column_A="class_id",
                column_B=SESSION_CLASS,
                ignore_row_if="either_value_is_missing",
            ),
        ),
        _reference_check(
            "enrolments_delivered:class_id",
            "class_id",
            CLASS_ENROLMENTS,
            "该班报名数据已接收",
            frame_column=CLASS_ENROLMENTS_REF,
            reason=RowReason.ENROLMENTS_PENDING,
        ),
        _reference_check(
            "enrolled:id_number",
            "id_number",
            ENROLMENT_PARENT,
            "考勤人员已在该班报名",
            frame_column=ENROLMENT_REF,
            reason=RowReason.NOT_ENROLLED,
        ),
        _spec(
            "face_score_only_for_face:face_score",
            "face_score",
            RowReason.FACE_SCORE_UNEXPECTED,
            "非人脸方式不填人脸比对分",
            gxe.ExpectColumnValuesToBeNull(column=FACE_SCORE_NOT_FACE),
        ),
    ]


def _claims(feed: Feed) -> list[CheckSpec]:
    return [
        _spec(
            "under_subsidy_cap:amount",
            "amount",
            RowReason.OVER_SUBSIDY_CAP,
            "补贴金额不超过该等级上限",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=SUBSIDY_CAP,
                column_B="amount",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
    ]


def _online_learning(feed: Feed) -> list[CheckSpec]:
    return [
        # ingest's row check (conform): more failed face checks than checks is impossible
        _spec(
            "failures_within_checks:face_failures",
            "face_failures",
            RowReason.OUT_OF_RANGE,
            "核验失败次数不超过人脸核验次数",
            gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A="face_checks",
                column_B="face_failures",
                or_equal=True,
                ignore_row_if="either_value_is_missing",
            ),
        ),
    ]


_FEED_RULES = {
    "sessions": _sessions,
    "attendance": _attendance,
    "online_learning": _online_learning,
    "subsidy_claims": _claims,
}

# file-level checks, decided from the delivery register rather than by GX
FILE_READABLE = CheckSpec("file_readable", None, BLOCKING, "UNREADABLE", "文件可读取")
NOT_DUPLICATE = CheckSpec(
    "file_not_duplicate",
    None,
    str(severity_of(CheckReason.DUPLICATE_FILE)),
    str(CheckReason.DUPLICATE_FILE),
    "非重复报送的文件",
)


def references_needed(feed: Feed) -> list[str]:
    """Reference sets (``feed.column``) the feed's checks read."""
    names = []
    for spec in feed_checks(feed):
        exp = spec.expectation
        if isinstance(exp, ExpectColumnValuesToExistInReference):
            names.append(exp.reference)
    return names


# reasons that one check stands for, besides its own ``reason``; every file-level reason
# (FileReason) is "the file could not be validated": file_readable
_SAME_CHECK = {"BAD_JSON": "RAGGED_ROW", "MISSING_COLUMN": "REQUIRED_MISSING"}


def checks_for_reason(feed: Feed | None, reason: str) -> set[str]:
    """Names of the checks that catch rows quarantined (or files rejected) for ``reason``."""
    reason = "UNREADABLE" if reason in set(FileReason) else _SAME_CHECK.get(reason, reason)
    specs = [FILE_READABLE, NOT_DUPLICATE] + (feed_checks(feed) if feed else [])
    return {s.name for s in specs if s.reason == reason}
