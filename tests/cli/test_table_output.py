"""CLI rows fit their medium: complete rows when piped, summaries only on a terminal, no
value ever read as rich markup."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import duckdb
import pytest
from rich.console import Console

from pipelines.lib import table_output
from pipelines.warehouse import sql_shell

# an evidence text as the rules write it, with brackets rich would read as markup
EVIDENCE = "[red]迟到[/] 12 次 [bold]; 学员 [link=x]A[/link]\t第二列\n第二行"
FAILING = [f"row-{i:05d}" for i in range(5000)]


@pytest.fixture
def published(tmp_path):
    """A small published-style DuckDB file: long text, a long list, decimals, dates, NULL."""
    path = tmp_path / "skillwatch.duckdb"
    con = duckdb.connect(str(path))
    con.execute(
        "create table fct_dq_results (check_name varchar, evidence varchar, "
        "failing_rows varchar[], pass_ratio decimal(5,4), checked_on date, note varchar)"
    )
    for i in range(30):
        con.execute(
            "insert into fct_dq_results values (?, ?, ?, ?, ?, ?)",
            [f"check_{i:02d}_" + "x" * 60, EVIDENCE, FAILING, 0.9375, dt.date(2026, 9, 7), None],
        )
    con.close()
    return path


def _sql(published, capsys, *args: str) -> str:
    code = sql_shell.main_sql(["--db", str(published), "-c", "select * from fct_dq_results", *args])
    assert code == 0
    return capsys.readouterr().out


def test_piped_sql_is_tsv_with_every_row_and_every_list_item(published, capsys):
    out = _sql(published, capsys)  # pytest's captured stdout is not a terminal
    lines = out.rstrip("\n").split("\n")
    assert lines[0].split("\t") == [
        "check_name", "evidence", "failing_rows", "pass_ratio", "checked_on", "note"
    ]  # fmt: skip
    assert len(lines) == 31  # one line per row: the tab and newline in the evidence escaped
    first = lines[1].split("\t")
    assert first[0] == "check_00_" + "x" * 60
    assert first[1] == EVIDENCE.replace("\t", "\\t").replace("\n", "\\n")
    assert json.loads(first[2]) == FAILING
    assert first[3:] == ["0.9375", "2026-09-07", ""]


def test_csv_and_json_round_trip_the_values(published, capsys):
    rows = list(csv.DictReader(io.StringIO(_sql(published, capsys, "--format", "csv"))))
    assert len(rows) == 30 and rows[0]["evidence"] == EVIDENCE
    assert json.loads(rows[29]["failing_rows"]) == FAILING
    records = json.loads(_sql(published, capsys, "--format", "json"))
    assert len(records) == 30
    assert records[0]["failing_rows"] == FAILING and records[0]["pass_ratio"] == 0.9375
    assert records[0]["note"] is None and records[0]["checked_on"] == "2026-09-07"


def test_piped_output_is_not_cut_at_max_rows_unless_asked(published, capsys):
    assert len(_sql(published, capsys).splitlines()) == 31
    assert len(_sql(published, capsys, "--max-rows", "5").splitlines()) == 6


def test_table_summarises_long_lists_and_keeps_markup_literal():
    out = io.StringIO()
    console = Console(file=out, width=200, force_terminal=False, color_system=None)
    table_output.write_rows(["evidence", "failing_rows"], [[EVIDENCE, FAILING]], "table", console)
    text = out.getvalue()
    assert "[red]迟到[/]" in text and "[bold]" in text and "[link=x]A[/link]" in text
    assert "row-00000, row-00001, row-00002, … +4997 more" in text
    assert "row-04999" not in text


def test_table_sent_to_a_file_is_not_folded_to_80_columns():
    out = io.StringIO()
    console = Console(file=out, color_system=None)  # not a terminal: width 80 by default
    name, evidence = "check_" + "y" * 90, "z" * 100
    table_output.write_rows(["check_name", "evidence"], [[name, evidence]], "table", console)
    assert name in out.getvalue() and evidence in out.getvalue()


def test_format_follows_the_stream():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert table_output.resolve_format(None, Tty()) == "table"
    assert table_output.resolve_format(None, io.StringIO()) == "tsv"
    assert table_output.resolve_format("json", Tty()) == "json"
    with pytest.raises(ValueError):
        table_output.resolve_format("xml", io.StringIO())


def test_a_reader_that_stops_early_is_not_an_error(published):
    """`skillwatch sql … | head -1`: the pipe closes after one line, the console says nothing."""
    import subprocess
    import sys

    sql = "select range as n from range(200000)"
    shell = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "sql", "--db", str(published), "-c", sql],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    first = shell.stdout.readline()
    shell.stdout.close()  # what head does after its line
    err = shell.stderr.read().decode()
    assert shell.wait(timeout=60) == 0, err
    assert first == b"n\n" and "Traceback" not in err and "Broken pipe" not in err, err
