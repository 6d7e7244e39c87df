"""Heartbeats are identified by (camera_id, ts) together: the suite's uniqueness check uses the
feed's whole key (Feed.keys), so a camera's heartbeat every five minutes is not a duplicate."""

from __future__ import annotations

import json

import polars as pl

from expectations.checks import feed_checks
from expectations.validate import validate_delivery
from pipelines.contract import ALL_FEEDS, CAMERA_FEEDS
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io
from pipelines.settings import get_settings

CHECK = "unique_key:camera_id+ts"


def _heartbeats(path, rows) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps({"camera_id": c, "ts": ts, "online": True, "rssi_dbm": -80}) for c, ts in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_every_feed_checks_uniqueness_on_its_whole_key():
    for feed in ALL_FEEDS.values():
        names = [s.name for s in feed_checks(feed)]
        assert f"unique_key:{'+'.join(feed.keys)}" in names, feed.name
    assert CAMERA_FEEDS["heartbeats"].keys == ["camera_id", "ts"]


def test_repeated_camera_ids_pass_and_a_repeated_camera_and_time_fails(tmp_path, monkeypatch):
    monkeypatch.setenv("SKILLWATCH_SECRET_KEY", "test-secret-key-for-pseudonyms")
    settings = get_settings(tmp_path / "wh", tmp_path / "landing")
    hb = settings.landing / "heartbeats"
    distinct = [
        ("CAM3101010001", "2026-09-01 09:00:00"),
        ("CAM3101010001", "2026-09-01 09:05:00"),
        ("CAM3101010001", "2026-09-01 09:10:00"),
        ("CAM3101010002", "2026-09-01 09:00:00"),
        ("CAM3101010002", "2026-09-01 09:05:00"),
    ]
    _heartbeats(hb / "heartbeats_20260901.jsonl", distinct)
    repeated = [
        ("CAM3101010003", "2026-09-02 09:00:00"),
        ("CAM3101010003", "2026-09-02 09:05:00"),
        ("CAM3101010003", "2026-09-02 09:00:00"),  # the first heartbeat sent again
    ]
    _heartbeats(hb / "heartbeats_20260902.jsonl", repeated)
    ingest(settings)
    register = delta_io.read(settings.deliveries).filter(pl.col("feed") == "heartbeats")
    assert register.height == 2
    results = {
        row["file"]: {r.check: r for r in validate_delivery(settings, row)}
        for row in register.iter_rows(named=True)
    }
    ok = next(r for f, r in results.items() if f.endswith("20260901.jsonl"))
    bad = next(r for f, r in results.items() if f.endswith("20260902.jsonl"))
    assert ok[CHECK].passed and ok[CHECK].rows_checked == len(distinct)
    assert ok[CHECK].failing_rows == []
    assert not bad[CHECK].passed
    assert bad[CHECK].failing_rows == [1, 3]  # GX flags every occurrence of the repeated key
    assert bad[CHECK].rows_checked == len(repeated)
