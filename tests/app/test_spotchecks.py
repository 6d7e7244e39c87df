"""抽查: a city user draws the week's list, a district user sees its own drawn classes only,
and a recorded result is a delivery of the inspections feed in that district's folder."""

from __future__ import annotations

import csv

import polars as pl
from app_helpers import login, open_page

from apps.streamlit import audit, data, spotchecks
from pipelines.contract.feeds import INSPECTIONS
from pipelines.settings import get_settings


def test_draw_scope_and_results(app_env):
    at = open_page(login("city"), "spotchecks")
    if at.button and "spotcheck_draw" in [b.key for b in at.button]:
        at.button(key="spotcheck_draw").click().run()
        assert not at.exception
    week = spotchecks.data_week(get_settings())
    city_items = data.spotcheck_items(data.db_path(), ("city", None), week)
    if city_items.is_empty():
        assert any("尚未抽取" in i.value for i in at.info)  # nothing ran that week
        return
    assert at.metric[0].value == str(city_items.height)
    district = city_items["district_code"][0]
    at = open_page(login(f"d{district}"), "spotchecks")
    shown = at.dataframe[0].value
    assert set(shown["district_code"]) == {district}
    assert len(shown) == city_items.filter(pl.col("district_code") == district).height
    class_id = shown["class_id"].iloc[0]
    at.selectbox(key="spotcheck_class").set_value(class_id)
    at.radio(key="spotcheck_outcome").set_value("不合格")
    at.text_input(key="spotcheck_findings").input("现场人数不足")
    at.button(key="FormSubmitter:spotcheck_result-登记").click().run()
    assert not at.exception
    files = list((get_settings().landing / district / "inspections").glob("spotcheck_app_*.csv"))
    assert len(files) == 1
    with files[0].open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == [c.name for c in INSPECTIONS.columns]
    assert (rows[0]["target_id"], rows[0]["result"]) == (class_id, "不合格")
    events = audit.read_events(app_env.settings)
    assert "spotcheck_result" in events.filter(pl.col("user") == f"d{district}")["event"]


def test_auditor_cannot_record_results(app_env):
    at = open_page(login("auditor"), "spotchecks")
    assert "spotcheck_draw" not in [b.key for b in at.button]
    assert not [f for f in at.get("form")]
