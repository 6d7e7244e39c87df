"""Attendance (考勤): check-ins and check-outs per session, generated per class with numpy.

At city scale this is ~1.5 M rows, so nothing here loops over rows: a class is a matrix of
enrolments x sessions, and times, methods and scores are drawn for the whole matrix.
"""

from __future__ import annotations

import numpy as np

from simulator import fraud, people
from simulator.schedule import Class, Session
from simulator.trainees import DOUBLE, GHOST, NEAR_80, Enrolment

METHODS = np.array(["人脸", "刷卡", "手工"])
HONEST_SCORE_FLOOR = 0.75


def _to_seconds(ts) -> np.ndarray:
    return np.array(ts, dtype="datetime64[s]").astype(np.int64)


def class_attendance(
    rng: np.random.Generator, cls: Class, sessions: list[Session], enrolled: list[Enrolment]
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Rows of one class, and each enrolment's attended hours (the institution's own view)."""
    n, s = len(enrolled), len(sessions)
    hours = np.array([x.hours for x in sessions])
    if n == 0 or s == 0:
        return {}, np.zeros(n)
    u = rng.random(n)
    # most come nearly always; some miss a few sessions; a few drop out (never claimed for)
    p = np.where(
        u < 0.8,
        rng.uniform(0.93, 1.0, n),
        np.where(u < 0.95, rng.uniform(0.8, 0.93, n), rng.uniform(0.3, 0.75, n)),
    )
    tags = np.array([e.tag for e in enrolled])
    p = np.where(tags == GHOST, rng.uniform(0.0, 0.55, n), p)
    p = np.where(tags == DOUBLE, 1.0, p)
    # a person claimed for twice in overlapping classes cannot sit in both: never comes to B
    partner_ghost = np.array([e.tag == GHOST and e.partner is not None for e in enrolled])
    p = np.where(partner_ghost, 0.0, p)
    present = rng.random((n, s)) < p[:, None]
    for i in np.flatnonzero(tags == NEAR_80).tolist():
        present[i] = _near_threshold(rng, hours, cls.planned_hours, 0.82, 0.87)

    ii, jj = np.nonzero(present)
    m = len(ii)
    starts = _to_seconds([x.starts_at for x in sessions])
    ends = _to_seconds([x.ends_at for x in sessions])
    off_in = np.clip(rng.normal(-480, 300, m), -1500, 600).astype(np.int64)
    off_out = np.clip(rng.normal(180, 180, m), -480, 900).astype(np.int64)
    if fraud.W06_REPEAT in cls.behaviours:
        # the same fabricated clock time for a person in every session (copy-paste sheets)
        per_person_in = np.clip(rng.normal(-420, 200, n), -1200, 300).astype(np.int64)
        per_person_out = np.clip(rng.normal(150, 100, n), -300, 600).astype(np.int64)
        off_in, off_out = per_person_in[ii], per_person_out[ii]
    if fraud.W06_BURST in cls.behaviours or fraud.NM_BURST in cls.behaviours:
        burst = fraud.W06_BURST in cls.behaviours
        for j in _pick_sessions(rng, s, 2 if burst else 1):
            rows = np.flatnonzero(jj == j)
            t0 = -int(rng.integers(120, 600))
            if burst:  # a batch upload: almost everyone within 45 seconds
                hit = rows[rng.random(len(rows)) < 0.9]
                off_in[hit] = t0 + rng.integers(0, 45, len(hit))
            else:  # a coach arriving together: a 2-3 minute queue at the terminal
                off_in[rows] = t0 + rng.integers(0, int(rng.integers(130, 180)), len(rows))
    t_in = starts[jj] + off_in
    t_out = ends[jj] + off_out

    online = cls.mode == "线上"
    method_in = METHODS[rng.choice(3, size=m, p=[0.92, 0.05, 0.03])]
    method_out = METHODS[rng.choice(3, size=m, p=[0.92, 0.05, 0.03])]
    if online or fraud.W07_LOW in cls.behaviours or fraud.NM_FACE in cls.behaviours:
        method_in[:] = "人脸"
    if online:
        method_out[:] = "人脸"
    score_in = _scores(rng, m)
    score_out = _scores(rng, m)
    if fraud.W07_LOW in cls.behaviours:
        for j in _pick_sessions(rng, s, 2):
            rows = np.flatnonzero(jj == j)
            share = rng.uniform(0.25, 0.4)
            low = rows[rng.random(len(rows)) < share]
            if len(low) == 0 and len(rows):
                low = rows[:1]
            score_in[low] = np.round(rng.uniform(0.30, 0.58, len(low)), 3)
    if fraud.NM_FACE in cls.behaviours:
        for j in _pick_sessions(rng, s, 1):
            rows = np.flatnonzero(jj == j)
            near = rows[rng.random(len(rows)) < 0.15]
            score_in[near] = np.round(rng.uniform(0.60, 0.66, len(near)) + 0.0005, 3)

    device_room = cls.camera_ids[0][3:] if cls.camera_ids else cls.institution_id[2:]
    kind = np.repeat(np.array(["签到", "签退"]), m)
    method = np.concatenate([method_in, method_out])
    face = method == "人脸"
    score = np.where(face, np.concatenate([score_in, score_out]), np.nan)
    photo = np.where(face, people.hex_ids(rng, 2 * m, "P"), "")
    device = np.select(
        [face & online, face, method == "刷卡"],
        ["APP", f"FD{device_room}", f"KJ{device_room}"],
        "",
    )
    eids = np.array([e.enrolment_id for e in enrolled])
    pids = np.array([e.id_number for e in enrolled])
    sids = np.array([x.session_id for x in sessions])
    rows = {
        "class_id": np.full(2 * m, cls.class_id),
        "session_id": np.concatenate([sids[jj], sids[jj]]),
        "id_number": np.concatenate([pids[ii], pids[ii]]),
        "enrolment_id": np.concatenate([eids[ii], eids[ii]]),
        "kind": kind,
        "checked_at": np.concatenate([t_in, t_out])
        .astype("datetime64[s]")
        .astype("datetime64[us]"),
        "method": method,
        "face_score": score,
        "photo_id": photo,
        "device_id": device,
        "district_code": np.full(2 * m, cls.district_code),
    }
    attended = (present * hours[None, :]).sum(axis=1)
    return rows, attended


def _scores(rng: np.random.Generator, m: int) -> np.ndarray:
    # honest matches: 0.75-0.99, most above 0.85 (never near the 0.6 threshold of W07)
    return np.round(HONEST_SCORE_FLOOR + 0.24 * rng.beta(5, 2, m), 3)


def _pick_sessions(rng: np.random.Generator, s: int, k: int) -> list[int]:
    return sorted(rng.choice(s, size=min(k, s), replace=False).tolist())


def _near_threshold(rng, hours: np.ndarray, planned: float, lo: float, hi: float) -> np.ndarray:
    """Attendance that lands between lo and hi of planned hours (a near miss for W08)."""
    goal = rng.uniform(lo, hi) * planned
    keep = np.ones(len(hours), bool)
    for j in rng.permutation(len(hours)).tolist():
        if (hours[keep].sum() - hours[j]) >= goal:
            keep[j] = False
    return keep
