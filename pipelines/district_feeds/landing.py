"""Find district deliveries in a landing folder: ``<landing>/<district_code>/<feed>/<file>``."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from pipelines.contract import (
    CAMERA_FEEDS,
    CITY_CODE,
    DISTRICT_CODES,
    DISTRICT_FEEDS,
    ELEARNING_FEEDS,
    FORMATS,
    OPERATIONS_FEEDS,
    FileReason,
)
from pipelines.lib.file_guard import refusal

SHANGHAI = ZoneInfo("Asia/Shanghai")
_DISTRICT_LIKE = re.compile(r"^\d{6}$")


@dataclass(frozen=True)
class Delivery:
    path: Path
    file: str  # path relative to the landing folder, '/'-separated: the delivery's name
    district_code: str
    feed: str
    delivered_at: dt.datetime  # file modification time, Asia/Shanghai local (naive)
    problem: FileReason | None = None  # a folder-level reason the file cannot be a feed
    detail: str | None = None  # why, for the register (a path fact, never file content)

    @property
    def refused(self) -> bool:
        return self.problem == FileReason.REFUSED

    def sha256(self) -> str:
        if self.refused:  # never opened: a stable digest of what was refused, not of bytes
            return hashlib.sha256(f"refused:{self.file}:{self.detail}".encode()).hexdigest()
        digest = hashlib.sha256()
        with self.path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        return digest.hexdigest()


def _delivered_at(path: Path) -> dt.datetime:
    # lstat: a link's own time; its target is never looked at
    stamp = dt.datetime.fromtimestamp(path.lstat().st_mtime, tz=SHANGHAI)
    return stamp.replace(tzinfo=None, microsecond=0)


def _delivery(
    landing: Path, path: Path, district: str, feed: str, problem: FileReason | None
) -> Delivery:
    """A found file; one whose folders are right but whose extension is not a format of the
    standard gets UNKNOWN_FORMAT; a link or a file outside the landing gets REFUSED."""
    refused = refusal(landing, path)
    if refused:
        problem = FileReason.REFUSED
    elif problem is None and path.suffix.lower() not in FORMATS:
        problem = FileReason.UNKNOWN_FORMAT
    return Delivery(
        path=path,
        file=path.relative_to(landing).as_posix(),
        district_code=district,
        feed=feed,
        delivered_at=_delivered_at(path),
        problem=problem,
        detail=refused,
    )


def _entries(folder: Path) -> list[Path]:
    """Every entry under ``folder`` that is not a directory, symbolic links (to files or to
    folders) included and not followed: a linked folder is one refused entry."""
    out = []
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        links = [d for d in dirnames if (base / d).is_symlink()]
        dirnames[:] = [d for d in dirnames if d not in links]
        out.extend(base / name for name in (*filenames, *links))
    return sorted(out)


def discover(landing: Path) -> list[Delivery]:
    """Every file under a district folder, in delivery order (oldest first).

    The e-learning exports under elearning/ and camera heartbeats under heartbeats/ are
    city-level (district code 310000); frames/ and photos/ hold images, left to the camera
    assets. A six-digit folder that is not one of the
    sixteen districts, an unknown feed folder, or a file at the wrong depth is still returned,
    with the reason it cannot be ingested, so that it is registered rather than ignored.
    """
    found: list[Delivery] = []
    if not landing.is_dir():
        return found
    found.extend(_discover_city_level(landing))
    for district_dir in sorted(landing.iterdir()):
        if not _DISTRICT_LIKE.match(district_dir.name):
            continue
        district = district_dir.name
        if district_dir.is_symlink() or not district_dir.is_dir():
            found.append(_delivery(landing, district_dir, district, "", None))
            continue
        for path in _entries(district_dir):
            rel_parts = path.relative_to(district_dir).parts
            feed = rel_parts[0] if len(rel_parts) > 1 else ""
            problem = None
            if district not in DISTRICT_CODES:
                problem = FileReason.UNKNOWN_DISTRICT
            elif feed not in DISTRICT_FEEDS or len(rel_parts) != 2:
                problem = FileReason.UNKNOWN_FEED
            found.append(_delivery(landing, path, district, feed, problem))
    found.sort(key=lambda d: (d.delivered_at, d.file))
    return found


def _discover_city_level(landing: Path) -> list[Delivery]:
    """City-level exports: the e-learning system's ``<landing>/elearning/<folder>/<file>``,
    the camera network's ``<landing>/heartbeats/<file>``, and the operator's and service
    desk's ``<landing>/operations/<folder>/<file>`` (work_orders, tickets)."""
    found = []
    roots = [
        (landing / "elearning", ELEARNING_FEEDS, 2),
        (landing, CAMERA_FEEDS, 2),
        (landing / "operations", OPERATIONS_FEEDS, 2),
    ]
    for root, feeds, depth in roots:
        by_folder = {f.landing_folder: name for name, f in feeds.items()}
        found.extend(_discover_under(landing, root, by_folder, depth, whole_root=root != landing))
    return found


def _discover_under(
    landing: Path, root: Path, by_folder: dict[str, str], depth: int, whole_root: bool
) -> list[Delivery]:
    found: list[Delivery] = []
    if not root.is_dir():
        return found
    if whole_root and root.is_symlink():
        return [_delivery(landing, root, CITY_CODE, "", FileReason.UNKNOWN_FEED)]
    folders = [root] if whole_root else [root / f for f in by_folder if (root / f).exists()]
    paths = []
    for folder in folders:
        paths.extend([folder] if folder.is_symlink() or not folder.is_dir() else _entries(folder))
    for path in sorted(paths):
        rel_parts = path.relative_to(root).parts
        feed = by_folder.get(rel_parts[0], "") if len(rel_parts) == depth else ""
        problem = None if feed else FileReason.UNKNOWN_FEED
        found.append(_delivery(landing, path, CITY_CODE, feed, problem))
    return found
