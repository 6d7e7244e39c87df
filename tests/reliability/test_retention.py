"""Retention: old images go unless an open alert cites them; Delta vacuum keeps the data."""

from __future__ import annotations

import datetime as dt
import os
import shutil

import polars as pl
import pytest
from reliability_warehouse import small_warehouse

from pipelines import retention
from pipelines.alerts import store
from pipelines.cameras import tables
from pipelines.lib import delta_io
from pipelines.settings import get_settings

NOW = dt.datetime(2027, 12, 1, 9, 0)


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return small_warehouse(tmp_path_factory.mktemp("reliability_wh"))


@pytest.fixture
def settings(wh, tmp_path):
    shutil.copytree(wh.settings.warehouse, tmp_path / "warehouse")
    return get_settings(tmp_path / "warehouse", wh.landing)


def _alert(alert_id: str, camera: str, cause_present: bool) -> dict:
    at = dt.datetime(2026, 9, 10, 8, 0)
    return {
        "alert_id": alert_id, "rule_code": "W11", "level": "yellow", "scope": "class",
        "district_code": "310104", "institution_id": "I1041", "class_id": "C1041",
        "period": "2026-09-09", "period_start": dt.date(2026, 9, 9),
        "evidence": f"摄像头 {camera} 2026-09-09 18:00 起无画面（遮挡）",
        "first_seen_at": at, "last_seen_at": at, "cause_present": cause_present,
        "updated_at": at,
    }  # fmt: skip


def _images_of(settings, camera: str) -> set[str]:
    frames = delta_io.read(settings.silver(tables.FRAMES))
    return set(frames.filter(pl.col("camera_id") == camera)["image_sha256"].drop_nulls())


def _stored(settings) -> dict[str, list]:
    out: dict[str, list] = {}
    for folder in retention.IMAGE_DIRS:
        for p in (settings.warehouse / folder).rglob("*.*"):
            out.setdefault(p.name.split(".")[0], []).append(p)
    return out


def test_old_images_go_except_those_an_open_alert_cites(settings, wh):
    cited_cam, other_cam = wh.camera_ids
    cited, other = _images_of(settings, cited_cam), _images_of(settings, other_cam)
    assert cited and other and not cited & other
    register = pl.DataFrame(
        [
            _alert("a-open", cited_cam, True),  # new: open
            _alert("a-dismissed", other_cam, True),  # dismissed below: no longer protects
            _alert("a-gone", other_cam, False),  # cause gone: resolved
        ],
        schema=store.REGISTER_SCHEMA,
    )
    delta_io.replace(store.register_path(settings), register)
    store.dismiss(settings, "a-dismissed", "analyst.wu", "duplicate of a-open")
    stored = _stored(settings)
    old = (NOW - dt.timedelta(days=500)).timestamp()
    young_sha = sorted(other)[0]  # one of the uncited camera's images stays young
    for sha, paths in stored.items():
        for p in paths:
            if sha != young_sha:
                os.utime(p, (old, old))

    dry = retention.apply(settings, retention.RetentionPolicy(30, 400), now=NOW, dry_run=True)
    assert dry.images_removed and _stored(settings) == stored  # a dry run removes nothing

    summary = retention.apply(settings, retention.RetentionPolicy(30, 400), now=NOW)
    left = _stored(settings)
    assert cited <= left.keys()  # the open alert's evidence stays, originals and thumbnails
    assert all(len(left[s]) == len(stored[s]) for s in cited)
    assert young_sha in left  # young: inside the window
    assert not (other - {young_sha}) & left.keys()  # old and uncited: gone
    assert summary.images_kept_for_alerts == sum(len(stored[s]) for s in cited)
    assert len(summary.images_removed) == sum(len(stored[s]) for s in other - {young_sha})


def test_cited_photos_and_shas_are_protected():
    alerts = pl.DataFrame(
        {
            "status": ["new", "acknowledged", "resolved"],
            "evidence": [
                "签到记录 R1 的照片 P-0001 与签到记录 R2 的照片 P-0002 为同一图像",
                "image " + "ab" * 32,
                "照片 P-0003",
            ],
        }
    )
    photos = pl.DataFrame(
        {"photo_id": ["P-0001", "P-0002", "P-0003"], "sha256": ["s1", "s2", "s3"]}
    )
    frames = pl.DataFrame({"camera_id": ["CAM1"], "image_sha256": ["s9"]})
    shas = retention.protected_shas(retention.cited_tokens(alerts), photos, frames)
    assert shas == {"s1", "s2", "ab" * 32}  # P-0003's alert is resolved; CAM1 not cited


def test_vacuum_removes_only_files_the_current_version_does_not_use(settings):
    path = settings.lake / "retention_probe"
    delta_io.replace(path, pl.DataFrame({"k": [1, 2]}))
    delta_io.replace(path, pl.DataFrame({"k": [3]}))
    files = lambda: {p.name for p in path.glob("*.parquet")}  # noqa: E731
    before = files()
    assert len(before) == 2
    _, removed = retention.vacuum_lake(settings.lake, retention_days=30)
    assert removed == 0 and files() == before  # inside the window: time travel still works
    bronze = delta_io.read(settings.bronze("attendance"))
    _, removed = retention.vacuum_lake(settings.lake, retention_days=0)
    assert removed >= 1 and len(files()) == 1
    assert delta_io.read(path)["k"].to_list() == [3]
    assert delta_io.read(settings.bronze("attendance")).equals(bronze)
