"""The early-warning rules evaluated on the delivered (clean) data: the fraud truth.

Planting says what a cheater intended; these functions say what the data actually show,
with the catalogue's default thresholds. Only accepted rows count: defect rows are extra
rows that the ingest quarantines, so the clean frames are exactly the accepted data.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from pipelines.contract import RowReason
from simulator.deliveries import Delivery, late_days
from simulator.world import World

COLUMNS = ("rule_code", "district_code", "institution_id", "class_id", "session_id",
           "enrolment_id", "detail")  # fmt: skip
BURST_SECONDS, BURST_SHARE, BURST_MIN = 60, 0.8, 5
LOW_FACE, LOW_FACE_SHARE = 0.6, 0.10
ATTEND_SHARE, HOURS_SHARE = 0.8, 0.9
REPEAT_SHARE = 0.5  # share of a class's check-ins whose clock time repeats for that person


def evaluate(world: World, deliveries: list[Delivery]) -> pl.DataFrame:
    f = world.frames
    missing = pl.DataFrame(
        world.missing_attendance, schema={"district_code": pl.String, "_day": pl.Date},
        orient="row",
    )  # fmt: skip
    att = f["attendance"].join(missing, on=["district_code", "_day"], how="anti")
    classes = f["classes"]
    sessions = f["sessions"]
    checkins = att.filter(pl.col("kind") == "签到")
    strangers = stranger_punches(deliveries)
    inst_of = classes.select("class_id", "institution_id")
    parts = [
        w01(classes, sessions),
        w04(checkins, sessions, f["enrolments"]),
        w06(checkins),
        w07(checkins),
        w08(att, sessions, classes, f["subsidy_claims"]),
        w09(sessions, classes, f["teachers"]),
        w10(sessions, classes, f["institutions"]),
        w12(sessions, classes, world.window.end),
        w15(f["subsidy_claims"], classes),
        # an accepted stranger's check-in counts toward "check-ins exceed enrolments" too
        w16(
            classes,
            f["enrolments"],
            pl.concat(
                [checkins.select(strangers.columns), strangers.filter(pl.col("kind") == "签到")]
            ),
        ),
        w17(strangers),
    ]
    out = pl.concat([_norm(p, inst_of) for p in parts if p.height], how="vertical")
    out = pl.concat([out, w14(world, deliveries)], how="vertical")
    return out.unique().sort(list(COLUMNS))


def _norm(df: pl.DataFrame, inst_of: pl.DataFrame) -> pl.DataFrame:
    if "institution_id" not in df.columns:
        df = df.join(inst_of, on="class_id", how="left")
    for c in COLUMNS:
        if c not in df.columns:
            df = df.with_columns(pl.lit(None, pl.String).alias(c))
    return df.select([pl.col(c).cast(pl.String) for c in COLUMNS])


def w01(classes, sessions):
    has = sessions.select("class_id").unique()
    bad = classes.filter(pl.col("filed_on").is_null() | (pl.col("filed_on") > pl.col("start_date")))
    return bad.join(has, on="class_id").select(
        pl.lit("W01").alias("rule_code"),
        "district_code",
        "class_id",
        pl.when(pl.col("filed_on").is_null())
        .then(pl.lit("class not filed (filed_on blank) but has sessions"))
        .otherwise(pl.format("filed on {} after its start date {}", "filed_on", "start_date"))
        .alias("detail"),
    )


def w04(checkins, sessions, enrolments):
    s = sessions.select("session_id", "starts_at", "ends_at")
    c = checkins.select("id_number", "class_id", "session_id", "district_code").unique()
    c = c.join(s, on="session_id")
    multi = c.group_by("id_number").agg(pl.col("class_id").n_unique().alias("k"))
    c = c.join(multi.filter(pl.col("k") > 1), on="id_number").drop("k")
    pairs = c.join(c, on="id_number", suffix="_o").filter(
        (pl.col("class_id") != pl.col("class_id_o"))
        & (pl.col("starts_at") < pl.col("ends_at_o"))
        & (pl.col("starts_at_o") < pl.col("ends_at"))
    )
    e = enrolments.select("id_number", "class_id", "enrolment_id")
    return pairs.join(e, on=["id_number", "class_id"], how="left").select(
        pl.lit("W04").alias("rule_code"),
        "district_code",
        "class_id",
        "session_id",
        "enrolment_id",
        pl.format("same person checked in to overlapping session {} of class {}",
                  "session_id_o", "class_id_o").alias("detail"),
    )  # fmt: skip


def w06(checkins):
    t = checkins.select(
        "district_code", "class_id", "session_id",
        pl.col("checked_at").dt.epoch("s").alias("t"),
    ).sort("session_id", "t")  # fmt: skip
    t = t.with_columns(pl.int_range(pl.len()).over("session_id").alias("i"))
    # for each check-in i, the last check-in j of the session before t_i + 60 s:
    # j - i + 1 check-ins fall inside the 60 seconds starting at check-in i
    ahead = t.with_columns((pl.col("t") + BURST_SECONDS).alias("t_end")).sort("t_end")
    win = ahead.join_asof(
        t.select("session_id", pl.col("t").alias("t_j"), pl.col("i").alias("j")).sort("t_j"),
        left_on="t_end", right_on="t_j", by="session_id", strategy="backward",
        allow_exact_matches=False, check_sortedness=False,
    )  # fmt: skip
    per = win.group_by("district_code", "class_id", "session_id").agg(
        pl.len().alias("n"), (pl.col("j") - pl.col("i") + 1).max().alias("best")
    )
    burst = per.filter(
        (pl.col("n") >= BURST_MIN) & (pl.col("best").fill_null(0) >= BURST_SHARE * pl.col("n"))
    ).select(
        pl.lit("W06").alias("rule_code"), "district_code", "class_id", "session_id",
        pl.format("{} of {} check-ins within 60 seconds", "best", "n").alias("detail"),
    )  # fmt: skip
    tod = checkins.select(
        "district_code", "class_id", "session_id", "id_number",
        pl.col("checked_at").dt.time().alias("tod"),
    )  # fmt: skip
    rep = tod.with_columns((pl.len().over("class_id", "id_number", "tod") > 1).alias("rep"))
    per_class = rep.group_by("district_code", "class_id").agg(
        pl.col("rep").mean().alias("share"), pl.col("session_id").n_unique().alias("s")
    )
    repeat = per_class.filter((pl.col("share") >= REPEAT_SHARE) & (pl.col("s") >= 3)).select(
        pl.lit("W06").alias("rule_code"), "district_code", "class_id",
        pl.format("check-in times repeat to the second across sessions ({} of check-ins)",
                  pl.col("share").round(2)).alias("detail"),
    )  # fmt: skip
    return pl.concat([burst, repeat.with_columns(pl.lit(None, pl.String).alias("session_id"))
                      .select(burst.columns)])  # fmt: skip


def w07(checkins):
    face = checkins.filter(pl.col("method") == "人脸")
    per = face.group_by("district_code", "class_id", "session_id").agg(
        pl.len().alias("n"), (pl.col("face_score") < LOW_FACE).sum().alias("low")
    )
    return per.filter(pl.col("low") > 0).select(
        pl.lit("W07").alias("rule_code"), "district_code", "class_id", "session_id",
        pl.format("{} of {} face check-ins below 0.6 ({})", "low", "n",
                  pl.when(pl.col("low") > LOW_FACE_SHARE * pl.col("n")).then(pl.lit("orange"))
                  .otherwise(pl.lit("yellow"))).alias("detail"),
    )  # fmt: skip


def w08(att, sessions, classes, claims):
    ins = att.filter(pl.col("kind") == "签到").select("class_id", "session_id", "id_number")
    ins = ins.unique().join(sessions.select("session_id", "hours"), on="session_id")
    hours = ins.group_by("class_id", "id_number").agg(pl.col("hours").sum().alias("attended"))
    c = claims.join(hours, on=["class_id", "id_number"], how="left").join(
        classes.select("class_id", "planned_hours"), on="class_id"
    )
    c = c.with_columns(pl.col("attended").fill_null(0.0))
    return c.filter(pl.col("attended") < ATTEND_SHARE * pl.col("planned_hours")).select(
        pl.lit("W08").alias("rule_code"), "district_code", "class_id", "enrolment_id",
        pl.format("claim {} for {} of {} planned hours attended", "claim_id",
                  pl.col("attended").round(1), "planned_hours").alias("detail"),
    )  # fmt: skip


def w09(sessions, classes, teachers):
    t = _latest(teachers, "teacher_id").select(
        "teacher_id", "occupation_code", "cert_valid_until"
    )  # renewals only extend validity, so the latest row is the right one
    s = sessions.join(classes.select("class_id", pl.col("occupation_code").alias("occ")),
                      on="class_id").join(t, on="teacher_id")  # fmt: skip
    expired = s.filter(pl.col("cert_valid_until") < pl.col("starts_at").dt.date()).select(
        "district_code", "class_id", "session_id",
        pl.format("teacher {} certificate expired {}", "teacher_id", "cert_valid_until")
        .alias("detail"),
    )  # fmt: skip
    other = s.filter(pl.col("occupation_code") != pl.col("occ")).select(
        "district_code", "class_id", "session_id",
        pl.format("teacher {} certified for {} teaches {}", "teacher_id", "occupation_code",
                  "occ").alias("detail"),
    )  # fmt: skip
    x = sessions.select("teacher_id", "session_id", "class_id", "district_code", "starts_at",
                        "ends_at")  # fmt: skip
    both = x.join(x, on="teacher_id", suffix="_o").filter(
        (pl.col("session_id") != pl.col("session_id_o"))
        & (pl.col("starts_at") < pl.col("ends_at_o"))
        & (pl.col("starts_at_o") < pl.col("ends_at"))
    ).select(
        "district_code", "class_id", "session_id",
        pl.format("teacher {} also teaches overlapping session {}", "teacher_id",
                  "session_id_o").alias("detail"),
    )  # fmt: skip
    return pl.concat([expired, other, both]).with_columns(pl.lit("W09").alias("rule_code"))


def _latest(frame: pl.DataFrame, key: str) -> pl.DataFrame:
    return frame.sort(key, "_day").group_by(key, maintain_order=True).last()


def w10(sessions, classes, institutions):
    """Status as of each session's day (history of updates), licence as last delivered."""
    inst = institutions.select("institution_id", "license_valid_until", "status", "_day")
    s = sessions.join(classes.select("class_id", "institution_id"), on="class_id").with_columns(
        pl.col("starts_at").dt.date().alias("day")
    )
    state = s.sort("day").join_asof(
        inst.sort("_day"), left_on="day", right_on="_day", by="institution_id",
        strategy="backward", check_sortedness=False,
    )  # fmt: skip
    bad = state.filter(
        (pl.col("license_valid_until") < pl.col("day")) | pl.col("status").is_in(["暂停", "注销"])
    )
    return bad.group_by("district_code", "institution_id", "class_id").agg(
        pl.len().alias("n"), pl.col("day").min().alias("first"),
        pl.col("status").first(), pl.col("license_valid_until").first(),
    ).select(
        pl.lit("W10").alias("rule_code"), "district_code", "institution_id", "class_id",
        pl.format("{} sessions from {} while licence valid until {} / status {}", "n", "first",
                  "license_valid_until", "status").alias("detail"),
    )  # fmt: skip


def w12(sessions, classes, last_day: dt.date):
    h = sessions.group_by("class_id").agg(pl.col("hours").sum().alias("delivered"))
    c = classes.filter(pl.col("end_date") <= last_day).join(h, on="class_id")
    return c.filter(pl.col("delivered") < HOURS_SHARE * pl.col("planned_hours")).select(
        pl.lit("W12").alias("rule_code"), "district_code", "class_id",
        pl.format("{} of {} planned hours delivered", "delivered", "planned_hours")
        .alias("detail"),
    )  # fmt: skip


def w15(claims, classes):
    c = claims.join(classes.select("class_id", "occupation_code", "level"), on="class_id")
    pairs = c.join(c, on=["id_number", "occupation_code", "level"], suffix="_o").filter(
        (pl.col("claim_id") != pl.col("claim_id_o"))
        & (pl.col("claimed_on") >= pl.col("claimed_on_o"))
        & ((pl.col("claimed_on") - pl.col("claimed_on_o")).dt.total_days() <= 365)
        & (
            (pl.col("claimed_on") > pl.col("claimed_on_o"))
            | (pl.col("claim_id") > pl.col("claim_id_o"))
        )
    )
    return pairs.select(
        pl.lit("W15").alias("rule_code"), "district_code", "class_id", "enrolment_id",
        pl.format("claim {} repeats claim {} ({} level {})", "claim_id", "claim_id_o",
                  "occupation_code", "level").alias("detail"),
    )  # fmt: skip


def w16(classes, enrolments, checkins):
    n = enrolments.group_by("class_id").agg(pl.len().alias("enrolled"))
    over = classes.join(n, on="class_id").filter(pl.col("enrolled") > pl.col("capacity")).select(
        pl.lit("W16").alias("rule_code"), "district_code", "class_id",
        pl.format("{} enrolments for capacity {}", "enrolled", "capacity").alias("detail"),
    )  # fmt: skip
    k = checkins.group_by("district_code", "class_id", "session_id").agg(pl.len().alias("k"))
    more = k.join(n, on="class_id").filter(pl.col("k") > pl.col("enrolled")).select(
        pl.lit("W16").alias("rule_code"), "district_code", "class_id", "session_id",
        pl.format("{} check-ins for {} enrolments", "k", "enrolled").alias("detail"),
    )  # fmt: skip
    return pl.concat([over.with_columns(pl.lit(None, pl.String).alias("session_id"))
                      .select(more.columns), more])  # fmt: skip


def stranger_punches(deliveries: list[Delivery]) -> pl.DataFrame:
    """Punches by people not enrolled in the class. They are not in the clean frames: they
    are planted as extra rows (defects.att_not_enrolled) that ingest accepts with the warning
    NOT_ENROLLED, so they are read from those rows, in files that are readable at all."""
    rows = [
        (d.district, e.values["class_id"], e.values["session_id"], e.values["kind"])
        for d in deliveries
        if d.feed == "attendance" and d.oddity not in ("garbage", "empty", "mojibake")
        for e in d.extras
        if RowReason.NOT_ENROLLED in e.reasons and not e.text
    ]
    schema = dict.fromkeys(("district_code", "class_id", "session_id", "kind"), pl.String)
    return pl.DataFrame(rows, schema=schema, orient="row")


def w17(strangers: pl.DataFrame) -> pl.DataFrame:
    return strangers.select("district_code", "class_id", "session_id").unique().select(
        pl.lit("W17").alias("rule_code"), "district_code", "class_id", "session_id",
        pl.lit("check-in by a person not enrolled in the class").alias("detail"),
    )  # fmt: skip


def w14(world: World, deliveries: list[Delivery]) -> pl.DataFrame:
    rows = []
    for d in deliveries:
        if late_days(d) > 2 and d.oddity != "empty":
            detail = (
                f"late delivery {d.path}: data day {d.day}, "
                f"delivered {d.delivered_at:%Y-%m-%d %H:%M} ({late_days(d)} days)"
            )
            rows.append((d.district, detail))
    for district, day in world.missing_attendance:
        rows.append((district, f"no attendance delivery for {day} although sessions ran"))
    df = pl.DataFrame(rows, schema={"district_code": pl.String, "detail": pl.String},
                      orient="row")  # fmt: skip
    for c in COLUMNS:
        if c not in df.columns:
            df = df.with_columns(pl.lit("W14" if c == "rule_code" else None, pl.String).alias(c))
    return df.select(list(COLUMNS))
