"""Exports are inert (issue 12, part 5): formulas planted in every text field reach the
spot-check workbook and the districts' quarantine workbooks as text, never as formulas;
numbers stay numbers."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import polars as pl
from hypothesis import given
from hypothesis import strategies as st

from pipelines.contract import DISTRICT_FEEDS
from pipelines.lib.export_safety import is_dangerous, neutralise, neutralise_frame
from pipelines.reports.district_summary import DistrictReport
from pipelines.reports.render import quarantine_xlsx
from pipelines.risk.export import CLASS_COLUMNS, RECORD_COLUMNS, write_xlsx
from pipelines.risk.spotcheck import Draw

# what an attacker types into a delivery, one per kind of formula start
PAYLOADS = [
    '=HYPERLINK("http://evil.example/x","点击查看")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    "  =1+1",
    "＝1+1",
    "\x01=1",
]


def test_neutralise_follows_the_owasp_rule():
    for payload in PAYLOADS:
        assert neutralise(payload) == "'" + payload
    for harmless in ("浦东新区职业培训学校", "a=b", "1-2", "", "'=already quoted", "x@y.cn"):
        assert neutralise(harmless) == harmless
    for number in (-3, -2.5, 0, 12, True, None, dt.date(2026, 9, 1)):
        assert neutralise(number) == number


@given(st.lists(st.text(max_size=12), min_size=1, max_size=20))
def test_the_frame_version_is_the_cell_version(texts):
    frame = pl.DataFrame({"t": texts, "n": list(range(len(texts)))})
    safe = neutralise_frame(frame)
    assert safe["t"].to_list() == [neutralise(t) for t in texts]
    assert safe["n"].to_list() == frame["n"].to_list()
    assert not any(is_dangerous(t) for t in safe["t"])


def _planted(columns: dict[str, str], numeric: set[str], rows: int = len(PAYLOADS)):
    """A frame with a payload in every text column, a number in every numeric one."""
    data = {}
    for name in columns:
        if name in numeric:
            data[name] = [float(i) - 1.5 for i in range(rows)]
        else:
            data[name] = [PAYLOADS[(i + len(data)) % len(PAYLOADS)] for i in range(rows)]
    return pl.DataFrame(data)


def _assert_inert(book: openpyxl.Workbook) -> int:
    """No formula anywhere, no text that a spreadsheet would start as one; returns how many
    cells were neutralised (so the test cannot pass on an empty sheet). Counted by the quote,
    not by the payload: XLSX stores a CR or a control character as ``_x000D_``."""
    planted = 0
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not is_dangerous(cell.value), f"{ws.title}!{cell.coordinate}"
                    planted += cell.value.startswith("'")
    return planted


def test_the_spot_check_workbook_holds_no_formula(tmp_path):
    classes = _planted(CLASS_COLUMNS, {"score", "item_no"}).with_columns(
        pl.Series("drawn_by", ["risk", "random"] * (len(PAYLOADS) // 2) + ["risk"])
    )
    records = _planted(RECORD_COLUMNS, {"face_score"})
    draw = Draw(
        week="2026-W38",
        seed=7,
        params={"random_share": 0.2, "min_per_district": 1},
        items=classes,
        records=records,
        candidates=40,
        drawn_at=dt.datetime(2026, 9, 21, 8, 0),
    )
    path = write_xlsx(tmp_path / "spot.xlsx", draw, classes, records)
    book = openpyxl.load_workbook(path)
    # every text field (not the item number, score, draw kind or face score) in every row
    text_fields = len(CLASS_COLUMNS) - 3 + len(RECORD_COLUMNS) - 1
    assert _assert_inert(book) == text_fields * len(PAYLOADS)
    first = book["抽查班级"]
    headers = [c.value for c in first[1]]
    score = first.cell(row=2, column=headers.index("风险分") + 1)
    assert score.data_type == "n" and score.value == -1.5  # numbers stay numbers
    name = first.cell(row=2, column=headers.index("机构名称") + 1).value
    assert name.startswith("'") and name[1:] in PAYLOADS  # the text is kept, only quoted


def test_quarantine_workbooks_hold_no_formula_for_any_feed():
    rows = []
    for feed_name, feed in DISTRICT_FEEDS.items():
        for i, payload in enumerate(PAYLOADS):
            rows.append(
                {
                    "district_code": payload,
                    "feed": feed_name,
                    "file": f"{payload}.csv",
                    "row_number": i + 2,
                    "reason_codes": [payload],
                    "reason_detail": payload,
                    # every field of the feed's row carries the payload
                    "original_values": json.dumps(
                        {c.name: payload for c in feed.columns}, ensure_ascii=False
                    ),
                    "delivered_at": payload,
                }
            )
    checks = pl.DataFrame(
        {
            "feed": ["classes"],
            "label": [PAYLOADS[0]],
            "check": ["=1+1"],
            "severity": ["blocking"],
            "rows_checked": [10],
            "rows_failed": [1],
            "pass_rate": [0.9],
        }
    )
    report = DistrictReport(
        district_code="310115",
        district_name="浦东新区",
        run_id="r1",
        files=pl.DataFrame(),
        checks=checks,
        by_feed=pl.DataFrame(),
        quarantine=pl.DataFrame(rows),
    )
    book = openpyxl.load_workbook(io.BytesIO(quarantine_xlsx(report)))
    # district, feed name (ours), file, reason codes and labels, detail, values, delivered_at:
    # six cells of each row carry the payload at their start, plus the checks sheet's two
    assert _assert_inert(book) == len(rows) * 6 + 2
