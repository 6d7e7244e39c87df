"""Class and institution feature frames for the risk score.

``load_inputs`` is the only I/O: it copies the columns the features need out of a warehouse
DuckDB file (the published auditor file or dbt's build DB, opened read-only through ATTACH
and closed at once, so it never holds a lock a writer waits on) and out of the camera silver
Delta tables when they exist. Everything else is pure polars over those frames, so the
features are testable without a warehouse.

Keys are the marts' ``district:id`` keys (class_key, institution_key).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from pipelines.risk.catalogue import FEATURES

# mart -> columns the features read (selected, so a city-year of punches stays ~100 MB)
_MARTS: dict[str, str] = {
    "dim_class": "class_key, district_code, class_id, institution_key, occupation_code, "
    "occupation_name, filed_on, start_date, end_date, planned_hours, capacity, site_address",
    "dim_institution": "institution_key, district_code, institution_id, institution_name, "
    "license_valid_until, institution_status",
    "dim_teacher": "teacher_key, district_code, teacher_id, occupation_code, cert_valid_until",
    "fct_sessions": "session_key, class_key, teacher_key, institution_key, occupation_code, "
    "starts_at, ends_at, session_date, declared_hours, persons_checked_in, "
    "persons_check_in_only",
    "fct_attendance": "record_key, record_id, district_code, class_key, session_key, "
    "person_pseudo, id_number_masked, punch_kind, checked_at, punch_method, face_score, "
    "photo_id",
    "fct_enrolments": "enrolment_key, class_key",
    "fct_claims": "claim_key, class_key, person_pseudo, occupation_code, training_level, "
    "claimed_on, attendance_ratio, claimed_before_class_end",
    "fct_person_overlaps": "person_pseudo, class_key_a, class_key_b",
    "fct_inspections": "inspection_key, district_code, inspection_id, target_kind, target_id, "
    "class_key, institution_key, inspected_on, inspection_result, is_failed",
    "fct_deliveries": "district_code, rows_read, rows_quarantined, late_rows",
    "fct_elearning_compliance": "learner_id, year, district_code, is_met",
}
# optional: built by another part of the project, used when present
_OPTIONAL = ("fct_elearning_compliance", "alerts")


@dataclass
class Inputs:
    frames: dict[str, pl.DataFrame]
    as_of: dt.date
    sources: dict[str, str] = field(default_factory=dict)  # frame -> where it came from

    def get(self, name: str) -> pl.DataFrame | None:
        frame = self.frames.get(name)
        return None if frame is None or frame.is_empty() else frame


def _find_table(con: duckdb.DuckDBPyConnection, name: str) -> str | None:
    rows = con.execute(
        "select table_schema from information_schema.tables where table_catalog = 'w' "
        "and table_name = ? order by case table_schema when 'marts' then 0 "
        "when 'main' then 1 else 2 end",
        [name],
    ).fetchall()
    return f'w."{rows[0][0]}"."{name}"' if rows else None


def load_inputs(db_path: Path, silver_dir: Path | None = None) -> Inputs:
    """Copy the marts (and camera silver tables) the features need into polars frames."""
    frames, sources = {}, {}
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"attach '{str(db_path).replace(chr(39), chr(39) * 2)}' as w (read_only)")
        for name, cols in {**_MARTS, "alerts": "*"}.items():
            table = _find_table(con, name)
            if table is None:
                if name not in _OPTIONAL:
                    raise RuntimeError(f"{db_path} has no table {name}: build the warehouse")
                continue
            frames[name] = con.sql(f"select {cols} from {table}").pl()
            sources[name] = table
    finally:
        con.close()
    if silver_dir is not None:
        from pipelines.lib import delta_io

        for name in ("session_coverage", "photo_reuse"):
            frame = delta_io.read(silver_dir / name)
            if not frame.is_empty():
                frames[name] = frame
                sources[name] = str(silver_dir / name)
    return Inputs(frames, _as_of(frames), sources)


def _as_of(frames: dict[str, pl.DataFrame]) -> dt.date:
    """The data's own 'today': the last session day (not the wall clock, so a re-run on an
    old warehouse scores it as it was)."""
    sessions = frames.get("fct_sessions")
    if sessions is not None and not sessions.is_empty():
        last = sessions["session_date"].max()
        if last is not None:
            return last
    return dt.date.today()


# ---- class features -------------------------------------------------------------------


def _checkins(inputs: Inputs) -> pl.DataFrame:
    att = inputs.frames["fct_attendance"]
    return att.filter(pl.col("punch_kind") == "签到", pl.col("checked_at").is_not_null())


def _attendance_regularity(checkins: pl.DataFrame) -> pl.DataFrame:
    """W06: share of a session's check-ins inside its busiest 60 s (max over sessions with
    at least 5 check-ins); share of check-ins whose clock time repeats, to the second, for
    the same person in another session of the class (copy-pasted sign-in sheets)."""
    if checkins.is_empty():
        return pl.DataFrame(schema={"class_key": pl.String})
    busiest = (
        checkins.select("class_key", "session_key", "checked_at")
        .sort("session_key", "checked_at")
        .rolling(index_column="checked_at", period="60s", group_by="session_key")
        .agg(pl.len().alias("n60"), pl.col("class_key").first())
        .group_by("class_key", "session_key")
        .agg(pl.col("n60").max())
    )
    sizes = checkins.group_by("session_key").agg(pl.len().alias("n"))
    burst = (
        busiest.join(sizes, on="session_key")
        .filter(pl.col("n") >= 5)
        .group_by("class_key")
        .agg((pl.col("n60") / pl.col("n")).max().alias("burst_share"))
    )
    repeat = (
        checkins.with_columns(pl.col("checked_at").dt.time().alias("tod"))
        .with_columns(
            pl.col("session_key").n_unique().over("class_key", "person_pseudo", "tod").alias("k")
        )
        .group_by("class_key")
        .agg((pl.col("k") > 1).mean().alias("repeat_time_share"))
    )
    return burst.join(repeat, on="class_key", how="full", coalesce=True)


def _faces(checkins: pl.DataFrame) -> pl.DataFrame:
    face = checkins.filter(pl.col("face_score").is_not_null())
    return face.group_by("class_key").agg(
        (pl.col("face_score") < 0.6).mean().alias("low_face_share"),
        pl.col("face_score").median().alias("median_face_score"),
    )


def _photos(inputs: Inputs) -> pl.DataFrame:
    """W05 from the punches: a photo id standing for two people or two days."""
    att = inputs.frames["fct_attendance"].filter(
        pl.col("photo_id").is_not_null() & (pl.col("photo_id") != "")
    )
    shared = (
        att.with_columns(pl.col("checked_at").dt.date().alias("day"))
        .with_columns(
            (
                (pl.col("person_pseudo").n_unique().over("photo_id") > 1)
                | (pl.col("day").n_unique().over("photo_id") > 1)
            ).alias("is_shared")
        )
        .group_by("class_key")
        .agg(pl.col("is_shared").sum().cast(pl.Float64).alias("photo_shared"))
    )
    reuse = inputs.get("photo_reuse")
    if reuse is None:
        return shared
    pairs = reuse.filter(pl.col("reused") & (pl.col("finding") != "same_person_same_day"))
    per_class = pl.concat(
        [
            pairs.select(
                pl.concat_str(pl.col(f"district_{s}"), pl.lit(":"), pl.col(f"class_{s}")).alias(
                    "class_key"
                )
            )
            for s in ("a", "b")
        ]
    ).filter(pl.col("class_key").is_not_null())
    counts = per_class.group_by("class_key").agg(
        pl.len().cast(pl.Float64).alias("photo_reuse_pairs")
    )
    return shared.join(counts, on="class_key", how="full", coalesce=True)


def _cameras(inputs: Inputs) -> pl.DataFrame:
    cov = inputs.get("session_coverage")
    if cov is None:
        return pl.DataFrame(schema={"class_key": pl.String})
    return (
        cov.filter(pl.col("status") != "no_camera_ids")
        .with_columns(
            pl.concat_str(pl.col("district_code"), pl.lit(":"), pl.col("class_id")).alias(
                "class_key"
            )
        )
        .group_by("class_key")
        .agg(
            pl.col("headcount_ratio").median().alias("headcount_ratio"),
            pl.col("coverage_share").mean().alias("coverage_share"),
        )
    )


def _sessions(inputs: Inputs) -> pl.DataFrame:
    """Check-in-only share, teacher certificates (W09), teachers in two places, sessions
    after the licence lapsed (W10), delivered hours, biggest session."""
    ses = inputs.frames["fct_sessions"]
    teachers = inputs.frames["dim_teacher"].select(
        "teacher_key",
        pl.col("occupation_code").alias("teacher_occupation"),
        "cert_valid_until",
    )
    inst = inputs.frames["dim_institution"].select("institution_key", "license_valid_until")
    ses = ses.join(teachers, on="teacher_key", how="left").join(
        inst, on="institution_key", how="left"
    )
    ses = ses.with_columns(
        (
            (pl.col("cert_valid_until") < pl.col("session_date"))
            | (pl.col("teacher_occupation") != pl.col("occupation_code"))
        )
        .fill_null(False)
        .alias("cert_issue"),
        (pl.col("session_date") > pl.col("license_valid_until")).fill_null(False).alias("lapsed"),
    )
    pairs = (
        ses.select("teacher_key", "session_key", "starts_at", "ends_at")
        .filter(pl.col("teacher_key").is_not_null())
        .join(
            ses.select("teacher_key", "session_key", "starts_at", "ends_at"),
            on="teacher_key",
            suffix="_o",
        )
        .filter(
            (pl.col("session_key") != pl.col("session_key_o"))
            & (pl.col("starts_at") < pl.col("ends_at_o"))
            & (pl.col("starts_at_o") < pl.col("ends_at"))
        )
        .select("session_key")
        .unique()
        .with_columns(pl.lit(True).alias("teacher_overlap"))
    )
    ses = ses.join(pairs, on="session_key", how="left")
    return ses.group_by("class_key").agg(
        (pl.col("persons_check_in_only").sum() / pl.col("persons_checked_in").sum())
        .fill_nan(None)
        .alias("checkin_only_share"),
        pl.col("cert_issue").mean().alias("teacher_cert_issues"),
        pl.col("teacher_overlap").fill_null(False).sum().cast(pl.Float64).alias("teacher_overlaps"),
        pl.col("lapsed").sum().cast(pl.Float64).alias("licence_lapsed_sessions"),
        pl.col("declared_hours").sum().alias("_hours"),
        pl.col("persons_checked_in").max().alias("_max_checked_in"),
        pl.col("session_date").min().alias("_first_session"),
        pl.col("teacher_key").unique().alias("_teachers"),
    )


def _claims(inputs: Inputs) -> pl.DataFrame:
    """W08 (claims under 80% attendance), early claims, W15 (the same person claimed for in
    the same trade and level twice within 12 months)."""
    claims = inputs.frames["fct_claims"]
    if claims.is_empty():
        return pl.DataFrame(schema={"class_key": pl.String})
    again = (
        claims.select(
            "claim_key", "person_pseudo", "occupation_code", "training_level", "claimed_on"
        )
        .join(
            claims.select(
                "claim_key", "person_pseudo", "occupation_code", "training_level", "claimed_on"
            ),
            on=["person_pseudo", "occupation_code", "training_level"],
            suffix="_o",
        )
        .filter(
            (pl.col("claim_key") != pl.col("claim_key_o"))
            & ((pl.col("claimed_on") - pl.col("claimed_on_o")).dt.total_days().abs() <= 365)
        )
        .select("claim_key")
        .unique()
        .with_columns(pl.lit(True).alias("repeat"))
    )
    return (
        claims.join(again, on="claim_key", how="left")
        .group_by("class_key")
        .agg(
            (pl.col("attendance_ratio").fill_null(0.0) < 0.8).mean().alias("low_attendance_claims"),
            pl.col("claimed_before_class_end").fill_null(False).mean().alias("claims_before_end"),
            pl.col("person_pseudo")
            .filter(pl.col("repeat").fill_null(False))
            .n_unique()
            .cast(pl.Float64)
            .alias("repeat_claims"),
        )
    )


def _overlaps(inputs: Inputs) -> pl.DataFrame:
    ov = inputs.frames["fct_person_overlaps"]
    both = pl.concat(
        [
            ov.select("person_pseudo", pl.col("class_key_a").alias("class_key")),
            ov.select("person_pseudo", pl.col("class_key_b").alias("class_key")),
        ]
    )
    return both.group_by("class_key").agg(
        pl.col("person_pseudo").n_unique().cast(pl.Float64).alias("overlap_persons")
    )


def _districts(inputs: Inputs) -> pl.DataFrame:
    dl = inputs.frames["fct_deliveries"]
    return dl.group_by("district_code").agg(
        (pl.col("rows_quarantined").sum() / pl.col("rows_read").sum())
        .fill_nan(None)
        .alias("district_quarantine_rate"),
        (pl.col("late_rows").fill_null(0) > 0).mean().alias("district_late_share"),
    )


def _alert_counts(inputs: Inputs, scope: str, key: str) -> pl.DataFrame | None:
    alerts = inputs.get("alerts")
    if alerts is None or not {"scope", "level", "district_code"} <= set(alerts.columns):
        return None
    id_col = "class_id" if scope == "class" else "institution_id"
    rows = alerts.filter(pl.col("scope") == scope, pl.col(id_col).is_not_null())
    if "status" in rows.columns:  # an analyst's "dismissed" is a false alarm, not a risk
        rows = rows.filter(pl.col("status").fill_null("new") != "dismissed")
    return (
        rows.with_columns(
            pl.concat_str(pl.col("district_code"), pl.lit(":"), pl.col(id_col)).alias(key)
        )
        .group_by(key)
        .agg(
            *[
                (pl.col("level") == lvl).sum().cast(pl.Float64).alias(f"alerts_{lvl}")
                for lvl in ("red", "orange", "yellow")
            ]
        )
    )


def _teacher_ce(inputs: Inputs, per_class: pl.DataFrame) -> pl.DataFrame | None:
    ce = inputs.get("fct_elearning_compliance")
    if ce is None:
        return None
    latest = (
        ce.filter(pl.col("district_code").is_not_null())
        .sort("year")
        .group_by("district_code", "learner_id")
        .agg(pl.col("is_met").last())
        .select(
            pl.concat_str(pl.col("district_code"), pl.lit(":"), pl.col("learner_id")).alias(
                "teacher_key"
            ),
            "is_met",
        )
    )
    return (
        per_class.select("class_key", "_teachers")
        .explode("_teachers")
        .rename({"_teachers": "teacher_key"})
        .join(latest, on="teacher_key")
        .group_by("class_key")
        .agg((~pl.col("is_met")).mean().alias("teacher_ce_unmet"))
    )


def class_features(inputs: Inputs) -> pl.DataFrame:
    """One row per class: identifiers, then every available feature (nulls = no evidence)."""
    classes = inputs.frames["dim_class"]
    inst = inputs.frames["dim_institution"]
    base = classes.select(
        "class_key", "district_code", "class_id", "institution_key", "filed_on", "start_date",
        "end_date", "planned_hours", "capacity",
    )  # fmt: skip
    checkins = _checkins(inputs)
    sessions = _sessions(inputs)
    enrolled = (
        inputs.frames["fct_enrolments"].group_by("class_key").agg(pl.len().alias("_enrolled"))
    )
    parts = [
        _attendance_regularity(checkins),
        _faces(checkins),
        _photos(inputs),
        _cameras(inputs),
        sessions,
        _claims(inputs),
        _overlaps(inputs),
        enrolled,
    ]
    ce = _teacher_ce(inputs, sessions)
    alerts = _alert_counts(inputs, "class", "class_key")
    parts += [p for p in (ce, alerts) if p is not None]
    out = base
    for part in parts:
        if "class_key" in part.columns and part.width > 1:
            out = out.join(part, on="class_key", how="left")
    failed = inputs.frames["fct_inspections"].filter(pl.col("class_key").is_not_null())
    failed = failed.group_by("class_key").agg(
        pl.col("is_failed").fill_null(False).sum().cast(pl.Float64).alias("inspections_failed")
    )
    out = out.join(failed, on="class_key", how="left").with_columns(
        pl.col("inspections_failed").fill_null(0.0)
    )
    status = inst.select(
        "institution_key",
        pl.col("institution_status")
        .is_in(["暂停", "注销"])
        .cast(pl.Float64)
        .alias("institution_suspended"),
    )
    out = out.join(status, on="institution_key", how="left").join(
        _districts(inputs), on="district_code", how="left"
    )
    ended = pl.col("end_date") < pl.lit(inputs.as_of)
    # hours are judged only for classes whose whole run is in the data: a class that began
    # before the first delivered day would look short for want of its early sessions
    whole = pl.col("_first_session") >= pl.col("start_date")
    out = out.with_columns(
        pl.col("filed_on").is_null().cast(pl.Float64).alias("unfiled"),
        (pl.col("filed_on") - pl.col("start_date"))
        .dt.total_days()
        .clip(lower_bound=0)
        .cast(pl.Float64)
        .fill_null(0.0)
        .alias("filed_late_days"),
        pl.when(ended & whole & (pl.col("planned_hours") > 0))
        .then((1 - pl.col("_hours") / pl.col("planned_hours")).clip(lower_bound=0))
        .alias("hours_short"),
        pl.max_horizontal(
            pl.col("_enrolled") / pl.col("capacity") - 1,
            pl.col("_max_checked_in") / pl.col("_enrolled") - 1,
            pl.lit(0.0),
        ).alias("over_capacity"),
    )
    # counts with no rows behind them are zero, not unknown
    zero_fill = ["photo_shared", "teacher_overlaps", "licence_lapsed_sessions", "overlap_persons"]
    zero_fill += [c for c in out.columns if c.startswith("alerts_")]
    if "photo_reuse_pairs" in out.columns:
        zero_fill.append("photo_reuse_pairs")
    out = out.with_columns(pl.col(c).fill_null(0.0) for c in zero_fill if c in out.columns)
    keep = ["class_key", "district_code", "class_id", "institution_key", "start_date", "end_date"]
    feats = [f for f in FEATURES if f in out.columns]
    return out.select(*keep, *[pl.col(f).cast(pl.Float64) for f in feats]).sort("class_key")


# ---- institution features -------------------------------------------------------------

# class features an institution takes the worst of (max); shares average over its classes
_INST_MAX = ("burst_share", "repeat_time_share", "low_face_share", "teacher_cert_issues",
             "low_attendance_claims", "hours_short", "over_capacity", "checkin_only_share",
             "claims_before_end", "teacher_ce_unmet")  # fmt: skip
_INST_MIN = ("median_face_score", "headcount_ratio", "coverage_share")
_INST_SUM = ("photo_shared", "photo_reuse_pairs", "repeat_claims", "overlap_persons",
             "teacher_overlaps", "licence_lapsed_sessions", "unfiled", "alerts_red",
             "alerts_orange", "alerts_yellow")  # fmt: skip


def institution_features(inputs: Inputs, classes: pl.DataFrame) -> pl.DataFrame:
    """One row per institution: the worst of its classes, plus its own status, alerts and
    inspections (an institution with no class yet still gets a row)."""
    cols = set(classes.columns)
    aggs = [pl.len().cast(pl.Float64).alias("_classes")]
    aggs += [pl.col(c).max() for c in _INST_MAX if c in cols]
    aggs += [pl.col(c).min() for c in _INST_MIN if c in cols]
    aggs += [pl.col(c).sum() for c in _INST_SUM if c in cols]
    aggs += [pl.col("filed_late_days").max()] if "filed_late_days" in cols else []
    per_inst = classes.group_by("institution_key").agg(aggs)
    inst = inputs.frames["dim_institution"]
    out = inst.select(
        "institution_key",
        "district_code",
        "institution_id",
        pl.col("institution_status")
        .is_in(["暂停", "注销"])
        .cast(pl.Float64)
        .alias("institution_suspended"),
    ).join(per_inst, on="institution_key", how="left")
    alerts = _alert_counts(inputs, "institution", "institution_key")
    if alerts is not None:
        # the institution's own (escalated) alerts add to those of its classes
        out = out.join(alerts, on="institution_key", how="left", suffix="_own")
        for lvl in ("red", "orange", "yellow"):
            c = f"alerts_{lvl}"
            if f"{c}_own" in out.columns:
                out = out.with_columns(
                    (pl.col(c).fill_null(0) + pl.col(f"{c}_own").fill_null(0)).alias(c)
                ).drop(f"{c}_own")
    failed = inputs.frames["fct_inspections"].filter(pl.col("institution_key").is_not_null())
    failed = failed.group_by("institution_key").agg(
        pl.col("is_failed").fill_null(False).sum().cast(pl.Float64).alias("inspections_failed")
    )
    out = out.join(failed, on="institution_key", how="left").join(
        _districts(inputs), on="district_code", how="left"
    )
    sums = [c for c in (*_INST_SUM, "inspections_failed") if c in out.columns]
    out = out.with_columns(pl.col(c).fill_null(0.0) for c in sums)
    feats = [f for f in FEATURES if f in out.columns]
    keep = ["institution_key", "district_code", "institution_id"]
    return out.select(*keep, *[pl.col(f).cast(pl.Float64) for f in feats]).sort("institution_key")
