"""Simulated teachers learning on the continuing-education platform: SCORM 1.2 sessions,
logins, notifications, and the planted anomalies with their truth.

Every session is booked in its learner's calendar (one learner, one session at a time) over
the span the SCO will report, so that only the planted concurrent learners overlap.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from pipelines.elearning.scorm import format_timespan
from simulator.elearning.catalogue import Course

# learning happens mostly in the evening on weekdays, all day at weekends
_HOURS = np.arange(8, 22)
_WEEKDAY_W = np.array([2, 2, 2, 2, 3, 3, 2, 2, 2, 3, 5, 8, 8, 6], dtype=float)
_WEEKEND_W = np.array([3, 5, 6, 5, 3, 4, 5, 5, 4, 4, 5, 6, 5, 3], dtype=float)
_LAST_END = dt.time(23, 50)  # a session ends before midnight: one export day per session

# behaviour of an ordinary enrolment, with its share
BEHAVIOURS = {"finisher": 0.62, "fast": 0.06, "staller": 0.22, "never_started": 0.10}


@dataclass
class EnrolmentTruth:
    learner_id: str
    course_id: str
    behaviour: str
    planted_rule: str
    enrolled_at: dt.datetime
    sessions: int = 0
    learning_seconds: float = 0.0
    scos_done: set = field(default_factory=set)
    completed_at: dt.datetime | None = None


class LearningSim:
    def __init__(self, rng: np.random.Generator, start: dt.date, end: dt.date, contacts: dict):
        self.rng = rng
        self.start, self.end = start, end
        self.contacts = contacts  # learner_id -> (email | None, phone | None)
        self.events: list[dict] = []
        self.notifications: list[dict] = []
        self.enrolments: list[EnrolmentTruth] = []
        self.anomalies: list[dict] = []  # truth of planted rule hits
        self.malformed: list[dict] = []  # planted rows ingest must quarantine
        self._busy: dict[str, list[tuple[dt.datetime, dt.datetime]]] = {}
        self._logged_in: set[tuple[str, dt.date]] = set()
        self._seq = {"EV": 0, "NT": 0}

    # --- identifiers and records ------------------------------------------------------
    def _id(self, prefix: str) -> str:
        self._seq[prefix] += 1
        return f"{prefix}{self._seq[prefix]:09d}"

    def _in_window(self, t: dt.datetime) -> bool:
        return self.start <= t.date() <= self.end

    def _event(self, t: dt.datetime, learner: str, event: str, course=None, sco=None, **cmi):
        if not self._in_window(t):
            return None
        rec = {
            "event_id": self._id("EV"),
            "learner_id": learner,
            "course_id": course,
            "sco_id": sco,
            "ts": t.isoformat(timespec="seconds") + "+08:00",
            "event": event,
        }
        rec.update({f"cmi.core.{k}": v for k, v in cmi.items() if v is not None})
        self.events.append(rec)
        return rec

    def notify(self, t: dt.datetime, learner: str, kind: str) -> None:
        if not self._in_window(t):
            return
        email, phone = self.contacts.get(learner, (None, None))
        channel = "email" if email and (kind != "reset_code") and self.rng.random() < 0.5 else "sms"
        failed = self.rng.random() < (0.05 if channel == "email" else 0.03)
        self.notifications.append(
            {
                "notification_id": self._id("NT"),
                "learner_id": learner,
                "channel": channel,
                "kind": kind,
                "sent_at": t.isoformat(timespec="seconds") + "+08:00",
                "status": "failed" if failed else "sent",
            }
        )

    # --- calendar -----------------------------------------------------------------------
    def _free(self, learner: str, a: dt.datetime, b: dt.datetime) -> bool:
        return all(b <= s or a >= e for s, e in self._busy.get(learner, ()))

    def _book(self, learner: str, a: dt.datetime, b: dt.datetime) -> None:
        self._busy.setdefault(learner, []).append((a, b))

    def slot(
        self, learner: str, after: dt.datetime, seconds: float, days_later: int = 0
    ) -> dt.datetime | None:
        """A free start ``days_later`` days after ``after`` or on one of the next days, not
        before ``after``, for a session of ``seconds``."""
        day = after.date() + dt.timedelta(days=days_later)
        for offset in range(14):
            d = day + dt.timedelta(days=offset)
            w = _WEEKEND_W if d.weekday() >= 5 else _WEEKDAY_W
            hour = int(self.rng.choice(_HOURS, p=w / w.sum()))
            start = dt.datetime.combine(d, dt.time(hour, int(self.rng.integers(0, 60))))
            end = start + dt.timedelta(seconds=seconds + 5)
            fits = start >= after and end.date() == d and end.time() < _LAST_END
            if fits and self._free(learner, start, end):
                self._book(learner, start, end)
                return start
        return None

    # --- one session of one SCO ---------------------------------------------------------
    def session(
        self,
        truth: EnrolmentTruth,
        course: Course,
        sco: str,
        start: dt.datetime,
        wall: float,
        reported: float,
        status: str,
        score: float | None = None,
    ) -> None:
        """Login if needed, maybe an aborted launch, launch, growing commits, LMSFinish."""
        learner, rng = truth.learner_id, self.rng
        # the export carries whole seconds and centisecond timespans: so does the truth
        wall, reported = float(round(wall)), round(reported, 2)
        if start.date() > self.end:
            return
        if (learner, start.date()) not in self._logged_in:
            self._logged_in.add((learner, start.date()))
            self.login(learner, start - dt.timedelta(minutes=float(rng.uniform(1, 5))))
        if rng.random() < 0.08:
            # the package did not load; the learner launches again a minute later
            self._event(start - dt.timedelta(seconds=70), learner, "launch", course.course_id, sco)
        self._event(start, learner, "launch", course.course_id, sco)
        n = max(1, int(wall // rng.uniform(600, 1200)))
        for i in range(1, n + 1):
            last = i == n
            self._event(
                start + dt.timedelta(seconds=wall * i / n),
                learner,
                "commit",
                course.course_id,
                sco,
                lesson_status=status if last else "incomplete",
                session_time=format_timespan(reported * i / n),
                **{"score.raw": f"{score:.0f}" if last and score is not None else None},
            )
        if rng.random() < 0.9:  # a closed browser tab sends no LMSFinish
            self._event(
                start + dt.timedelta(seconds=wall + 2), learner, "finish", course.course_id, sco
            )
        truth.sessions += 1
        truth.learning_seconds += reported
        if status in ("passed", "completed"):
            truth.scos_done.add(sco)
            if len(truth.scos_done) == len(course.scos) and truth.completed_at is None:
                truth.completed_at = start + dt.timedelta(seconds=wall)

    def login(self, learner: str, t: dt.datetime) -> None:
        r = self.rng.random()
        if r < 0.05:
            for k in range(int(self.rng.integers(1, 3))):
                self._event(t - dt.timedelta(seconds=40 * (k + 1)), learner, "login_failed")
            if r < 0.012:
                # forgot the password: reset by SMS code, then in
                self._event(t - dt.timedelta(seconds=20), learner, "password_reset")
                self.notify(t - dt.timedelta(seconds=19), learner, "reset_code")
        self._event(t, learner, "login")

    # --- behaviours ---------------------------------------------------------------------
    def enrol(self, learner: str, course: Course, at: dt.datetime, behaviour: str, rule: str = ""):
        truth = EnrolmentTruth(learner, course.course_id, behaviour, rule, at)
        self.enrolments.append(truth)
        self.notify(at, learner, "enrol")
        return truth

    def study(self, truth: EnrolmentTruth, course: Course, pace: float, stop_share: float = 1.0):
        """Work through the SCOs in order at ``pace`` x nominal length; stop after
        ``stop_share`` of the total (a staller)."""
        rng = self.rng
        per_sco = course.seconds / len(course.scos) * pace
        budget = course.seconds * pace * stop_share
        after, wait = truth.enrolled_at, int(rng.integers(0, 5))
        spent = 0.0
        for i, sco in enumerate(course.scos):
            done = 0.0
            while done < per_sco - 1:
                length = min(per_sco - done, rng.uniform(20, 100) * 60, budget - spent)
                if length < 60:
                    return
                start = self.slot(truth.learner_id, after, length, wait)
                if start is None:
                    return
                finishing = done + length >= per_sco - 1
                status, score = ("completed" if finishing else "incomplete"), None
                if finishing and course.quiz and i == len(course.scos) - 1:
                    score = float(np.clip(rng.normal(80, 12), 0, 100))
                    status = "passed" if score >= 60 else "failed"
                self.session(truth, course, sco, start, length, length, status, score)
                done += length
                spent += length
                if status == "failed":
                    done = per_sco * 0.8  # review the last part and take the test again
                after = start + dt.timedelta(seconds=length + 60)
                wait = int(rng.choice([0, 1, 1, 2, 3, 7]))

    def click_through(self, truth: EnrolmentTruth, course: Course, inflate: bool) -> None:
        """Every SCO marked complete within minutes. ``inflate``: the cheating tool also
        posts the SCO's full length as session_time (caught by wall-clock span instead)."""
        rng = self.rng
        walls = [float(round(rng.uniform(60, 150))) for _ in course.scos]
        reported = [course.seconds / len(course.scos) if inflate else w for w in walls]
        total = sum(walls) + 60 * len(walls)
        start = self.slot(truth.learner_id, truth.enrolled_at, total, int(rng.integers(0, 3)))
        if start is None:
            return
        for sco, w, r in zip(course.scos, walls, reported, strict=True):
            score = float(rng.uniform(90, 100)) if course.quiz and sco == course.scos[-1] else None
            status = "passed" if score is not None else "completed"
            self.session(truth, course, sco, start, w, r, status, score)
            start += dt.timedelta(seconds=w + 60)

    def over_credit(self, truth: EnrolmentTruth, course: Course) -> None:
        """An honest pace, but one SCO left open for hours keeps counting session_time."""
        self.study(truth, course, pace=1.0)
        last = course.scos[-1]
        extra = course.seconds * float(self.rng.uniform(0.8, 1.5))
        wall = 20 * 60.0
        start = self.slot(
            truth.learner_id, truth.completed_at or truth.enrolled_at, extra + wall, 1
        )
        if start is not None:
            # review-mode relaunch of a completed SCO: still counts time (SCORM 1.2 allows it)
            self.session(truth, course, last, start, wall, wall + extra, "completed")

    def concurrent(self, a: EnrolmentTruth, ca: Course, b: EnrolmentTruth, cb: Course) -> None:
        """Two courses run side by side in two tabs: each session of ``b`` starts minutes
        after one of ``a`` and overlaps it by far more than a late-closed tab."""
        rng = self.rng
        after = a.enrolled_at
        for sco_a, sco_b in zip(ca.scos, cb.scos, strict=False):
            la = ca.seconds / len(ca.scos)
            lb = cb.seconds / len(cb.scos)
            length = min(la, lb, 90 * 60.0)
            lag = float(rng.uniform(5, 15)) * 60
            start = self.slot(a.learner_id, after, length + lag, 1 if after == a.enrolled_at else 2)
            if start is None:
                return
            self.session(a, ca, sco_a, start, length, length, "incomplete")
            self.session(
                b, cb, sco_b, start + dt.timedelta(seconds=lag), length, length, "incomplete"
            )
            if start.date() <= self.end:
                self.anomalies.append(
                    {
                        "rule_code": "E03",
                        "learner_id": a.learner_id,
                        "course_id": cb.course_id,
                        "day": start.date().isoformat(),
                    }
                )
            after = start + dt.timedelta(seconds=length + lag)

    # --- malformed rows for the ingest's quarantine ---------------------------------------
    def plant_malformed(self, n: int) -> None:
        """Extra commits with values SCORM 1.2 does not allow, each inside a real session
        (so the truth of the clean data does not change when they are quarantined)."""
        commits = [e for e in self.events if e["event"] == "commit"]
        if not commits:
            return
        bad = [
            ("session_time", "1:30:00", "BAD_DURATION"),  # hours need 2 to 4 digits
            ("session_time", "PT1H30M", "BAD_DURATION"),  # SCORM 2004 ISO 8601, not 1.2
            ("session_time", "0000:75:00", "BAD_DURATION"),
            ("lesson_status", "complete", "BAD_CODE"),
            ("score.raw", "A", "BAD_NUMBER"),
            ("score.raw", "120", "OUT_OF_RANGE"),
        ]
        picks = self.rng.choice(len(commits), size=min(n, len(commits)), replace=False)
        for k, i in enumerate(sorted(picks)):
            field_name, value, reason = bad[k % len(bad)]
            rec = {key: v for key, v in commits[int(i)].items() if key != "cmi.core.score.raw"}
            rec["event_id"] = self._id("EV")
            # short and incomplete: were it accepted, it would change no session's outcome
            rec["cmi.core.lesson_status"] = "incomplete"
            rec["cmi.core.session_time"] = "0000:00:30.00"
            rec[f"cmi.core.{field_name}"] = value
            self.events.append(rec)
            self.malformed.append({"event_id": rec["event_id"], "reason": reason})
