"""Logs for people: a line per step on screen, library INFO and dbt-style stdout only in
the run's log file, --verbose brings the libraries back.

(No `from __future__ import annotations`: Dagster reads the context type hint at runtime.)"""

import io
import logging
import sys
import warnings

import dagster as dg
import pytest
from rich.console import Console

from pipelines.lib import run_log


@dg.asset
def deliveries(context: dg.AssetExecutionContext):
    logging.getLogger("great_expectations._docs_decorators").info("Skipping registering x")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade abc -> def")
    warnings.warn("Use 'dg dev' instead", DeprecationWarning, stacklevel=1)
    for done in (0, 14, 28):
        context.log.info(f"reading deliveries for validation: {done}/28")
    # what dagster-dbt does with every dbt line
    sys.stdout.write("\x1b[32mPASS\x1b[0m not_null_stg_sessions_session_id\n")
    return 28


@dg.asset_check(asset=deliveries)
def deliveries_counted(deliveries):
    return dg.AssetCheckResult(passed=deliveries == 28)


@dg.asset_check(asset=deliveries)
def deliveries_balanced():
    return dg.AssetCheckResult(passed=False, metadata={"unbalanced": 2})


@dg.asset(deps=[deliveries])
def broken():
    raise ValueError("district 310104 sent no sessions")


@dg.asset(deps=[broken])
def after_broken():
    return 1


@pytest.fixture(autouse=True)
def _console_logging():
    saved = logging.getLogger().handlers[:]
    yield
    logging.getLogger().handlers[:] = saved


def _run(tmp_path, verbose: bool):
    run_log.configure_console(verbose)
    screen_buffer = io.StringIO()
    screen = Console(file=screen_buffer, width=160, color_system=None)
    log_path = run_log.run_log_path(tmp_path / "warehouse")
    result = run_log.execute(
        [deliveries, deliveries_counted, deliveries_balanced, broken, after_broken],
        {}, dg.DagsterInstance.ephemeral(), log_path, screen, verbose,
    )  # fmt: skip
    return result, screen_buffer.getvalue(), log_path.read_text()


def test_screen_has_a_line_per_step_and_the_file_has_everything(tmp_path, capfd):
    result, screen, log = _run(tmp_path, verbose=False)
    assert not result.success
    lines = [line for line in screen.splitlines() if line.strip()]
    assert any("✓ deliveries  " in line for line in lines)
    assert any("✗ broken" in line and "district 310104 sent no sessions" in line for line in lines)
    assert any("after_broken" in line and "skipped" in line for line in lines)
    assert any("check failed: deliveries:deliveries_balanced" in line for line in lines)
    assert "Skipping registering" not in screen and "alembic" not in screen
    assert "PASS" not in screen and "STEP_START" not in screen
    err = capfd.readouterr().err
    assert "Skipping registering" not in err and "Running upgrade" not in err
    assert "dg dev" not in err and "dg dev" in log
    # the file: library INFO, every Dagster event, the stdout line without its colour codes
    assert "Skipping registering x" in log and "Running upgrade abc -> def" in log
    assert "STEP_START" in log and "reading deliveries for validation: 28/28" in log
    assert "PASS not_null_stg_sessions_session_id" in log and "\x1b[" not in log
    assert "ASSET_CHECK_EVALUATION" in log


def test_verbose_brings_the_libraries_back(tmp_path, capfd):
    _, screen, _ = _run(tmp_path, verbose=True)
    err = capfd.readouterr().err
    assert "Skipping registering x" in err and "Running upgrade abc -> def" in err
    assert "reading deliveries for validation: 14/28" in screen


def test_counters_in_asset_logs_are_read_as_progress():
    m = run_log.COUNTER.match("ingesting heartbeats: 120/300 (40%)")
    assert m and (m["what"], m["done"], m["total"]) == ("ingesting heartbeats", "120", "300")
    assert run_log.COUNTER.match("published /tmp/x/skillwatch.duckdb") is None
