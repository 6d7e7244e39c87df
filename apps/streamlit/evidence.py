"""An alert's evidence pack: one self-contained HTML file for the inspector who visits.

The rule, the alert's numbers and text, the class and its sessions (check-ins against video
headcount), a check-in timeline drawn as inline SVG, camera frames as embedded thumbnails,
only masked personal data (the published marts hold nothing else), and where it was computed
from: the publication and the Delta versions of the lake tables behind it. No script, no
external request: it opens offline and prints as it is. The PDF is that same page printed by
headless Chromium (``evidence_pdf``): one rendering for both, CJK fonts from the system
(``fonts-noto-cjk``), no PDF library with its own layout to keep in step.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import shutil
import subprocess
import tempfile
from pathlib import Path

import polars as pl
from jinja2 import Environment

from pipelines.lib import delta_io

# lake tables (relative to the lake) an alert's evidence is computed from
LAKE_SOURCES = (
    "alert_register", "alert_actions", "bronze/classes", "bronze/sessions",
    "bronze/attendance", "bronze/enrolments", "silver/camera_frames", "silver/session_coverage",
)  # fmt: skip

TEMPLATE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>证据包 {{ a.rule_code }} {{ a.alert_id[:8] }}</title>
<style>
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
td,th{border:1px solid #bbb;padding:3px 6px;text-align:left}
th{background:#f0f0f0} .lvl{font-weight:bold;color:{{ colour }}}
figure{display:inline-block;margin:4px;font-size:11px;text-align:center}
.muted{color:#777;font-size:12px}
</style></head><body>
<h1>预警证据包</h1>
<p class="lvl">{{ a.rule_code }} {{ a.rule_name_zh }} · {{ level }}级</p>
<table>
<tr><th>预警编号</th><td>{{ a.alert_id }}</td></tr>
<tr><th>范围</th><td>{{ a.scope }} · 区 {{ a.district_code or "" }}
 · 机构 {{ a.institution_id or "" }} · 班级 {{ a.class_id or "" }}</td></tr>
<tr><th>周期</th><td>{{ a.period }} 自 {{ a.period_start }}</td></tr>
<tr><th>状态</th><td>{{ a.status }}</td></tr>
<tr><th>风险分</th><td>{{ a.risk_score if a.risk_score is not none else "—" }}</td></tr>
<tr><th>首次发现</th><td>{{ a.first_seen_at }}</td></tr>
</table>
<h2>证据</h2><p>{{ a.evidence }}</p>
{% for title, table in tables %}<h2>{{ title }}</h2>{{ table }}{% endfor %}
{% if timeline %}<h2>签到时间线</h2>{{ timeline }}{% endif %}
{% if frames %}<h2>摄像机画面</h2>
{% for caption, uri in frames %}<figure><img src="{{ uri }}" width="160"><br>{{ caption }}</figure>
{% endfor %}{% endif %}
<h2>数据来源</h2>
<table><tr><th>发布</th><td>{{ publication }}</td></tr>
{% for name, version in versions %}<tr><th>{{ name }}</th><td>Delta 版本 {{ version }}</td></tr>
{% endfor %}</table>
<p class="muted">生成于 {{ generated }}；个人信息均已脱敏。</p>
</body></html>
"""
COLOURS = {"red": "#c62828", "orange": "#ef6c00", "yellow": "#f9a825"}
LEVELS = {"red": "红", "orange": "橙", "yellow": "黄"}


def table_html(frame: pl.DataFrame, limit: int = 200) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in frame.columns)
    rows = []
    for row in frame.head(limit).iter_rows():
        cells = "".join(f"<td>{html.escape('' if v is None else str(v))}</td>" for v in row)
        rows.append(f"<tr>{cells}</tr>")
    more = (
        f"<p class='muted'>另有 {frame.height - limit} 行未列出</p>" if frame.height > limit else ""
    )
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{more}"


def timeline_svg(checkins: pl.DataFrame, width: int = 760) -> str:
    """Check-ins as ticks on one line per session (check-in blue, check-out orange)."""
    if checkins.is_empty():
        return ""
    sessions = checkins["session_id"].unique(maintain_order=True).to_list()
    times = checkins["checked_at"]
    lo, hi = times.min(), times.max()
    span = max((hi - lo).total_seconds(), 60.0)
    left, row_h = 170, 22
    height = row_h * len(sessions) + 30
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">']
    for i, session in enumerate(sessions):
        y = 15 + i * row_h
        parts.append(f'<text x="0" y="{y + 4}" font-size="11">{html.escape(session)}</text>')
        parts.append(f'<line x1="{left}" y1="{y}" x2="{width - 10}" y2="{y}" stroke="#ddd"/>')
    for session, at, kind in checkins.select("session_id", "checked_at", "punch_kind").iter_rows():
        x = left + (at - lo).total_seconds() / span * (width - left - 20)
        y = 15 + sessions.index(session) * row_h
        colour = "#1565c0" if str(kind).endswith("in") else "#ef6c00"
        parts.append(
            f'<line x1="{x:.1f}" y1="{y - 7}" x2="{x:.1f}" y2="{y + 7}" stroke="{colour}"/>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 4}" font-size="10">{lo:%Y-%m-%d %H:%M}</text>'
        f'<text x="{width - 130}" y="{height - 4}" font-size="10">{hi:%Y-%m-%d %H:%M}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def data_uri(path: Path) -> str:
    return "data:image/jpeg;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


def lake_versions(lake: Path) -> list[tuple[str, int]]:
    from deltalake import DeltaTable

    out = []
    for name in LAKE_SOURCES:
        path = lake / name
        if delta_io.exists(path):
            out.append((name, DeltaTable(str(path)).version()))
    return out


def evidence_html(
    alert: dict,
    evidence: dict[str, pl.DataFrame],
    frames: list[tuple[str, Path]],
    publication: str,
    versions: list[tuple[str, int]],
) -> str:
    """The pack as one HTML string (``evidence``: class, sessions, checkins frames)."""
    tables = []
    labels = {"class": "班级", "sessions": "课次（签到人数与视频人数）", "checkins": "签到明细"}
    for name, title in labels.items():
        frame = evidence.get(name)
        if frame is not None and not frame.is_empty():
            keep = [c for c in frame.columns if not c.endswith("_key")]
            tables.append((title, table_html(frame.select(keep))))
    env = Environment(autoescape=True)
    template = env.from_string(TEMPLATE)
    from markupsafe import Markup

    return template.render(
        a=alert,
        level=LEVELS.get(alert.get("level"), alert.get("level")),
        colour=COLOURS.get(alert.get("level"), "#222"),
        tables=[(t, Markup(h)) for t, h in tables],
        timeline=Markup(timeline_svg(evidence.get("checkins", pl.DataFrame()))),
        frames=[(c, data_uri(p)) for c, p in frames],
        publication=publication,
        versions=versions,
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    )


class PdfUnavailable(RuntimeError):
    """No headless browser to print with, or it failed: the HTML pack still serves."""


def chromium() -> str | None:
    """The browser that prints the PDF: ``SKILLWATCH_CHROMIUM``, else Debian's ``chromium``."""
    from pipelines.settings import get_settings

    return get_settings().chromium or shutil.which("chromium") or shutil.which("chromium-browser")


def evidence_pdf(page: str, timeout_s: float = 60.0) -> bytes:
    """The pack's HTML printed to A4 PDF by headless Chromium, offline (the page has no
    external reference; background networking is off). Raises ``PdfUnavailable``."""
    browser = chromium()
    if browser is None:
        raise PdfUnavailable("未安装 Chromium，无法生成 PDF（apt-get install chromium）")
    with tempfile.TemporaryDirectory(prefix="skillwatch-pdf-") as tmp:
        source, out = Path(tmp) / "pack.html", Path(tmp) / "pack.pdf"
        source.write_text(page, encoding="utf-8")
        command = [
            browser, "--headless=new", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-extensions", "--no-first-run",
            f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
            f"--print-to-pdf={out}", source.as_uri(),
        ]  # fmt: skip
        try:
            subprocess.run(command, capture_output=True, timeout=timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"Chromium 打印 PDF 失败：{exc}") from exc
        pdf = out.read_bytes() if out.is_file() else b""
        if not pdf.startswith(b"%PDF"):
            raise PdfUnavailable("Chromium 未生成 PDF")
        return pdf
