"""Frames: tamper states, people count, bad inputs, unregistered cameras, idempotent re-runs."""

from __future__ import annotations

import polars as pl

from pipelines.cameras import tables
from pipelines.cameras.config import load_camera_config
from pipelines.cameras.frames import process_frames
from tests.cameras._report import REPORT


def _joined(city) -> pl.DataFrame:
    frames = city.table(tables.FRAMES).filter(pl.col("status") == "ok")
    truth = city.truth("frames").with_columns(
        source_path=pl.col("source_path").str.replace(r"#\d+$", "")
    )
    return frames.join(truth.unique("source_path"), on="source_path", how="inner")


def test_each_tamper_state_is_detected_on_altered_frames_and_not_on_clean_ones(city):
    j = _joined(city)
    lines = []
    for state in tables.STATES:
        detected = pl.col(state).fill_null(False)
        planted = pl.col("state") == state
        tp = j.filter(detected & planted).height
        fp = j.filter(detected & ~planted).height
        fn = j.filter(~detected & planted).height
        precision = tp / (tp + fp) if tp + fp else 1.0
        recall = tp / (tp + fn) if tp + fn else 1.0
        lines.append(f"{state} P={precision:.2f} R={recall:.2f} (TP {tp} FP {fp} FN {fn})")
        assert tp + fn >= 3, f"{state}: too few planted frames to judge"
        assert precision >= 0.9 and recall >= 0.9, lines[-1]
    clean = j.filter(pl.col("state") == "clean")
    flagged = clean.filter(pl.col("tamper_states") != "").height
    REPORT["tamper states"] = "; ".join(lines) + f"; clean frames flagged {flagged}/{clean.height}"
    assert flagged <= 0.02 * clean.height


def test_people_count_is_within_one_of_the_truth_on_most_frames(city):
    counted = _joined(city).filter(
        pl.col("people_count").is_not_null() & (pl.col("state") == "clean")
    )
    err = (counted["people_count"] - counted["n_faces"]).abs()
    within = float((err <= 1).mean())
    exact = float((err == 0).mean())
    REPORT["people count"] = (
        f"{counted.height} counted frames: exact {exact:.0%}, within ±1 {within:.0%}"
    )
    assert counted.height >= 40
    assert within >= 0.85


def test_people_are_counted_on_every_nth_frame_only(city):
    ok = city.table(tables.FRAMES).filter(pl.col("status") == "ok")
    counted = ok.filter(pl.col("people_count").is_not_null()).height
    every = load_camera_config(env={}).count_every
    assert counted <= ok.height / every + 10
    assert (
        ok.filter(pl.col("tamper_states") != "")["people_count"].null_count()
        == ok.filter(pl.col("tamper_states") != "").height
    )


def test_bad_inputs_are_recorded_with_their_reason_never_dropped(city):
    files = city.table(tables.FILES)
    bad = city.truth("bad_inputs").filter(pl.col("source_path").str.starts_with("frames/"))
    got = bad.join(files, on="source_path", how="left")
    assert got["status"].to_list() == ["rejected"] * bad.height
    assert got["reason"].to_list() == got["expected_reason"].to_list()
    frames = city.table(tables.FRAMES)
    rows = bad.join(frames, on="source_path", how="left")
    assert rows["status"].to_list() == ["rejected"] * bad.height
    REPORT["bad frame files"] = ", ".join(
        f"{r}:{n}" for r, n in sorted(files.group_by("reason").len().drop_nulls().iter_rows())
    )


def test_files_seen_equal_ok_plus_rejected(city):
    run = city.frames_run
    assert run.files_seen == run.files_ok + run.files_rejected == run.files_new
    files = city.table(tables.FILES)
    assert files.height == run.files_seen
    assert set(files["status"]) == {"ok", "rejected"}


def test_frames_of_an_unregistered_camera_are_analysed_and_reported(city):
    unregistered = city.summary["unregistered_camera"]
    assert unregistered in city.frames_run.unregistered_cameras
    rows = city.table(tables.FRAMES).filter(pl.col("camera_id") == unregistered)
    assert rows.height == 6  # three snapshots and three samples of one .mp4 segment
    assert rows["status"].to_list() == ["ok"] * 6
    assert not rows["registered"].any()
    video = rows.filter(pl.col("source_kind") == "video").sort("offset_s")
    assert video["offset_s"].to_list() == [0.0, 60.0, 120.0]


def test_images_and_thumbnails_are_in_the_content_addressed_store(city):
    ok = city.table(tables.FRAMES).filter(pl.col("status") == "ok").head(20)
    wh = city.settings.warehouse
    for sha, image, thumb in ok.select("image_sha256", "image_path", "thumb_path").iter_rows():
        assert image == f"images/{sha[:2]}/{sha}.jpg" and (wh / image).is_file()
        assert thumb == f"thumbs/{sha[:2]}/{sha}.jpg" and (wh / thumb).is_file()


def test_rerun_processes_nothing_new(city):
    before = city.table(tables.FRAMES).height
    again = process_frames(city.settings, load_camera_config(env={}))
    assert again.files_new == 0 and again.frames_ok == 0
    assert city.table(tables.FRAMES).height == before


def test_implausible_capture_times_are_flagged_analysed_and_kept(city):
    planted = city.truth("time_flags")
    assert set(planted["expected_flag"]) >= {"CLOCK_RESET", "FUTURE"}
    got = planted.join(city.table(tables.FRAMES), on="source_path", how="left")
    assert got["status"].to_list() == ["ok"] * planted.height
    assert got["time_flag"].to_list() == got["expected_flag"].to_list()
    assert got["brightness"].null_count() == 0 and got["phash_hex"].null_count() == 0
    assert city.frames_run.time_flags == dict(planted.group_by("expected_flag").len().rows())


def test_a_backlog_uploaded_a_week_late_is_analysed_like_any_other(city):
    backlog = city.summary["backlog_camera"]
    rows = city.table(tables.FRAMES).filter(
        (pl.col("camera_id") == backlog)
        & pl.col("time_flag").is_null()
        & (pl.col("status") == "ok")
    )
    delay = (rows["source_mtime"] - rows["captured_at"]).dt.total_days()
    assert rows.height >= 60 and (delay >= 7).all()
    assert rows.filter(pl.col("tamper_states") != "").height >= 10  # its planted episodes
