"""视频, 继续教育/公益课程 and the login-free public player on the marts' numbers; a play in
the player becomes a delivery of the e-learning plays feed."""

from __future__ import annotations

import json

import polars as pl
import pytest
from app_helpers import login, metrics, new_app, open_page

from apps.streamlit import audit
from pipelines.contract.feeds import ELEARNING_PLAYS
from pipelines.settings import get_settings


@pytest.mark.parametrize("who", ["city", "district"])
def test_cameras_page_counts_the_latest_day(app_env, who):
    district = app_env.districts[0] if who == "district" else None
    at = open_page(login(f"d{district}" if district else "city"), "cameras")
    cond, params = (" and district_code = ?", [district]) if district else ("", [])
    latest = app_env.sql(
        "select count(*) n, sum((heartbeats > 0 and uptime_share > 0)::int) online "
        "from fct_camera_health_daily where day = (select max(day) from fct_camera_health_daily"
        f" where true{cond}){cond}",
        params * 2,
    ).row(0, named=True)
    shown = metrics(at)
    if latest["n"] == 0:
        assert any("暂无" in i.value for i in at.info)
        return
    assert shown["摄像机"] == str(latest["n"])
    assert shown["在线"] == str(latest["online"])


def test_elearning_page_shows_the_marts_numbers(app_env):
    at = open_page(login("city"), "elearning")
    shown = metrics(at)
    teachers, met = app_env.sql(
        "select count(*), sum(is_met::int) from fct_elearning_compliance"
    ).row(0)
    plays = app_env.sql("select sum(plays) from stats_public_courses_by_course").item()
    if teachers:
        assert shown["教师（学员）"] == str(teachers)
        assert shown["已达学时要求"] == str(met)
    # the public courses are the other tab: it runs only once selected
    assert "播放次数" not in shown
    shown = metrics(open_page(at, "elearning", tabs={"elearning_tab": "公益课程"}))
    assert "教师（学员）" not in shown
    if plays:
        assert shown["播放次数"] == str(plays)


def test_public_player_needs_no_login_and_records_the_play(app_env):
    courses = app_env.sql("select course_id from stats_public_courses_by_course")
    if courses.is_empty():
        pytest.skip("the built warehouse has no public-course plays")
    at = new_app().run()
    at.switch_page("views/public_player.py").run()
    assert not at.exception and at.title[0].value == "公益课程"
    assert "skillwatch_user" not in at.session_state
    at.button(key="public_play").click().run()
    assert at.get("video")
    at.button(key="public_stop").click().run()
    assert not at.exception
    landing = get_settings().landing / "elearning" / "plays"
    files = sorted(landing.glob("plays_app_*.jsonl"))
    assert len(files) == 1
    row = json.loads(files[0].read_text(encoding="utf-8"))
    assert list(row) == [c.name for c in ELEARNING_PLAYS.columns]
    assert row["course_id"] == at.radio(key="public_course").value
    assert row["device"] in ("pc", "mobile") and 0 <= row["watched_seconds"] <= 20
    events = audit.read_events(app_env.settings).filter(pl.col("event") == "play")
    assert events.filter(pl.col("user") == "public").height >= 1
