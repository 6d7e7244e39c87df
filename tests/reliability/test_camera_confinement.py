"""Camera frames and check-in photos: links and special files are refused, never read."""

from __future__ import annotations

import os

from pipelines.cameras.layout import PathReason, discover_frames, discover_photos


def test_linked_frames_photos_and_folders_are_refused_and_listed(tmp_path):
    landing, outside = tmp_path / "landing", tmp_path / "outside"
    day = landing / "frames" / "CAM001" / "20260909"
    day.mkdir(parents=True)
    (landing / "photos").mkdir()
    outside.mkdir()
    (outside / "180000.jpg").write_bytes(b"\xff\xd8 not ours")
    (day / "180000.jpg").write_bytes(b"\xff\xd8")
    (day / "183000.jpg").symlink_to("/etc/passwd")
    (day / "190000.jpg").symlink_to(day / "180000.jpg")
    (landing / "frames" / "CAM002").symlink_to(outside, target_is_directory=True)
    os.mkfifo(day / "193000.jpg")
    (landing / "photos" / "P1.jpg").symlink_to(outside / "180000.jpg")
    (landing / "photos" / "P2.jpg").write_bytes(b"\xff\xd8")

    frames = {f.rel: f for f in discover_frames(landing)}
    refused = {rel for rel, f in frames.items() if f.problem == PathReason.REFUSED}
    assert refused == {
        "frames/CAM001/20260909/183000.jpg",
        "frames/CAM001/20260909/190000.jpg",
        "frames/CAM001/20260909/193000.jpg",
        "frames/CAM002",
    }
    assert frames["frames/CAM001/20260909/180000.jpg"].problem is None
    assert all("never read" in frames[rel].detail for rel in refused)
    # a link's own size, not its target's (the target is never looked at)
    assert frames["frames/CAM001/20260909/183000.jpg"].size == len("/etc/passwd")

    photos = {f.rel: f for f in discover_photos(landing)}
    assert photos["photos/P1.jpg"].problem == PathReason.REFUSED
    assert photos["photos/P2.jpg"].problem is None
