"""Precision and recall of each rule against the simulator's ground truth.

The truth: ``_truth/fraud.csv`` (simulator/rules.py: W01, W04, W06-W10, W12, W14-W17
on the delivered tabular data, the catalogue's default thresholds) and the camera truth
(simulator/cameras/simulate.py: ``camera_sessions.csv`` for W02/W03, ``camera_photo_reuse.csv``
for W05, ``camera_offline.csv`` + ``camera_faults.csv`` for W11). The detections: the
``alert_findings`` mart (one row per detected fact), compared at each rule's own grain
(``GRAIN``). W02/W03 are compared on the sampled sessions only: the camera simulator renders
frames for a sample of sessions, every other session has none by construction
(``camera_summary.json`` scope note). W13 has no truth (no smoking detector exists offline).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from simulator.evaluation.intervals import wilson

RULES = tuple(f"W{i:02d}" for i in range(1, 18))
GRAIN = {
    "W01": "class",
    "W02": "session (sampled sessions only)",
    "W03": "session + level (sampled sessions only)",
    "W04": "class + session + enrolment",
    "W05": "photo pair",
    "W06": "class + session (blank = the class-wide repeat form)",
    "W07": "class + session",
    "W08": "class + enrolment",
    "W09": "class + session",
    "W10": "class",
    "W11": "camera + session + fault (offline: camera)",
    "W12": "class",
    "W13": "none (no detector configured)",
    "W14": "district + late/missing + data day",
    "W15": "class + enrolment",
    "W16": "class + session (blank = enrolments over capacity)",
    "W17": "class + session",
}


@dataclass(frozen=True)
class RuleScore:
    rule_code: str
    grain: str
    truth: int
    detected: int
    matched: int
    missed: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def precision(self) -> float | None:
        return self.matched / self.detected if self.detected else None

    @property
    def recall(self) -> float | None:
        return self.matched / self.truth if self.truth else None

    @property
    def precision_ci(self) -> tuple[float, float] | None:
        """Wilson 95 % interval of the precision (over the detections)."""
        return wilson(self.matched, self.detected)

    @property
    def recall_ci(self) -> tuple[float, float] | None:
        """Wilson 95 % interval of the recall (over the planted cases)."""
        return wilson(self.matched, self.truth)

    @property
    def ok(self) -> bool:
        """The target: recall >= 0.95 at precision >= 0.9 (vacuous when nothing is due)."""
        p = 1.0 if self.precision is None else self.precision
        r = 1.0 if self.recall is None else self.recall
        return p >= 0.9 and r >= 0.95


def _s(v) -> str:
    return "" if v is None else str(v)


def _key(*parts) -> str:
    return "|".join(_s(p) for p in parts)


def truth_keys(truth_dir: Path) -> dict[str, set[str]]:
    """Truth per rule as grain keys."""
    out: dict[str, set[str]] = {r: set() for r in RULES}
    fraud = pl.read_csv(truth_dir / "fraud.csv", infer_schema=False)
    for r in fraud.iter_rows(named=True):
        code, d, c, s, e = (r[k] for k in ("rule_code", "district_code", "class_id",
                                             "session_id", "enrolment_id"))  # fmt: skip
        if code in ("W01", "W10", "W12"):
            out[code].add(_key(d, c))
        elif code in ("W04",):
            out[code].add(_key(d, c, s, e))
        elif code in ("W06", "W07", "W09", "W16", "W17"):
            out[code].add(_key(d, c, s))
        elif code in ("W08", "W15"):
            out[code].add(_key(d, c, e))
        elif code == "W14":
            m = re.search(r"data day (\d{4}-\d{2}-\d{2})", r["detail"] or "")
            if m:
                out[code].add(_key(d, "late", m.group(1)))
            m = re.search(r"no attendance delivery for (\d{4}-\d{2}-\d{2})", r["detail"] or "")
            if m:
                out[code].add(_key(d, "missing", m.group(1)))
    sessions = truth_dir / "camera_sessions.csv"
    if sessions.exists():
        cs = pl.read_csv(sessions, infer_schema=False)
        for r in cs.iter_rows(named=True):
            if r["w02"] == "True":
                out["W02"].add(_key(r["district_code"], r["session_id"]))
            if r["w03"]:
                out["W03"].add(_key(r["district_code"], r["session_id"], r["w03"]))
    reuse = truth_dir / "camera_photo_reuse.csv"
    if reuse.exists():
        for r in pl.read_csv(reuse, infer_schema=False).iter_rows(named=True):
            out["W05"].add(_key(*sorted((r["photo_a"], r["photo_b"]))))
    offline = truth_dir / "camera_offline.csv"
    if offline.exists():
        for r in pl.read_csv(offline, infer_schema=False).iter_rows(named=True):
            if r["w11"] == "True":
                out["W11"].add(_key(r["camera_id"], "", "offline"))
    faults = truth_dir / "camera_faults.csv"
    if faults.exists():
        for r in pl.read_csv(faults, infer_schema=False).iter_rows(named=True):
            if r["fault"] != "offline_over_24h":
                out["W11"].add(_key(r["camera_id"], r["session_id"], r["fault"]))
    return out


def sampled_sessions(truth_dir: Path) -> set[str] | None:
    summary = truth_dir / "camera_summary.json"
    if not summary.exists():
        return None
    return set(json.loads(summary.read_text(encoding="utf-8"))["sessions_with_frames"])


def detected_keys(findings: pl.DataFrame, sampled: set[str] | None) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {r: set() for r in RULES}
    for r in findings.iter_rows(named=True):
        code, d, c, s, e = (r[k] for k in ("rule_code", "district_code", "class_id",
                                             "session_id", "enrolment_id"))  # fmt: skip
        subject = r["subject_id"] or ""
        if code in ("W01", "W10", "W12"):
            out[code].add(_key(d, c))
        elif code == "W04":
            out[code].add(_key(d, c, s, e))
        elif code in ("W06", "W07", "W09", "W16", "W17"):
            out[code].add(_key(d, c, s))
        elif code in ("W08", "W15"):
            out[code].add(_key(d, c, e))
        elif code == "W14":
            kind = subject.split("|", 1)[0]
            out[code].add(_key(d, kind, r["event_date"]))
        elif code in ("W02", "W03"):
            if sampled is not None and s not in sampled:
                continue
            out[code].add(_key(d, s) if code == "W02" else _key(d, s, r["level"]))
        elif code == "W05":
            out[code].add(_key(*sorted(subject.split("|")[:2])))
        elif code == "W11":
            camera, what = (subject.split("|", 1) + [""])[:2]
            out[code].add(_key(camera, "", "offline") if what == "offline"
                          else _key(camera, s, what))  # fmt: skip
        elif code == "W13":
            out[code].add(_key(subject, r["event_date"]))
    return out


def read_findings(db: Path) -> pl.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        schema = "marts" if _has(con, "marts", "alert_findings") else "main"
        return con.sql(f"select * from {schema}.alert_findings").pl()


def _has(con, schema: str, table: str) -> bool:
    q = "select count(*) from information_schema.tables where table_schema = ? and table_name = ?"
    return con.execute(q, [schema, table]).fetchall()[0][0] > 0


def evaluate(findings: pl.DataFrame, truth_dir: Path) -> list[RuleScore]:
    """One score per rule W01-W17 (findings: the alert_findings mart)."""
    truth = truth_keys(Path(truth_dir))
    found = detected_keys(findings, sampled_sessions(Path(truth_dir)))
    scores = []
    for code in RULES:
        t, f = truth[code], found[code]
        scores.append(
            RuleScore(
                rule_code=code,
                grain=GRAIN[code],
                truth=len(t),
                detected=len(f),
                matched=len(t & f),
                missed=tuple(sorted(t - f)),
                extra=tuple(sorted(f - t)),
            )
        )
    return scores


def evaluate_db(db: Path, truth_dir: Path) -> list[RuleScore]:
    return evaluate(read_findings(Path(db)), Path(truth_dir))


def as_frame(scores: list[RuleScore]) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "rule_code": s.rule_code,
                "grain": s.grain,
                "truth": s.truth,
                "detected": s.detected,
                "matched": s.matched,
                "precision": s.precision,
                "precision_low": s.precision_ci[0] if s.precision_ci else None,
                "precision_high": s.precision_ci[1] if s.precision_ci else None,
                "recall": s.recall,
                "recall_low": s.recall_ci[0] if s.recall_ci else None,
                "recall_high": s.recall_ci[1] if s.recall_ci else None,
                "ok": s.ok,
            }
            for s in scores
        ]
    )
