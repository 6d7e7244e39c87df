"""The link from continuing-education learners to the teachers of the district feeds."""

from __future__ import annotations

import polars as pl

DIRECTORY_SCHEMA = {
    "learner_id": pl.String,
    "district_code": pl.String,
    "institution_id": pl.String,
}


def teacher_directory(bronze_teachers: pl.DataFrame) -> pl.DataFrame:
    """learner_id (= teacher_id), district and institution of every known teacher.

    A teacher id names its district (JS + district code + sequence), but the key of the
    teachers feed is (district, teacher_id): when two districts report one id, the latest
    delivery wins, as it does for any correction.
    """
    if bronze_teachers.is_empty():
        return pl.DataFrame(schema=DIRECTORY_SCHEMA)
    return (
        bronze_teachers.sort("src_delivered_at", "src_district_code")
        .unique("teacher_id", keep="last")
        .select(
            pl.col("teacher_id").alias("learner_id"),
            pl.col("src_district_code").alias("district_code"),
            "institution_id",
        )
        .cast(DIRECTORY_SCHEMA)
        .sort("learner_id")
    )
