"""Roll-ups (day/week/month x class/institution/district/city) and escalation count right."""

from __future__ import annotations

import datetime as dt

import polars as pl

D = "310101"


def finding(rule, level, cls, inst, on, scope="class", district=D):
    return dict(finding_id=f"{rule}{cls}{inst}{on}{level}", rule_code=rule, level=level,
                scope=scope, district_code=district, institution_id=inst, class_id=cls,
                session_id=None, enrolment_id=None, subject_id=None,
                event_date=dt.date.fromisoformat(on), evidence=f"{rule} {cls} {on}")  # fmt: skip


def build(mart, compiled, rows) -> pl.DataFrame:
    mart.add("marts.alert_findings", rows)
    mart.con.execute(
        f"create table dbt.alerts.int_alerts__escalations as {compiled['int_alerts__escalations']}"
    )
    return mart.run(compiled["alert_candidates"])


def test_class_alerts_roll_up_by_period_and_level(mart, compiled):
    rows = [
        finding("W03", "orange", "C1", "JG1", "2026-09-07"),  # Monday
        finding("W03", "red", "C1", "JG1", "2026-09-08"),  # same week, next day
        finding("W03", "orange", "C2", "JG1", "2026-09-08"),
        finding("W03", "orange", "C3", "JG2", "2026-09-15"),  # next week, other institution
    ]
    out = build(mart, compiled, rows)
    w03 = out.filter(pl.col("rule_code") == "W03")
    n = dict(
        w03.group_by("scope", "period")
        .len()
        .select(pl.concat_str("scope", "period", separator="/"), "len")
        .iter_rows()
    )
    # class: C1 two days + C2 + C3 = 4 days; weeks: C1, C2 (week 1), C3 (week 2); months: 3
    assert n["class/day"] == 4 and n["class/week"] == 3 and n["class/month"] == 3
    # institution JG1 two days, JG2 one; district and city one per day / week / month
    assert n["institution/day"] == 3 and n["institution/week"] == 2 and n["institution/month"] == 2
    assert n["district/day"] == 3 and n["district/week"] == 2 and n["district/month"] == 1
    assert n["city/month"] == 1
    week = w03.filter((pl.col("scope") == "institution") & (pl.col("period") == "week")
                      & (pl.col("institution_id") == "JG1"))  # fmt: skip
    assert week["level"][0] == "red" and week["findings"][0] == 3
    assert week["period_start"][0] == dt.date(2026, 9, 7)
    city = w03.filter((pl.col("scope") == "city") & (pl.col("period") == "month"))
    assert city["findings"][0] == 4 and city["district_code"][0] == "310000"
    assert out["alert_id"].n_unique() == out.height


def test_institution_with_three_red_class_alerts_in_30_days_escalates(mart, compiled):
    rows = [
        finding("W01", "red", "C1", "JG1", "2026-09-01"),
        finding("W08", "red", "C2", "JG1", "2026-09-10"),
        finding("W10", "red", "C3", "JG1", "2026-09-30"),  # third within 30 days of 09-01
        # near miss: JG2's third red alert comes on day 31
        finding("W01", "red", "C4", "JG2", "2026-09-01"),
        finding("W08", "red", "C5", "JG2", "2026-09-10"),
        finding("W10", "red", "C6", "JG2", "2026-10-01"),
        # orange alerts never count
        finding("W09", "orange", "C7", "JG3", "2026-09-01"),
        finding("W09", "orange", "C7", "JG3", "2026-09-02"),
        finding("W09", "orange", "C7", "JG3", "2026-09-03"),
    ]
    out = build(mart, compiled, rows)
    x01 = out.filter((pl.col("rule_code") == "X01") & (pl.col("period") == "day"))
    assert list(x01["institution_id"]) == ["JG1"]
    assert x01["scope"][0] == "institution" and x01["level"][0] == "red"
    assert x01["period_start"][0] == dt.date(2026, 9, 30)
    assert out.filter(pl.col("rule_code") == "X02").is_empty()  # one institution < 3


def test_district_escalates_when_three_institutions_do(mart, compiled):
    rows = []
    for inst in ("JG1", "JG2", "JG3"):
        for k, d in enumerate(("2026-09-01", "2026-09-02", "2026-09-03")):
            rows.append(finding("W01", "red", f"{inst}C{k}", inst, d))
    out = build(mart, compiled, rows)
    x02 = out.filter((pl.col("rule_code") == "X02") & (pl.col("period") == "day"))
    assert x02.height == 1 and x02["scope"][0] == "district"
