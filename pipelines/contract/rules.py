"""The early-warning rules catalogue (spec/early-warning-rules.md): codes and names, once.

Every code an alert can carry is here: the catalogue's rules (W, O, D), its escalations
(X01 institution, X02 district) and the e-learning anomalies (E, pipelines/elearning).

The dbt rule models hold each rule's logic and their thresholds sit in ``dbt_project.yml``;
this registry is the list of rules the product has and what they are called. It becomes the
``contract_alert_rules`` seed (``skillwatch prepare``), from which ``alert_rule_status``
lists every rule and the published ``alert_rules`` table names them for every role: a
district user, who sees only their own district's status rows, still reads "W08
出勤不足仍申领", not a bare code.
"""

from __future__ import annotations

from typing import NamedTuple


class Rule(NamedTuple):
    code: str
    name_zh: str
    name_en: str
    levels: str  # the catalogue's level column, as written there
    kind: str = "rule"  # rule (evaluated, in alert_rule_status) / escalation / elearning


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("W01", "未备案开班", "unfiled class", "red"),
        Rule("W02", "开班无视频", "class without video", "orange"),
        Rule("W03", "人数不符", "headcount mismatch", "red/orange"),
        Rule("W04", "重复参训", "double attendance", "red"),
        Rule("W05", "照片复用", "reused check-in photo", "red"),
        Rule("W06", "考勤规律异常", "too-regular check-ins", "orange"),
        Rule("W07", "人脸比对低分", "weak face match", "yellow/orange"),
        Rule("W08", "出勤不足仍申领", "claim without attendance", "red"),
        Rule("W09", "师资不合规", "teacher not compliant", "orange"),
        Rule("W10", "机构资质异常", "institution not licensed", "red"),
        Rule("W11", "视频设备异常", "camera fault", "yellow/orange"),
        Rule("W12", "课时不足", "hours short", "orange"),
        Rule("W13", "吸烟", "smoking", "yellow"),
        Rule("W14", "数据迟报", "late or missing delivery", "yellow"),
        Rule("W15", "重复申领", "repeated claim", "red"),
        Rule("W16", "超员", "over capacity", "orange"),
        Rule("W17", "非学员打卡", "check-in by a non-enrolled person", "orange/red"),
        Rule("O01", "刷课", "click-through online learning", "orange"),
        Rule("O02", "多端同时在线", "concurrent learning", "orange"),
        Rule("O03", "代学", "proxy learning", "red"),
        Rule("O04", "人脸核验异常", "real-name check failures", "yellow/orange"),
        Rule("D01", "维修超时", "repair overdue", "yellow/orange"),
        Rule("D02", "巡检逾期", "patrol overdue", "yellow"),
        # escalation (catalogue, above the table): thresholds in dbt_project.yml escalate_*
        Rule("X01", "机构升级", "institution escalation", "red", "escalation"),
        Rule("X02", "区升级", "district escalation", "red", "escalation"),
        # the continuing-education system's anomalies (pipelines/elearning/anomalies.py)
        Rule("E01", "刷课：完成速度超出课件允许", "completed too fast", "orange", "elearning"),
        Rule("E02", "学时异常：计入时长远超课程时长", "over-credited", "yellow", "elearning"),
        Rule("E03", "同一学员多课并行学习", "concurrent courses", "orange", "elearning"),
    )
}
