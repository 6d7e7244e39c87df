"""``skillwatch app [--host 127.0.0.1] [--port 8501]``: the analysts' app on the published
warehouse, with nothing else to configure (headless, no usage statistics sent anywhere)."""

from __future__ import annotations

import argparse
import os
import subprocess
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
    return subprocess.call(streamlit_command(args.host, args.port), env=env)
