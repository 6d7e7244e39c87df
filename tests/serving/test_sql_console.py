"""``skillwatch sql`` on the sandbox: the issue's escape refused, values and errors printed as
plain text, statements bounded in time and memory."""

from __future__ import annotations

import builtins

import duckdb
from conftest import digest

from pipelines.serving import Scope, scoped_query
from pipelines.warehouse.sql_shell import main_sql

ISSUE_ESCAPE = (
    "USE memory; DETACH published; ATTACH '{db}' AS w3; "
    "UPDATE w3.main.alerts SET status='dismissed'"
)


def test_the_issue_escape_is_refused_and_changes_nothing(published, capsys):
    before = digest(published)
    code = main_sql(["--db", str(published), "-c", ISSUE_ESCAPE.format(db=published)])
    err = capsys.readouterr().err
    assert code == 1
    assert "refused" in err and "SET statements are not allowed" in err
    assert digest(published) == before
    # every other reader still opens it, and no alert was dismissed
    statuses = scoped_query(published, Scope.city(), "select distinct status from alerts")
    assert statuses["status"].to_list() == ["open"]
    with duckdb.connect(str(published), read_only=True) as other:
        assert other.execute("select count(*) from alerts").fetchone()[0] == 100


def test_values_are_printed_as_written_never_as_markup(published, capsys):
    for fmt in ("table", "tsv"):
        code = main_sql(
            ["--db", str(published), "--format", fmt, "-c", "select '[/x]' as a, '[red]b' as b"]
        )
        out = capsys.readouterr().out
        assert code == 0
        assert "[/x]" in out and "[red]b" in out


def test_an_error_quoting_markup_is_printed_plainly(published, capsys):
    code = main_sql(["--db", str(published), "-c", 'select * from "[/x]"'])
    err = capsys.readouterr().err
    assert code == 1
    assert "CatalogException" in err and "[/x]" in err


def test_a_long_query_is_interrupted_at_the_time_limit(published, capsys):
    sql = "select count(*) from range(1000000000) a, range(1000000000) b"
    code = main_sql(["--db", str(published), "--timeout", "0.3", "-c", sql])
    err = capsys.readouterr().err
    assert code == 1
    assert "QueryTimeout" in err and "0.3 s" in err


def test_a_query_past_the_memory_limit_fails_and_spills_nothing(
    published, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # an in-memory DuckDB would spill to ./.tmp by default
    sql = "select count(distinct md5(range::varchar)) from range(5000000)"
    code = main_sql(["--db", str(published), "--memory-limit", "64MB", "-c", sql])
    err = capsys.readouterr().err
    assert code == 1
    assert "OutOfMemory" in err
    assert list(tmp_path.iterdir()) == []


def test_the_interactive_console_refuses_and_goes_on(published, capsys, monkeypatch):
    lines = iter(["select '[/x]' as v;", "detach published;", "select count(*)", "from alerts;"])

    def fake_input(prompt=""):
        try:
            return next(lines)
        except StopIteration:
            raise EOFError from None

    monkeypatch.setattr(builtins, "input", fake_input)
    before = digest(published)
    code = main_sql(["--db", str(published), "--format", "table"])
    out = capsys.readouterr().out
    assert code == 0
    assert "[/x]" in out
    assert "refused: DETACH statements are not allowed" in out
    assert "100" in out  # the statement after the refused one still ran
    assert digest(published) == before
