"""The operations manual (运维手册), in Chinese, generated from the code so it never drifts.

Every section is read from where the product itself takes it:
- the contract (``pipelines.contract``): feeds, columns, checks, reason codes and severities,
  and the courseware package findings (``pipelines.courseware.catalogue.FINDINGS``);
- the rules registry: the rule codes and names of ``pipelines.contract.rules`` (the list
  ``alert_rule_status`` evaluates), the dbt model of
  each rule and the ``var()``s it reads, with their current values and comments from
  ``dbt_project/dbt_project.yml``; the e-learning rules' Python defaults;
- the asset graph, jobs, schedules and sensors of ``pipelines.definitions.defs``;
- every environment variable of the settings module;
- the roles of the read layer (``pipelines.serving.scope``) and the CLI's delegated commands.
``skillwatch docs manual`` writes Markdown and a self-contained HTML page (no remote URL:
it opens offline); tests/test_manual.py rebuilds it in CI and fails when a feed, a rule or a
setting is missing from it.
"""

from __future__ import annotations

import dataclasses
import functools
import html
import re
from collections import defaultdict
from pathlib import Path

import yaml

from pipelines.contract.rules import RULES
from pipelines.settings import REPO_ROOT

DBT_DIR = REPO_ROOT / "dbt_project"
_RULE_MODEL = re.compile(r"^alert_([a-z]\d{2})_\w+$")
_VAR = re.compile(r"""var\(\s*['"](\w+)['"]""")

ROLE_ZH = {
    "city": ("市级用户", "读取全市全部已发布的表;可在分析应用中处理预警(确认/解决/驳回)。"),
    "district": (
        "区级用户",
        "只见本区:凡含 district_code 的已发布表替换为本区过滤视图,不含的表不可见"
        "(下列参考表除外);不得引用其他库、模式或表函数;可处理本区预警。",
    ),
    "auditor": ("审计用户", "读取全市全部已发布的表,只读:不能处理预警。"),
}


# ---- the contract ---------------------------------------------------------------------


def _column_reasons(column, keys: list[str]) -> list[str]:
    """The reason codes a column's checks can give, in the order ingest applies them."""
    from pipelines.contract import Check, RowReason, T

    codes = []
    if column.required:
        codes += [RowReason.MISSING_COLUMN, RowReason.REQUIRED_MISSING]
    codes += {
        T.INT: [RowReason.BAD_NUMBER],
        T.DEC: [RowReason.BAD_NUMBER],
        T.DATE: [RowReason.BAD_DATE],
        T.TS: [RowReason.BAD_TIMESTAMP],
        T.BOOL: [RowReason.BAD_BOOL],
        T.DURATION: [RowReason.BAD_DURATION],
    }.get(column.type, [])
    if column.codes:
        codes.append(RowReason.BAD_CODE)
    if column.min is not None or column.max is not None:
        codes.append(RowReason.OUT_OF_RANGE)
    codes += {
        Check.RIC: [RowReason.BAD_ID_NUMBER],
        Check.USCC: [RowReason.BAD_USCC],
        Check.MOBILE: [RowReason.BAD_PHONE],
        Check.ADDRESS: [RowReason.INCOMPLETE_ADDRESS],
    }.get(column.check, [])
    if column.key and column.name == keys[-1]:
        codes.append(RowReason.DUPLICATE_KEY)
    if column.ref:
        codes.append(RowReason.MISSING_REFERENCE)
    return [str(c) for c in codes]


def _contract_section() -> list[str]:
    from pipelines.contract import (
        ALL_FEEDS,
        LATE_AFTER_DAYS,
        REASON_ZH,
        SEVERITY_EFFECT_ZH,
        SEVERITY_ZH,
        Severity,
        severity_of,
    )
    from pipelines.docs.interface import _TYPE_ZH, _rule

    out = [
        "## 一、数据契约与检查严重程度",
        "",
        "每项检查有且只有一个严重程度(契约模块 `pipelines/contract/reasons.py` 中声明一次):",
        "",
        "| 严重程度 | 处理 |",
        "|---|---|",
        *[f"| {SEVERITY_ZH[s]}(`{s}`) | {SEVERITY_EFFECT_ZH[s]} |" for s in Severity],
        "",
        "### 原因代码",
        "",
        "| 代码 | 含义 | 严重程度 |",
        "|---|---|---|",
        *[f"| `{c}` | {zh} | {SEVERITY_ZH[severity_of(c)]} |" for c, zh in REASON_ZH.items()],
        "",
        f"迟报:报送时间晚于数据日期 {LATE_AFTER_DAYS} 天以上(`LATE`,{SEVERITY_ZH['warning']})。",
        "",
    ]
    where = {
        "district": "<落地目录>/<区代码>/{folder}/",
        "elearning": "<落地目录>/elearning/{folder}/",
        "camera": "<落地目录>/{folder}/",
        "operations": "<落地目录>/operations/{folder}/",
    }
    for name, feed in ALL_FEEDS.items():
        folder = where.get(feed.source, "<落地目录>/{folder}/").format(folder=feed.landing_folder)
        out += [
            f"### {feed.zh}(`{name}`)",
            "",
            f"报送目录:`{folder}`;主键:{' + '.join(f'`{k}`' for k in feed.keys)}"
            + (f";数据日期列:`{feed.data_day}`(迟报检查)" if feed.data_day else "")
            + "".join(f";`{a}` {'<' if strict else '≤'} `{b}`" for a, b, strict in feed.ordered),
            "",
            "| 列 | 中文名 | 类型 | 必填 | 规则 | 检查(原因代码 · 严重程度) |",
            "|---|---|---|---|---|---|",
        ]
        for c in feed.columns:
            checks = "、".join(
                f"`{code}`·{SEVERITY_ZH[severity_of(code)]}"
                for code in _column_reasons(c, feed.keys)
            )
            out.append(
                f"| `{c.name}` | {c.zh} | {_TYPE_ZH[c.type]} | {'是' if c.required else ''} "
                f"| {_rule(c, feed.keys)} | {checks} |"
            )
        out.append("")
    out += _courseware_section()
    return out


def _courseware_section() -> list[str]:
    from pipelines.courseware.assets import LANDING_FOLDER
    from pipelines.courseware.catalogue import FINDINGS, SEVERITY_ZH
    from pipelines.courseware.zipsafe import DEFAULT_LIMITS

    return [
        "### 课件包(`courseware`)",
        "",
        f"报送目录:`<落地目录>/{LANDING_FOLDER}/<文件>.zip`。SCORM 1.2、SCORM 2004 或 AICC 课件包,"
        "逐个以数据流方式读取(不解压到磁盘);每个文件在课件目录中一行,问题如下:",
        "",
        "| 代码 | 处理 | 说明 |",
        "|---|---|---|",
        *[f"| `{code}` | {SEVERITY_ZH[sev]} | {zh} |" for code, (sev, zh) in FINDINGS.items()],
        "",
        "拒收:文件不被读取,目录中保留其记录与原因;缺陷:可读但清单有误或缺文件;警告:仅提示。",
        "",
        "读取上限(`pipelines/courseware/zipsafe.py`,Dagster 运行配置 `CoursewareConfig` 可覆盖):",
        "",
        "| 参数 | 当前值 |",
        "|---|---|",
        *[
            f"| `{f.name}` | {getattr(DEFAULT_LIMITS, f.name)} |"
            for f in dataclasses.fields(DEFAULT_LIMITS)
        ],
        "",
    ]


# ---- the rules --------------------------------------------------------------------------


def dbt_vars() -> dict[str, tuple[object, str]]:
    """var -> (current value, the comment lines above it in dbt_project.yml)."""
    text = (DBT_DIR / "dbt_project.yml").read_text(encoding="utf-8")
    values = (yaml.safe_load(text) or {}).get("vars") or {}
    comments: dict[str, str] = {}
    pending: list[str] = []
    in_vars = False
    for line in text.splitlines():
        if re.match(r"^vars:\s*$", line):
            in_vars = True
            continue
        if in_vars and line and not line.startswith((" ", "#")):
            break
        stripped = line.strip()
        if stripped.startswith("#"):
            pending.append(stripped.lstrip("# ").rstrip())
        elif m := re.match(r"^  (\w+):", line):
            comments[m.group(1)] = " ".join(p for p in pending if not p.startswith("----"))
            pending = []
    return {name: (value, comments.get(name, "")) for name, value in values.items()}


def rule_names() -> dict[str, str]:
    """The evaluated rules: code -> Chinese name (pipelines/contract/rules.py)."""
    return {code: r.name_zh for code, r in RULES.items() if r.kind == "rule"}


def rule_models() -> dict[str, dict]:
    """Rule code -> {model, description, vars} for every ``alert_<code>_*`` dbt model."""
    found: dict[str, dict] = {}
    models = DBT_DIR / "models"
    for sql in sorted(models.rglob("alert_*.sql")):
        m = _RULE_MODEL.match(sql.stem)
        if not m:
            continue
        description = ""
        yml = sql.with_suffix(".yml")
        if yml.exists():
            for node in (yaml.safe_load(yml.read_text(encoding="utf-8")) or {}).get("models", []):
                if node.get("name") == sql.stem:
                    description = " ".join(str(node.get("description", "")).split())
        used = sorted(set(_VAR.findall(sql.read_text(encoding="utf-8"))))
        found[m.group(1).upper()] = {"model": sql.stem, "description": description, "vars": used}
    return found


def _cell(text: object) -> str:
    """Free text inside a Markdown table cell: one line, its pipes escaped."""
    return " ".join(str(text).split()).replace("\\|", "|").replace("|", "\\|")


def _value(value: object) -> str:
    if isinstance(value, list):
        return "、".join(map(str, value))
    if value is None:
        return "null"
    return str(value).lower() if isinstance(value, bool) else str(value)


def _rules_section() -> list[str]:
    from pipelines.elearning.config import DEFAULT_RULES

    names, models, variables = rule_names(), rule_models(), dbt_vars()
    out = [
        "## 二、预警规则目录与当前阈值",
        "",
        "规则清单取自规则目录(发布表 `alert_rules`;逐条规则的运行状态见 `alert_rule_status`,"
        "给出 已评估/无数据/未配置);"
        "阈值为 `dbt_project/dbt_project.yml` 中的 vars 当前值,修改后下次运行生效。",
        "",
        "| 编号 | 名称 | dbt 模型 | 当前阈值 | 说明 |",
        "|---|---|---|---|---|",
    ]
    for code in sorted(set(names) | set(models), key=lambda c: (c[0] != "W", c)):
        model = models.get(code, {})
        thresholds = "; ".join(
            f"`{v}` = {_value(variables[v][0])}" for v in model.get("vars", []) if v in variables
        )
        desc = _cell(model.get("description", ""))
        out.append(
            f"| {code} | {names.get(code, '')} | `{model.get('model', '(未建模型)')}` "
            f"| {thresholds} | {desc} |"
        )
    elearning = {
        "E01": "click_through_ratio",
        "E02": "over_credit_ratio",
        "E03": "concurrent_min_overlap_minutes",
    }
    for code, field in elearning.items():
        out.append(
            f"| {code} | {RULES[code].name_zh}(继续教育) | `pipelines/elearning/anomalies.py` "
            f"| `{field}` = {getattr(DEFAULT_RULES, field)} | Dagster 运行配置可覆盖 |"
        )
    escalation = [v for v in variables if v.startswith("escalate_")]
    shown = "; ".join(f"`{v}` = {_value(variables[v][0])}" for v in escalation)
    out += [
        f"| {code} | {RULES[code].name_zh} | `int_alerts__escalations` | {shown} "
        f"| {what}在窗口期内红色预警累计达标时升级 |"
        for code, what in (("X01", "机构"), ("X02", "区"))
    ]
    out += [
        "",
        "### 全部阈值变量(dbt vars)",
        "",
        "| 变量 | 当前值 | 规则 | 说明 |",
        "|---|---|---|---|",
    ]
    used_by = defaultdict(list)
    for code, model in models.items():
        for v in model["vars"]:
            used_by[v].append(code)
    for name, (value, comment) in variables.items():
        rules = "、".join(sorted(used_by.get(name, [])))
        out.append(f"| `{name}` | {_value(value)} | {rules} | {_cell(comment)} |")
    out += [
        "",
        "### 继续教育规则(Python 默认值,`pipelines/elearning/config.py`)",
        "",
        "| 参数 | 当前值 |",
        "|---|---|",
        *[
            f"| `{f.name}` | {getattr(DEFAULT_RULES, f.name)} |"
            for f in dataclasses.fields(DEFAULT_RULES)
        ],
        "",
    ]
    return out


# ---- the asset graph, jobs, schedules, sensors ------------------------------------------


@dataclasses.dataclass
class Graph:
    assets: dict[str, tuple[str, list[str]]]  # key -> (group, upstream keys)
    group_edges: dict[tuple[str, str], int]  # (upstream group, group) -> asset edges
    checks: int


@functools.cache
def asset_graph() -> Graph:
    from pipelines.definitions import defs

    graph = defs.get_repository_def().asset_graph
    assets = {}
    for key in sorted(graph.get_all_asset_keys()):
        node = graph.get(key)
        parents = sorted(p.to_user_string() for p in node.parent_keys)
        assets[key.to_user_string()] = (node.group_name or "default", parents)
    edges: dict[tuple[str, str], int] = defaultdict(int)
    for group, parents in assets.values():
        for parent in parents:
            upstream = assets.get(parent, ("external", []))[0]
            if upstream != group:
                edges[(upstream, group)] += 1
    return Graph(assets, dict(edges), len(list(graph.asset_check_keys)))


def _layers(groups: list[str], edges: dict[tuple[str, str], int]) -> dict[str, int]:
    """Column of each group: one more than its furthest upstream group (cycles broken by
    the order groups are reached)."""
    parents = defaultdict(set)
    for a, b in edges:
        parents[b].add(a)
    layer: dict[str, int] = {}

    def visit(group: str, path: frozenset) -> int:
        if group in layer:
            return layer[group]
        ups = [p for p in parents[group] if p not in path and p in groups]
        layer[group] = 1 + max((visit(p, path | {group}) for p in ups), default=-1)
        return layer[group]

    for group in groups:
        visit(group, frozenset())
    return layer


def graph_svg(graph: Graph) -> str:
    """The group-level asset graph as an inline SVG (no Graphviz, no script, no URL)."""
    counts: dict[str, int] = defaultdict(int)
    for group, _ in graph.assets.values():
        counts[group] += 1
    groups = sorted(counts)
    layer = _layers(groups, graph.group_edges)
    columns: dict[int, list[str]] = defaultdict(list)
    for group in groups:
        columns[layer[group]].append(group)
    width, height, gap_x, gap_y = 210, 44, 80, 22
    pos = {}
    for col, members in columns.items():
        for row, group in enumerate(members):
            pos[group] = (20 + col * (width + gap_x), 20 + row * (height + gap_y))
    total_w = 40 + (max(columns) + 1) * (width + gap_x)
    total_h = 40 + max(len(m) for m in columns.values()) * (height + gap_y)
    parts = [
        f'<svg width="{total_w}" height="{total_h}" '
        'font-family="sans-serif" font-size="13" role="img" aria-label="资产图">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#678"/></marker></defs>',
    ]
    for (a, b), n in sorted(graph.group_edges.items()):
        if a not in pos or b not in pos:
            continue
        (x1, y1), (x2, y2) = pos[a], pos[b]
        parts.append(
            f'<line x1="{x1 + width}" y1="{y1 + height / 2}" x2="{x2}" y2="{y2 + height / 2}" '
            f'stroke="#678" stroke-width="{min(1 + n / 10, 4):.1f}" marker-end="url(#arrow)">'
            f"<title>{html.escape(a)} → {html.escape(b)}: {n}</title></line>"
        )
    for group, (x, y) in pos.items():
        parts.append(
            f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="6" fill="#eef3f8" '
            f'stroke="#345"/><text x="{x + width / 2}" y="{y + 18}" text-anchor="middle">'
            f'{html.escape(group)}</text><text x="{x + width / 2}" y="{y + 35}" '
            f'text-anchor="middle" fill="#567">{counts[group]} 个资产</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _mermaid(graph: Graph) -> list[str]:
    ids = {g: f"g{i}" for i, g in enumerate(sorted({g for g, _ in graph.assets.values()}))}
    lines = ["```mermaid", "flowchart LR"]
    lines += [f'  {i}["{g}"]' for g, i in ids.items()]
    lines += [
        f"  {ids[a]} -->|{n}| {ids[b]}"
        for (a, b), n in sorted(graph.group_edges.items())
        if a in ids and b in ids
    ]
    return [*lines, "```"]


def _graph_section() -> list[str]:
    from pipelines.definitions import defs

    graph = asset_graph()
    repo = defs.get_repository_def()
    by_group: dict[str, list[str]] = defaultdict(list)
    for key, (group, _) in graph.assets.items():
        by_group[group].append(key)
    out = [
        "## 三、资产图",
        "",
        f"代码位置 `pipelines.definitions` 共 {len(graph.assets)} 个资产、"
        f"{graph.checks} 项资产检查,分为 {len(by_group)} 个组。"
        "组间依赖(箭头上的数字为资产间依赖条数):",
        "",
        "<!-- asset-graph-svg -->",
        *_mermaid(graph),
        "",
        "| 组 | 资产数 | 上游组 |",
        "|---|---|---|",
    ]
    for group in sorted(by_group):
        ups = sorted({a for (a, b) in graph.group_edges if b == group})
        out.append(f"| {group} | {len(by_group[group])} | {'、'.join(ups)} |")
    out += ["", "### 全部资产", "", "| 资产 | 组 | 上游资产 |", "|---|---|---|"]
    for key, (group, parents) in graph.assets.items():
        out.append(f"| `{key}` | {group} | {'、'.join(parents)} |")
    out += [
        "",
        "## 四、作业、调度与传感器",
        "",
        "| 作业 | 说明 |",
        "|---|---|",
        *[
            f"| `{job.name}` | {_cell(job.description or '')} |"
            for job in sorted(repo.get_all_jobs(), key=lambda j: j.name)
            if not job.name.startswith("__")
        ],
        "",
        "| 调度 | cron | 时区 | 作业 |",
        "|---|---|---|---|",
        *[
            f"| `{s.name}` | `{s.cron_schedule}` | {s.execution_timezone or 'UTC'} | {s.job_name} |"
            for s in sorted(repo.schedule_defs, key=lambda s: s.name)
        ],
        "",
        "| 传感器 | 最短间隔(秒) | 作业 | 说明 |",
        "|---|---|---|---|",
        *[
            f"| `{s.name}` | {s.minimum_interval_seconds or 30} "
            f"| {'、'.join(j.name for j in s.jobs) if s.has_jobs else ''} "
            f"| {_cell(s.description or '')} |"
            for s in sorted(repo.sensor_defs, key=lambda s: s.name)
        ],
        "",
    ]
    return out


# ---- settings, roles, commands -----------------------------------------------------------


def settings_rows() -> list[tuple[str, str, str, str]]:
    """(variable, type, default, what) for every environment variable the product reads."""
    try:
        from pipelines.docs.settings_table import rows
    except ImportError:  # an older settings module: the fields' variables by name
        rows = None
    if rows is not None:
        return [tuple(str(c).replace("`", "") for c in r) for r in rows()]
    from pipelines import settings as module

    text = Path(module.__file__).read_text(encoding="utf-8")
    names = sorted(set(re.findall(r"[\"']((?:SKILLWATCH|DAGSTER)_[A-Z_]+)[\"']", text)))
    return [(name, "", "", "") for name in names]


def dbt_env_vars() -> list[str]:
    """Variables dbt reads itself (profiles.yml, models)."""
    found = set()
    for path in [DBT_DIR / "profiles.yml", *DBT_DIR.joinpath("models").rglob("*.sql")]:
        found |= set(re.findall(r"env_var\(\s*'(\w+)'", path.read_text(encoding="utf-8")))
    return sorted(found)


def _settings_section() -> list[str]:
    rows = settings_rows()
    declared = {r[0] for r in rows}
    out = [
        "## 五、配置(环境变量)",
        "",
        "全部配置来自环境变量(`pipelines/settings.py` 一处声明),未设置时使用表中默认值。",
        "",
        "| 变量 | 类型 | 默认值 | 用途 |",
        "|---|---|---|---|",
        *[f"| `{v}` | {t} | {_cell(d)} | {_cell(w)} |" for v, t, d, w in rows],
        "",
    ]
    extra = [v for v in dbt_env_vars() if v not in declared]
    if extra:
        out += [
            "dbt 另读取:" + "、".join(f"`{v}`" for v in extra) + "(由上表变量派生)。",
            "",
        ]
    return out


def _roles_section() -> list[str]:
    from pipelines.serving.scope import REFERENCE_TABLES, ROLES

    out = [
        "## 六、角色与权限",
        "",
        "用户由 `skillwatch users add NAME --role city|district|auditor [--district 区代码]` 维护"
        "(argon2 口令哈希);每次查询都经过角色范围(`pipelines/serving/scope.py`),"
        "并在只读沙箱中执行(禁止写入、ATTACH/DETACH/USE,限时)。",
        "",
        "| 角色 | 名称 | 可见范围 |",
        "|---|---|---|",
    ]
    for role in ROLES:
        name, scope = ROLE_ZH.get(role, (role, "(未写说明)"))
        out.append(f"| `{role}` | {name} | {scope} |")
    out += [
        "",
        "各角色均可读的参考表(不含任何区的明细):"
        + "、".join(f"`{t}`" for t in sorted(REFERENCE_TABLES))
        + "。",
        "",
    ]
    return out


def _commands_section() -> list[str]:
    from pipelines.cli import DELEGATED

    return [
        "## 七、命令",
        "",
        "| 命令 | 说明 |",
        "|---|---|",
        "| `skillwatch simulate` | 生成模拟城市的报送数据 |",
        "| `skillwatch run --landing L --warehouse W` | 接收落地目录并构建数据仓库 |",
        "| `skillwatch demo` | 模拟小城市并完整运行一次 |",
        "| `skillwatch docs`、`docs interface`、`docs manual` "
        "| 文档位置;生成数据对接规范;生成本运维手册 |",
        *[f"| `skillwatch {name}` | {_cell(text)} |" for name, (_, text) in DELEGATED.items()],
        "",
    ]


def render_markdown() -> str:
    out = [
        "# SkillWatch 职业技能培训综合监管平台 运维手册",
        "",
        "本手册由代码自动生成(`skillwatch docs manual`,CI 每次重建),请勿手工修改:"
        "契约、规则阈值、资产图、调度、配置与角色均取自当前代码。",
        "",
    ]
    for section in (
        _contract_section,
        _rules_section,
        _graph_section,
        _settings_section,
        _roles_section,
        _commands_section,
    ):
        out += section()
    return "\n".join(out)


def _inline(text: str) -> str:
    escaped = html.escape(text.replace("\\|", "|"))
    return re.sub(r"`([^`]*)`", r"<code>\1</code>", escaped)


def render_html(markdown: str, svg: str = "") -> str:
    """A self-contained page: headings, tables, lists, code blocks; the SVG in place of its
    marker, the Mermaid source (for Markdown viewers) left out."""
    body: list[str] = []
    in_table = in_fence = False
    for line in markdown.splitlines():
        if line.startswith("```"):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if line.startswith("|"):
            cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
            if set("".join(cells)) <= set("-"):
                continue
            tag = "td" if in_table else "th"
            if not in_table:
                body.append("<table>")
                in_table = True
            body.append("<tr>" + "".join(f"<{tag}>{_inline(c)}</{tag}>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line == "<!-- asset-graph-svg -->":
            body.append(f'<div class="graph">{svg}</div>')
        elif line.startswith("### "):
            body.append(f"<h3>{_inline(line[4:])}</h3>")
        elif line.startswith("## "):
            body.append(f"<h2>{_inline(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{_inline(line[2:])}</h1>")
        elif line.startswith("- "):
            body.append(f"<p>• {_inline(line[2:])}</p>")
        elif line:
            body.append(f"<p>{_inline(line)}</p>")
    if in_table:
        body.append("</table>")
    style = (
        "body{font-family:'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:2em;"
        "max-width:1400px}table{border-collapse:collapse;margin:1em 0;font-size:14px}"
        "td,th{border:1px solid #ccc;padding:3px 7px;vertical-align:top}th{background:#f0f4f8}"
        "code{background:#f5f5f5;padding:0 3px}.graph{overflow-x:auto}h2{margin-top:2em}"
    )
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>SkillWatch 运维手册</title><style>{style}</style></head><body>"
        + "\n".join(body)
        + "</body></html>"
    )


def write(out_dir: Path) -> list[Path]:
    """Write ``operations-manual.zh.md`` and ``.html`` into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    md = render_markdown()
    paths = [out_dir / "operations-manual.zh.md", out_dir / "operations-manual.zh.html"]
    paths[0].write_text(md, encoding="utf-8")
    paths[1].write_text(render_html(md, graph_svg(asset_graph())), encoding="utf-8")
    return paths
