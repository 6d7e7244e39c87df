"""Measurements the camera tests collect, printed in the terminal summary (conftest)."""

REPORT: dict[str, str] = {}
