"""Render the interface standard (数据对接规范) for districts, in Chinese, from the contract."""

from __future__ import annotations

import html
from pathlib import Path

from pipelines.contract import (
    ALL_FEEDS,
    DISTRICTS,
    LATE_AFTER_DAYS,
    REASON_ZH,
    SEVERITY_EFFECT_ZH,
    SEVERITY_ZH,
    SUBSIDY_CAP_BY_LEVEL,
    Check,
    Column,
    Severity,
    T,
    severity_of,
)

_TYPE_ZH = {
    T.STR: "文本",
    T.INT: "整数",
    T.DEC: "数值(可带小数)",
    T.DATE: "日期 YYYY-MM-DD / YYYY/MM/DD / YYYYMMDD",
    T.TS: "日期+时间 HH:MM[:SS](上海时间)",
    T.BOOL: "是/否 (Y/N、是/否、1/0、true/false)",
    T.DURATION: "时长 HHHH:MM:SS.SS(SCORM 1.2)",
}
_CHECK_ZH = {
    Check.RIC: "GB 11643 校验位及出生日期",
    Check.USCC: "GB 32100 校验位",
    Check.MOBILE: "11 位手机号 1[3-9]…(有误仅提示)",
    Check.ADDRESS: "应写到路/街/弄/村/号(不完整仅提示)",
}


def _rule(c: Column, keys: list[str] | None = None) -> str:
    parts = []
    others = [k for k in (keys or [c.name]) if k != c.name]
    if c.key and others:  # one column of a composite key: repeats alone are normal
        parts.append(f"组合主键之一(与 {'、'.join(others)} 一起同一文件内不得重复)")
    elif c.key:
        parts.append("主键,同一文件内不得重复")
    if c.codes:
        parts.append("取值:" + "/".join(c.codes))
    if c.check:
        parts.append(_CHECK_ZH[c.check])
    if c.min is not None or c.max is not None:
        low = "" if c.min is None else f"{c.min:g}" + ("(不含)" if c.min_exclusive else "")
        parts.append(f"范围 {low}–{'' if c.max is None else f'{c.max:g}'}")
    if c.ref:
        parts.append(f"须存在于{ALL_FEEDS[c.ref[0]].zh}({c.ref[1]})")
    if c.pii:
        parts.append("个人信息:入库即假名化与脱敏")
    return ";".join(parts)


def render_markdown() -> str:
    out = [
        "# 职业技能培训综合监管数据对接规范",
        "",
        "本文件由 SkillWatch 契约模块自动生成,请勿手工修改。",
        "",
        "## 报送方式",
        "- 目录:`<落地目录>/<区代码>/<数据类别>/<任意文件名>`,一个文件即一次报送。",
        "- 格式:CSV(UTF-8、带 BOM 的 UTF-8 或 GB18030/GBK,系统自动识别编码)、"
        "XLSX(读取第一个工作表)、JSON Lines。表头可用英文名或中文名。",
        "- 同一文件重复报送不产生重复数据;更正文件按主键覆盖原记录(以最新报送为准),"
        "历史版本可追溯。",
        "- 每一行或被接收,或进入隔离区并注明原因;无法读取的文件整体留存并注明原因。",
        f"- 报送时间晚于数据日期 {LATE_AFTER_DAYS} 天以上视为迟报。",
        "",
        "## 区代码",
        "",
        "| 区代码 | 区 |",
        "|---|---|",
        *[f"| {code} | {name} |" for code, name in DISTRICTS.items()],
        "",
    ]
    for name, feed in ALL_FEEDS.items():
        where = {
            "district": f"`<落地目录>/<区代码>/{feed.landing_folder}/`",
            "elearning": f"`<落地目录>/elearning/{feed.landing_folder}/`(市级,JSON Lines)",
            "camera": f"`<落地目录>/{feed.landing_folder}/`(市级,JSON Lines)",
            "operations": f"`<落地目录>/operations/{feed.landing_folder}/`(市级,运维方与客服)",
        }[feed.source]
        key = " + ".join(f"`{k}`" for k in feed.keys)
        out += [
            f"## {feed.zh}(`{name}`)",
            "",
            f"报送目录:{where}",
            "",
            f"主键:{key}"
            + ("(组合主键:各列合起来同一文件内不得重复)" if len(feed.keys) > 1 else ""),
            "",
            "| 英文列名 | 中文列名 | 类型 | 必填 | 规则 |",
            "|---|---|---|---|---|",
        ]
        for c in feed.columns:
            required = "是" if c.required else ""
            out.append(
                f"| `{c.name}` | {c.zh} | {_TYPE_ZH[c.type]} | {required} | {_rule(c, feed.keys)} |"
            )
        out.append("")
    out += [
        "## 补贴金额上限(元,按培训等级)",
        "",
        "| 等级 | 上限 |",
        "|---|---|",
        *[f"| {level} 级 | {cap:.0f} |" for level, cap in SUBSIDY_CAP_BY_LEVEL.items()],
        "",
        "## 检查的严重程度",
        "",
        "每项检查有且只有一个严重程度:",
        "",
        "| 严重程度 | 处理 |",
        "|---|---|",
        *[f"| {SEVERITY_ZH[sev]}(`{sev}`) | {SEVERITY_EFFECT_ZH[sev]} |" for sev in Severity],
        "",
        "联系方式(如手机号)有误不影响学员的报名、考勤或补贴申领;"
        "学员未在该班报名却打卡的记录在该班报名数据接收后照常接收并标记,作为预警(W17)依据。",
        "",
        "## 原因代码",
        "",
        "| 代码 | 含义 | 严重程度 |",
        "|---|---|---|",
        *[
            f"| `{code}` | {zh} | {SEVERITY_ZH[severity_of(code)]} |"
            for code, zh in REASON_ZH.items()
        ],
        "",
    ]
    return "\n".join(out)


def render_html(markdown: str) -> str:
    """A dependency-free HTML page: the Markdown in a <pre>-free, readable table form."""
    body = []
    in_table = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [html.escape(c.strip()).replace("`", "") for c in line.strip("|").split("|")]
            if set("".join(cells)) <= set("-"):
                continue
            tag = "th" if not in_table else "td"
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<{tag}>{c}</{tag}>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        text = html.escape(line).replace("`", "")
        if line.startswith("# "):
            body.append(f"<h1>{text[2:]}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{text[3:]}</h2>")
        elif line.startswith("- "):
            body.append(f"<p>• {text[2:]}</p>")
        elif line:
            body.append(f"<p>{text}</p>")
    if in_table:
        body.append("</table>")
    style = (
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em}"
        "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px}"
        "th{background:#f0f4f8}"
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>数据对接规范</title><style>{style}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def write(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    md = render_markdown()
    paths = [out_dir / "interface-standard.zh.md", out_dir / "interface-standard.zh.html"]
    paths[0].write_text(md, encoding="utf-8")
    paths[1].write_text(render_html(md), encoding="utf-8")
    return paths
