"""E-learning exports (JSON Lines, city-level) get the same lossless ingest as district feeds."""

from __future__ import annotations

import datetime as dt
import json
import os

import polars as pl
import pytest

from pipelines.contract import CITY_CODE
from pipelines.district_feeds.conform import parse_duration
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io


def _export(landing, folder, name, records, when=dt.datetime(2026, 9, 2, 2, 0)):
    path = landing / "elearning" / folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records) + "\n")
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("0000:00:00", 0.0),
        ("00:30:05", 1805.0),
        ("0001:02:03.5", 3723.5),
        ("9999:59:59.99", 9999 * 3600 + 3599.99),
        ("12:00:00.25", 43200.25),
    ],
)
def test_scorm_session_time_is_read_as_seconds(value, seconds):
    out = pl.select(parse_duration(pl.lit(value))).item()
    assert out == pytest.approx(seconds)


@pytest.mark.parametrize("value", ["1:00:00", "00:60:00", "0001:00:61", "PT1H", "00:00:00.123"])
def test_malformed_scorm_session_time_is_rejected(value):
    assert pl.select(parse_duration(pl.lit(value))).item() is None


def test_elearning_exports_are_ingested_with_scorm_values_and_reasons(settings):
    _export(
        settings.landing,
        "courses",
        "courses_20260901.jsonl",
        [
            {
                "course_id": "K01",
                "title": "职业教育教学法",
                "hours": 4,
                "kind": "SCORM1.2",
                "public": False,
            },
            {
                "course_id": "V01",
                "title": "安全生产公益课",
                "hours": 1,
                "kind": "video",
                "public": True,
            },
        ],
    )
    _export(
        settings.landing,
        "events",
        "events_20260901.jsonl",
        [
            {
                "event_id": "E1",
                "learner_id": "JS001",
                "course_id": "K01",
                "sco_id": "sco1",
                "ts": "2026-09-01T08:00:00+08:00",
                "event": "launch",
            },
            {
                "event_id": "E2",
                "learner_id": "JS001",
                "course_id": "K01",
                "sco_id": "sco1",
                "ts": "2026-09-01T01:30:00Z",
                "event": "commit",
                "cmi.core.lesson_status": "completed",
                "cmi.core.session_time": "0001:30:00.00",
                "cmi.core.score.raw": "88",
            },
            {
                "event_id": "E3",
                "learner_id": "JS002",
                "course_id": "K01",
                "ts": "2026-09-01 09:00:00",
                "event": "commit",
                "cmi.core.lesson_status": "done",
                "cmi.core.session_time": "1:30",
            },
            {
                "event_id": "E4",
                "learner_id": "JS003",
                "course_id": "K99",
                "ts": "2026-09-01 09:00:00",
                "event": "launch",
            },
        ],
    )
    ingest(settings)

    register = delta_io.read(settings.deliveries)
    assert set(register["district_code"]) == {CITY_CODE}
    assert (register["rows_read"] == register["rows_accepted"] + register["rows_quarantined"]).all()

    events = delta_io.read(settings.bronze("elearning_events")).sort("event_id")
    assert events["event_id"].to_list() == ["E1", "E2"]
    commit = events.row(1, named=True)
    assert commit["session_time"] == 5400.0
    assert commit["lesson_status"] == "completed"
    assert commit["score_raw"] == 88.0
    # 01:30Z is 09:30 in Shanghai
    assert commit["ts"] == dt.datetime(2026, 9, 1, 9, 30)

    q = delta_io.read(settings.quarantine).sort("row_number")
    assert q["reason_detail"].to_list() == [
        "BAD_CODE:lesson_status; BAD_DURATION:session_time",
        "MISSING_REFERENCE:course_id",
    ]


def test_camera_heartbeats_are_keyed_by_camera_and_time(settings):
    beats = [
        {
            "camera_id": "CAM3101040001",
            "ts": "2026-09-01 18:00:00",
            "online": True,
            "rssi_dbm": -71,
        },
        {
            "camera_id": "CAM3101040001",
            "ts": "2026-09-01 18:01:00",
            "online": False,
            "rssi_dbm": -95,
        },
        {
            "camera_id": "CAM3101040001",
            "ts": "2026-09-01 18:01:00",
            "online": False,
            "rssi_dbm": -95,
        },
        {"camera_id": "CAM3101040002", "ts": "2026-09-01 18:00:00", "online": "Y", "rssi_dbm": 12},
    ]
    path = settings.landing / "heartbeats" / "hb_20260901.jsonl"
    path.parent.mkdir(parents=True)
    path.write_text("\n".join(json.dumps(b) for b in beats) + "\n")
    ingest(settings)
    bronze = delta_io.read(settings.bronze("heartbeats")).sort("ts")
    assert bronze.select("camera_id", "online").rows() == [
        ("CAM3101040001", True),
        ("CAM3101040001", False),
    ]
    q = delta_io.read(settings.quarantine).sort("row_number")
    assert q["reason_detail"].to_list() == [
        "DUPLICATE_KEY:camera_id+ts",
        "OUT_OF_RANGE:rssi_dbm",
    ]


def _beats_file(landing, day: dt.date, cameras: int = 3) -> None:
    """One day's heartbeats of a few cameras, every 5 minutes, delivered the next night."""
    rows = [
        {"camera_id": f"CAM310104{c:04d}", "ts": f"{day} {m // 60:02d}:{m % 60:02d}:00",
         "online": True, "rssi_dbm": -70}
        for c in range(1, cameras + 1) for m in range(0, 24 * 60, 5)
    ]  # fmt: skip
    path = landing / "heartbeats" / f"heartbeats_{day:%Y%m%d}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    when = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30)).timestamp()
    os.utime(path, (when, when))


def test_a_daily_run_touches_only_its_day_of_heartbeats(settings):
    """Heartbeats are the largest feed (~210 M rows a year): bronze is partitioned by the
    day of the key's timestamp, so a day's MERGE reads and writes that day only."""
    from deltalake import DeltaTable

    for day in (dt.date(2026, 10, 30), dt.date(2026, 10, 31)):
        _beats_file(settings.landing, day)
    ingest(settings)
    path = settings.bronze("heartbeats")
    assert delta_io.partition_columns(path) == ["ts_day"]
    october = set(DeltaTable(str(path)).file_uris())
    assert len(october) == 2 and {f.split("/ts_day=")[1][:10] for f in october} == {
        "2026-10-30", "2026-10-31"}  # fmt: skip

    _beats_file(settings.landing, dt.date(2026, 11, 1))  # the next night's delivery
    ingest(settings)
    table = DeltaTable(str(path))
    merges = [h for h in table.history() if h["operation"] == "MERGE"]
    assert merges, "the second run MERGEs into the existing table"
    metrics = merges[0]["operationMetrics"]  # history() is newest first
    assert metrics["num_target_files_scanned"] == 0  # October's files were not even read
    assert metrics["num_target_files_removed"] == 0
    assert october <= set(table.file_uris())  # ... nor rewritten
    bronze = delta_io.read(path)
    assert bronze.height == 3 * 3 * 288
    assert bronze.group_by("ts_day").len().sort("ts_day").rows() == [
        ("2026-10-30", 3 * 288),
        ("2026-10-31", 3 * 288),
        ("2026-11-01", 3 * 288),
    ]

    ingest(settings)  # a re-run changes nothing
    assert delta_io.read(path).height == 3 * 3 * 288
