"""Alerts carry risk scores where one applies: a class alert its class's score, an institution
alert (rule, escalation or e-learning) its institution's; district and city alerts, and an
alert of a class not scored yet, stay null. Real Delta scores, a real DuckDB file."""

from __future__ import annotations

import datetime as dt

import duckdb
import polars as pl

from pipelines.risk import reasons as rs
from pipelines.risk import store
from pipelines.risk.published import add_risk_tables, score_frames
from pipelines.settings import get_settings

RUN = dt.datetime(2026, 11, 30, 5, 15)


def _scores(entity: str, keys: list[str], scores: list[float], scored_at=RUN) -> pl.DataFrame:
    why = [[{"feature": "hours_short", "label_zh": "课时不足", "value": 0.3,
             "contribution": 2.0, "text_zh": "实际课时少于计划（缺30%）"}]] * len(keys)  # fmt: skip
    return pl.DataFrame(
        {
            "entity_key": keys,
            "district_code": [k.split(":")[0] for k in keys],
            "score": scores,
            "unsupervised_score": scores,
            "anomaly": [0.5] * len(keys),
            "failure_probability": [None] * len(keys),
        },
        schema_overrides={"failure_probability": pl.Float64},
    ).with_columns(
        *rs.as_columns(why),
        pl.lit("isolation_forest").alias("model_kind"),
        pl.lit(f"{entity}-isolation_forest-{scored_at:%H%M}").alias("model_version"),
        pl.lit(entity).alias("entity"),
        pl.lit(True).alias("published"),
        pl.lit(scored_at).alias("scored_at"),
    )


def _alerts(con) -> None:
    con.execute(
        "create table dim_class as select * from (values "
        "('310101:BJ1', '310101:JG1'), ('310101:BJ2', '310101:JG1')) t(class_key, institution_key)"
    )
    con.execute(
        "create table alerts as select * from (values "
        "('a1', 'class', '310101', 'JG1', 'BJ1'), "
        "('a2', 'class', '310101', 'JG1', 'BJ9'), "  # a class filed after the scoring
        "('a3', 'institution', '310101', 'JG1', null), "
        "('a4', 'institution', '310104', 'JG1', null), "  # same id, another district
        "('a5', 'district', '310101', null, null), "
        "('a6', 'city', '310000', null, null)) "
        "t(alert_id, scope, district_code, institution_id, class_id)"
    )
    con.execute("alter table alerts add column risk_score double")


def test_alerts_get_the_score_of_their_class_or_institution(tmp_path):
    settings = get_settings(tmp_path / "warehouse", tmp_path / "landing")
    old = _scores("class", ["310101:BJ1", "310101:BJ2"], [10.0, 20.0], RUN - dt.timedelta(1))
    store.write_scores(settings, old)
    store.write_scores(settings, _scores("class", ["310101:BJ1", "310101:BJ2"], [91.5, 3.0]))
    store.write_scores(settings, _scores("institution", ["310101:JG1", "310104:JG1"], [77, 5]))
    with duckdb.connect(str(tmp_path / "p.duckdb")) as con:
        _alerts(con)
        rows = add_risk_tables(con, score_frames(settings))
        got = dict(con.execute("select alert_id, risk_score from alerts").fetchall())
        classes = con.sql("select * from risk_class_scores order by class_key").pl()
    assert rows == {"risk_class_scores": 2, "risk_institution_scores": 2}
    # the latest scoring run only, with the class's institution from dim_class
    assert classes["score"].to_list() == [91.5, 3.0]
    assert classes["institution_id"].to_list() == ["JG1", "JG1"]
    assert classes["class_id"].to_list() == ["BJ1", "BJ2"]
    assert "hours_short" in classes["reasons_json"][0] and "课时" in classes["reasons_zh"][0]
    assert got == {"a1": 91.5, "a2": None, "a3": 77.0, "a4": 5.0, "a5": None, "a6": None}


def test_no_scores_yet_gives_empty_typed_tables_and_null_scores(tmp_path):
    settings = get_settings(tmp_path / "warehouse", tmp_path / "landing")
    with duckdb.connect(str(tmp_path / "p.duckdb")) as con:
        _alerts(con)
        rows = add_risk_tables(con, score_frames(settings))
        assert con.execute("select count(risk_score) from alerts").fetchall() == [(0,)]
        types = dict(
            con.execute(
                "select column_name, column_type from (describe risk_institution_scores)"
            ).fetchall()
        )
    assert rows == {"risk_class_scores": 0, "risk_institution_scores": 0}
    assert types["score"] == "DOUBLE" and types["scored_at"] == "TIMESTAMP"
    assert types["institution_id"] == "VARCHAR"
