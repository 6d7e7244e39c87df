"""Plays of the public course player, written as deliveries of the e-learning plays feed.

Each play becomes one JSON Lines file in ``<landing>/elearning/plays/``, in the feed's own
columns (play_id, course_id, viewer_id, started_at, watched_seconds, duration_seconds,
device), so the next run ingests it like the e-learning system's exports and the same
statistics count it. The viewer is an anonymous id for the browser session: the public
player asks nobody who they are.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.settings import Settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
MEDIA_SUFFIXES = (".mp4", ".webm")


def media_dir(settings: Settings) -> Path:
    """Where operators put the public courses' video files, named <course_id>.mp4|webm
    (H.264 MP4 or WebM: what Chromium plays)."""
    return settings.warehouse / "media" / "public_courses"


def course_media(settings: Settings, course_id: str) -> Path | None:
    for suffix in MEDIA_SUFFIXES:
        path = media_dir(settings) / f"{course_id}{suffix}"
        if path.exists():
            return path
    return None


def media_seconds(path: Path) -> int:
    import cv2

    capture = cv2.VideoCapture(str(path))
    try:
        frames, fps = capture.get(cv2.CAP_PROP_FRAME_COUNT), capture.get(cv2.CAP_PROP_FPS)
    finally:
        capture.release()
    return max(1, round(frames / fps)) if fps else 1


def placeholder_clip(course_id: str, seconds: int = 20, fps: int = 5) -> bytes:
    """A title card clip for a course whose video file is not there yet (the e-learning
    export carries no media): the player stays usable and says so on screen."""
    import tempfile

    import cv2
    import numpy as np

    size = (480, 270)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "clip.webm"
        writer = cv2.VideoWriter(str(out), cv2.VideoWriter_fourcc(*"VP80"), fps, size)
        try:
            for i in range(seconds * fps):
                frame = np.full((size[1], size[0], 3), (90, 60, 20), np.uint8)
                cv2.putText(
                    frame,
                    f"SkillWatch {course_id}",
                    (30, 120),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    1.0,
                    (255, 255, 255),
                    2,
                    cv2.LINE_AA,
                )
                cv2.putText(
                    frame,
                    f"placeholder video  {i // fps:02d}s / {seconds}s",
                    (30, 170),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    0.6,
                    (220, 220, 220),
                    1,
                    cv2.LINE_AA,
                )
                writer.write(frame)
        finally:
            writer.release()
        return out.read_bytes()


def device_of(user_agent: str | None) -> str:
    ua = (user_agent or "").lower()
    return "mobile" if any(k in ua for k in ("mobile", "android", "iphone", "ipad")) else "pc"


def new_viewer_id() -> str:
    return "GZAPP" + uuid.uuid4().hex[:10].upper()


def record_play(
    settings: Settings,
    course_id: str,
    viewer_id: str,
    started_at: dt.datetime,
    watched_seconds: int,
    duration_seconds: int,
    device: str,
) -> Path:
    """Write one play as a delivery of the plays feed; returns the file."""
    play_id = "PLAPP" + uuid.uuid4().hex[:12].upper()
    row = {
        "play_id": play_id,
        "course_id": course_id,
        "viewer_id": viewer_id,
        "started_at": started_at.astimezone(SHANGHAI).isoformat(timespec="seconds"),
        "watched_seconds": max(0, min(int(watched_seconds), int(duration_seconds))),
        "duration_seconds": int(duration_seconds),
        "device": device,
    }
    folder = settings.landing / "elearning" / "plays"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"plays_app_{started_at:%Y%m%d}_{play_id}.jsonl"
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(row, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # a run never picks up half a file
    return path
