"""Every threshold of the e-learning rules, in one place.

Dagster assets take an ``ElearningRules`` through their run config (same field names), so an
operator changes a threshold without a code edit; dbt reads only what Python publishes, apart
from the public-course completion share (dbt var ``elearning_play_complete_ratio``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ElearningRules:
    # 学时 required per teacher per calendar year on this platform. The national rule for
    # professional staff (人社部令第25号, 第八条) is 90 学时 a year across all providers; the
    # bureau's platform default is 72, the rest being earned elsewhere (training visits,
    # enterprise practice). Credit is the course's 学时, earned on completion.
    required_hours_per_year: float = 72.0
    # the export's course 'hours' is clock hours of content (the e-learning system's own
    # convention: a 4-学时 SCORM package holds four hours of material)
    seconds_per_hour: int = 3600

    # E01 click-through: a course completed with learning time, and wall-clock span from first
    # launch to completion, both under this share of the course's length. The fastest honest
    # learners in the system's history read at ~55% of nominal length (skimming known
    # material); 25% leaves a wide margin.
    click_through_ratio: float = 0.25
    # E02 over-credit: SCORM session_time credited above this multiple of the course length.
    # Slow honest learners reach ~1.3x (re-reading, paused videos left running is capped by
    # the player at 30 minutes idle).
    over_credit_ratio: float = 1.5
    # E03 concurrent sessions: two sessions of one learner (different courses or SCOs)
    # overlapping by at least this many minutes. One browser tab per SCO; a minute or two of
    # overlap is a tab closed late.
    concurrent_min_overlap_minutes: float = 5.0

    # reminders: enrolled on the platform (the 'enrol' notification) and nothing launched
    # after this many days
    not_started_after_days: int = 14
    # the yearly deadline (month, day) for the required hours
    deadline_month: int = 12
    deadline_day: int = 31
    # within this many days before the deadline, a teacher under the pro-rata schedule
    # (required x share of the year elapsed) gets a 'behind schedule' reminder ...
    behind_schedule_window_days: int = 90
    # ... and within this many days, anyone under the full requirement gets 'year end'
    year_end_window_days: int = 30
    # a learner who started a course and has done nothing on it for this many days has
    # dropped off (course drop-off statistics)
    drop_off_after_days: int = 30


DEFAULT_RULES = ElearningRules()
