"""The ``skillwatch`` command: simulate a city, run the pipeline, write the documents."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.table import Table

console = Console()


def _cmd_simulate(args: argparse.Namespace) -> int:
    from simulator.city import simulate_city
    from simulator.prevalence import parse_fraud_rate

    start = dt.date.fromisoformat(args.start) if args.start else None
    written = simulate_city(
        Path(args.out), scale=args.scale, seed=args.seed, start=start, days=args.days,
        progress=True, fraud_rate=parse_fraud_rate(args.fraud_rate), cameras=args.cameras,
    )  # fmt: skip
    d = written["districts"]
    console.print(
        f"[green]simulated[/] {d.files_written} district files, "
        f"rows {d.rows_per_feed}, e-learning {written['elearning']}, "
        f"online learning {written['online']}, operations {written['operations']}\n"
        f"ground truth in {d.truth_dir}"
    )
    return 0


def run_pipeline(
    warehouse: str | None = None,
    landing: str | None = None,
    verbose: bool = False,
    log_path: Path | None = None,
    run_config: dict | None = None,
):
    """Materialise the code location's assets in-process (what `dagster dev` would run).

    The person sees one progress display and a line per step; every event, dbt's lines and
    the libraries' logs go to ``log_path`` (default ``<warehouse>/logs/run-<time>.log``)."""
    from pipelines.lib import run_log
    from pipelines.settings import get_settings
    from pipelines.warehouse.project import ensure_manifest

    screen = Console(file=sys.stdout)  # bound now: during the run stdout is the log file
    with screen.status("loading the code location (dbt manifest, asset graph) …"):
        ensure_manifest(get_settings(warehouse or None, landing or None))  # before the import
        from pipelines.definitions import defs
        from pipelines.resources import SkillWatchResource

    resources = {
        **(defs.resources or {}),
        "skillwatch": SkillWatchResource(warehouse=warehouse or "", landing=landing or ""),
    }
    assets = [*(defs.assets or []), *(defs.asset_checks or [])]
    settings = get_settings(warehouse or None, landing or None)
    log_path = log_path or run_log.run_log_path(settings.warehouse)
    os.environ.setdefault("DBT_USE_COLORS", "false")  # dbt's lines go to a file, not a tty
    # a failing asset does not stop the others that do not need it; the summary names it
    return run_log.execute(
        assets, resources, persistent_instance(settings), log_path, screen, verbose,
        run_config=run_config,
    )  # fmt: skip


def persistent_instance(settings):
    """The Dagster instance under the warehouse (not a throwaway one): the run, its
    materialisations, metadata and checks stay visible in the UI afterwards."""
    import dagster as dg
    from dagster._core.instance.ref import InstanceRef

    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    importlib.import_module("pipelines.run_lock").ensure_instance_config(home)  # 1 run at a time
    return dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home)))


def dagster_ui_command(settings) -> str:
    return f"DAGSTER_HOME={settings.dagster_home} .venv/bin/dagster dev -m pipelines.definitions"


def _print_summary(settings) -> None:
    import polars as pl

    from pipelines.lib import delta_io

    register = delta_io.read(settings.deliveries)
    if register.is_empty():
        console.print("no deliveries registered yet")
        return
    by = (
        register.group_by("district_code")
        .agg(
            pl.len().alias("files"),
            (pl.col("status") == "unreadable").sum().alias("unreadable"),
            pl.col("rows_read").sum(),
            pl.col("rows_accepted").sum(),
            pl.col("rows_quarantined").sum(),
        )
        .sort("district_code")
    )
    table = Table(title="Deliveries by district (all runs)")
    for col in by.columns:
        table.add_column(col, justify="right" if col != "district_code" else "left")
    for row in by.iter_rows():
        table.add_row(*[str(v) for v in row])
    console.print(table)
    balanced = register.filter(
        pl.col("rows_read") != pl.col("rows_accepted") + pl.col("rows_quarantined")
    )
    verdict = (
        "[green]balances[/]" if balanced.is_empty() else f"[red]{balanced.height} unbalanced[/]"
    )
    console.print(
        f"register: {register.height} files, rows read = accepted + quarantined {verdict}"
    )


def preflight(settings) -> str | None:
    """Why a run cannot work at all, in one line, or None. Missing data is never a reason (a
    partial or empty landing runs and publishes what it can); a landing folder that does not
    exist (a typo) and a warehouse or a lake on object storage that cannot be written are."""
    if not settings.landing.is_dir():
        return f"the landing folder {settings.landing} does not exist (or is not a folder)"
    for folder in (settings.warehouse, settings.duckdb_path.parent):
        probe = folder / f".skillwatch-write-test-{os.getpid()}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as e:
            return f"cannot write to {folder}: {e.strerror or e}"
    if settings.lake_uri:  # always s3:// (the settings refuse anything else)
        from pipelines.lib.object_store import unwritable

        return unwritable(str(settings.lake))
    return None


def _cmd_run(args: argparse.Namespace) -> int:
    from pipelines.settings import get_settings

    settings = get_settings(args.warehouse, args.landing)
    console.print(f"landing: {settings.landing}\nwarehouse: {settings.warehouse}")
    if why := preflight(settings):
        # one line on stderr, nothing else: a real fault, not missing data
        print(f"skillwatch run: {why}", file=sys.stderr)
        return 2
    from pipelines.lib import run_log

    log_path = run_log.run_log_path(settings.warehouse)
    verbose = getattr(args, "verbose", False)
    from pipelines import run_lock

    try:  # one run at a time on a warehouse; a second one waits, then says why it stopped
        with run_lock.one_run_at_a_time(settings, getattr(args, "wait", run_lock.DEFAULT_WAIT_S)):
            result = run_pipeline(
                str(settings.warehouse), str(settings.landing), verbose, log_path,
                run_config=getattr(args, "run_config", None),
            )  # fmt: skip
    except run_lock.RunBusy as busy:
        print(f"skillwatch run: {busy}", file=sys.stderr)
        return run_lock.BUSY_EXIT_CODE
    _print_summary(settings)
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        message = error.cause.message if error and error.cause else (error.message if error else "")
        console.print(f"[red]failed:[/] {escape(event.step_key)}: {escape(message.strip()[:300])}")
    skipped = [e.step_key for e in result.all_events if e.event_type_value == "STEP_SKIPPED"]
    if skipped:
        console.print(f"[yellow]skipped (upstream failed):[/] {escape(', '.join(skipped))}")
    console.print(f"full log: {log_path}", markup=False, highlight=False)
    if not result.success:  # in-process: no daemon runs the run-failure sensor
        importlib.import_module("pipelines.operations").notify_failed_result(settings, result)
    return 0 if result.success else 1


def _cmd_demo(args: argparse.Namespace) -> int:
    """Simulate a small city into the default landing folder (once) and run the pipeline."""
    from pipelines.settings import get_settings
    from simulator.city import simulate_city

    settings = get_settings()
    if not any(settings.landing.glob("31*/*/*")):
        console.print(f"simulating a small city into {settings.landing} ...")
        simulate_city(settings.landing, scale="small", seed=args.seed, progress=True)
    else:
        console.print(f"landing folder {settings.landing} already has deliveries: not simulating")
    from pipelines.risk.cli import demo_week

    # the spot check draws the data's week (the simulated September), not the calendar's
    week = demo_week(settings)
    console.print(f"spot check week: {week} (the data's latest week)")
    run_config = {"ops": {"risk__spotcheck_draw": {"config": {"week": week}}}}
    code = _cmd_run(
        argparse.Namespace(
            warehouse=None, landing=None, verbose=args.verbose, run_config=run_config
        )
    )
    from pipelines.docs import interface, manual
    from pipelines.lib.run_summary import print_closing_summary

    interface.write(settings.docs)
    manual.write(settings.docs)
    print_closing_summary(settings, console, dagster_ui_command(settings))
    from pipelines.app_launch import print_demo_users

    print_demo_users(settings, console)
    return code


def _cmd_docs(args: argparse.Namespace) -> int:
    """Write the interface document, or say where every generated document is."""
    from pipelines.docs import interface
    from pipelines.settings import get_settings

    settings = get_settings()
    out = Path(args.out) if args.out else settings.docs
    if args.what == "interface":
        for path in interface.write(out):
            console.print(f"wrote {path}")
        return 0
    if args.what == "manual":
        from pipelines.docs import manual

        for path in manual.write(out):
            console.print(f"wrote {path}")
        return 0
    entries = [
        (
            "数据对接规范 interface standard",
            out / "interface-standard.zh.html",
            "skillwatch docs interface",
        ),
        ("运维手册 operations manual", out / "operations-manual.zh.html", "skillwatch docs manual"),
        (
            "dbt docs (models, lineage, tests; opens offline)",
            settings.dbt_docs / "static_index.html",
            "built by the dbt_docs asset",
        ),
        (
            "Great Expectations Data Docs",
            settings.gx_docs / "index.html",
            "built by the dq_results asset",
        ),
    ]
    from pipelines.lib import table_output

    rows = [(n, str(p), "present" if p.exists() else f"missing: {how}") for n, p, how in entries]
    # whole paths: a table as wide as they need on a terminal, TSV when piped
    fmt = table_output.resolve_format(args.format)
    table_output.write_rows(["document", "where", "state"], rows, fmt, console)
    return 0


# Subcommands that own their option parsing, each in the module of its concern:
# name -> ("module:function taking argv", one-line help). Add a command with one line here.
DELEGATED: dict[str, tuple[str, str]] = {
    "sql": (
        "pipelines.warehouse.sql_shell:main_sql",
        "read-only SQL on the published auditor DuckDB file: skillwatch sql [-c 'SQL']",
    ),
    "alerts": (
        "pipelines.alerts.cli:main_alerts",
        "list early warnings and record actions: skillwatch alerts list|ack|resolve|dismiss",
    ),
    "spotcheck": (
        "pipelines.risk.cli:main_spotcheck",
        "draw the week's risk-weighted spot checks: skillwatch spotcheck --week YYYY-Www",
    ),
    "users": ("pipelines.app_users:main_users", "app users: skillwatch users add|list|remove"),
    "app": ("pipelines.app_launch:main_app", "the analysts' app: skillwatch app [--port 8501]"),
    "archive": ("pipelines.lib.archive_crypto:main_archive", "raw archive: show REF | rotate"),
    "backup": ("pipelines.backup:main_backup", "incremental checksummed backup: --to DIR"),
    "restore": ("pipelines.backup:main_restore", "verified restore: --from DIR"),
    "retention": ("pipelines.retention:main_retention", "Delta vacuum and image pruning"),
    "prepare": (
        "pipelines.warehouse.project:main_prepare",
        "write the dbt seeds from the contract and parse the dbt project (setup runs it)",
    ),
    "settings": (
        "pipelines.docs.settings_table:main_settings",
        "every environment variable: skillwatch settings [--write|--check] (the README table)",
    ),
}


def main(argv: list[str] | None = None) -> int:
    try:
        return _dispatch(argv)
    except BrokenPipeError:
        # the reader went away (`skillwatch sql … | head`): it has what it wanted. Point
        # stdout at /dev/null so the interpreter's own flush at exit does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def _dispatch(argv: list[str] | None) -> int:
    from pipelines.lib.run_log import configure_console

    argv = sys.argv[1:] if argv is None else argv
    # libraries' INFO (GX, alembic, Dagster's python loggers) only with --verbose
    configure_console(verbose="--verbose" in argv)
    parser = argparse.ArgumentParser(prog="skillwatch", description=__doc__.replace("``", ""))
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("simulate", help="write a simulated city's deliveries to a landing folder")
    p.add_argument("--out", required=True)
    p.add_argument("--scale", choices=["tiny", "small", "city"], default="small")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--start", help="first data day, YYYY-MM-DD")
    p.add_argument("--days", type=int)
    p.add_argument(
        "--fraud-rate", default="3%",
        help="share of classes carrying planted fraud (0.03 or 3%%; default 3%%, spread over a few "
        "bad institutions); 'dense' = every behaviour on ~1/3 of classes (the rule tests' city)",
    )  # fmt: skip
    p.add_argument(
        "--no-cameras", dest="cameras", action="store_false",
        help="no frames, heartbeats or photos (the camera register is still delivered): the "
        "city-year's heartbeats alone are ~210 M rows, more than the district feeds",
    )  # fmt: skip
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("run", help="ingest the landing folder and build the warehouse")
    p.add_argument("--landing")
    p.add_argument("--warehouse")
    p.add_argument("--verbose", action="store_true", help="libraries' logs on the terminal too")
    p.add_argument("--wait", type=float, default=60.0, help="seconds to wait for a running run")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("demo", help="simulate a small city (once) and run everything on it")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--verbose", action="store_true", help="libraries' logs on the terminal too")
    p.set_defaults(func=_cmd_demo)

    p = sub.add_parser(
        "docs",
        help="where the documents are; 'docs interface' writes the interface standard, "
        "'docs manual' the operations manual",
    )
    p.add_argument("what", nargs="?", choices=["interface", "manual"])
    p.add_argument("--out")
    p.add_argument("--format", choices=["table", "tsv", "csv", "json"])
    p.set_defaults(func=_cmd_docs)

    for name, (_, help_text) in DELEGATED.items():
        sub.add_parser(name, help=help_text, add_help=False)

    # commands with their own option parsing (argparse's REMAINDER rejects options like -c)
    if argv[:1] and argv[0] in DELEGATED:
        module_name, _, function = DELEGATED[argv[0]][0].partition(":")
        return getattr(importlib.import_module(module_name), function)(argv[1:])
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
