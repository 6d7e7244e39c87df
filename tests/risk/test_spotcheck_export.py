"""The weekly draw end to end: CLI, recorded seed, XLSX without clear personal data,
inspection results joined back to the draw."""

from __future__ import annotations

import re

import openpyxl
import polars as pl
import pytest

from pipelines.contract.legality import is_valid_id_number
from pipelines.risk import model, run, store
from pipelines.risk.cli import main_spotcheck

WEEK = "2026-W38"  # the small city runs 2026-09-01 .. 09-28
ID_NUMBER = re.compile(r"\b\d{17}[\dXx]\b")
PSEUDONYM = re.compile(r"\b[0-9a-f]{32,}\b")


@pytest.fixture(scope="module")
def drawn(city, tmp_path_factory):
    run.save(city.settings, run.score_all(run.load(city.settings, city.db), model.RiskParams()))
    out = tmp_path_factory.mktemp("spot") / "list.xlsx"
    args = ["--week", WEEK, "--warehouse", str(city.settings.warehouse), "--out", str(out)]
    assert main_spotcheck([*args, "--classes", "12"]) == 0
    first = store.read(city.settings, store.ITEMS).filter(pl.col("week") == WEEK)
    seed = store.recorded_seed(city.settings, WEEK)
    return out, first, seed, args


def _cells(path):
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book}


def test_a_week_redrawn_without_a_seed_is_the_recorded_list(city, drawn):
    _, first, seed, args = drawn
    assert seed is not None and first.height > 0
    assert main_spotcheck([*args, "--classes", "12"]) == 0
    again = store.read(city.settings, store.ITEMS).filter(pl.col("week") == WEEK)
    assert again["class_key"].to_list() == first["class_key"].to_list()
    assert store.read(city.settings, store.DRAWS).filter(pl.col("week") == WEEK).height == 1


def test_xlsx_has_chinese_headers_and_no_clear_personal_data(city, drawn):
    out, first, _, _ = drawn
    sheets = _cells(out)
    assert set(sheets) == {"抽查班级", "抽查考勤", "抽取说明"}
    assert sheets["抽查班级"][0][:3] == ["序号", "区划代码", "区"]
    assert "身份证号(脱敏)" in sheets["抽查考勤"][0]
    assert len(sheets["抽查班级"]) - 1 == first.height
    assert len(sheets["抽查考勤"]) > 1
    text = "\n".join(str(v) for rows in sheets.values() for r in rows for v in r if v is not None)
    # the recorded random seed is an 18-digit number too (it failed CI once): what must not
    # appear is a real ID number, i.e. one with a valid birth date and check digit
    assert not [t for t in ID_NUMBER.findall(text) if is_valid_id_number(t)]
    assert not PSEUDONYM.search(text)
    masked = [r[3] for r in sheets["抽查考勤"][1:]]
    assert all("*" in m for m in masked)


def test_inspection_results_are_joined_back_to_the_draw(city, drawn):
    inputs = run.load(city.settings, city.db)
    result = run.run_outcomes(city.settings, inputs)
    assert not result.is_empty()  # the small city inspects most classes in its 4 weeks
    assert set(result["drawn_by"]) <= {"risk", "random"}
    assert set(result["inspection_result"]) <= {"合格", "不合格"}
    stored = store.read(city.settings, store.OUTCOMES)
    assert stored.height == result.height
    assert run.outcome_summary(result)["inspected_items"] > 0


def test_the_weekly_asset_draws_and_records_its_seed(city):
    import dagster as dg

    from pipelines.resources import SkillWatchResource
    from pipelines.risk.assets import spotcheck_draw

    week = "2026-W37"
    res = dg.materialize(
        [spotcheck_draw],
        resources={
            "skillwatch": SkillWatchResource(
                warehouse=str(city.settings.warehouse), landing=str(city.landing)
            )
        },
        run_config={"ops": {"risk__spotcheck_draw": {"config": {"week": week, "seed": 99}}}},
    )
    meta = res.asset_materializations_for_node("risk__spotcheck_draw")[0].metadata
    assert meta["seed"].value == "99" and meta["classes"].value > 0
    assert store.recorded_seed(city.settings, week) == 99


def test_a_week_without_running_classes_gives_an_empty_list_not_a_crash(city, tmp_path):
    # the weekly schedule draws for the current week, which may hold no class at all
    out = tmp_path / "empty.xlsx"
    args = ["--week", "2027-W01", "--warehouse", str(city.settings.warehouse), "--out", str(out)]
    assert main_spotcheck(args) == 0
    sheets = _cells(out)
    assert len(sheets["抽查班级"]) == 1  # the header row only
