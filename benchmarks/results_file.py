"""Appending a measured section to a ``benchmarks/RESULTS_*.md`` file."""

from __future__ import annotations

from pathlib import Path


def append_section(path: Path, heading: str, text: str) -> None:
    """Append ``text``; a new file starts with ``heading`` (what is measured, the target)."""
    if not path.exists():
        path.write_text(heading.rstrip("\n") + "\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)
