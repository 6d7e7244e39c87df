"""The operations manual, rebuilt as CI does (``skillwatch docs manual``): it lists every
feed of the contract, every rule of the registry with its current thresholds, every
environment variable the product reads, the roles, and it opens offline."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from pipelines.cli import main
from pipelines.contract import ALL_FEEDS, REASON_ZH
from pipelines.courseware.catalogue import FINDINGS
from pipelines.serving.scope import ROLES
from pipelines.settings import REPO_ROOT

DBT = REPO_ROOT / "dbt_project"


@pytest.fixture(scope="module")
def manual(tmp_path_factory) -> tuple[str, str]:
    out = tmp_path_factory.mktemp("docs")
    assert main(["docs", "manual", "--out", str(out)]) == 0
    md = (out / "operations-manual.zh.md").read_text(encoding="utf-8")
    page = (out / "operations-manual.zh.html").read_text(encoding="utf-8")
    return md, page


def _rule_codes() -> set[str]:
    """Every rule the product has, found without the manual's code: the registry's seed
    (what alert_rule_status evaluates), the rule models on disk, the e-learning anomalies."""
    seed = (DBT / "seeds/contract/contract_alert_rules.csv").read_text(encoding="utf-8")
    codes = set(re.findall(r"^([A-Z]\d{2}),", seed, re.M))
    codes |= {
        p.stem.split("_")[1].upper()
        for p in (DBT / "models").rglob("alert_*.sql")
        if re.match(r"alert_[a-z]\d\d_", p.stem)
    }
    anomalies = (REPO_ROOT / "pipelines/elearning/anomalies.py").read_text(encoding="utf-8")
    codes |= set(re.findall(r"\"(E0\d)\"", anomalies))
    assert {"W01", "W17", "E01"} <= codes  # the scan itself still finds the rules
    return codes


def _environment_variables() -> set[str]:
    """Every variable read: the settings model's fields, dbt's env_var()s, and any
    os.environ / getenv read of a literal name anywhere in the product's code."""
    from pipelines import settings

    names = set()
    if hasattr(settings.Settings, "model_fields"):
        names |= {settings.env_name(f) for f in settings.Settings.model_fields}
        names |= set(getattr(settings, "FAMILIES", {}))
    for path in [DBT / "profiles.yml", *(DBT / "models").rglob("*.sql")]:
        names |= set(re.findall(r"env_var\(\s*'(\w+)'", path.read_text(encoding="utf-8")))
    read = re.compile(r"(?:environ\.get|getenv|environ\[)\(?\s*[\"']((?:SKILLWATCH|DAGSTER)_\w+)")
    for folder in ("pipelines", "expectations", "apps"):
        for path in (REPO_ROOT / folder).rglob("*.py"):
            names |= set(read.findall(path.read_text(encoding="utf-8")))
    assert "SKILLWATCH_WAREHOUSE" in names and "SKILLWATCH_SECRET_KEY" in names
    return names


def test_every_feed_of_the_contract_is_in_the_manual_with_its_columns(manual):
    md, page = manual
    for name, feed in ALL_FEEDS.items():
        assert f"### {feed.zh}(`{name}`)" in md, name
        assert f"<h3>{feed.zh}(<code>{name}</code>)</h3>" in page, name
        section = md.split(f"(`{name}`)", 1)[1].split("\n### ", 1)[0]
        for column in feed.columns:
            assert f"| `{column.name}` | {column.zh} |" in section, (name, column.name)
    for code in (*REASON_ZH, *FINDINGS):
        assert f"| `{code}` |" in md, code
    # severities shown as the contract names them
    assert "`BAD_PHONE`·提示" in md and "`MISSING_REFERENCE`·待补" in md


def test_every_rule_is_in_the_manual_with_its_current_thresholds(manual):
    md, page = manual
    for code in _rule_codes():
        assert re.search(rf"^\| {code}\b", md, re.M), code
        assert re.search(rf"<td>{code}\b", page), code
    variables = yaml.safe_load((DBT / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    for name, value in variables.items():
        row = re.search(rf"^\| `{name}` \| (.*?) \|", md, re.M)
        assert row, name
        shown = row.group(1)
        if isinstance(value, bool):
            assert shown == str(value).lower(), name
        elif isinstance(value, list):
            assert shown == "、".join(map(str, value)), name
        elif value is not None:
            assert shown == str(value), name


def test_every_environment_variable_is_in_the_manual(manual):
    md, page = manual
    for name in _environment_variables():
        assert f"`{name}" in md, name
        assert f"<code>{name}" in page, name


def test_assets_schedules_and_roles_are_listed(manual):
    from pipelines.definitions import defs

    md, page = manual
    repo = defs.get_repository_def()
    for key in repo.asset_graph.get_all_asset_keys():
        assert f"| `{key.to_user_string()}` |" in md
    for schedule in repo.schedule_defs:
        assert f"`{schedule.name}` | `{schedule.cron_schedule}`" in md
    for sensor in repo.sensor_defs:
        assert f"| `{sensor.name}` |" in md
    for role in ROLES:
        assert f"| `{role}` |" in md
    assert "<svg" in page and "courseware" in page.split("<svg", 1)[1].split("</svg>")[0]


def test_the_page_opens_offline(manual):
    _, page = manual
    assert not re.search(r"<script|<link|<img|@import|\bsrc=|url\((?!#)", page, re.I)
    assert not re.search(r"https?://", page)


def test_manual_is_written_where_the_docs_command_says(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", str(tmp_path / "wh"))
    assert main(["docs", "manual"]) == 0
    assert Path(tmp_path / "wh" / "docs" / "operations-manual.zh.html").is_file()
