"""Every page, for every role, runs without an exception and shows the marts' numbers."""

from __future__ import annotations

import pytest
from app_helpers import all_text, login, metrics, open_page

PAGES = [
    "overview", "alerts", "statistics", "cameras", "quality", "spotchecks", "elearning", "online",
    "devices", "courseware", "servicedesk", "export",
]  # fmt: skip


def _where(district: str | None, alias: str = "") -> tuple[str, list]:
    col = f"{alias}district_code"
    return (f" and {col} = ?", [district]) if district else ("", [])


def expected_overview(wh, district: str | None) -> dict[str, str]:
    cond, params = _where(district)
    day = wh.sql(f"select max(session_date) d from fct_sessions where true{cond}", params)["d"][0]
    one = lambda q, p=(): wh.sql(q + cond, [*p, *params]).item()  # noqa: E731
    hours = one("select coalesce(sum(attended_hours), 0) from fct_session_attendance "
                "where session_date <= ?", [day])  # fmt: skip
    online = one("select count(*) from fct_camera_health_daily where day = ? and heartbeats > 0"
                 " and uptime_share > 0", [day])  # fmt: skip
    cameras = one("select count(*) from fct_camera_health_daily where day = ?", [day])
    rate = one("select avg(passed::int) from fct_dq_results where true")
    return {
        "培训机构": str(one("select count(*) from dim_institution where true")),
        "在训班级": str(
            one(
                "select count(*) from dim_class where start_date <= ? and end_date >= ?", [day, day]
            )
        ),  # fmt: skip
        "报名人次": str(one("select count(*) from fct_enrolments where enrolled_on <= ?", [day])),
        "出勤学时": f"{hours:,.1f}",
        "摄像机在线": f"{online}/{cameras}",
        "数据质量通过率": "—" if rate is None else f"{rate:.1%}",
    }


def _roles(wh):
    return [("city", None), ("auditor", None), *[(f"d{d}", d) for d in wh.districts[:2]]]


def test_every_page_runs_for_every_role(app_env):
    for name, _ in _roles(app_env) + [(f"d{c}", c) for c in ("310151",)]:
        at = login(name)
        for page in PAGES:
            open_page(at, page)
            assert at.title, f"{name} {page}: no title"


@pytest.mark.parametrize("who", ["city", "district"])
def test_overview_shows_the_marts_numbers(app_env, who):
    district = app_env.districts[0] if who == "district" else None
    at = open_page(login(f"d{district}" if district else "city"), "overview")
    shown = metrics(at)
    for label, value in expected_overview(app_env, district).items():
        assert shown[label] == value, label
    for level, zh in (("red", "红"), ("orange", "橙"), ("yellow", "黄")):
        cond, params = _where(district)
        n = app_env.sql(
            "select count(*) from alerts where level = ? and status in ('new', 'acknowledged')"
            + cond,
            [level, *params],
        ).item()
        assert shown[f"未处理{zh}色预警"] == str(n)


def test_city_compares_the_districts_and_a_district_does_not(app_env):
    at = open_page(login("city"), "overview")
    assert "各区对比" in all_text(at)
    table = at.dataframe[-1].value
    expected = app_env.sql(
        "select d.district_code, coalesce(sum(s.enrolments), 0)::bigint n from dim_district d "
        "left join stats_district_occupation_month s using (district_code) group by 1 order by 1"
    )
    assert table["区代码"].tolist() == expected["district_code"].to_list()
    assert table["报名人次"].tolist() == expected["n"].to_list()
    district = app_env.districts[0]
    at = open_page(login(f"d{district}"), "overview")
    assert "各区对比" not in all_text(at)


@pytest.mark.parametrize("who", ["city", "district"])
def test_statistics_pivot_equals_the_marts(app_env, who):
    district = app_env.districts[1] if who == "district" else None
    at = open_page(login(f"d{district}" if district else "city"), "statistics")
    at.multiselect(key="stats_dims").set_value(["occupation"]).run()
    at.multiselect(key="stats_measures").set_value(["enrolments", "completed"]).run()
    assert not at.exception
    shown = at.dataframe[0].value
    cond, params = _where(district, "e.")
    expected = app_env.sql(
        "select c.occupation_name, count(*) n, sum(e.is_completed::int) done "
        "from fct_enrolments e join dim_class c using (class_key) where true"
        + cond
        + " group by 1 order by 1",
        params,
    )
    assert shown["职业（工种）"].tolist() == expected["occupation_name"].to_list()
    assert shown["报名人次"].tolist() == expected["n"].to_list()
    assert shown["结业人次"].tolist() == expected["done"].to_list()


@pytest.mark.parametrize("who", ["city", "district"])
def test_data_quality_shows_the_marts_numbers(app_env, who):
    district = app_env.districts[0] if who == "district" else None
    at = open_page(login(f"d{district}" if district else "city"), "quality")
    cond, params = _where(district)
    checks = app_env.sql(f"select count(*) from fct_dq_results where true{cond}", params).item()
    quarantined = app_env.sql(
        f"select count(*) from fct_quarantine where is_current{cond}", params
    ).item()
    shown = metrics(at)
    assert shown["检查项"] == str(checks)
    assert shown["隔离记录"] == str(quarantined)


def test_alert_list_is_sorted_by_risk_and_counts_the_open_alerts(app_env):
    at = open_page(login("city"), "alerts")
    open_alerts = app_env.sql(
        "select count(*) from alerts where status in ('new', 'acknowledged')"
    ).item()
    assert any(f"共 {open_alerts} 条预警" in c.value for c in at.caption)
    risk = at.dataframe[0].value["风险分"].fillna(-1).tolist()
    assert risk == sorted(risk, reverse=True)


@pytest.mark.parametrize("who", ["city", "district"])
def test_alert_list_names_every_rule_in_chinese_for_every_role(app_env, who):
    # a district user reads only its own rows of alert_rule_status: the names come from
    # the published catalogue (alert_rules), so the list never falls back to bare codes
    district = app_env.districts[0] if who == "district" else None
    at = open_page(login(f"d{district}" if district else "city"), "alerts")
    listed = at.dataframe[0].value
    assert not listed.empty
    names = dict(app_env.sql("select rule_code, rule_name_zh from alert_rules").rows())
    assert names["W08"] == "出勤不足仍申领"
    for code, name in zip(listed["规则"], listed["规则名称"], strict=True):
        assert name == names[code] != code
