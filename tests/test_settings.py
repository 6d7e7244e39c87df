"""Paths and secrets come from the environment, with local defaults that say so."""

from __future__ import annotations

import logging

from pipelines import settings as settings_module
from pipelines.lib.pii import pseudonym
from pipelines.settings import REPO_ROOT, get_settings


def test_paths_default_to_the_repo_warehouse_and_are_absolute(monkeypatch):
    for var in ("SKILLWATCH_WAREHOUSE", "SKILLWATCH_LANDING", "SKILLWATCH_DUCKDB"):
        monkeypatch.delenv(var, raising=False)
    s = get_settings()
    assert s.warehouse == REPO_ROOT / "warehouse"
    assert s.landing == s.warehouse / "landing"
    assert s.duckdb_path == s.warehouse / "skillwatch.duckdb"
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", "relative/wh")
    assert get_settings().warehouse.is_absolute()


def test_missing_secret_warns_once_when_used_and_a_set_secret_changes_pseudonyms(
    monkeypatch, caplog
):
    monkeypatch.delenv("SKILLWATCH_SECRET_KEY")
    monkeypatch.setattr(settings_module, "_warned", False)
    s = get_settings()
    assert not caplog.records  # reading paths does not nag
    with caplog.at_level(logging.WARNING):
        dev_key = s.secret_key
        s.secret_key  # noqa: B018 - a second use does not warn again
    assert [r.message for r in caplog.records if "SKILLWATCH_SECRET_KEY" in r.message][:1]
    assert len(caplog.records) == 1

    monkeypatch.setenv("SKILLWATCH_SECRET_KEY", "a-real-secret")
    real_key = get_settings().secret_key
    number = "310112197001011234"
    assert pseudonym(dev_key, "id_number", number) != pseudonym(real_key, "id_number", number)
