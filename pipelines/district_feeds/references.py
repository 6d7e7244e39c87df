"""Checks of a row against other feeds: referenced keys exist, sessions inside their class,
attendance by enrolled people, claims under the cap for the class's level.

A missing parent is a *pending* problem (the row waits in quarantine and is re-admitted
when the parent arrives, see ``readmit``); a check-in by someone not enrolled is a
*warning* (accepted and flagged). Severities are the contract's (``severity_of``).

References are checked within the delivering district, against what is already accepted in
bronze (feeds are ingested in the contract's order, so a run's classes are in before its
sessions are checked).
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipelines.contract import SUBSIDY_CAP_BY_LEVEL, Feed, RowReason
from pipelines.district_feeds.conform import PROBLEMS

DISTRICT = "src_district_code"

# (feed, columns) -> that feed's accepted rows in bronze
Lookup = Callable[[str, list[str]], pl.DataFrame]


def _flag(frame: pl.DataFrame, found: pl.Expr, entry: str, applies: pl.Expr) -> pl.DataFrame:
    problem = pl.when(applies & ~found).then(pl.lit([entry])).otherwise(pl.lit([], pl.List(str)))
    return frame.with_columns(pl.col(PROBLEMS).list.concat(problem))


def _exists(frame: pl.DataFrame, parent: pl.DataFrame, left: list[str], right: list[str]):
    """Boolean Series: does each row of ``frame`` find a row of ``parent``?"""
    if parent.is_empty():
        return pl.Series([False] * frame.height)
    keys = parent.select(right).unique().with_columns(pl.lit(True).alias("__found"))
    joined = frame.select(left).join(
        keys, left_on=left, right_on=right, how="left", maintain_order="left"
    )
    return joined["__found"].fill_null(False)


def check_references(feed: Feed, frame: pl.DataFrame, lookup: Lookup) -> pl.DataFrame:
    for column in feed.columns:
        if not column.ref:
            continue
        parent_feed, parent_col = column.ref
        parent = lookup(parent_feed, [DISTRICT, parent_col])
        found = _exists(frame, parent, [DISTRICT, column.name], [DISTRICT, parent_col])
        frame = _flag(
            frame,
            pl.lit(found),
            f"{RowReason.MISSING_REFERENCE}:{column.name}",
            pl.col(column.name).is_not_null(),
        )
    extra = _FEED_CHECKS.get(feed.name)
    return extra(frame, lookup) if extra else frame


def _sessions(frame: pl.DataFrame, lookup: Lookup) -> pl.DataFrame:
    classes = lookup("classes", [DISTRICT, "class_id", "start_date", "end_date"])
    if classes.is_empty():
        return frame
    joined = frame.select(DISTRICT, "class_id", "starts_at", "ends_at").join(
        classes, on=[DISTRICT, "class_id"], how="left", maintain_order="left"
    )
    inside = (joined["starts_at"].dt.date() >= joined["start_date"]) & (
        joined["ends_at"].dt.date() <= joined["end_date"]
    )
    applies = pl.lit(joined["start_date"].is_not_null() & joined["starts_at"].is_not_null())
    return _flag(
        frame,
        pl.lit(inside.fill_null(True)),
        f"{RowReason.SESSION_OUTSIDE_CLASS}:starts_at",
        applies,
    )


def _attendance(frame: pl.DataFrame, lookup: Lookup) -> pl.DataFrame:
    sessions = lookup("sessions", [DISTRICT, "session_id", "class_id"])
    if not sessions.is_empty():
        joined = frame.select(DISTRICT, "session_id", "class_id").join(
            sessions.rename({"class_id": "session_class"}),
            on=[DISTRICT, "session_id"],
            how="left",
            maintain_order="left",
        )
        same = (joined["session_class"] == joined["class_id"]).fill_null(True)
        frame = _flag(
            frame, pl.lit(same), f"{RowReason.SESSION_CLASS_MISMATCH}:class_id", pl.lit(True)
        )
    # Until a class's enrolments are delivered, its check-ins wait (pending); once they are,
    # a check-in by someone not enrolled is accepted and flagged (a warning, W17's evidence):
    # the standard's "never invisible to the rules".
    enrolments = lookup("enrolments", [DISTRICT, "class_id", "id_number_pseudo"])
    by_class = [DISTRICT, "class_id"]
    class_known = _exists(frame, enrolments, by_class, by_class)
    enrolled = _exists(
        frame,
        enrolments,
        [*by_class, "id_number_pseudo"],
        [*by_class, "id_number_pseudo"],
    )
    applies = pl.col("id_number_pseudo").is_not_null() & pl.col("class_id").is_not_null()
    frame = _flag(frame, pl.lit(class_known), f"{RowReason.ENROLMENTS_PENDING}:class_id", applies)
    return _flag(
        frame,
        pl.lit(enrolled | ~class_known),
        f"{RowReason.NOT_ENROLLED}:id_number",
        applies,
    )


def _claims(frame: pl.DataFrame, lookup: Lookup) -> pl.DataFrame:
    classes = lookup("classes", [DISTRICT, "class_id", "level"])
    if classes.is_empty():
        return frame
    caps = pl.DataFrame(
        {"level": list(SUBSIDY_CAP_BY_LEVEL), "cap": list(SUBSIDY_CAP_BY_LEVEL.values())},
        schema={"level": pl.Int64, "cap": pl.Float64},
    )
    joined = (
        frame.select(DISTRICT, "class_id", "amount")
        .join(classes, on=[DISTRICT, "class_id"], how="left", maintain_order="left")
        .join(caps, on="level", how="left", maintain_order="left")
    )
    under = (joined["amount"] <= joined["cap"]).fill_null(True)
    return _flag(frame, pl.lit(under), f"{RowReason.OVER_SUBSIDY_CAP}:amount", pl.lit(True))


_FEED_CHECKS = {"sessions": _sessions, "attendance": _attendance, "subsidy_claims": _claims}
