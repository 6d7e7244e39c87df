"""The lake on S3-compatible object storage (``SKILLWATCH_LAKE_URI=s3://…``), against a real
server on 127.0.0.1 (moto's server mode, tests/s3_server.py): the Delta I/O layer and the dbt
plugin. The whole graph on S3 (ingest, cameras, e-learning, GX, dbt, publication, each step
in its own process) is tests/test_multiprocess_executor.py.
"""

from __future__ import annotations

import duckdb
import polars as pl
import pytest
from s3_server import s3_server

from pipelines.lib import delta_io
from pipelines.settings import Settings

BUCKET = "skillwatch-lake"


@pytest.fixture(scope="module")
def server():
    with s3_server() as s3:
        yield s3


@pytest.fixture
def lake_uri(server, monkeypatch, request):
    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    bucket = f"{BUCKET}-{request.node.name[:20].lower().replace('_', '-')}"
    server.client().create_bucket(Bucket=bucket)
    uri = f"s3://{bucket}/city"
    monkeypatch.setenv("SKILLWATCH_LAKE_URI", uri)
    return bucket, uri


def test_delta_io_round_trips_on_the_object_store(lake_uri, server, tmp_path):
    bucket, uri = lake_uri
    settings = Settings(warehouse=tmp_path / "wh")
    path = settings.bronze("attendance")
    assert str(path) == f"{uri}/bronze/attendance"
    assert not delta_io.exists(path) and delta_io.read(path).is_empty()

    rows = pl.DataFrame({"k": [1, 2, 3], "v": ["a", "b", "c"], "month": ["m1", "m1", "m2"]})
    delta_io.merge(path, rows, keys=["k"], partition_by=["month"])
    assert delta_io.exists(path)
    delta_io.merge(path, pl.DataFrame({"k": [3, 4], "v": ["C", "d"], "month": ["m2", "m2"]}), ["k"])
    got = delta_io.read(path).sort("k")
    assert got["v"].to_list() == ["a", "b", "C", "d"]
    assert delta_io.scan(path).filter(pl.col("month") == "m2").collect().height == 2
    delta_io.replace(path, got.filter(pl.col("k") == 1), predicate="month = 'm1'")
    assert sorted(delta_io.read(path)["k"].to_list()) == [1, 3, 4]

    keys = server.keys(bucket, "city/bronze/attendance/")
    assert any("/_delta_log/" in k for k in keys) and any("month=m2/" in k for k in keys)

    # retention's vacuum finds the table on the store and drops the files no version needs
    from pipelines.retention import RetentionPolicy, apply

    policy = RetentionPolicy(delta_retention_days=0, image_retention_days=400)
    summary = apply(settings, policy)
    tables, removed = summary.tables_vacuumed, summary.delta_files_removed
    assert tables == 1 and removed > 0
    parquet = lambda ks: {k for k in ks if k.endswith(".parquet")}  # noqa: E731
    after = server.keys(bucket, "city/bronze/attendance/")
    assert len(parquet(keys) - parquet(after)) == removed and not parquet(after) - parquet(keys)
    assert sorted(delta_io.read(path)["k"].to_list()) == [1, 3, 4]
    assert not (tmp_path / "wh" / "lake").exists(), "nothing of the lake is written locally"


def test_dbt_sees_the_lake_on_s3_as_views_and_absent_feeds_as_empty_tables(lake_uri, tmp_path):
    """The dbt plugin lists the lake on S3, names its files in views DuckDB reads through
    s3fs, and still gives every contract table not delivered an empty typed table."""
    from pipelines.warehouse.dbt_delta import register_lake

    _, uri = lake_uri
    settings = Settings(warehouse=tmp_path / "wh")
    rows = pl.DataFrame({"k": [1, 2], "day": ["2026-09-07", "2026-09-08"]})
    delta_io.merge(settings.bronze("attendance"), rows, ["k"], partition_by=["day"])
    delta_io.append(settings.deliveries, pl.DataFrame({"file": ["a.csv"], "sha256": ["x"]}))
    with duckdb.connect(str(tmp_path / "build.duckdb")) as con:
        names = register_lake(con, settings.lake)
        assert {"attendance", "deliveries", "sessions", "quarantine"} <= set(names)
        kind = dict(
            con.execute(
                "select view_name, 'view' from duckdb_views() where schema_name = 'lake' "
                "union all select table_name, 'table' from duckdb_tables() "
                "where schema_name = 'lake'"
            ).fetchall()
        )
        assert kind["attendance"] == kind["deliveries"] == "view"
        assert kind["sessions"] == "table"  # never delivered: empty, typed
        got = con.execute("select k, day from lake.attendance order by k").fetchall()
        assert [(k, str(d)) for k, d in got] == [(1, "2026-09-07"), (2, "2026-09-08")]
        assert con.execute("select count(*) from lake.sessions").fetchone() == (0,)
    assert str(settings.lake) == uri and not (tmp_path / "wh").exists()


def test_a_run_on_a_lake_that_cannot_be_written_fails_at_once_with_one_line(
    server, monkeypatch, tmp_path, capsys
):
    """No such bucket, or an endpoint that does not answer: one line on stderr within
    seconds, before anything is ingested (deltalake alone would retry for three minutes)."""
    import time

    from pipelines.cli import main as skillwatch

    for name, value in server.environ().items():
        monkeypatch.setenv(name, value)
    (tmp_path / "landing").mkdir()
    server.client().create_bucket(Bucket="skillwatch-lake-preflight")
    for uri, endpoint, reason in (
        ("s3://no-such-bucket/city", server.endpoint, "bucket does not exist"),
        # the bucket exists on the server, but the endpoint named is one nothing listens on
        ("s3://skillwatch-lake-preflight/city", "http://127.0.0.1:9", "Could not connect"),
    ):
        monkeypatch.setenv("SKILLWATCH_LAKE_URI", uri)
        monkeypatch.setenv("AWS_ENDPOINT_URL", endpoint)
        started = time.monotonic()
        code = skillwatch(
            ["run", "--landing", str(tmp_path / "landing"), "--warehouse", str(tmp_path / "wh")]
        )
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and time.monotonic() - started < 60
        assert len(err) == 1, err
        assert err[0].startswith(f"skillwatch run: cannot write to the lake {uri}: "), err
        assert reason in err[0], err
    assert not server.keys("skillwatch-lake-preflight"), "nothing was written, not even a probe"


@pytest.mark.parametrize("uri", ["/data/lake", "file:///data/lake", "gs://bucket/lake"])
def test_a_lake_uri_that_is_not_s3_is_refused_with_what_to_do(uri):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="takes s3://bucket/prefix"):
        Settings(lake_uri=uri)
    assert str(Settings(lake_uri="s3://b/city/").lake) == "s3://b/city"
