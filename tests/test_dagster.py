"""The code location loads, and its bronze assets materialise in-process."""

from __future__ import annotations

import dagster as dg
from delivery_factory import id_number, write_delivery

from pipelines.definitions import defs
from pipelines.district_feeds.assets import (
    DELIVERIES,
    bronze_key,
    daily_ingest_schedule,
    district_feeds_bronze,
    new_deliveries_sensor,
)
from pipelines.lib import delta_io
from pipelines.resources import SkillWatchResource


def test_definitions_load_with_bronze_assets_grouped_by_source():
    repo = defs.get_repository_def()
    graph = repo.asset_graph
    keys = set(graph.get_all_asset_keys())
    for feed in ("institutions", "classes", "sessions", "attendance", "cameras"):
        assert bronze_key(feed) in keys
    assert graph.get(bronze_key("attendance")).group_name == "district_feeds"
    assert repo.get_sensor_def(new_deliveries_sensor.name)
    assert repo.get_schedule_def(daily_ingest_schedule.name).cron_schedule == "30 3 * * *"


def test_bronze_assets_materialise_in_process(settings):
    write_delivery(
        settings.landing,
        "310115",
        "institutions",
        "i.csv",
        [
            {
                "institution_id": "JG9",
                "uscc": "91310104MA1FL0000M",
                "name": "上海浦东培训学校",
                "district_code": "310115",
                "status": "正常",
            }
        ],
    )
    write_delivery(
        settings.landing,
        "310115",
        "teachers",
        "t.jsonl",
        [
            {
                "teacher_id": "JS9",
                "id_number": id_number("31011519800101123"),
                "name": "赵老师",
                "institution_id": "JG9",
                "occupation_code": "4-10-01-05",
            }
        ],
        fmt="jsonl",
    )
    resource = SkillWatchResource(warehouse=str(settings.warehouse), landing=str(settings.landing))
    result = dg.materialize([district_feeds_bronze], resources={"skillwatch": resource})
    assert result.success
    events = {
        m.asset_key: m.metadata
        for m in result.asset_materializations_for_node("district_feeds_bronze")
    }
    assert events[bronze_key("teachers")]["rows_accepted"].value == 1
    assert events[DELIVERIES]["files_new"].value == 2
    assert delta_io.read(settings.bronze("teachers"))["teacher_id"].to_list() == ["JS9"]


def test_sensor_requests_a_run_for_new_files_only_once(settings):
    resource = SkillWatchResource(warehouse=str(settings.warehouse), landing=str(settings.landing))
    ctx = dg.build_sensor_context(resources={"skillwatch": resource})
    assert isinstance(new_deliveries_sensor(ctx), dg.SkipReason)
    write_delivery(
        settings.landing,
        "310101",
        "inspections",
        "x.csv",
        [
            {
                "inspection_id": "CC1",
                "target_kind": "班级",
                "target_id": "BJ1",
                "inspected_on": "2026-09-01",
                "result": "合格",
            }
        ],
    )
    first = new_deliveries_sensor(ctx)
    assert isinstance(first, dg.RunRequest)
    ctx2 = dg.build_sensor_context(cursor=ctx.cursor, resources={"skillwatch": resource})
    assert isinstance(new_deliveries_sensor(ctx2), dg.SkipReason)


def test_every_job_of_the_code_location_resolves():
    repo = defs.get_repository_def()
    for job in repo.get_all_jobs():
        assert job.name
