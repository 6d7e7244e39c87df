"""Where camera files land and what their paths say.

* frames: ``<landing>/frames/<camera_id>/<YYYYMMDD>/<HHMMSS>.jpg`` (snapshots) or ``.mp4``
  (video segments starting at that time); captured_at is the path's time, Asia/Shanghai
  local, naive like the rest of the lake. A delay between capture and upload is normal (a
  camera uploads its backlog when its 4G link is back, archives are re-loaded); an
  implausible capture time is flagged (``capture_time_flag``), never a reason to reject.
* check-in photos: ``<landing>/photos/<photo_id>.jpg``.

A file whose path cannot be read is still returned, with the reason, so it is registered
as rejected rather than ignored (nothing is lost).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.lib.file_guard import refusal

SHANGHAI = ZoneInfo("Asia/Shanghai")
FRAMES_DIR, PHOTOS_DIR = "frames", "photos"
SNAPSHOT_SUFFIXES = frozenset({".jpg", ".jpeg", ".png"})
VIDEO_SUFFIXES = frozenset({".mp4"})
_DAY = re.compile(r"^\d{8}$")
_TIME = re.compile(r"^\d{6}$")


class PathReason(StrEnum):
    """File-level reasons decided before any pixel is read (image reasons are
    ``video_features.FrameReason``)."""

    BAD_PATH = "BAD_PATH"  # not <camera>/<YYYYMMDD>/<HHMMSS>.<ext> (or photos/<id>.<ext>)
    BAD_TIMESTAMP = "BAD_TIMESTAMP"  # the folder/file name is not a real date and time
    UNSUPPORTED_FORMAT = "UNSUPPORTED_FORMAT"  # extension is not .jpg/.jpeg/.png/.mp4
    REFUSED = "REFUSED"  # a link, a special file or a path outside the landing: never read


REASON_ZH = {
    "BAD_PATH": "路径不符合规范",
    "BAD_TIMESTAMP": "路径中的日期时间无效",
    "UNSUPPORTED_FORMAT": "不支持的文件格式",
    "REFUSED": "链接文件、特殊文件或落地目录之外的文件,拒绝读取",
}


class TimeFlag(StrEnum):
    """Why a frame's capture time (the path's) is implausible. The frame is still analysed
    and kept; the flag and its explanation are on the frame row (time_flag, time_reason)."""

    CLOCK_RESET = "CLOCK_RESET"  # before clock_reset_before_year: 1970/2000 after a power cut
    FUTURE = "FUTURE"  # after the processing time, or after the file was written (clock fast)
    BEFORE_INSTALLED = "BEFORE_INSTALLED"  # before the register's installed_on of the camera


TIME_FLAG_ZH = {
    "CLOCK_RESET": "摄像机时钟被重置(拍摄时间为 1970 年等过早日期)",
    "FUTURE": "拍摄时间在未来(晚于处理时间或上传时间)",
    "BEFORE_INSTALLED": "拍摄时间早于摄像机登记的安装日期",
}


@dataclass(frozen=True)
class ImageFile:
    """One file under frames/ or photos/."""

    path: Path
    rel: str  # relative to the landing folder, '/'-separated: the file's identity
    kind: str  # "frame" | "video" | "photo"
    size: int
    mtime_ns: int
    mtime: dt.datetime  # Asia/Shanghai local, naive
    camera_id: str | None = None
    captured_at: dt.datetime | None = None
    photo_id: str | None = None
    problem: str | None = None  # a PathReason when the path itself is unusable
    detail: str = ""


def _local(ns: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ns / 1e9, tz=SHANGHAI).replace(tzinfo=None)


def _skip(name: str) -> bool:
    # dot-files are uploads in progress; '_' folders (e.g. _config) hold no camera files
    return name.startswith((".", "_"))


def _walk(root: Path):
    if not root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        # a linked folder is not walked (os.walk does not follow it) but returned, refused
        links = [d for d in dirnames if (base / d).is_symlink() and not _skip(d)]
        dirnames[:] = sorted(d for d in dirnames if not _skip(d) and d not in links)
        for name in sorted([*filenames, *links]):
            if not _skip(name):
                yield base / name


def _stat(landing: Path, path: Path) -> tuple[os.stat_result, str | None]:
    """The entry's own stat (a link's, never its target's) and why it is refused, if it is."""
    return path.lstat(), refusal(landing, path)


def parse_frame_path(rel_parts: tuple[str, ...]) -> tuple[str | None, dt.datetime | None, str, str]:
    """(camera_id, captured_at, problem, detail) from ``(camera, YYYYMMDD, HHMMSS.ext)``."""
    if len(rel_parts) != 3:
        # the first folder still names the camera: its health report shows the bad upload
        camera = rel_parts[0] if len(rel_parts) > 1 else None
        return camera, None, PathReason.BAD_PATH, f"{len(rel_parts)} path levels, expected 3"
    camera, day, name = rel_parts
    stem, suffix = os.path.splitext(name)
    suffix = suffix.lower()
    if suffix not in SNAPSHOT_SUFFIXES | VIDEO_SUFFIXES:
        return camera, None, PathReason.UNSUPPORTED_FORMAT, f"extension {suffix or '(none)'}"
    if not _DAY.match(day) or not _TIME.match(stem):
        return camera, None, PathReason.BAD_PATH, f"{day}/{name} is not YYYYMMDD/HHMMSS"
    try:
        captured = dt.datetime.strptime(day + stem, "%Y%m%d%H%M%S")
    except ValueError:
        return camera, None, PathReason.BAD_TIMESTAMP, f"{day} {stem} is not a date and time"
    return camera, captured, "", ""


def discover_frames(landing: Path) -> list[ImageFile]:
    """Every file under ``<landing>/frames/``, sorted by path (camera, then time)."""
    root = landing / FRAMES_DIR
    found = []
    for path in _walk(root):
        st, refused = _stat(landing, path)
        parts = path.relative_to(root).parts
        camera, captured, problem, detail = parse_frame_path(parts)
        if refused:
            problem, detail = PathReason.REFUSED, refused
        kind = "video" if path.suffix.lower() in VIDEO_SUFFIXES else "frame"
        found.append(
            ImageFile(
                path=path,
                rel=path.relative_to(landing).as_posix(),
                kind=kind,
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
                mtime=_local(st.st_mtime_ns),
                camera_id=camera,
                captured_at=captured,
                problem=problem or None,
                detail=detail,
            )
        )
    return found


def discover_photos(landing: Path) -> list[ImageFile]:
    """Every file under ``<landing>/photos/``: the photo id is the file name's stem."""
    root = landing / PHOTOS_DIR
    found = []
    for path in _walk(root):
        st, refused = _stat(landing, path)
        parts = path.relative_to(root).parts
        problem, detail = None, ""
        if refused:
            problem, detail = PathReason.REFUSED, refused
        elif len(parts) != 1:
            problem, detail = PathReason.BAD_PATH, "photos must be directly under photos/"
        elif path.suffix.lower() not in SNAPSHOT_SUFFIXES:
            problem, detail = PathReason.UNSUPPORTED_FORMAT, f"extension {path.suffix}"
        found.append(
            ImageFile(
                path=path,
                rel=path.relative_to(landing).as_posix(),
                kind="photo",
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
                mtime=_local(st.st_mtime_ns),
                photo_id=path.stem,
                problem=problem,
                detail=detail,
            )
        )
    return found


def capture_time_flag(
    captured_at: dt.datetime,
    uploaded_at: dt.datetime,
    now: dt.datetime,
    *,
    installed_on: dt.date | None = None,
    future_tolerance: dt.timedelta = dt.timedelta(minutes=10),
    reset_before_year: int = 2018,
) -> tuple[str, str]:
    """``(flag, reason)`` for an implausible capture time, ``("", "")`` for a plausible one.

    However long before the upload a frame was captured is no concern: a backlog or a
    re-loaded archive is normal. Implausible is a clock reset (a year before
    ``reset_before_year``, e.g. 1970 after a power cut), a time in the future (after ``now``
    or after the file was written, beyond ``future_tolerance``), or a day before the camera's
    ``installed_on`` when the register knows it. The first that applies is reported.
    """
    if captured_at.year < reset_before_year:
        return TimeFlag.CLOCK_RESET, (
            f"captured_at {captured_at} is before {reset_before_year}: a reset camera clock"
            f" (uploaded {uploaded_at:%Y-%m-%d %H:%M:%S})"
        )
    if captured_at > now + future_tolerance:
        return TimeFlag.FUTURE, f"captured_at {captured_at} is in the future (run at {now})"
    if captured_at > uploaded_at + future_tolerance:
        return TimeFlag.FUTURE, (
            f"captured_at {captured_at} is after the file was written"
            f" ({uploaded_at:%Y-%m-%d %H:%M:%S}): the camera clock runs fast"
        )
    if installed_on is not None and captured_at.date() < installed_on:
        return TimeFlag.BEFORE_INSTALLED, (
            f"captured_at {captured_at} is before the camera was installed ({installed_on})"
        )
    return "", ""
