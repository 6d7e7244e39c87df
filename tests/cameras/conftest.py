"""One tiny simulated city with its camera network, run once through the camera pipeline.

District simulator (tiny) -> camera simulator (2 sessions with frames, heartbeats, photos)
-> ingest (districts + heartbeats) -> frames -> photos -> health and coverage. The measured
precision/recall and count accuracy are printed at the end of the test run.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import pytest

from pipelines.cameras import tables
from pipelines.cameras.build import build_health_and_coverage
from pipelines.cameras.config import load_camera_config
from pipelines.cameras.frames import FrameRunSummary, process_frames
from pipelines.cameras.photos import process_photos
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io
from pipelines.settings import Settings, get_settings
from simulator import simulate
from simulator.cameras.simulate import simulate_cameras
from simulator.truth import truth_dir
from tests.cameras._report import REPORT


@dataclass
class CameraCity:
    out: Path
    settings: Settings
    summary: dict
    frames_run: FrameRunSummary
    photos_run: dict
    timings: dict

    def truth(self, name: str) -> pl.DataFrame:
        return pl.read_csv(truth_dir(self.out) / f"camera_{name}.csv", infer_schema_length=None)

    def table(self, name: str) -> pl.DataFrame:
        return delta_io.read(tables.silver(self.settings, name))


@pytest.fixture(scope="session")
def city(tmp_path_factory) -> CameraCity:
    root = tmp_path_factory.mktemp("cameras")
    out = root / "landing"
    timings = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SKILLWATCH_SECRET_KEY", "test-secret-key-for-pseudonyms")
        t = time.perf_counter()
        simulate(out, scale="tiny", seed=42)
        summary = simulate_cameras(out, seed=42, scale="tiny")
        timings["simulate"] = time.perf_counter() - t
        settings = get_settings(root / "warehouse", out)
        t = time.perf_counter()
        ingest(settings)
        timings["ingest"] = time.perf_counter() - t
        cfg = load_camera_config(env={})
        t = time.perf_counter()
        frames_run = process_frames(settings, cfg)
        timings["frames"] = time.perf_counter() - t
        t = time.perf_counter()
        photos_run = process_photos(settings, cfg)
        build_health_and_coverage(settings, cfg)
        timings["photos+health"] = time.perf_counter() - t
    REPORT["pipeline timings (s)"] = ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
    return CameraCity(out, settings, summary, frames_run, photos_run, timings)


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("camera pipeline on the simulated set")
        for k, v in REPORT.items():
            terminalreporter.write_line(f"{k}: {v}")
