"""The Dagster side: definitions load, the sensor's cursor, a real materialisation."""

from __future__ import annotations

import dagster as dg
import polars as pl

from pipelines.cameras import assets, tables
from pipelines.district_feeds.assets import district_feeds_bronze
from pipelines.resources import SkillWatchResource


def test_camera_assets_load_beside_the_bronze_assets():
    defs = dg.Definitions(
        assets=[district_feeds_bronze, *assets.ASSETS],
        jobs=assets.JOBS,
        sensors=assets.SENSORS,
        resources={"skillwatch": SkillWatchResource()},
    )
    keys = defs.resolve_asset_graph().get_all_asset_keys()
    for t in (tables.FRAMES, tables.HEALTH, tables.COVERAGE, tables.PHOTO_REUSE):
        assert dg.AssetKey(["silver", t]) in keys
    assert defs.resolve_job_def("camera_network")


def test_sensor_requests_a_run_once_per_change(city):
    resource = SkillWatchResource(
        warehouse=str(city.settings.warehouse), landing=str(city.settings.landing)
    )
    ctx = dg.build_sensor_context(resources={"skillwatch": resource})
    first = assets.camera_files_sensor(ctx)
    assert isinstance(first, dg.RunRequest)
    ctx2 = dg.build_sensor_context(cursor=ctx.cursor, resources={"skillwatch": resource})
    assert isinstance(assets.camera_files_sensor(ctx2), dg.SkipReason)


def test_health_asset_materialises_on_the_simulated_warehouse(city):
    resource = SkillWatchResource(
        warehouse=str(city.settings.warehouse), landing=str(city.settings.landing)
    )
    result = dg.materialize([assets.camera_health], resources={"skillwatch": resource})
    assert result.success
    cov = city.table(tables.COVERAGE)
    assert cov.filter(pl.col("frames") > 0).height == len(city.summary["sessions_with_frames"])
