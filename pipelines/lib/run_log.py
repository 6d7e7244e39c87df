"""Logs for people: a quiet terminal, the whole story in a file.

What a person at the terminal sees during ``skillwatch run`` / ``demo``: one progress
display (the step running, steps done, the step's own counters when it reports them) and
one line per step with its outcome; dbt as counts (models built, tests passed/failed) with
the failures named. Everything else (every Dagster event, dbt's per-node lines, library
INFO such as Great Expectations' ``_docs_decorators`` or alembic's migrations, warnings)
goes to ``<warehouse>/logs/run-<timestamp>.log``, whose path is printed at the end.
``--verbose`` puts the libraries' INFO and Dagster's own event log back on the terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

# Loggers whose INFO is for developers: kept in the file, off the terminal unless --verbose.
# (measured on a demo: 214 GX _docs_decorators lines at import, alembic's migration lines
# when the Dagster instance is created, every Dagster message again as dagster.builtin)
NOISY = ("great_expectations", "alembic", "dagster", "dagster_dbt", "py.warnings", "urllib3",
         "matplotlib", "PIL", "numexpr", "filelock", "asyncio",
         # a lake on object storage: "Found credentials in environment variables" per client
         "botocore", "aiobotocore", "s3fs", "fsspec")  # fmt: skip
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
# what assets report through context.log.info: "<what>: <done>/<total>"
COUNTER = re.compile(r"^(?P<what>[^:\n]{1,60}): (?P<done>\d+)/(?P<total>\d+)\b")
# in-process runs say so instead of a STEP_SKIPPED event (dagster 1.12)
NOT_EXECUTING = re.compile(r"^Dependencies for step (?P<step>\S+) failed: .*Not executing")


class QuietLibraries(logging.Filter):
    """Drops the noisy libraries' records below WARNING, and Python warnings."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "py.warnings":  # Python warnings speak to developers: file only
            return False
        if record.levelno >= logging.WARNING:
            return True
        return not any(record.name == n or record.name.startswith(n + ".") for n in NOISY)


class NotDagster(logging.Filter):
    """Dagster's python records below WARNING: the run's own logger writes them already."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno >= logging.WARNING:
            return True
        return not (record.name == "dagster" or record.name.startswith("dagster."))


def configure_console(verbose: bool = False) -> None:
    """The root logger for the CLI: INFO on stderr, libraries' INFO only with verbose."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_skillwatch_console", False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler._skillwatch_console = True  # type: ignore[attr-defined]
    if not verbose:
        handler.addFilter(QuietLibraries())
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    # warnings as records: in the file, on screen if verbose. Off first: captureWarnings(True)
    # does nothing once called, even when something (pytest, another tool) has since put its
    # own warnings.showwarning back, and warnings would then bypass the log
    logging.captureWarnings(False)
    logging.captureWarnings(True)


def run_log_path(warehouse: Path, now: dt.datetime | None = None) -> Path:
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    return warehouse / "logs" / f"run-{stamp}.log"


class _LogFileStream(io.TextIOBase):
    """stdout while a run executes: dbt's per-node lines (dagster-dbt writes them to
    sys.stdout) and any print go to the log file, without ANSI colour codes."""

    def __init__(self, handle) -> None:
        self._handle = handle

    def write(self, text: str) -> int:
        self._handle.write(ANSI.sub("", text))
        return len(text)

    def flush(self) -> None:
        self._handle.flush()

    def isatty(self) -> bool:
        return False


@dataclass
class StepState:
    started: float = 0.0
    materialized: int = 0
    checks_passed: int = 0
    failed_checks: list[str] = field(default_factory=list)
    warned_checks: list[str] = field(default_factory=list)


@dataclass
class Outcome:
    """What the run did, step by step, for the closing lines."""

    succeeded: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)


class RunReporter:
    """Receives every Dagster record of the run (as the run's logger): all of it to the log
    file, a line per finished step and the progress display to the person."""

    def __init__(self, console: Console, total_steps: int, log_handle, verbose: bool) -> None:
        self.console = console
        self.log_handle = log_handle
        self.verbose = verbose
        self.steps: dict[str, StepState] = {}
        self.outcome = Outcome()
        self.progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        )
        self.overall = self.progress.add_task(
            "planning the run (the Dagster instance records it)", total=total_steps or None
        )
        self.detail = self.progress.add_task("", total=None, visible=False)

    # -- the display ------------------------------------------------------------------
    def __enter__(self) -> RunReporter:
        self.progress.start()
        return self

    def __exit__(self, *exc) -> None:
        self.progress.stop()

    def _running(self) -> str:
        running = [k for k, s in self.steps.items() if s.started and k not in self._finished()]
        return ", ".join(running[-2:]) or "…"

    def _finished(self) -> set[str]:
        o = self.outcome
        return {*o.succeeded, *o.failed, *o.skipped}

    def _line(self, text: str) -> None:
        self.progress.console.print(text, highlight=False)

    # -- records ------------------------------------------------------------------------
    def handle(self, record: logging.LogRecord) -> None:
        meta = getattr(record, "dagster_meta", None) or {}
        message = meta.get("orig_message") or record.getMessage()
        step = meta.get("step_key") or ""
        stamp = dt.datetime.fromtimestamp(record.created).strftime("%H:%M:%S")
        where = f" {step}" if step else ""
        event = meta.get("dagster_event")
        kind = event.event_type_value if event is not None else "LOG"
        self.log_handle.write(
            f"{stamp} {record.levelname}{where} {kind}: {ANSI.sub('', str(message))}\n"
        )
        if self.verbose and record.levelno >= logging.INFO:
            self._line(escape(f"{record.levelname}{where}: {message}"))
        if event is not None:
            self._event(step, kind, event)
        elif (m := NOT_EXECUTING.match(str(message))) and m["step"] not in self._finished():
            self._finish(
                m["step"], "STEP_SKIPPED", self.steps.setdefault(m["step"], StepState()), None
            )
        elif step and (m := COUNTER.match(str(message))):
            done, total = int(m["done"]), int(m["total"])
            self.progress.update(
                self.detail, description=f"  {m['what']}", completed=done, total=max(total, 1),
                visible=True,
            )  # fmt: skip

    def _event(self, step: str, kind: str, event) -> None:
        state = self.steps.setdefault(step, StepState()) if step else None
        if kind == "STEP_START" and state is not None:
            state.started = time.monotonic()
            self.progress.update(self.overall, description=self._running())
            self.progress.update(self.detail, visible=False)
        elif kind == "ASSET_MATERIALIZATION" and state is not None:
            state.materialized += 1
        elif kind == "ASSET_CHECK_EVALUATION" and state is not None:
            data = event.event_specific_data
            name = f"{data.asset_key.to_user_string()}:{data.check_name}"
            if data.passed:
                state.checks_passed += 1
            elif getattr(data.severity, "value", "ERROR") == "WARN":
                state.warned_checks.append(name)
            else:
                state.failed_checks.append(name)
        elif kind in ("STEP_SUCCESS", "STEP_FAILURE", "STEP_SKIPPED") and state is not None:
            self._finish(step, kind, state, event)

    def _finish(self, step: str, kind: str, state: StepState, event) -> None:
        seconds = time.monotonic() - state.started if state.started else 0.0
        name = escape(step)
        if kind == "STEP_SUCCESS":
            self.outcome.succeeded.append(step)
            self._line(f"[green]✓[/] {name}  {seconds:.0f} s{escape(_step_counts(state))}")
        elif kind == "STEP_FAILURE":
            error = event.event_specific_data.error
            cause = error.cause if error and error.cause else error
            text = (cause.message if cause else "").strip().splitlines() or [""]
            self.outcome.failed[step] = text[-1][:300]
            self._line(f"[red]✗ {name}[/]  {seconds:.0f} s: {escape(text[-1][:300])}")
        else:
            self.outcome.skipped.append(step)
            self._line(f"[yellow]–[/] {name}  skipped (an upstream step failed)")
        self.outcome.failed_checks += state.failed_checks
        for check in state.failed_checks[:10]:
            self._line(f"    [red]check failed:[/] {escape(check)}")
        if len(state.failed_checks) > 10:
            self._line(f"    … and {len(state.failed_checks) - 10} more failed checks (log file)")
        self.progress.advance(self.overall)
        self.progress.update(self.overall, description=self._running())
        self.progress.update(self.detail, visible=False)


def _step_counts(state: StepState) -> str:
    """', 94 assets, 640 checks: 630 passed, 10 warned' (nothing for a plain asset)."""
    parts = []
    if state.materialized > 1:
        parts.append(f"{state.materialized} assets")
    checks = state.checks_passed + len(state.failed_checks) + len(state.warned_checks)
    if checks:
        text = f"{checks} checks: {state.checks_passed} passed"
        if state.warned_checks:
            text += f", {len(state.warned_checks)} warned"
        if state.failed_checks:
            text += f", {len(state.failed_checks)} failed"
        parts.append(text)
    return "".join(f", {p}" for p in parts)


def dagster_logger(reporter: RunReporter):
    """The run's Dagster logger definition, handing every record to the reporter."""
    import dagster as dg

    class _Handler(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            try:
                reporter.handle(record)
            except Exception:  # a display problem must never fail the run
                self.handleError(record)

    @dg.logger(description="SkillWatch CLI: outcome per step on screen, everything to a file")
    def skillwatch_cli_logger(_init_context):
        logger = logging.Logger("skillwatch.run", level=logging.DEBUG)
        logger.addHandler(_Handler())
        return logger

    return skillwatch_cli_logger


@contextlib.contextmanager
def run_log(log_path: Path) -> Iterator:
    """The log file for one run: root records (libraries, warnings) and stdout (dbt's
    lines) go into it for the span of the run; yields the open handle."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "a", encoding="utf-8", buffering=1) as handle:
        file_handler = logging.StreamHandler(handle)
        file_handler.setFormatter(logging.Formatter(FORMAT))
        file_handler.addFilter(NotDagster())
        root = logging.getLogger()
        root.addHandler(file_handler)
        saved_level = root.level
        root.setLevel(min(saved_level or logging.INFO, logging.INFO))
        try:
            with contextlib.redirect_stdout(_LogFileStream(handle)):
                yield handle
        finally:
            root.removeHandler(file_handler)
            root.setLevel(saved_level)


def execute(assets, resources, instance, log_path: Path, screen: Console, verbose=False,
            job_name: str = "skillwatch_cli_run", run_config: dict | None = None):  # fmt: skip
    """Run the assets in-process as one named job (readable in the Dagster UI, unlike
    materialize()'s __ephemeral_asset_job__) with this module's logging; never raises on
    a failing step (the others that do not need it still run)."""
    import dagster as dg

    with run_log(log_path) as handle:
        reporter = RunReporter(screen, 0, handle, verbose)
        # a logger runs only when the run config names it (else Dagster's coloured console)
        run_config = {**(run_config or {}), "loggers": {"skillwatch": {}}}
        with reporter:
            # resolving ~140 assets and recording the plan take tens of seconds before the
            # first step: the display shows that it is busy, not a frozen terminal
            job = dg.Definitions(
                jobs=[dg.define_asset_job(job_name)], assets=assets, resources=resources
            ).resolve_job_def(job_name)
            reporter.progress.update(reporter.overall, total=len(job.graph.nodes))
            job = job.with_logger_defs({"skillwatch": dagster_logger(reporter)})
            return job.execute_in_process(
                run_config=run_config, raise_on_error=False, instance=instance
            )
