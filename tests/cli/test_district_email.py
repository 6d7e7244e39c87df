"""The district e-mail: the trend's 变化 cell for 检查项通过比例 is filled, and the batch is
named by its number and its data days, not by a truncated run id."""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from pipelines.reports.district_summary import build_district_report
from pipelines.reports.render import attachment_name, build_message, render_html, subject

D = "310104"
T0 = dt.datetime(2026, 9, 7, 9)  # first delivery; the second run comes a week later


def _file(name, run, delivered, days, rows=100, quarantined=0, district=D):
    return {
        "file": name, "sha256": name * 2, "district_code": district, "feed": "sessions",
        "rows_read": rows, "rows_accepted": rows - quarantined, "rows_quarantined": quarantined,
        "status": "accepted" if not quarantined else "partial", "reason": None,
        "data_day_min": days[0], "data_day_max": days[1], "delivered_at": delivered,
        "ingested_at": delivered + dt.timedelta(minutes=5), "run_id": run,
    }  # fmt: skip


def _checks(name, passed: list[bool], district=D):
    return [
        {"file": name, "sha256": name * 2, "district_code": district, "feed": "sessions",
         "check": f"check_{i}", "severity": "blocking", "passed": ok,
         "rows_checked": 100, "rows_failed": 0 if ok else 4}
        for i, ok in enumerate(passed)
    ]  # fmt: skip


def _report():
    week1 = (dt.date(2026, 9, 1), dt.date(2026, 9, 6))
    week2 = (dt.date(2026, 9, 8), dt.date(2026, 9, 13))
    register = pl.DataFrame(
        [
            _file("a.csv", "7f3e9c21aa0b44d1", T0, week1),
            _file("other.csv", "7f3e9c21aa0b44d1", T0, week1, district="310105"),
            _file("b.csv", "12869cce-2081-4f", T0 + dt.timedelta(days=7), week2, quarantined=10),
            _file("c.csv", "12869cce-2081-4f", T0 + dt.timedelta(days=7, hours=2), week2),
        ]
    )
    # previous week: 4 of 4 checks passed; this week: 3 of 4 (b.csv) and 4 of 4 (c.csv)
    dq = pl.DataFrame(
        _checks("a.csv", [True] * 4)
        + _checks("b.csv", [True, True, True, False])
        + _checks("c.csv", [True] * 4)
        + _checks("other.csv", [False] * 4, district="310105")
    )
    return build_district_report(D, "12869cce-2081-4f", register, dq, pl.DataFrame())


def _trend_row(html: str, label: str) -> list[str]:
    row = re.search(rf"<tr><td>{label}</td>(.*?)</tr>", html, re.S)
    assert row, label
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>.*?</td>", row[1])]


def test_checks_passed_change_is_filled_with_the_weeks_difference():
    report = _report()
    assert report.trend.checks_passed_this_week == 7 / 8
    assert report.trend.checks_passed_previous_week == 1.0
    html = render_html(report, "张老师", dt.datetime(2026, 9, 15, 8))
    assert _trend_row(html, "检查项通过比例") == ["87.5%", "100.0%", "-12.5 个百分点"]
    assert _trend_row(html, "数据行接收率")[2] == "-5.0 个百分点"


def test_batch_is_named_by_number_and_data_days_not_run_id():
    report = _report()
    assert report.batch_number == 2  # the city's second ingest run
    assert report.batch_label == "第 2 批 · 数据日期 2026-09-08 至 2026-09-13"
    msg = build_message(report, [], "noreply@example.gov.cn", dt.datetime(2026, 9, 15, 8))
    html = render_html(report, "张老师", dt.datetime(2026, 9, 15, 8))
    plain = msg.get_body(("plain",)).get_content()
    for text in (subject(report), attachment_name(report), html, plain):
        assert "12869cce" not in text
    assert "第 2 批 · 数据日期 2026-09-08 至 2026-09-13" in subject(report)
    assert "第 2 批 · 数据日期 2026-09-08 至 2026-09-13" in html
    assert attachment_name(report) == "数据质量问题明细_310104_第2批.xlsx"
    assert msg["X-SkillWatch-Run"] == "12869cce-2081-4f"  # kept for the operators
