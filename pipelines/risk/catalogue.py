"""The risk features, once: name, direction, Chinese label and how a reason is phrased.

Every feature is oriented by ``higher_is_risky`` so that the scaler can turn it into a
one-sided deviation ("how much worse than the typical class"): being unusually *good*
(perfect attendance, all faces 0.99) must never make a class look anomalous.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    name: str
    label_zh: str
    reason_zh: str  # str.format template; {v} is the raw value
    higher_is_risky: bool = True
    # leaks the supervised label (inspection outcomes): never a supervised input
    from_inspections: bool = False


_ALL = (
    Feature("burst_share", "签到时间集中度", "签到时间高度集中（单节课{v:.0%}的签到在60秒内）"),
    Feature("repeat_time_share", "签到时刻重复", "签到时刻跨课次重复到秒（{v:.0%}的签到）"),
    Feature("low_face_share", "人脸低分比例", "人脸比对低分（{v:.0%}的人脸签到低于0.6）"),
    Feature("median_face_score", "人脸比对分中位数", "人脸比对分偏低（中位数{v:.2f}）", False),
    Feature("photo_shared", "签到照片复用", "同一签到照片用于不同人或不同日（{v:.0f}次）"),
    Feature("photo_reuse_pairs", "照片比对复用", "照片比对发现复用（{v:.0f}对）"),
    Feature("headcount_ratio", "视频人数/签到人数", "视频人数明显少于签到人数（仅{v:.0%}）", False),
    Feature("coverage_share", "视频覆盖率", "课堂视频覆盖不足（覆盖{v:.0%}）", False),
    Feature("checkin_only_share", "只签到未签退", "只签到不签退比例高（{v:.0%}）"),
    Feature("low_attendance_claims", "出勤不足申领", "出勤不足80%仍申领补贴（{v:.0%}的申领）"),
    Feature("claims_before_end", "结班前申领", "结班前即申领补贴（{v:.0%}的申领）"),
    Feature("repeat_claims", "重复申领", "同一人同职业同等级12个月内重复申领（{v:.0f}人）"),
    Feature("overlap_persons", "重复参训", "学员同时段在其他班签到（{v:.0f}人）"),
    Feature("teacher_cert_issues", "师资不合规", "授课教师证书过期或工种不符（{v:.0%}的课次）"),
    Feature("teacher_overlaps", "教师同时授课", "教师同时段在两处授课（{v:.0f}节）"),
    Feature("teacher_ce_unmet", "教师继续教育", "教师继续教育学时未达标（{v:.0%}的教师）"),
    Feature("licence_lapsed_sessions", "许可证过期开课", "机构许可证过期后仍开课（{v:.0f}节）"),
    Feature("institution_suspended", "机构暂停/注销", "机构状态为暂停或注销"),
    Feature("unfiled", "未备案开班", "未备案即开班"),
    Feature("filed_late_days", "开班后备案", "开班后才备案（晚{v:.0f}天）"),
    Feature("hours_short", "课时不足", "实际课时少于计划（缺{v:.0%}）"),
    Feature("over_capacity", "超员", "报名或签到人数超出计划（超{v:.0%}）"),
    Feature("district_quarantine_rate", "所在区隔离率", "所在区报送数据隔离率高（{v:.1%}）"),
    Feature("district_late_share", "所在区迟报", "所在区数据迟报比例高（{v:.0%}的文件）"),
    Feature("alerts_red", "红色预警", "红色预警{v:.0f}条"),
    Feature("alerts_orange", "橙色预警", "橙色预警{v:.0f}条"),
    Feature("alerts_yellow", "黄色预警", "黄色预警{v:.0f}条"),
    Feature(
        "inspections_failed", "既往抽查不合格", "既往抽查不合格{v:.0f}次", from_inspections=True
    ),
)

FEATURES: dict[str, Feature] = {f.name: f for f in _ALL}

# the unsupervised score as a supervised input (its contribution is spread back over the
# features that drove it, so no reason ever reads "the model said so")
UNSUPERVISED = "unsupervised_score"


def reason_text(name: str, value: float) -> str:
    f = FEATURES[name]
    try:
        return f.reason_zh.format(v=value)
    except (ValueError, TypeError):
        return f.label_zh
