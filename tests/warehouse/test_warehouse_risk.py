"""Risk is published (issue 9, item 8): after a full run the auditor file holds the class and
institution risk scores of that run with their Chinese reasons, every class and institution
alert carries its entity's score, and nothing personal is in the risk tables. Without any
score (first run, a landing without classes) the tables are there, empty and typed, and the
run succeeds."""

from __future__ import annotations

import json
import re

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines.contract import DISTRICT_FEEDS
from pipelines.district_feeds.ingest import typed_delivery
from pipelines.district_feeds.landing import discover
from pipelines.risk import store
from pipelines.risk.published import CLASS_TABLE, INSTITUTION_TABLE, publication_step
from pipelines.settings import get_settings
from pipelines.warehouse.project import MANIFEST, build_db_path
from pipelines.warehouse.publish import publish
from pipelines.warehouse.sql_shell import open_readonly

HAN = re.compile(r"[\u4e00-\u9fff]")
TABLES = {
    CLASS_TABLE: ("class", "class_key"),
    INSTITUTION_TABLE: ("institution", "institution_key"),
}
PERSONAL_COLUMN = re.compile(r"id_number|person|name|phone|mobile|pseudo|learner|teacher")


@pytest.fixture(scope="module")
def published(built):
    assert built.result.success
    path = built.settings.duckdb_path
    assert path.exists(), "the pipeline run should have published the auditor file"
    return path


def _read(path, sql: str) -> pl.DataFrame:
    with open_readonly(path) as con:
        return con.sql(sql).pl()


def test_both_risk_tables_hold_every_class_and_institution_with_reasons(built, published):
    for table, (entity, key) in TABLES.items():
        got = _read(published, f"select * from {table}")
        dim = _read(published, f"select {key} from dim_{entity}")
        assert got.height > 0 and set(got[key]) == set(dim[key]), table
        assert got[key].is_unique().all()
        assert got["score"].null_count() == 0 and got["score"].is_between(0, 100).all()
        assert got["score"].n_unique() > 1, "a ranking, not a constant"
        assert all(HAN.search(text) for text in got["reasons_zh"]), "reasons in Chinese"
        for reasons in got["reasons_json"]:
            assert all(HAN.search(r["text_zh"]) for r in json.loads(reasons))
        # the scores of this run's scoring, as the lake recorded them
        lake = store.latest_scores(built.settings, entity)
        assert dict(zip(got[key], got["score"], strict=True)) == dict(
            zip(lake["entity_key"], lake["score"], strict=True)
        )
        assert got["scored_at"].n_unique() == 1
    classes = _read(
        published,
        "select r.institution_id, i.institution_id as dim_id from risk_class_scores r "
        "join dim_class c using (class_key) join dim_institution i using (institution_key)",
    )
    assert classes.height and (classes["institution_id"] == classes["dim_id"]).all()


def test_class_and_institution_alerts_carry_their_entity_score(published):
    joined = _read(
        published,
        """
        select a.alert_id, a.scope, a.rule_code, a.risk_score,
            coalesce(c.score, i.score) as entity_score
        from alerts a
        left join risk_class_scores c on a.scope = 'class'
            and c.district_code = a.district_code and c.class_id = a.class_id
        left join risk_institution_scores i on a.scope = 'institution'
            and i.district_code = a.district_code and i.institution_id = a.institution_id
        """,
    )
    scoped = joined.filter(pl.col("scope").is_in(["class", "institution"]))
    assert set(scoped["scope"]) == {"class", "institution"}, "the city raises both kinds"
    # every class and institution the alerts name is scored, and the alert carries the score
    assert scoped["entity_score"].null_count() == 0, scoped.filter(pl.col("entity_score").is_null())
    assert (scoped["risk_score"] == scoped["entity_score"]).all()
    others = joined.filter(~pl.col("scope").is_in(["class", "institution"]))
    assert others["risk_score"].null_count() == others.height, "no score where none applies"


def _identifying(value: str) -> bool:
    """Names (two characters and more) and numbers long enough to identify someone; a
    malformed five-digit "phone" also appears among the digits of any decimal."""
    value = value.strip()
    return len(value) >= 8 if value.isdigit() else len(value) >= 2


def _delivered_personal_values(landing) -> set[str]:
    """Every ID number, phone and name delivered in clear, read back from the landing."""
    clear: set[str] = set()
    for delivery in discover(landing):
        if delivery.problem:
            continue
        feed = DISTRICT_FEEDS[delivery.feed]
        cols = [c.name for c in feed.pii_columns if c.pii in ("id_number", "phone", "name")]
        if not cols:
            continue
        try:
            frame = typed_delivery(delivery)
        except Exception:  # an unreadable file: nothing of it is published anyway
            continue
        for column in cols:
            clear |= {v.strip() for v in frame[column].drop_nulls().to_list() if _identifying(v)}
    return clear


def test_risk_tables_hold_nothing_personal(built, published):
    clear = _delivered_personal_values(built.landing)
    assert len(clear) > 50, "the landing should deliver plenty of IDs, phones and names"
    with open_readonly(published) as con:
        for table in TABLES:
            columns = [r[0] for r in con.execute(f"describe {table}").fetchall()]
            assert not [c for c in columns if PERSONAL_COLUMN.search(c)], table
            frame = con.sql(f"select * from {table}").pl()
            values = {v for c in frame.columns if frame[c].dtype == pl.String for v in frame[c]}
            leaks = [(v, p) for v in values if v for p in clear if p in v]
            assert leaks == [], table


def _empty_build(src, dst) -> None:
    """A build DB of the same marts, all empty: what a landing without classes builds."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(dst)) as con:
        con.execute(f"attach '{src}' as src (read_only)")
        rows = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_catalog = 'src' and table_type = 'BASE TABLE'"
        ).fetchall()
        for schema, table in rows:
            con.execute(f"create schema if not exists {schema}")
            con.execute(
                f'create table {schema}."{table}" as select * from src.{schema}."{table}" '
                "where false"
            )
        con.execute("detach src")


def test_without_classes_the_run_succeeds_and_publishes_empty_typed_tables(
    built, tmp_path, monkeypatch
):
    from pipelines.resources import SkillWatchResource
    from pipelines.risk.assets import risk_scores
    from pipelines.warehouse.assets import auditor_duckdb

    monkeypatch.delenv("SKILLWATCH_DUCKDB", raising=False)
    settings = get_settings(tmp_path / "warehouse", tmp_path / "landing")
    _empty_build(build_db_path(built.settings), build_db_path(settings))
    result = dg.materialize(
        [risk_scores, auditor_duckdb],
        resources={
            "skillwatch": SkillWatchResource(
                warehouse=str(settings.warehouse), landing=str(settings.landing)
            )
        },
    )
    assert result.success
    with open_readonly(settings.duckdb_path) as con:
        for table, (_, key) in TABLES.items():
            assert con.execute(f"select count(*) from {table}").fetchone() == (0,)
            types = dict(
                con.execute(f"select column_name, column_type from (describe {table})").fetchall()
            )
            assert types[key] == "VARCHAR" and types["score"] == "DOUBLE"
            assert types["reasons_zh"] == "VARCHAR" and types["scored_at"] == "TIMESTAMP"


def test_a_publication_before_any_scoring_has_the_tables_and_null_alert_scores(built, tmp_path):
    # a lake that has never been scored (the warehouse job before the first risk run)
    never_scored = get_settings(tmp_path / "warehouse", tmp_path / "landing")
    target = tmp_path / "skillwatch.duckdb"
    done = publish(
        build_db_path(built.settings), target, MANIFEST, [publication_step(never_scored)]
    )
    assert done.tables[CLASS_TABLE] == 0 and done.tables[INSTITUTION_TABLE] == 0
    with open_readonly(target) as con:
        alerts = con.execute("select count(*), count(risk_score) from alerts").fetchone()
        comment = con.execute(
            "select comment from duckdb_tables() where table_name = ?", [CLASS_TABLE]
        ).fetchone()[0]
    assert alerts[0] > 0 and alerts[1] == 0
    assert "风险" in comment
