"""Paths and secrets come from the environment, with local defaults that say so."""

from __future__ import annotations

import ast
import logging
import re
from pathlib import Path

import pytest
from pydantic import ValidationError

from pipelines import settings as settings_module
from pipelines.docs import settings_table
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


# --- one settings model: every variable the product reads is declared and documented ---

PRODUCT = ("pipelines", "video_features", "expectations", "apps")
_READERS = {"get", "getenv", "pop"}  # os.environ.get / os.getenv / env.get / environ.pop


def _read_variables(path: Path) -> set[str]:
    """Environment variable names a Python file reads: SKILLWATCH_* literals (names and
    family prefixes) and the names passed to os.environ.get/os.getenv/env.get or environ[]."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if re.fullmatch(r"SKILLWATCH_[A-Z0-9_]*", node.value):
                found.add(node.value)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = ast.unparse(node.func.value)
            if node.func.attr in _READERS and owner in ("os.environ", "os", "env", "environ"):
                first = node.args[0] if node.args else None
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    found.add(first.value)
        elif (
            isinstance(node, ast.Subscript)
            and isinstance(node.ctx, ast.Load)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            found.add(node.slice.value)
    return found


def _undeclared(names: set[str]) -> set[str]:
    declared = {settings_module.env_name(n) for n in settings_module.Settings.model_fields}
    families = tuple(settings_module.FAMILIES)
    return {
        n
        for n in names
        if n not in declared and n not in families and not (n.startswith(families) and n[-1] != "_")
    }


def _product_variables() -> dict[str, set[str]]:
    files = [p for pkg in PRODUCT for p in sorted((REPO_ROOT / pkg).rglob("*.py"))]
    out = {str(p.relative_to(REPO_ROOT)): _read_variables(p) for p in files}
    out.pop("pipelines/settings.py")  # the declarations themselves
    profiles = (REPO_ROOT / "dbt_project" / "profiles.yml").read_text(encoding="utf-8")
    out["dbt_project/profiles.yml"] = set(re.findall(r"env_var\('([A-Z0-9_]+)'", profiles))
    return out


def test_every_variable_the_product_reads_is_declared_in_the_settings():
    read = _product_variables()
    everything = set().union(*read.values())
    # the walk really sees the readers: the contacts, the mail server, dbt's profile, a family
    assert {"SKILLWATCH_CONTACTS", "SKILLWATCH_SMTP_HOST", "SKILLWATCH_DBT_DUCKDB"} <= everything
    assert "SKILLWATCH_VF_" in everything
    missing = {f"{at}: {sorted(bad)}" for at, names in read.items() if (bad := _undeclared(names))}
    assert not missing, "declare these in pipelines/settings.py:\n" + "\n".join(sorted(missing))


def test_an_undeclared_variable_is_caught(tmp_path):
    """The scan is not blind: a module reading a new variable is reported."""
    module = tmp_path / "new_feature.py"
    module.write_text(
        'import os\nLIMIT = os.environ.get("SKILLWATCH_NEW_LIMIT", "3")\n'
        'HOME = os.getenv("HOME")\nPREFIX = "SKILLWATCH_NEWFAMILY_"\n',
        encoding="utf-8",
    )
    assert _undeclared(_read_variables(module)) == {
        "SKILLWATCH_NEW_LIMIT",
        "HOME",
        "SKILLWATCH_NEWFAMILY_",
    }


def test_the_readme_table_is_current_and_lists_every_variable():
    readme = settings_table.README.read_text(encoding="utf-8")
    assert settings_table.render(readme) == readme, "run: skillwatch settings --write"
    block = readme.split(settings_table.START)[1].split(settings_table.END)[0]
    for name in settings_module.Settings.model_fields:
        assert f"`{settings_module.env_name(name)}`" in block
    for prefix in settings_module.FAMILIES:
        assert f"`{prefix}<FIELD>`" in block


def test_values_are_typed_and_a_bad_one_is_refused(monkeypatch):
    monkeypatch.setenv("SKILLWATCH_SMTP_PORT", "2525")
    monkeypatch.setenv("SKILLWATCH_APP_CACHE_S", "")  # empty = unset: the default
    monkeypatch.setenv("DAGSTER_HOME", "rel/home")
    s = get_settings("/srv/wh")
    assert s.smtp_port == 2525 and s.app_cache_s == 60
    assert s.dagster_home == Path("rel/home").resolve()
    assert s.elearning_contacts_path == s.landing / "_config" / "elearning_contacts.csv"
    monkeypatch.setenv("SKILLWATCH_SMTP_TLS", "tls-please")
    with pytest.raises(ValidationError, match="SKILLWATCH_SMTP_TLS|smtp_tls"):
        get_settings()


def test_arguments_win_over_variables_and_the_landing_follows_the_warehouse(monkeypatch):
    monkeypatch.delenv("SKILLWATCH_LANDING", raising=False)
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", "/srv/from-env")
    assert get_settings().landing == Path("/srv/from-env/landing")
    s = get_settings("/srv/arg")
    assert (s.warehouse, s.landing) == (Path("/srv/arg"), Path("/srv/arg/landing"))
    monkeypatch.setenv("SKILLWATCH_LANDING", "/srv/drop")
    assert get_settings("/srv/arg").landing == Path("/srv/drop")
    assert get_settings("/srv/arg", "/srv/given").landing == Path("/srv/given")
