"""The sandbox escape suite (issue 12, part 4): over 100 attempts to write, attach, read
files, change settings, reach past a district's views or exhaust the machine, each run for a
city and for a district user through the serving layer's one entry point.

Every attempt must be refused with a reason, or be harmless: the published file is byte for
byte what it was, no file appears where the attempt pointed, another reader still opens the
file, and a district user's answer holds no row of another district nor of a table it
cannot see.
"""

from __future__ import annotations

import duckdb
import pytest
from conftest import AUDIT_MARK, OTHER, OTHER_MARK, OWN, digest

from pipelines.serving import QueryRefused, QueryTimeout, Scope, scoped_query
from pipelines.serving.sandbox import MAX_SQL_CHARS

CITY = Scope.city("auditor-1")
DISTRICT = Scope("district", OWN, "district-user-1")
# the issue's escape, word for word but for the file
ISSUE_ESCAPE = (
    "USE memory; DETACH published; ATTACH '{db}' AS w3; "
    "UPDATE w3.main.alerts SET status='dismissed'"
)
# R: refused by the layer before DuckDB runs it; X: must not succeed (refused, or a DuckDB
# error such as a permission error, or interrupted); H: may succeed if harmless
ATTEMPTS = [
    # writes
    ("R", "UPDATE alerts SET status='dismissed'"),
    ("R", "DELETE FROM alerts"),
    ("R", "INSERT INTO alerts SELECT * FROM alerts"),
    ("R", "INSERT INTO published.main.alerts VALUES (1, '310115', 'x', 'open')"),
    ("R", "UPDATE memory.main.alerts SET status = 'x'"),
    ("R", "DROP TABLE alerts"),
    ("R", "CREATE TABLE x AS SELECT 1"),
    ("R", "CREATE TEMP TABLE x AS SELECT 1"),
    ("R", "CREATE OR REPLACE VIEW alerts AS SELECT 1"),
    ("R", "CREATE MACRO m() AS 1"),
    ("R", "CREATE SEQUENCE s"),
    ("R", "CREATE SCHEMA s"),
    ("R", "ALTER TABLE alerts ADD COLUMN y INT"),
    ("R", "TRUNCATE alerts"),
    ("R", "COMMENT ON TABLE alerts IS 'x'"),
    ("X", "MERGE INTO alerts USING alerts s ON true WHEN MATCHED THEN DELETE"),
    # attach, detach, use
    ("R", ISSUE_ESCAPE),
    ("R", "ATTACH '{db}' AS w3"),
    ("R", "ATTACH '{db}' AS w3 (READ_WRITE)"),
    ("R", "ATTACH ':memory:' AS m2"),
    ("R", "ATTACH '{tmp}/new.duckdb' AS n"),
    ("R", "DETACH published"),
    ("R", "DETACH DATABASE IF EXISTS published"),
    ("R", "USE memory"),
    ("R", "USE system.main"),
    # settings
    ("R", "SET enable_external_access = true"),
    ("R", "SET lock_configuration = false"),
    ("R", "RESET lock_configuration"),
    ("R", "SET memory_limit = '100GB'"),
    ("R", "SET threads = 64"),
    ("R", "SET search_path = 'published.main,memory.main'"),
    ("R", "SET GLOBAL enable_external_access = true"),
    ("R", "SET VARIABLE v = (SELECT max(institution_name) FROM published.main.alerts)"),
    ("R", "SET temp_directory = '{tmp}'"),
    ("R", "PRAGMA enable_profiling"),
    ("R", "PRAGMA database_list"),
    # copy, export, import
    ("R", "COPY alerts TO '{tmp}/out.csv'"),
    ("R", "COPY (SELECT * FROM alerts) TO '{tmp}/out.parquet' (FORMAT parquet)"),
    ("R", "COPY alerts FROM '/etc/passwd'"),
    ("R", "EXPORT DATABASE '{tmp}/export'"),
    ("R", "IMPORT DATABASE '{tmp}/export'"),
    # extensions, calls, checkpoints
    ("R", "INSTALL httpfs"),
    ("R", "FORCE INSTALL delta FROM core_nightly"),
    ("R", "LOAD httpfs"),
    ("R", "LOAD '{tmp}/evil.duckdb_extension'"),
    ("R", "CALL checkpoint()"),
    ("R", "CHECKPOINT"),
    ("R", "FORCE CHECKPOINT published"),
    ("R", "CALL pragma_version()"),
    ("H", "SELECT * FROM checkpoint()"),
    # file and network readers
    ("X", "SELECT * FROM read_csv('/etc/passwd')"),
    ("X", "SELECT * FROM read_csv_auto('/etc/passwd')"),
    ("X", "SELECT * FROM read_text('/etc/passwd')"),
    ("X", "SELECT * FROM read_blob('/etc/passwd')"),
    ("X", "SELECT * FROM read_json('/etc/passwd')"),
    ("X", "SELECT * FROM sniff_csv('/etc/passwd')"),
    ("X", "SELECT * FROM glob('/etc/*')"),
    ("X", "SELECT * FROM '/etc/passwd'"),
    ("X", "SELECT * FROM '{db}'"),
    ("X", "SELECT * FROM read_parquet('{db}')"),
    ("X", "SELECT * FROM parquet_metadata('{tmp}/x.parquet')"),
    ("X", "SELECT * FROM read_csv('http://127.0.0.1:9/x.csv')"),
    ("X", "SELECT getenv('HOME')"),
    ("H", "SELECT current_setting('home_directory')"),
    # table functions that read tables by name or run SQL
    ("H", "SELECT * FROM query_table('alerts')"),
    ("H", "SELECT * FROM query_table('published.main.audit_log')"),
    ("H", "SELECT * FROM query('SELECT * FROM published.main.alerts')"),
    ("X", "SELECT * FROM query('ATTACH ''{db}'' AS w3')"),
    ("H", "SELECT * FROM json_execute_serialized_sql(json_serialize_sql('FROM audit_log'))"),
    ("H", "SELECT * FROM duckdb_databases()"),
    ("H", "SELECT * FROM duckdb_tables()"),
    ("X", "SELECT * FROM duckdb_secrets()"),
    ("H", "SELECT * FROM pragma_database_list()"),
    # catalog and schema tricks
    ("H", "SELECT * FROM published.main.alerts"),
    ("H", "SELECT * FROM published.alerts"),
    ("H", 'SELECT * FROM "published"."main"."alerts"'),
    ("H", "sElEcT * FrOm PuBlIsHeD.mAiN.aLeRtS"),
    ("H", "FROM published.main.audit_log"),
    ("H", "SELECT * FROM memory.main.alerts"),
    ("H", "SELECT * FROM system.main.duckdb_tables"),
    ("H", "SELECT * FROM temp.main.alerts"),
    ("H", "SELECT * FROM information_schema.tables"),
    ("H", "SELECT * FROM pg_catalog.pg_tables"),
    ("H", "SELECT * FROM audit_log"),
    ("H", "SELECT * FROM main.audit_log"),
    ("H", "SELECT * FROM alerts a JOIN published.main.alerts b USING (alert_id)"),
    ("H", "SELECT (SELECT max(institution_name) FROM published.main.alerts)"),
    ("H", "WITH x AS (SELECT * FROM published.main.alerts) SELECT * FROM x"),
    ("H", "SELECT * FROM alerts UNION ALL SELECT * FROM published.main.alerts"),
    ("H", "SELECT * FROM alerts, LATERAL (SELECT * FROM published.main.alerts) x"),
    ("H", "SELECT * FROM unnest((SELECT list(institution_name) FROM published.main.alerts))"),
    ("H", "SELECT * FROM alerts WHERE district_code <> '310115' OR 1 = 1"),
    ("H", "SUMMARIZE published.main.alerts"),
    ("H", "SUMMARIZE SELECT * FROM published.main.alerts"),
    ("H", "DESCRIBE published.main.audit_log"),
    ("H", "SHOW ALL TABLES"),
    ("H", "SELECT * FROM (SUMMARIZE published.main.alerts)"),
    ("H", "EXPLAIN SELECT * FROM published.main.alerts"),
    ("H", "EXPLAIN ANALYZE SELECT * FROM published.main.alerts"),
    # several statements, comments, case
    ("R", "SELECT 1; DETACH published"),
    ("R", "SELECT 1; SELECT 2"),
    ("R", "SELECT 1;; UPDATE alerts SET status = 'x'"),
    ("R", "/* hello */ ATTACH '{db}' AS w3"),
    ("R", "-- a comment\nDETACH published"),
    ("R", "aTtAcH '{db}' aS w3"),
    ("H", "SELECT 1 /* ; DETACH published */"),
    ("H", "SELECT 1 -- ; DETACH published"),
    ("H", "SELECT 'DETACH published; UPDATE alerts SET status = ''x'''"),
    # prepared statements
    ("R", "PREPARE p AS UPDATE alerts SET status = 'x'"),
    ("R", "PREPARE p AS SELECT 1"),
    ("R", "EXECUTE p"),
    ("R", "DEALLOCATE p"),
    # DML inside a CTE or EXPLAIN ANALYZE (which runs its statement)
    ("X", "WITH x AS (UPDATE alerts SET status = 'x' RETURNING *) SELECT * FROM x"),
    ("X", "WITH x AS (DELETE FROM alerts RETURNING *) SELECT count(*) FROM x"),
    ("R", "EXPLAIN ANALYZE CREATE TABLE memory.main.x AS SELECT 1"),
    ("R", "EXPLAIN ANALYZE UPDATE alerts SET status = 'x'"),
    ("R", "EXPLAIN ANALYZE COPY alerts TO '{tmp}/e.csv'"),
    ("R", "EXPLAIN /* */ ANALYZE ATTACH '{db}' AS w3"),
    ("R", "EXPLAIN SELECT 1; DETACH published"),
    # secrets and transactions
    ("R", "CREATE SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')"),
    ("R", "CREATE PERSISTENT SECRET s (TYPE s3, KEY_ID 'x', SECRET 'y')"),
    ("R", "BEGIN TRANSACTION"),
    ("R", "ROLLBACK"),
    ("R", "VACUUM"),
    ("R", "ANALYZE"),
    ("X", "CALL dbgen(sf = 1)"),
    # very long and deeply nested statements
    ("R", "SELECT " + "1 + " * (MAX_SQL_CHARS // 4) + "1"),
    ("R", "SELECT 1 " + "UNION ALL SELECT 1 " * 1100),
    ("X", "SELECT " + "(" * 2000 + "1" + ")" * 2000),
    # blow-ups: interrupted at the time limit or stopped at the memory limit
    ("X", "SELECT count(*) FROM range(1000000000) a, range(1000000000) b"),
    ("X", "SELECT count(*) FROM alerts a, alerts b, alerts c, alerts d, alerts e, alerts f"),
    ("X", "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r) SELECT count(*) FROM r"),
    ("X", "SELECT count(DISTINCT md5(range::varchar)) FROM range(1000000000)"),
    ("X", "SELECT list(repeat('x', 1000000)) FROM range(100000)"),
]
assert len(ATTEMPTS) >= 80


@pytest.fixture
def target(tmp_path):
    """Where an attempt points files; it must stay empty."""
    folder = tmp_path / "escape"
    folder.mkdir()
    return folder


def _still_readable(published) -> None:
    rows = scoped_query(published, CITY, "select count(*) as n from alerts")
    assert rows["n"][0] == 100


@pytest.mark.parametrize("scope", [CITY, DISTRICT], ids=["city", "district"])
@pytest.mark.parametrize(
    ("expect", "sql"), ATTEMPTS, ids=[f"{i:03d}" for i in range(len(ATTEMPTS))]
)
def test_escape_is_refused_or_harmless(published, target, scope, expect, sql):
    before = digest(published)
    sql = sql.format(db=published, tmp=target)
    outcome = "ok"
    try:
        answer = scoped_query(published, scope, sql, timeout_s=0.5, memory_limit="256MB")
    except QueryRefused as exc:
        outcome, reason = "refused", str(exc)
    except (QueryTimeout, duckdb.Error) as exc:
        outcome, reason = "error", str(exc)
    if outcome != "ok":
        assert len(reason) > 10, f"a refusal says why: {reason!r}"
    if expect == "R":
        assert outcome == "refused", f"should be refused before DuckDB runs it: {sql[:200]}"
    elif expect == "X":
        assert outcome != "ok", f"should not succeed: {sql[:200]}"
    if outcome == "ok" and scope.is_district:
        cells = " ".join(str(v) for row in answer.iter_rows() for v in row)
        assert OTHER_MARK not in cells and AUDIT_MARK not in cells, sql
        if "district_code" in answer.columns:
            assert set(answer["district_code"].drop_nulls()) <= {OWN}
    assert digest(published) == before, "the published file must not change"
    assert list(target.iterdir()) == [], "nothing may be written where the attempt pointed"
    _still_readable(published)


def test_district_escapes_through_other_catalogs_are_refused(published):
    """The catalog tricks above that a city user may run are refused to a district user."""
    for sql in (
        "SELECT * FROM published.main.alerts",
        "SELECT (SELECT max(institution_name) FROM published.main.alerts)",
        "SUMMARIZE published.main.alerts",
        "SELECT * FROM query_table('published.main.audit_log')",
        "SHOW ALL TABLES",
        "EXPLAIN ANALYZE SELECT * FROM published.main.alerts",
    ):
        with pytest.raises(QueryRefused):
            scoped_query(published, DISTRICT, sql)


def test_reads_still_work_for_both_scopes(published):
    """The suite could pass by refusing everything: ordinary reads must keep working."""
    city = scoped_query(published, CITY, "select district_code, count(*) n from alerts group by 1")
    assert dict(city.iter_rows()) == {OWN: 50, OTHER: 50}
    mine = scoped_query(published, DISTRICT, "select * from alerts")
    assert mine.height == 50 and set(mine["district_code"]) == {OWN}
    tables = scoped_query(published, DISTRICT, "show tables")
    assert set(tables["name"]) == {"alerts", "dim_district", "dim_occupation"}
    assert scoped_query(published, DISTRICT, "describe alerts").height == 4
    assert scoped_query(published, DISTRICT, "summarize alerts")["count"].to_list()[0] == 50
    plan = scoped_query(published, DISTRICT, "explain analyze select count(*) from alerts")
    assert plan.height == 1


def test_the_file_is_attached_read_only(published):
    flags = scoped_query(
        published, CITY, "select readonly from duckdb_databases() where database_name = 'published'"
    )
    assert flags["readonly"].to_list() == [True]
