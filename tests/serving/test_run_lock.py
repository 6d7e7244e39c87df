"""One run at a time (issue 12, part 6): a second run waits or exits 3 with one line on
stderr and writes nothing; a killed run's children die with it and its half-written files
are removed by the next run; the Dagster UI queues a second run.

A "run" here is a real process holding the real lock the CLI takes (no pipeline inside it:
the lock, not the pipeline, is under test; a full run costs minutes)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
import yaml

from pipelines import cli, run_lock
from pipelines.settings import get_settings

# holds the warehouse like a run: says "held" with its pid, optionally starts a child that
# inherits the run's environment (dbt would) and leaves a publish half-written, then waits
_HOLDER = textwrap.dedent(
    """
    import subprocess, sys, time
    from pipelines import run_lock
    from pipelines.settings import get_settings
    settings = get_settings(sys.argv[1], sys.argv[2])
    with run_lock.one_run_at_a_time(settings, wait_s=0):
        child = subprocess.Popen(["sleep", "300"]) if sys.argv[3] == "child" else None
        (settings.duckdb_path.parent / ".skillwatch.duckdb.1a2b3c4d.building").write_bytes(b"x")
        print("held", child.pid if child else 0, flush=True)
        sys.stdin.readline()
    """
)


@pytest.fixture
def settings(tmp_path):
    (tmp_path / "landing").mkdir()
    return get_settings(tmp_path / "warehouse", tmp_path / "landing")


def _hold(settings, child: bool = False) -> tuple[subprocess.Popen, int]:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(settings.warehouse), str(settings.landing),
         "child" if child else "-"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    word, pid = holder.stdout.readline().split()
    assert word == "held"
    return holder, int(pid)


def _release(holder: subprocess.Popen) -> None:
    holder.stdin.write("\n")
    holder.stdin.flush()
    holder.wait(timeout=30)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split()[2]
    except OSError:
        return False
    return state != "Z"  # a zombie has died; only its parent has not collected it


def _wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def _files(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_size for p in folder.rglob("*") if p.is_file()}


def test_a_second_run_exits_3_with_one_line_and_writes_nothing(settings, capsys):
    holder, _ = _hold(settings)
    try:
        before = _files(settings.warehouse)
        started = time.monotonic()
        code = cli.main(
            ["run", "--landing", str(settings.landing), "--warehouse", str(settings.warehouse),
             "--wait", "0.5"]
        )  # fmt: skip
        waited = time.monotonic() - started
        err = capsys.readouterr().err
        assert code == run_lock.BUSY_EXIT_CODE == 3
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("skillwatch run: another run")
        assert f"pid {holder.pid}" in lines[0] and "--wait" in lines[0]
        assert waited >= 0.5
        assert _files(settings.warehouse) == before, "a refused run writes nothing"
    finally:
        _release(holder)


def test_a_second_run_waits_for_the_first_to_end(settings):
    holder, _ = _hold(settings)
    ender = threading.Timer(0.5, _release, [holder])  # the first run ends in 0.5 s
    ender.start()
    try:
        started = time.monotonic()
        with run_lock.one_run_at_a_time(settings, wait_s=20) as run:
            assert time.monotonic() - started >= 0.4, "it should have waited for the first"
            assert run["pid"] == os.getpid()
            assert os.environ[run_lock.TOKEN_ENV] == run["token"]
        assert run_lock.TOKEN_ENV not in os.environ
        assert not (settings.warehouse / run_lock.OWNER_NAME).exists()
    finally:
        ender.join()


def test_a_killed_runs_children_die_with_it_and_the_next_run_cleans_up(settings):
    holder, child = _hold(settings, child=True)
    assert _alive(child)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    # the watchdog sees the run's pipe close and kills what the run started
    assert _wait_until(lambda: not _alive(child)), "the run's child outlived it"
    building = list(settings.duckdb_path.parent.glob(".*.building"))
    assert building, "the killed run left its half-written publish"
    with run_lock.one_run_at_a_time(settings, wait_s=5) as run:
        assert run["removed_building"] == [str(p) for p in building]
    assert not list(settings.duckdb_path.parent.glob(".*.building"))


def _pid_running(*argv_tail: str) -> int:
    tail = [a.encode() for a in argv_tail]
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().rstrip(b"\0").split(b"\0")
            except OSError:
                continue
            if argv[-len(tail) :] == tail:
                return int(entry.name)
    raise LookupError(argv_tail)


def test_the_next_run_kills_orphans_when_the_watchdog_died_too(settings):
    holder, child = _hold(settings, child=True)
    token = json.loads((settings.warehouse / run_lock.OWNER_NAME).read_text())["token"]
    os.kill(_pid_running("pipelines.run_lock", "watch", token), signal.SIGKILL)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    time.sleep(0.2)
    assert _alive(child), "with its watchdog gone too, the child is still running"
    with run_lock.one_run_at_a_time(settings, wait_s=5) as run:
        assert run["killed_orphans"] == [child]
    assert _wait_until(lambda: not _alive(child))


def test_the_dagster_instance_queues_a_second_run(settings):
    home = settings.dagster_home
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    instance = cli.persistent_instance(settings)
    assert instance.get_concurrency_config().run_queue_config.max_concurrent_runs == 1
    config = yaml.safe_load((home / "dagster.yaml").read_text())
    assert config["telemetry"] == {"enabled": False}, "the operator's settings are kept"
    # an operator's own limit is not overwritten
    own = "concurrency:\n  runs:\n    max_concurrent_runs: 2\n"
    (home / "dagster.yaml").write_text(own)
    run_lock.ensure_instance_config(home)
    assert (home / "dagster.yaml").read_text() == own
