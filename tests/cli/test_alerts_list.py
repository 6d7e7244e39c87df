"""skillwatch alerts list: every rule family of the published alerts table, the analysts'
latest actions from Delta on top, complete rows when piped."""

from __future__ import annotations

import csv
import datetime as dt
import io

import duckdb
import polars as pl
import pytest

from pipelines.alerts import cli, store
from pipelines.contract.published import ALERT_SCHEMA
from pipelines.lib import delta_io
from pipelines.settings import get_settings


def _alert(alert_id, rule, level, status="new", district="310104", evidence="迟到 3 次"):
    return {
        "alert_id": alert_id, "rule_code": rule, "level": level, "scope": "class",
        "district_code": district, "institution_id": "I01", "class_id": "C01", "period": "week",
        "period_start": dt.date(2026, 9, 7), "first_seen_at": dt.datetime(2026, 9, 14, 8),
        "status": status, "evidence": evidence, "risk_score": None,
    }  # fmt: skip


@pytest.fixture
def settings(tmp_path, monkeypatch):
    monkeypatch.delenv("SKILLWATCH_DUCKDB", raising=False)
    settings = get_settings(tmp_path / "warehouse", tmp_path / "landing")
    settings.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    alerts = pl.DataFrame(
        [
            _alert("a-w03", "W03", "yellow"),
            _alert("a-w01", "W01", "red", evidence="[red]代签[/] 学员 ***1234"),
            _alert("a-e01", "E01", "orange", district="310105"),
            _alert("a-e02", "E02", "yellow", status="acknowledged"),
            _alert("a-w05", "W05", "orange", status="resolved"),
        ],
        schema=ALERT_SCHEMA,
    )
    with duckdb.connect(str(settings.duckdb_path)) as con:
        con.register("frame", alerts.to_arrow())
        con.execute("create table alerts as select * from frame")
    # an analyst acted after the publication, a system action the next build will apply
    actions = [
        ("x1", "a-w03", "acknowledged", "analyst", dt.datetime(2026, 9, 15, 9)),
        ("x2", "a-w05", "new", "system", dt.datetime(2026, 9, 15, 9)),
    ]
    delta_io.append(
        store.actions_path(settings),
        pl.DataFrame(
            [
                {
                    "action_id": a,
                    "alert_id": i,
                    "status": s,
                    "actor": "王科员",
                    "acted_at": t,
                    "note": "",
                    "source": src,
                }
                for a, i, s, src, t in actions
            ],
            schema=store.ACTIONS_SCHEMA,
        ),  # fmt: skip
    )
    return settings


def test_list_holds_every_rule_family_the_file_publishes(settings):
    frame = cli.list_alerts(settings)
    assert frame.height == 5
    assert set(frame["rule_code"]) == {"W01", "W03", "W05", "E01", "E02"}
    assert frame["level"].to_list()[:1] == ["red"]  # red first, then orange, yellow


def test_an_analyst_action_since_publication_shows_a_system_one_waits(settings):
    status = dict(cli.list_alerts(settings).select("alert_id", "status").iter_rows())
    assert status["a-w03"] == "acknowledged"  # the analyst's action, not yet in the file
    assert status["a-w05"] == "resolved"  # the system's re-opening applies at the next build
    assert status["a-e02"] == "acknowledged" and status["a-e01"] == "new"
    assert cli.list_alerts(settings, status="new", rule="E01").height == 1


def test_piped_list_is_complete_csv(settings, capsys, monkeypatch):
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", str(settings.warehouse))
    assert cli.main_alerts(["--warehouse", str(settings.warehouse), "list", "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 5 and list(rows[0]) == cli.LIST_COLUMNS
    assert any(r["evidence"] == "[red]代签[/] 学员 ***1234" for r in rows)


def test_list_on_a_terminal_is_a_table_with_counts(settings, capsys, monkeypatch):
    monkeypatch.setattr(cli.table_output, "resolve_format", lambda requested: "table")
    monkeypatch.setenv("COLUMNS", "200")
    assert cli.main_alerts(["--warehouse", str(settings.warehouse), "list"]) == 0
    out = capsys.readouterr().out
    assert "shape:" not in out and "E01" in out and "[red]代签[/]" in out
    assert "5 alerts: red 1, orange 2, yellow 2" in out
