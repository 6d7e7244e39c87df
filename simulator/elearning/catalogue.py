"""The simulated e-learning catalogue: continuing-education SCORM courses and public videos."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# titles of the municipal teacher continuing-education catalogue (师资继续教育), by theme
_SCORM_TOPICS = (
    "职业教育教学法",
    "课程思政与职业素养",
    "安全生产与应急处置",
    "数字化教学资源开发",
    "职业技能等级认定政策解读",
    "实训教学组织与管理",
    "工匠精神与职业道德",
    "教学评价与考核命题",
    "信息技术与教学融合",
    "心理健康与学员沟通",
    "新职业新技能导论",
    "养老护理教学实务",
    "电工实训安全规范",
    "智能制造基础",
    "烹饪技艺教学实务",
)
_VIDEO_TOPICS = (
    "家庭急救常识",
    "防范电信诈骗",
    "求职面试技巧",
    "创业政策一点通",
    "居家用电安全",
    "老年人智能手机入门",
    "垃圾分类指南",
    "劳动合同须知",
    "职业病防护",
    "消防安全知识",
)


@dataclass(frozen=True)
class Course:
    course_id: str
    title: str
    hours: float
    kind: str  # SCORM1.2 | video
    public: bool
    scos: tuple[str, ...]  # SCORM courses: their SCO ids; videos: ()
    quiz: bool  # the last SCO ends with a test (passed/failed with a score)

    @property
    def seconds(self) -> float:
        return self.hours * 3600

    def record(self) -> dict:
        return {
            "course_id": self.course_id,
            "title": self.title,
            "hours": self.hours,
            "kind": self.kind,
            "public": self.public,
            # from the package manifest; not in the contract yet (ingest records it as an
            # unknown column): proposed as courses.sco_count
            **({"sco_count": len(self.scos)} if self.scos else {}),
        }


def catalogue(rng: np.random.Generator, n_scorm: int, n_video: int) -> list[Course]:
    courses: list[Course] = []
    for i in range(n_scorm):
        topic = _SCORM_TOPICS[i % len(_SCORM_TOPICS)]
        part = i // len(_SCORM_TOPICS)
        title = topic if part == 0 else f"{topic}（{'一二三四五'[part % 5]}）"
        hours = float(rng.choice([2, 3, 4, 4, 6, 8, 8, 12, 16]))
        n_sco = int(rng.integers(1, 5))
        courses.append(
            Course(
                course_id=f"JX{i + 1:03d}",
                title=title,
                hours=hours,
                kind="SCORM1.2",
                public=False,
                scos=tuple(f"sco{j + 1}" for j in range(n_sco)),
                quiz=bool(rng.random() < 0.5),
            )
        )
    for i in range(n_video):
        topic = _VIDEO_TOPICS[i % len(_VIDEO_TOPICS)]
        minutes = int(rng.choice([12, 15, 20, 25, 30, 45, 60]))
        courses.append(
            Course(
                course_id=f"GY{i + 1:03d}",
                title=topic if i < len(_VIDEO_TOPICS) else f"{topic}（续）",
                hours=round(minutes / 60, 4),
                kind="video",
                public=True,
                scos=(),
                quiz=False,
            )
        )
    return courses
