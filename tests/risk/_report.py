"""Figures measured during the run, printed at the end of the session."""

REPORT: dict[str, str] = {}
