"""Shared fixtures: a test secret for pseudonyms, and tmp warehouses."""

from __future__ import annotations

import pytest

from pipelines.settings import get_settings

TEST_SECRET = "test-secret-key-for-pseudonyms"


def pytest_sessionstart(session):
    """The dbt manifest the code location is defined from, parsed when missing or stale:
    importing pipelines.definitions no longer does it (and never writes the seeds)."""
    from pipelines.warehouse.project import ensure_manifest

    ensure_manifest()


@pytest.fixture(autouse=True)
def _secret(monkeypatch):
    monkeypatch.setenv("SKILLWATCH_SECRET_KEY", TEST_SECRET)


@pytest.fixture
def settings(tmp_path):
    return get_settings(tmp_path / "warehouse", tmp_path / "landing")
