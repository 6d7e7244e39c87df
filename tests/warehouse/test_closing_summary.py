"""The demo's closing summary: the findings of this build and commands that can be pasted."""

import io

import duckdb
from rich.console import Console

from pipelines.lib.run_summary import print_closing_summary


def test_summary_counts_the_published_alerts_and_keeps_commands_whole(built):
    buffer = io.StringIO()
    console = Console(file=buffer, width=80, color_system=None)  # what a pipe gets
    command = (
        f"DAGSTER_HOME={built.settings.warehouse}/dagster_home "
        ".venv/bin/dagster dev -m pipelines.definitions"
    )
    print_closing_summary(built.settings, console, command)
    lines = buffer.getvalue().splitlines()
    assert f"  {command}" in lines, "a command longer than the console is not cut"
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in lines if line.startswith("│")]
    with duckdb.connect(str(built.settings.duckdb_path), read_only=True) as con:
        published = con.sql("select level, count(*) from alerts group by level").fetchall()
    assert published, "the fixture city raises alerts"
    for level, count in published:
        assert [level, str(count)] in [row[:2] for row in cells], (level, count)
