"""The content-addressed image store under the warehouse.

``<warehouse>/images/<sha[:2]>/<sha>.<ext>`` holds the original bytes (evidence stays exactly
as delivered, whatever happens to the landing folder) and ``<warehouse>/thumbs/<sha[:2]>/
<sha>.jpg`` a small JPEG for the dashboards. The same bytes delivered twice are stored once.
Paths in the tables are relative to the warehouse so the warehouse can move.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

IMAGES, THUMBS = "images", "thumbs"


@dataclass(frozen=True)
class Stored:
    sha256: str
    image_path: str  # relative to the warehouse
    thumb_path: str | None  # None when the bytes are not a decodable picture


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _ext(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return "png"
    if data[4:8] == b"ftyp":
        return "mp4"
    if data.startswith(b"\xff\xd8"):
        return "jpg"
    return "bin"


def _atomic_write(path: Path, data: bytes) -> None:
    if path.exists():
        return  # content-addressed: the same name means the same bytes
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def thumbnail(frame: np.ndarray, width: int = 160, quality: int = 80) -> bytes:
    h, w = frame.shape[:2]
    height = max(1, round(h * width / w))
    small = cv2.resize(frame, (width, height), interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buf.tobytes()


def put(
    warehouse: Path,
    data: bytes,
    frame: np.ndarray | None = None,
    *,
    digest: str | None = None,
    thumb_width: int = 160,
    thumb_quality: int = 80,
) -> Stored:
    """Store ``data`` (and a thumbnail of ``frame`` when given); idempotent."""
    digest = digest or sha256(data)
    rel = f"{IMAGES}/{digest[:2]}/{digest}.{_ext(data)}"
    _atomic_write(warehouse / rel, data)
    thumb_rel = None
    if frame is not None:
        thumb_rel = f"{THUMBS}/{digest[:2]}/{digest}.jpg"
        if not (warehouse / thumb_rel).exists():
            _atomic_write(warehouse / thumb_rel, thumbnail(frame, thumb_width, thumb_quality))
    return Stored(digest, rel, thumb_rel)


def encode_jpeg(frame: np.ndarray, quality: int = 90) -> bytes:
    """A sampled video frame as JPEG bytes (so it can be stored like a snapshot)."""
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buf.tobytes()


def load(warehouse: Path, image_path: str) -> np.ndarray | None:
    """Decode a stored image (BGR), or None if it is missing or not a picture."""
    p = warehouse / image_path
    if not p.is_file():
        return None
    return cv2.imdecode(np.fromfile(p, np.uint8), cv2.IMREAD_COLOR)
