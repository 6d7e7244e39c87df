"""Render a district's report: Chinese HTML with an inline SVG chart, and an XLSX of its
quarantined rows (Chinese headers, reason labels, personal data masked)."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
from email.message import EmailMessage
from email.utils import formatdate

import jinja2
import xlsxwriter

from expectations.results import scrub
from pipelines.contract import DISTRICT_FEEDS, REASON_ZH, SEVERITY_ZH
from pipelines.lib.export_safety import neutralise, neutralise_text
from pipelines.reports.contacts import Contact
from pipelines.reports.district_summary import DistrictReport
from pipelines.reports.email_template import HTML

XLSX_TYPE = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
STATUS_ZH = {
    "accepted": "全部接收",
    "partial": "部分接收",
    "rejected": "全部隔离",
    "unreadable": "无法读取",
    "refused": "拒绝读取",
    "duplicate": "重复文件",
}
QUARANTINE_HEADERS = [
    "区代码",
    "区名称",
    "数据类别",
    "文件",
    "行号",
    "问题代码",
    "问题说明",
    "问题明细",
    "原始数据(已脱敏)",
    "报送时间",
]

_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_TEMPLATE = _ENV.from_string(HTML)


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _change(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:+.1f} 个百分点"


def feed_zh(feed: str | None) -> str:
    return DISTRICT_FEEDS[feed].zh if feed in DISTRICT_FEEDS else (feed or "")


def reason_labels(codes: list[str] | None) -> str:
    return ";".join(REASON_ZH.get(c, c) for c in codes or [])


def bar_chart_svg(report: DistrictReport, width: int = 560) -> str:
    """Accepted vs quarantined rows per feed, as inline SVG (no plotting library needed)."""
    rows = report.by_feed.to_dicts() if report.by_feed.height else []
    if not rows:
        return ""
    bar_h, gap, left = 18, 8, 90
    top = max(r["rows_read"] for r in rows) or 1
    height = len(rows) * (bar_h + gap) + 30
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        'role="img" aria-label="各数据类别接收与隔离行数" style="font-size:12px">'
    ]
    for i, r in enumerate(rows):
        y = i * (bar_h + gap)
        ok = (width - left - 80) * r["rows_accepted"] / top
        bad = (width - left - 80) * r["rows_quarantined"] / top
        parts += [
            f'<text x="0" y="{y + 13}">{html.escape(r["feed_zh"])}</text>',
            f'<rect x="{left}" y="{y}" width="{ok:.1f}" height="{bar_h}" fill="#27ae60"/>',
            f'<rect x="{left + ok:.1f}" y="{y}" width="{bad:.1f}" height="{bar_h}" '
            'fill="#c0392b"/>',
            f'<text x="{left + ok + bad + 4:.1f}" y="{y + 13}">'
            f"{r['rows_accepted']} / {r['rows_quarantined']}</text>",
        ]
    y = len(rows) * (bar_h + gap) + 14
    parts += [
        f'<rect x="{left}" y="{y - 10}" width="10" height="10" fill="#27ae60"/>',
        f'<text x="{left + 14}" y="{y}">接收</text>',
        f'<rect x="{left + 60}" y="{y - 10}" width="10" height="10" fill="#c0392b"/>',
        f'<text x="{left + 74}" y="{y}">隔离</text>',
        "</svg>",
    ]
    return "".join(parts)


def subject(report: DistrictReport) -> str:
    return f"【SkillWatch】{report.district_name}数据质量报告({report.batch_label})"


def attachment_name(report: DistrictReport) -> str:
    return f"数据质量问题明细_{report.district_code}_{report.batch_code}.xlsx"


def render_html(report: DistrictReport, contact_name: str, now: dt.datetime) -> str:
    totals = report.totals
    return _TEMPLATE.render(
        subject=subject(report),
        r=report,
        t=totals,
        acceptance=(totals["rows_accepted"] / totals["rows_read"]) if totals["rows_read"] else None,
        contact_name=contact_name,
        generated_at=now.strftime("%Y-%m-%d %H:%M"),
        attachment_name=attachment_name(report),
        chart=bar_chart_svg(report),
        by_feed=report.by_feed.to_dicts() if report.by_feed.height else [],
        checks=report.checks.to_dicts(),
        files=report.files.to_dicts(),
        trend=report.trend,
        pct=_pct,
        change=_change,
        feed_zh=feed_zh,
        severity_zh=SEVERITY_ZH,
        status_zh=lambda s: STATUS_ZH.get(s, s),
        reason_zh=lambda c: REASON_ZH.get(c, c or ""),
    )


def _masked_values(text: str | None) -> str:
    """Quarantine keeps personal fields masked already; scrub again in case an ID number
    or mobile sits in a non-personal column (a shifted row, a free-text field)."""
    if not text:
        return ""
    try:
        values = json.loads(text)
    except json.JSONDecodeError:
        return scrub(text) or ""
    return scrub(json.dumps(values, ensure_ascii=False)) or ""


def quarantine_xlsx(report: DistrictReport) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False}
    )
    head = book.add_format({"bold": True, "bg_color": "#F0F0F0", "border": 1})
    sheet = book.add_worksheet("隔离数据")
    sheet.write_row(0, 0, QUARANTINE_HEADERS, head)
    rows = report.quarantine.to_dicts() if report.quarantine.height else []
    for i, q in enumerate(rows, start=1):
        # write_string: an ID-like text must never be turned into a number or formula
        cells = [
            q["district_code"],
            report.district_name,
            feed_zh(q["feed"]),
            q["file"],
            str(q["row_number"]),
            ";".join(q["reason_codes"] or []),
            reason_labels(q["reason_codes"]),
            scrub(q.get("reason_detail")) or "",
            _masked_values(q.get("original_values")),
            str(q.get("delivered_at") or ""),
        ]
        for j, value in enumerate(cells):
            # file names, details and values come from deliveries: inert (issue 12)
            sheet.write_string(i, j, neutralise_text(value))
    sheet.set_column(0, 2, 10)
    sheet.set_column(3, 3, 40)
    sheet.set_column(5, 8, 30)
    sheet.freeze_panes(1, 0)

    checks = book.add_worksheet("检查项通过率")
    checks.write_row(
        0, 0, ["数据类别", "检查项", "检查代码", "级别", "检查行数", "不通过行数", "通过率"], head
    )
    for i, c in enumerate(report.checks.to_dicts(), start=1):
        checks.write_row(
            i,
            0,
            [
                neutralise(v)
                for v in (
                    feed_zh(c["feed"]),
                    c["label"],
                    c["check"],
                    SEVERITY_ZH.get(c["severity"], c["severity"]),
                    c["rows_checked"],
                    c["rows_failed"],
                    _pct(c["pass_rate"]),
                )
            ],
        )
    checks.set_column(0, 2, 28)
    book.close()
    return buffer.getvalue()


def message_id(run_id: str, district: str) -> str:
    # deterministic: a receiving system can drop a duplicate if one ever slips through
    return f"<skillwatch-dq-{run_id}-{district}@skillwatch.local>"


def build_message(
    report: DistrictReport, recipients: list[Contact], from_addr: str, now: dt.datetime
) -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject(report)
    msg["From"] = from_addr
    msg["To"] = ", ".join(c.email for c in recipients)
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = message_id(report.run_id, report.district_code)
    msg["X-SkillWatch-District"] = report.district_code
    msg["X-SkillWatch-Run"] = report.run_id
    t = report.totals
    msg.set_content(
        f"{report.district_name}数据质量报告({report.batch_label}):收到 {t['files']} 个文件、"
        f"{t['rows_read']} 行,接收 {t['rows_accepted']} 行,隔离 {t['rows_quarantined']} 行。"
        f"明细见附件(个人信息已脱敏)。请使用支持 HTML 的邮件客户端查看完整报告。"
    )
    name = "、".join(c.name for c in recipients if c.name) or "同事"
    msg.add_alternative(render_html(report, name, now), subtype="html")
    msg.add_attachment(
        quarantine_xlsx(report),
        maintype=XLSX_TYPE[0],
        subtype=XLSX_TYPE[1],
        filename=attachment_name(report),
    )
    return msg
