"""Simulate the e-learning system's JSON Lines exports for a city, with planted anomalies
and their truth.

``<out>/elearning/<kind>/<kind>_<YYYYMMDD>.jsonl``: one file per kind and day, exported at
02:00 (Asia/Shanghai) the next night (the file's mtime). Truth beside the landing folder, in
``<out>_truth/elearning_*.csv``; the learners' contacts (e-mail, mobile: personal data, an
input the e-learning system hands over, never published) in
``<out>/_config/elearning_contacts.csv``.
Deterministic per seed.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.contract import DISTRICT_CODES
from pipelines.district_feeds.landing import SHANGHAI
from pipelines.elearning.config import DEFAULT_RULES
from simulator.elearning.catalogue import Course, catalogue
from simulator.elearning.learning import BEHAVIOURS, LearningSim
from simulator.elearning.plays import COMPLETE_SHARE, plant_malformed, plays
from simulator.truth import truth_dir

CONTACTS_FILE = Path("_config") / "elearning_contacts.csv"


@dataclass(frozen=True)
class ElearningScale:
    scorm_courses: int
    video_courses: int
    teachers: int  # when no teacher ids are given
    enrolments_per_year: int
    min_enrolments: int  # short windows still get enough to analyse
    plays_per_day: int
    click_through: int  # planted per kind ...
    over_credit: int
    concurrent: int
    malformed: int
    default_start: dt.date
    default_days: int


# the seed: 40+ courses, 5,000+ enrolments a year
SCALES = {
    "tiny": ElearningScale(8, 3, 40, 5200, 80, 30, 2, 2, 2, 6, dt.date(2026, 9, 1), 8),
    "small": ElearningScale(16, 6, 200, 5200, 300, 60, 4, 3, 3, 12, dt.date(2026, 9, 1), 28),
    "city": ElearningScale(44, 12, 2500, 5200, 300, 300, 20, 12, 10, 40, dt.date(2025, 11, 1), 365),
}


def simulate_elearning(
    out: Path,
    teachers: list[str] | None = None,
    start: dt.date | None = None,
    days: int | None = None,
    seed: int = 42,
    scale: str = "small",
) -> dict:
    """Write the exports, truth and contacts; returns counts of what was written."""
    s = SCALES[scale]
    start = start or s.default_start
    days = days or s.default_days
    end = start + dt.timedelta(days=days - 1)
    rng = np.random.default_rng([seed, 6])  # the issue number: independent of other streams
    learners = sorted(set(teachers)) if teachers else _synthetic_teachers(s.teachers)
    courses = catalogue(rng, s.scorm_courses, s.video_courses)
    contacts = _contacts(rng, learners)
    sim = LearningSim(rng, start, end, contacts)
    _learning(sim, rng, s, learners, [c for c in courses if not c.public], start, days)
    _deadline_notices(sim, start, end)
    sim.plant_malformed(s.malformed // 2)

    play_records = plays(rng, courses, start, days, s.plays_per_day, learners)
    play_truth = _play_truth(play_records, courses)
    bad_plays = plant_malformed(rng, play_records, max(1, s.malformed // 4))

    out = Path(out)
    export = out / "elearning"
    files = _write_courses(export, courses, start)
    files += _write_daily(export, "events", sim.events, "ts")
    files += _write_daily(export, "plays", play_records, "started_at")
    files += _write_daily(export, "notifications", sim.notifications, "sent_at")
    _write_contacts(out / CONTACTS_FILE, contacts)

    truth = truth_dir(out)
    truth.mkdir(parents=True, exist_ok=True)
    enrolments = _enrolment_truth(sim, {c.course_id: c for c in courses})
    enrolments.write_csv(truth / "elearning_enrolments.csv")
    anomalies = _anomaly_truth(sim, enrolments)
    anomalies.write_csv(truth / "elearning_anomalies.csv")
    pl.DataFrame(
        sim.malformed + bad_plays, schema={"event_id": pl.String, "reason": pl.String}
    ).write_csv(truth / "elearning_malformed.csv")
    play_truth.write_csv(truth / "elearning_plays_by_course.csv")
    pl.DataFrame([{**c.record(), "sco_count": len(c.scos)} for c in courses]).write_csv(
        truth / "elearning_courses.csv"
    )
    return {
        "learners": len(learners),
        "courses": len(courses),
        "enrolments": enrolments.height,
        "completed": int(enrolments["completed"].sum()),
        "events": len(sim.events),
        "plays": len(play_records),
        "notifications": len(sim.notifications),
        "anomalies": anomalies.height,
        "files": files,
    }


def _synthetic_teachers(n: int) -> list[str]:
    # the district simulator's id form (JS + district + sequence), spread over the districts
    return sorted(f"JS{DISTRICT_CODES[i % 16]}{i // 16 + 1:05d}" for i in range(n))


def _contacts(rng: np.random.Generator, learners: list[str]) -> dict[str, tuple]:
    out = {}
    for learner in learners:
        email = f"{learner.lower()}@mail.example.com" if rng.random() < 0.6 else None
        phone = None
        if rng.random() < 0.9:
            phone = f"1{rng.choice([3, 5, 7, 8, 9])}{int(rng.integers(0, 10**9)):09d}"
        out[learner] = (email, phone)
    return out


def _learning(sim, rng, s: ElearningScale, learners, courses: list[Course], start, days) -> None:
    n = max(s.min_enrolments, round(s.enrolments_per_year * days / 365))
    activity = rng.gamma(0.8, size=len(learners))
    activity /= activity.sum()
    popularity = rng.dirichlet(np.full(len(courses), 2.0))
    taken: set[tuple[str, str]] = set()
    plan: list[tuple] = []  # (enrolled_at, learner, course, behaviour, rule)

    def when(span: int) -> dt.datetime:
        day = start + dt.timedelta(days=int(rng.integers(0, max(span, 1))))
        return dt.datetime.combine(day, dt.time(int(rng.integers(9, 21)), int(rng.integers(0, 60))))

    # planted learners are set apart, so that their truth is not muddied by other plants
    planted = list(rng.permutation(learners)[: s.click_through + s.over_credit + s.concurrent])
    long_courses = [c for c in courses if c.hours >= 4] or courses
    for i, learner in enumerate(planted):
        rule = (
            "E01"
            if i < s.click_through
            else "E02"
            if i < s.click_through + s.over_credit
            else "E03"
        )
        # in the first half of the window, so that the behaviour is complete in the data
        at = when(days // 2)
        c = long_courses[int(rng.integers(0, len(long_courses)))]
        plan.append((at, learner, c, rule, rule))
        taken.add((learner, c.course_id))
        if rule == "E03":
            others = [o for o in courses if o.course_id != c.course_id]
            other = others[int(rng.integers(0, len(others)))]
            plan.append((at, learner, other, "E03b", ""))
            taken.add((learner, other.course_id))
    names, shares = zip(*BEHAVIOURS.items(), strict=True)
    for _ in range(n):
        for _try in range(5):
            learner = learners[int(rng.choice(len(learners), p=activity))]
            course = courses[int(rng.choice(len(courses), p=popularity))]
            if (learner, course.course_id) not in taken and learner not in planted:
                break
        else:
            continue
        taken.add((learner, course.course_id))
        plan.append((when(days), learner, course, str(rng.choice(names, p=shares)), ""))

    plan.sort(key=lambda p: (p[0], p[1], p[3] == "E03b", p[2].course_id))
    truths = {}
    for at, learner, course, behaviour, rule in plan:
        truth = sim.enrol(
            learner, course, at, "concurrent" if behaviour == "E03b" else behaviour, rule
        )
        truths[(learner, course.course_id)] = (truth, course)
        if behaviour == "finisher":
            sim.study(truth, course, pace=float(rng.uniform(0.85, 1.3)))
        elif behaviour == "fast":
            sim.study(truth, course, pace=float(rng.uniform(0.5, 0.75)))
        elif behaviour == "staller":
            sim.study(
                truth,
                course,
                pace=float(rng.uniform(0.9, 1.3)),
                stop_share=float(rng.uniform(0.1, 0.7)),
            )
        elif behaviour == "E01":
            sim.click_through(truth, course, inflate=bool(rng.random() < 0.5))
        elif behaviour == "E02":
            sim.over_credit(truth, course)
        elif behaviour == "E03b":
            first, first_course = next(
                t for (lr, _), t in truths.items() if lr == learner and t[0].planted_rule == "E03"
            )
            sim.concurrent(first, first_course, truth, course)
        if truth.completed_at is None:
            # the e-learning system's own nudge a week after enrolment
            sim.notify(at + dt.timedelta(days=7, hours=1), learner, "reminder")


def _deadline_notices(sim: LearningSim, start: dt.date, end: dt.date) -> None:
    """On 1 December the system reminds every enrolled learner of the year-end deadline."""
    learners = sorted({e.learner_id for e in sim.enrolments})
    for year in range(start.year, end.year + 1):
        day = dt.date(year, 12, 1)
        if start <= day <= end:
            for learner in learners:
                sim.notify(dt.datetime.combine(day, dt.time(10, 0)), learner, "deadline")


def _play_truth(records: list[dict], courses: list[Course]) -> pl.DataFrame:
    frame = pl.DataFrame(records)
    return (
        frame.group_by("course_id")
        .agg(
            pl.len().alias("plays"),
            pl.col("viewer_id").n_unique().alias("unique_viewers"),
            (pl.col("watched_seconds") >= COMPLETE_SHARE * pl.col("duration_seconds"))
            .sum()
            .alias("completed_plays"),
            pl.col("watched_seconds").sum().alias("total_watched_seconds"),
            pl.col("watched_seconds").median().alias("median_watched_seconds"),
        )
        .sort("course_id")
    )


def _enrolment_truth(sim: LearningSim, courses: dict[str, Course]) -> pl.DataFrame:
    rows = [
        {
            "learner_id": t.learner_id,
            "course_id": t.course_id,
            "course_hours": courses[t.course_id].hours,
            "behaviour": t.behaviour,
            "planted_rule": t.planted_rule,
            "enrolled_at": t.enrolled_at,
            "sessions": t.sessions,
            "learning_seconds": t.learning_seconds,
            "completed": t.completed_at is not None,
            "completed_at": t.completed_at,
        }
        for t in sim.enrolments
    ]
    return pl.DataFrame(rows).sort("learner_id", "course_id")


def _anomaly_truth(sim: LearningSim, enrolments: pl.DataFrame) -> pl.DataFrame:
    """The planted rule hits the data actually shows (a plant cut off by the window's end is
    not a hit)."""
    over = DEFAULT_RULES.over_credit_ratio * DEFAULT_RULES.seconds_per_hour
    e01 = enrolments.filter((pl.col("planted_rule") == "E01") & pl.col("completed"))
    e02 = enrolments.filter(
        (pl.col("planted_rule") == "E02")
        & (pl.col("learning_seconds") > over * pl.col("course_hours"))
    )
    cols = [pl.col("learner_id"), pl.col("course_id")]
    e03 = pl.DataFrame(
        sim.anomalies,
        schema=dict.fromkeys(("rule_code", "learner_id", "course_id", "day"), pl.String),
    )
    return pl.concat(
        [
            e01.select(
                pl.lit("E01").alias("rule_code"),
                *cols,
                pl.col("completed_at").dt.date().cast(pl.String).alias("day"),
            ),
            e02.select(
                pl.lit("E02").alias("rule_code"), *cols, pl.lit(None, pl.String).alias("day")
            ),
            e03,
        ]
    ).sort("rule_code", "learner_id", "day")


def _stamp(path: Path, day: dt.date, minute: int = 0) -> None:
    when = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(2, minute), tzinfo=SHANGHAI)
    os.utime(path, (when.timestamp(), when.timestamp()))


def _write_lines(path: Path, records: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    path.write_text(text, encoding="utf-8")


def _write_courses(export: Path, courses: list[Course], start: dt.date) -> int:
    path = export / "courses" / f"courses_{start:%Y%m%d}.jsonl"
    _write_lines(path, [c.record() for c in courses])
    _stamp(path, start)
    return 1


def _write_daily(export: Path, kind: str, records: list[dict], ts: str) -> int:
    by_day: dict[str, list[dict]] = defaultdict(list)
    for r in records:
        by_day[r[ts][:10]].append(r)
    for day, rows in sorted(by_day.items()):
        rows.sort(key=lambda r: (r[ts], next(iter(r.values()))))
        path = export / kind / f"{kind}_{day.replace('-', '')}.jsonl"
        _write_lines(path, rows)
        _stamp(path, dt.date.fromisoformat(day), minute=5)
    return len(by_day)


def _write_contacts(path: Path, contacts: dict[str, tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pl.DataFrame(
        [{"learner_id": k, "email": e, "phone": p} for k, (e, p) in sorted(contacts.items())],
        schema={"learner_id": pl.String, "email": pl.String, "phone": pl.String},
    ).write_csv(path)


def teachers_in_landing(landing: Path) -> list[str]:
    """Teacher ids of the district teachers deliveries already in a landing folder (any
    format, Chinese or English headers), for simulating their continuing education."""
    from pipelines.contract import DISTRICT_FEEDS
    from pipelines.contract.headers import map_headers
    from pipelines.lib.readers import UnreadableFile, read_delivery

    ids: set[str] = set()
    for path in sorted(Path(landing).glob("31*/teachers/*")):
        try:
            table = read_delivery(path, path.read_bytes())
        except UnreadableFile:
            continue
        mapping, _ = map_headers(DISTRICT_FEEDS["teachers"], table.headers)
        header = next((h for h, name in mapping.items() if name == "teacher_id"), None)
        if header:
            ids.update(v.strip() for v in table.frame[header].drop_nulls().to_list() if v.strip())
    return sorted(ids)
