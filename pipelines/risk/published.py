"""The risk scores in the auditor file: ``risk_class_scores``, ``risk_institution_scores`` and
the ``risk_score`` of every class and institution alert.

Why at publication and not in dbt: the score reads the marts (alerts among them, for its
alert-count features), so a dbt model over the scores would either need the scoring inside
the dbt build (an asset cycle: alerts -> score -> alerts) or carry the scores of the run
before. Instead the publisher, which runs after the scoring (``warehouse/auditor_duckdb``
depends on ``risk/scores``), copies the latest published scoring run from
``lake/risk/scores`` into the new file and fills ``alerts.risk_score`` there. A publication
without a fresh scoring (the warehouse job alone) carries the latest scores in the lake; with
none yet (first run, a landing without classes) both tables are published empty and typed.

Nothing personal is in these tables: a class or institution, its score, the model and the
reasons, whose texts are counts and shares (pipelines/risk/catalogue.py).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from pipelines.risk import store
from pipelines.settings import Settings

CLASS_TABLE, INSTITUTION_TABLE = "risk_class_scores", "risk_institution_scores"

# published table -> (entity in lake/risk/scores, key column, id column)
_ENTITIES = {
    CLASS_TABLE: ("class", "class_key", "class_id"),
    INSTITUTION_TABLE: ("institution", "institution_key", "institution_id"),
}

# the columns taken from lake/risk/scores, with their published types
_SCORE_COLUMNS: dict[str, pl.DataType] = {
    "score": pl.Float64,
    "reasons_zh": pl.String,
    "reasons_json": pl.String,
    "model_kind": pl.String,
    "model_version": pl.String,
    "unsupervised_score": pl.Float64,
    "failure_probability": pl.Float64,
    "scored_at": pl.Datetime("us"),
}

COMMENTS = {
    CLASS_TABLE: "班级风险评分 — 0-100 per class from the latest scoring run, with its main "
    "reasons in Chinese (where to look first; the rules say what is wrong). One row per class.",
    INSTITUTION_TABLE: "机构风险评分 — 0-100 per institution from the latest scoring run, with "
    "its main reasons in Chinese. One row per institution.",
}
COLUMN_COMMENTS = {
    "class_key": "班级键 — district_code:class_id, as in dim_class.",
    "institution_key": "机构键 — district_code:institution_id, as in dim_institution.",
    "district_code": "区划代码 — District of the class or institution.",
    "institution_id": "机构编号 — Institution (of the class).",
    "class_id": "班级编号 — Class.",
    "score": "风险分 — 0-100: a percentile of the isolation forest, or 100 x the calibrated "
    "probability of failing an inspection once the supervised model is promoted.",
    "reasons_zh": "主要原因 — Up to three reasons in words, '；'-joined "
    "(各项指标均在正常范围 when nothing stands out).",
    "reasons_json": "原因明细 — The reasons as JSON: feature, label_zh, value, contribution, "
    "text_zh.",
    "model_kind": "模型类型 — isolation_forest or calibrated_logistic.",
    "model_version": "模型版本 — Content-addressed version in lake/risk/models.",
    "unsupervised_score": "无监督分 — The isolation-forest percentile (0-100).",
    "failure_probability": "不合格概率 — Calibrated probability of failing an inspection "
    "(supervised model only).",
    "scored_at": "评分时间 — When the scoring run ran.",
}


def _schema(table: str) -> dict[str, pl.DataType]:
    _, key, id_col = _ENTITIES[table]
    ids = {"district_code": pl.String, "institution_id": pl.String}
    if table == CLASS_TABLE:
        ids["class_id"] = pl.String
    return {key: pl.String, **ids, **_SCORE_COLUMNS}


def score_frames(settings: Settings) -> dict[str, pl.DataFrame]:
    """Published table -> the latest published scoring run of its entity (empty, typed, when
    there is none). Ids come from the key (district_code:id); a class's institution is filled
    from dim_class at publication."""
    out = {}
    for table, (entity, key, id_col) in _ENTITIES.items():
        schema = _schema(table)
        latest = store.latest_scores(settings, entity)
        if latest.is_empty():
            out[table] = pl.DataFrame(schema=schema)
            continue
        frame = latest.rename({"entity_key": key}).with_columns(
            pl.col(key).str.splitn(":", 2).struct.field("field_1").alias(id_col),
            *[pl.lit(None, t).alias(c) for c, t in _SCORE_COLUMNS.items() if c not in latest],
        )
        if "institution_id" not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.String).alias("institution_id"))
        out[table] = frame.select(list(schema)).cast(schema).sort(key)
    return out


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {r[0] for r in con.execute("select table_name from duckdb_tables()").fetchall()}


def _comment(con: duckdb.DuckDBPyConnection, table: str) -> None:
    con.execute(f"comment on table {table} is '{COMMENTS[table].replace(chr(39), chr(39) * 2)}'")
    for column in _schema(table):
        text = COLUMN_COMMENTS[column].replace("'", "''")
        con.execute(f"comment on column {table}.{column} is '{text}'")


def add_risk_tables(con: duckdb.DuckDBPyConnection, frames: dict[str, pl.DataFrame]) -> dict:
    """Create both tables in the file being published and fill ``alerts.risk_score``: a
    class alert gets its class's score, an institution alert its institution's; district and
    city alerts, and alerts of an entity not scored yet, stay null. Returns table -> rows."""
    present = _tables(con)
    rows = {}
    for table, frame in frames.items():
        con.register("__risk_scores", frame.to_arrow())
        try:
            if table == CLASS_TABLE and "dim_class" in present:
                # the class's institution from the published dimension (the key has none)
                con.execute(
                    f"create table {table} as select s.* replace "
                    "(coalesce(s.institution_id, substr(c.institution_key, "
                    "strpos(c.institution_key, ':') + 1)) as institution_id) from __risk_scores s "
                    "left join dim_class c on c.class_key = s.class_key order by s.class_key"
                )
            else:
                con.execute(f"create table {table} as select * from __risk_scores")
        finally:
            con.unregister("__risk_scores")
        _comment(con, table)
        # fetchall, not fetchone: an unfinished result blocks the next register()
        rows[table] = con.execute(f"select count(*) from {table}").fetchall()[0][0]
    if "alerts" in present:
        for table, (entity, _, id_col) in _ENTITIES.items():
            con.execute(
                f"update alerts set risk_score = r.score from {table} r "
                f"where alerts.scope = '{entity}' and alerts.district_code = r.district_code "
                f"and alerts.{id_col} = r.{id_col}"
            )
    return rows


def publication_step(settings: Settings) -> Callable[[duckdb.DuckDBPyConnection], dict]:
    """The step ``pipelines.warehouse.publish.publish`` runs on the new file (``extras``)."""

    def step(con: duckdb.DuckDBPyConnection) -> dict:
        return add_risk_tables(con, score_frames(settings))

    return step
