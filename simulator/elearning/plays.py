"""Simulated playbacks of the public-interest video courses (公益类视频课程)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from simulator.elearning.catalogue import Course

# people watch at lunch and in the evening
_HOUR_W = np.array(
    [1, 1, 1, 1, 1, 1, 2, 4, 5, 5, 5, 6, 9, 8, 5, 5, 5, 6, 7, 9, 11, 11, 8, 4], dtype=float
)
COMPLETE_SHARE = 0.9  # a play is complete when at least this share was watched


def plays(
    rng: np.random.Generator,
    courses: list[Course],
    start: dt.date,
    days: int,
    per_day: int,
    teachers: list[str],
) -> list[dict]:
    """Play records over the window; viewers are anonymous ids, some of them teachers."""
    videos = [c for c in courses if c.public]
    if not videos:
        return []
    popularity = 1.0 / np.arange(1, len(videos) + 1) ** 1.1
    popularity = rng.permutation(popularity)
    popularity /= popularity.sum()
    n_anon = max(per_day * 4, 20)
    anon = [f"GZ{int(v):010d}" for v in rng.choice(10**10, size=n_anon, replace=False)]
    # a few faithful viewers come back often
    viewer_w = rng.pareto(1.5, size=n_anon) + 1
    viewer_w /= viewer_w.sum()
    out: list[dict] = []
    seq = 0
    for i in range(days):
        day = start + dt.timedelta(days=i)
        n = int(rng.poisson(per_day * (1.3 if day.weekday() >= 5 else 1.0)))
        for _ in range(n):
            seq += 1
            course = videos[int(rng.choice(len(videos), p=popularity))]
            if teachers and rng.random() < 0.15:
                viewer = teachers[int(rng.integers(0, len(teachers)))]
            else:
                viewer = anon[int(rng.choice(n_anon, p=viewer_w))]
            hour = int(rng.choice(24, p=_HOUR_W / _HOUR_W.sum()))
            at = dt.datetime.combine(
                day, dt.time(hour, int(rng.integers(0, 60)), int(rng.integers(0, 60)))
            )
            duration = round(course.seconds)
            if rng.random() < 0.3:
                watched = duration if rng.random() < 0.5 else int(duration * rng.uniform(0.9, 1.0))
            else:
                watched = int(duration * rng.beta(1.2, 3.5))
            out.append(
                {
                    "play_id": f"PL{seq:09d}",
                    "course_id": course.course_id,
                    "viewer_id": viewer,
                    "started_at": at.isoformat(timespec="seconds") + "+08:00",
                    "watched_seconds": watched,
                    "duration_seconds": duration,
                    "device": "mobile" if rng.random() < 0.65 else "pc",
                }
            )
    return out


def plant_malformed(rng: np.random.Generator, records: list[dict], n: int) -> list[dict]:
    """Extra plays with values the contract rejects; returns their truth rows."""
    bad = [
        ("watched_seconds", -30, "OUT_OF_RANGE"),
        ("device", "tv", "BAD_CODE"),
        ("duration_seconds", 0, "OUT_OF_RANGE"),
    ]
    truth = []
    for k, i in enumerate(
        sorted(rng.choice(len(records), size=min(n, len(records)), replace=False))
    ):
        field, value, reason = bad[k % len(bad)]
        rec = {**records[int(i)], "play_id": f"PLX{k + 1:06d}", field: value}
        records.append(rec)
        truth.append({"event_id": rec["play_id"], "reason": reason})
    return truth
