"""One run at a time on a warehouse, and nothing left behind by a run that was killed.

Two runs at once used to fail halfway (a Delta ``CommitFailedError`` in the bronze MERGE, a
dbt lock) with nothing waiting or refusing cleanly. Now:

- ``skillwatch run`` and ``demo`` hold a lock file under the warehouse (``filelock``: an
  ``flock`` the kernel drops when the process dies, so a killed run never leaves it held).
  A second run waits up to ``--wait`` seconds, then exits with code 3 and one line on
  stderr naming the run that holds it.
- A run started from the Dagster UI goes through the instance's queued run coordinator:
  :func:`ensure_instance_config` writes ``concurrency: runs: max_concurrent_runs: 1`` into
  the ``dagster.yaml`` of the warehouse's Dagster home, so the UI queues a second run.
- A killed run's children (the dbt subprocess) die with it: every process the run starts
  inherits a run token in its environment, and a small watchdog started with the lock kills
  the processes carrying the token as soon as the run's process is gone (its pipe closes).
  The next run does the same for a run whose watchdog was killed too, and removes the
  half-written ``.building`` files the killed run left next to the published file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import filelock
import yaml

LOCK_NAME = ".skillwatch-run.lock"
# who holds the lock, for the message a waiting run prints; left behind only by a killed run
OWNER_NAME = ".skillwatch-run.owner.json"
TOKEN_ENV = "SKILLWATCH_RUN_TOKEN"
DEFAULT_WAIT_S = 60.0
BUSY_EXIT_CODE = 3
# what the run writes to its watchdog when it ends normally (anything else: it died)
_DONE = b"done\n"

INSTANCE_CONCURRENCY = {"runs": {"max_concurrent_runs": 1}}


class RunBusy(RuntimeError):
    """Another run holds the warehouse and did not end within the wait."""


def _owner_path(warehouse: Path) -> Path:
    return warehouse / OWNER_NAME


def _read_owner(warehouse: Path) -> dict | None:
    try:
        return json.loads(_owner_path(warehouse).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _busy_message(warehouse: Path, wait_s: float) -> str:
    owner = _read_owner(warehouse) or {}
    who = f"pid {owner['pid']}, started {owner['started']}" if owner.get("pid") else "a run"
    return (
        f"another run is using the warehouse {warehouse} ({who}); waited {wait_s:g} s: "
        f"try again when it has ended, or wait longer with --wait SECONDS"
    )


def processes_with_token(token: str) -> list[int]:
    """The processes (other than this one) whose environment carries the run token."""
    marker = f"{TOKEN_ENV}={token}".encode() + b"\0"
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:  # gone meanwhile, or another user's
            continue
        if marker in environ + b"\0":
            found.append(int(entry.name))
    return found


def kill_orphans(token: str) -> list[int]:
    """SIGKILL every process left carrying a dead run's token (dbt and its workers)."""
    killed = []
    for pid in processes_with_token(token):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    return killed


def remove_stale_building(settings) -> list[Path]:
    """Half-written files of a killed publish (``.<name>.<id>.building`` next to the
    published file); only called while holding the lock, so none is being written."""
    folders = {settings.duckdb_path.parent, settings.warehouse}
    removed = []
    for folder in folders:
        for path in folder.glob(".*.building*"):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed.append(path)
    return removed


def _start_watchdog(token: str) -> subprocess.Popen | None:
    env = {k: v for k, v in os.environ.items() if k != TOKEN_ENV}
    try:
        return subprocess.Popen(
            [sys.executable, "-m", "pipelines.run_lock", "watch", token],
            stdin=subprocess.PIPE,
            env=env,
            start_new_session=True,  # a Ctrl-C at the terminal stops the run, not the guard
        )
    except OSError:  # no watchdog is no reason to refuse a run: the next run cleans up
        return None


def _stop_watchdog(watchdog: subprocess.Popen | None) -> None:
    if watchdog is None:
        return
    with contextlib.suppress(OSError):
        watchdog.stdin.write(_DONE)
        watchdog.stdin.close()
    try:
        watchdog.wait(timeout=10)
    except subprocess.TimeoutExpired:
        watchdog.kill()


@contextlib.contextmanager
def one_run_at_a_time(settings, wait_s: float = DEFAULT_WAIT_S) -> Iterator[dict]:
    """Hold the warehouse for one run; :class:`RunBusy` if another run keeps it past
    ``wait_s``. Yields what a later run learns of this one (pid, start, token, and what
    was cleaned up from a killed run before it)."""
    warehouse = Path(settings.warehouse)
    warehouse.mkdir(parents=True, exist_ok=True)
    lock = filelock.FileLock(str(warehouse / LOCK_NAME), timeout=max(wait_s, 0))
    try:
        lock.acquire()
    except filelock.Timeout:
        raise RunBusy(_busy_message(warehouse, wait_s)) from None
    watchdog = None
    try:
        stale = _read_owner(warehouse)
        killed = kill_orphans(stale["token"]) if stale and stale.get("token") else []
        removed = remove_stale_building(settings)
        token = os.urandom(12).hex()
        owner = {
            "pid": os.getpid(),
            "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC"),
            "token": token,
        }
        _owner_path(warehouse).write_text(json.dumps(owner), encoding="utf-8")
        os.environ[TOKEN_ENV] = token
        watchdog = _start_watchdog(token)
        yield {
            **owner,
            "killed_orphans": killed,
            "removed_building": [str(p) for p in removed],
        }
    finally:
        os.environ.pop(TOKEN_ENV, None)
        _stop_watchdog(watchdog)
        with contextlib.suppress(FileNotFoundError):
            _owner_path(warehouse).unlink()
        lock.release()


def ensure_instance_config(dagster_home: Path) -> Path:
    """The Dagster home's ``dagster.yaml`` with a one-run concurrency limit (kept if the
    file already sets one; its other settings are kept as they are)."""
    dagster_home = Path(dagster_home)
    dagster_home.mkdir(parents=True, exist_ok=True)
    path = dagster_home / "dagster.yaml"
    config = {}
    if path.exists():
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if "runs" in config.get("concurrency", {}):
        return path
    config.setdefault("concurrency", {}).update(INSTANCE_CONCURRENCY)
    body = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    path.write_text(
        "# skillwatch (pipelines/run_lock.py): one run at a time on this warehouse; a second\n"
        "# run started from the UI waits in the queue (the CLI holds a lock file instead)\n" + body,
        encoding="utf-8",
    )
    return path


def _watch(token: str) -> int:
    """The watchdog: blocks until the run writes 'done' (normal end) or its end of the pipe
    closes without it (the run died), then kills what the dead run left running."""
    message = sys.stdin.buffer.read()
    if message != _DONE:
        kill_orphans(token)
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["watch"] and len(sys.argv) == 3:
        sys.exit(_watch(sys.argv[2]))
    sys.exit("usage: python -m pipelines.run_lock watch TOKEN")
