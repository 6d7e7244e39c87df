"""``skillwatch app [--host 127.0.0.1] [--port 8501]``: the analysts' app on the published
warehouse, with nothing else to configure (headless, no usage statistics sent anywhere)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from pipelines.settings import get_settings

# apps/ is not a package the editable install maps everywhere: run it by path
APP = Path(__file__).resolve().parents[1] / "apps" / "streamlit" / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(APP),
        "--server.headless", "true",
        "--server.address", host,
        "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
        "--global.developmentMode", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip


def main_app(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="skillwatch app", description="分析应用 the analysts' app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--warehouse", help="warehouse folder (default: SKILLWATCH_WAREHOUSE)")
    args = p.parse_args(argv)
    settings = get_settings(args.warehouse)
    env = {**os.environ, "SKILLWATCH_WAREHOUSE": str(settings.warehouse)}
    if not settings.duckdb_path.exists():
        print(f"note: {settings.duckdb_path} is not published yet: run skillwatch demo or run")
    print(f"SkillWatch app on http://{args.host}:{args.port}  (warehouse {settings.warehouse})")
    sys.stdout.flush()
    # exec, not a child process: a supervisor's (or a test's) SIGTERM then stops the server
    # itself; with a child, stopping `skillwatch app` left streamlit running on its port
    command = streamlit_command(args.host, args.port)
    os.execve(command[0], command, env)


DEMO_USERS = (("demo_city", "city", None), ("demo_district", "district", "310104"))


def print_demo_users(settings, console) -> None:
    """Create the demo's city and district users (once) and say how to open the app; a
    password is random and printed only when its user is created."""
    import secrets

    from pipelines.app_users import add_user, list_users, users_path

    path = users_path(settings)
    existing = {u.name for u in list_users(path)}
    lines = []
    for name, role, district in DEMO_USERS:
        if name in existing:
            lines.append(f"  {name} ({role}): exists, password as printed when it was created")
            continue
        password = secrets.token_urlsafe(9)
        add_user(path, name, role, password, district)
        lines.append(f"  {name} ({role}{' ' + district if district else ''}): {password}")
    console.print(
        "[bold]Open the analysts' app:[/] .venv/bin/skillwatch app  (then http://127.0.0.1:8501)"
        ", users (name: password, shown once):",
        soft_wrap=True,
    )
    console.print("\n".join(lines), highlight=False, markup=False)  # passwords are not markup
