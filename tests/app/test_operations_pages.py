"""线上培训, 设备运维, 课件库 and 服务台 (issue 13's areas) on a warehouse built from
hand-written deliveries of their feeds: each page shows the published marts' numbers, lists
its rule family's alerts, keeps a district user to their district, and never shows the
personal data planted in free text."""

from __future__ import annotations

import shutil
import sys

import duckdb
import polars as pl
import pytest
from app_helpers import PASSWORD, REPO, all_text, login, metrics, open_page

for folder in ("tests", "tests/operations", "tests/courseware"):
    if str(REPO / folder) not in sys.path:
        sys.path.insert(0, str(REPO / folder))

from ops_build import build_ops_warehouse  # noqa: E402
from ops_deliveries import PLANTED_ID, PLANTED_IP, PLANTED_NAMES, PLANTED_PHONES, D  # noqa: E402
from packages import aicc_set, traversal, valid_scorm12  # noqa: E402

from pipelines.app_users import add_user  # noqa: E402

OTHER = "310104"  # a district with one ticket and nothing else
CLEAR = (*PLANTED_NAMES, *PLANTED_PHONES, PLANTED_ID, PLANTED_IP)


def _courseware(folder):
    valid_scorm12(folder / "JX013.zip")
    aicc_set(folder / "JX007.zip")
    shutil.copy(folder / "JX013.zip", folder / "JX013_副本.zip")  # an exact duplicate
    traversal(folder / "JX099.zip")  # an entry that climbs out: rejected


@pytest.fixture(scope="module")
def ops_app(tmp_path_factory):
    built = build_ops_warehouse(tmp_path_factory.mktemp("ops_app"), add_courseware=_courseware)
    users = built.settings.warehouse / "users.yaml"
    add_user(users, "city", "city", PASSWORD)
    add_user(users, f"d{D}", "district", PASSWORD, D)
    add_user(users, f"d{OTHER}", "district", PASSWORD, OTHER)
    return built.settings, users


@pytest.fixture
def ops_env(ops_app, monkeypatch):
    settings, users = ops_app
    monkeypatch.setenv("SKILLWATCH_WAREHOUSE", str(settings.warehouse))
    monkeypatch.setenv("SKILLWATCH_USERS", str(users))
    monkeypatch.setenv("SKILLWATCH_LANDING", str(settings.landing))
    monkeypatch.delenv("SKILLWATCH_DUCKDB", raising=False)

    def sql(query: str, params: list | None = None) -> pl.DataFrame:
        with duckdb.connect(str(settings.duckdb_path), read_only=True) as con:
            return pl.from_arrow(con.execute(query, params or []).to_arrow_table())

    return sql


def _codes_listed(at) -> set[str]:
    return {
        code for frame in at.dataframe if "rule_code" in frame.value.columns
        for code in frame.value["rule_code"]
    }  # fmt: skip


@pytest.mark.parametrize("who", ["city", f"d{D}"])
def test_online_page_shows_the_records_and_the_o_rules(ops_env, who):
    at = open_page(login(who), "online")
    shown = metrics(at)
    records, learners, hours = ops_env(
        "select count(*), count(distinct person_pseudo), round(sum(credited_hours), 1) "
        "from fct_online_learning"
    ).row(0)
    assert records > 0
    assert shown["学习记录"] == str(records)
    assert shown["学员"] == str(learners)
    assert shown["计入学时"] == f"{hours:,.1f}"
    published = set(
        ops_env("select distinct rule_code from alerts where rule_code like 'O%' "
                "and scope in ('class', 'institution')")["rule_code"]
    )  # fmt: skip
    assert published == {"O01", "O02", "O03", "O04"}
    assert _codes_listed(at) == published
    # the per-class table holds the 混合 class with both kinds of hours
    classes = next(f.value for f in at.dataframe if "online_hours" in f.value.columns)
    assert set(classes["class_mode"]) == {"混合"}
    assert (classes["online_hours"] > 0).all()


def test_devices_page_counts_open_orders_sla_and_patrol_coverage(ops_env):
    at = open_page(login("city"), "devices", sections=False)
    shown = metrics(at)
    open_orders = ops_env("select count(*) from fct_work_orders where is_open").item()
    assert shown["未完成工单"] == str(open_orders)
    installed, patrolled = ops_env(
        "select sum(installed_cameras), sum(patrolled_cameras) from stats_patrol_coverage"
    ).row(0)
    assert installed >= 3  # CAM1011 and the two installed long ago
    assert shown["巡检覆盖率"] == f"{patrolled / installed:.1%}"
    within = ops_env(
        "select sum(share_within_sla * repairs_opened) / sum(repairs_opened) "
        "from stats_repair_times_monthly"
    ).item()
    assert shown["时限内修复"] == f"{within:.1%}"
    assert _codes_listed(at) == {"D01", "D02"}
    # the never-patrolled camera is on the to-do list, which opens on request
    assert not [f for f in at.dataframe if "patrol_due_on" in f.value.columns]
    assert any(e.label.startswith("待巡检摄像机") for e in at.expander)
    at = open_page(at, "devices")
    due = next(f.value for f in at.dataframe if "patrol_due_on" in f.value.columns)
    assert "CAM1012" in set(due["camera_id"])


def test_courseware_page_lists_every_package_with_its_problems(ops_env):
    at = open_page(login("city"), "courseware")
    shown = metrics(at)
    assert shown["课件包"] == "4"
    assert shown["拒收"] == "1"
    assert shown["重复"] == "1"
    catalogue = next(f.value for f in at.dataframe if "package_file" in f.value.columns)
    assert set(catalogue["package_file"]) == {
        "JX013.zip",
        "JX007.zip",
        "JX013_副本.zip",
        "JX099.zip",
    }
    findings = next(f.value for f in at.dataframe if "finding_code" in f.value.columns)
    assert "JX099.zip" in set(findings["package_file"])
    # the status filter narrows the catalogue to the rejected package
    rejected = ops_env(
        "select package_status_zh from mart_courseware_catalogue where package_file = 'JX099.zip'"
    ).item()
    at.multiselect(key="courseware_status").select(rejected).run()
    catalogue = next(f.value for f in at.dataframe if "package_file" in f.value.columns)
    assert list(catalogue["package_file"]) == ["JX099.zip"]


def test_service_desk_page_counts_tickets_and_shows_no_clear_personal_data(ops_env):
    at = open_page(login("city"), "servicedesk")
    shown = metrics(at)
    tickets, repeats = ops_env("select count(*), sum(is_repeat::int) from fct_tickets").row(0)
    assert tickets >= 5
    assert shown["工单"] == str(tickets)
    assert shown["重复问题"] == str(repeats)
    text = all_text(at)
    assert "张*" in text  # the masked form of the planted name is what is shown
    assert not [c for c in CLEAR if c in text]
    at.radio(key="desk_split").set_value("category").run()
    assert not at.exception


def test_a_district_user_sees_only_their_district_and_the_shared_library(ops_env):
    at = open_page(login(f"d{OTHER}"), "servicedesk")
    assert metrics(at)["工单"] == "1"  # the one ticket of 310104, none of 310101's
    assert D not in all_text(at)
    at = open_page(at, "online")
    assert metrics(at)["学习记录"] == "0"
    assert not _codes_listed(at)
    at = open_page(at, "devices")
    assert metrics(at)["未完成工单"] == "0"
    assert not _codes_listed(at)
    # the courseware library is the city's, one for every district
    at = open_page(at, "courseware")
    assert metrics(at)["课件包"] == "4"
