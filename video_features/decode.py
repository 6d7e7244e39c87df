"""Decode JPEG snapshots and sample .mp4 segments into BGR frames - or say why not.

Never raises on bad input: every function returns a result with a ``reason`` code (stable,
for storage) and a human ``detail``. The header is parsed first (a few bytes, no decoder) so a
malformed or hostile header declaring a 60000x60000 image is refused before any pixel memory
is allocated.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

import cv2
import numpy as np

from video_features.config import DEFAULT_CONFIG, VideoFeatureConfig


class FrameReason(StrEnum):
    ZERO_BYTES = "ZERO_BYTES"  # empty file
    NOT_AN_IMAGE = "NOT_AN_IMAGE"  # not a JPEG/PNG (wrong magic, unknown format)
    TRUNCATED = "TRUNCATED"  # JPEG without its end-of-image marker (upload cut off)
    CORRUPT = "CORRUPT"  # header readable but the pixels cannot be decoded
    WRONG_RESOLUTION = "WRONG_RESOLUTION"  # outside the configured size bounds / expected sizes
    UNREADABLE_FILE = "UNREADABLE_FILE"  # the file cannot be read from disk
    NO_FRAMES = "NO_FRAMES"  # a video with no decodable frame


REASON_ZH: dict[str, str] = {
    "ZERO_BYTES": "空文件",
    "NOT_AN_IMAGE": "不是 JPEG/PNG 图像",
    "TRUNCATED": "图像不完整(传输中断)",
    "CORRUPT": "图像数据损坏,无法解码",
    "WRONG_RESOLUTION": "分辨率不符合要求",
    "UNREADABLE_FILE": "文件无法读取",
    "NO_FRAMES": "视频中没有可解码的画面",
}

_JPEG_SOI = b"\xff\xd8\xff"
_JPEG_EOI = b"\xff\xd9"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class DecodedFrame:
    """``frame`` (BGR uint8) when ``ok``; otherwise ``reason`` and ``detail`` say why not."""

    frame: np.ndarray | None = field(repr=False)
    reason: FrameReason | None = None
    detail: str = ""
    width: int = 0
    height: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None


def _fail(reason: FrameReason, detail: str, w: int = 0, h: int = 0) -> DecodedFrame:
    return DecodedFrame(None, reason, detail, w, h)


def check_resolution(width: int, height: int, cfg: VideoFeatureConfig = DEFAULT_CONFIG) -> str:
    """Empty string if the size is acceptable, else why not."""
    if cfg.expected_sizes and (width, height) not in cfg.expected_sizes:
        sizes = ", ".join(f"{w}x{h}" for w, h in cfg.expected_sizes)
        return f"{width}x{height} is not one of the expected sizes ({sizes})"
    if width < cfg.min_width or height < cfg.min_height:
        return f"{width}x{height} is smaller than {cfg.min_width}x{cfg.min_height}"
    if width > cfg.max_width or height > cfg.max_height:
        return f"{width}x{height} is larger than {cfg.max_width}x{cfg.max_height}"
    return ""


# JPEG start-of-frame markers (baseline, progressive, lossless...): all but DHT/JPG/DAC.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def header_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a JPEG's SOF segment or a PNG's IHDR, without decoding pixels."""
    if data.startswith(_PNG_MAGIC):
        if len(data) < 24 or data[12:16] != b"IHDR":
            return None
        w, h = struct.unpack(">II", data[16:24])
        return w, h
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker == 0xFF:  # fill byte
            i += 1
            continue
        if marker in _SOF_MARKERS:
            h, w = struct.unpack(">HH", data[i + 5 : i + 9])
            return w, h
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # no length field
            i += 2
            continue
        (length,) = struct.unpack(">H", data[i + 2 : i + 4])
        i += 2 + length
    return None


def decode_image(data: bytes, cfg: VideoFeatureConfig = DEFAULT_CONFIG) -> DecodedFrame:
    """JPEG (or PNG) bytes to a BGR frame, or a reason."""
    if not data:
        return _fail(FrameReason.ZERO_BYTES, "0 bytes")
    is_jpeg = data.startswith(_JPEG_SOI)
    if not is_jpeg and not data.startswith(_PNG_MAGIC):
        return _fail(FrameReason.NOT_AN_IMAGE, f"starts with {data[:4].hex()}, not JPEG/PNG")
    size = header_size(data)
    if size is None:
        return _fail(FrameReason.CORRUPT, "no readable size in the image header")
    w, h = size
    if why := check_resolution(w, h, cfg):
        return _fail(FrameReason.WRONG_RESOLUTION, why, w, h)
    # libjpeg fills a cut-off image with grey and only warns: check the end marker ourselves.
    # Some encoders pad after EOI, so look in the last 32 bytes without trailing zeros.
    if is_jpeg and _JPEG_EOI not in data.rstrip(b"\x00")[-32:]:
        return _fail(FrameReason.TRUNCATED, f"no JPEG end marker in {len(data)} bytes", w, h)
    try:
        frame = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    except cv2.error as exc:
        return _fail(FrameReason.CORRUPT, f"decoder error: {exc}", w, h)
    if frame is None:
        return _fail(FrameReason.CORRUPT, "decoder returned no image", w, h)
    if frame.shape[1] != w or frame.shape[0] != h:
        return _fail(FrameReason.CORRUPT, "decoded size differs from the header", w, h)
    return DecodedFrame(frame, None, "", w, h)


def read_image(path: str | os.PathLike, cfg: VideoFeatureConfig = DEFAULT_CONFIG) -> DecodedFrame:
    """Read and decode an image file, or a reason (including UNREADABLE_FILE)."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        return _fail(FrameReason.UNREADABLE_FILE, f"{type(exc).__name__}: {exc}")
    return decode_image(data, cfg)


@dataclass(frozen=True)
class VideoSample:
    """A frame taken from a video at ``t_s`` seconds."""

    t_s: float
    frame: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class SampledVideo:
    samples: tuple[VideoSample, ...]
    reason: FrameReason | None = None
    detail: str = ""
    fps: float = 0.0
    frames_read: int = 0

    @property
    def ok(self) -> bool:
        return self.reason is None


def _iter_video(cap: cv2.VideoCapture, fps: float, every_s: float) -> Iterator[VideoSample | int]:
    step = max(1, round(every_s * fps))
    index = 0
    while cap.grab():  # grab() skips colour conversion of the frames we do not keep
        if index % step == 0:
            ok, frame = cap.retrieve()
            if ok and frame is not None:
                yield VideoSample(round(index / fps, 3), frame)
        index += 1
    yield index


def sample_video(
    path: str | os.PathLike,
    every_s: float | None = None,
    cfg: VideoFeatureConfig = DEFAULT_CONFIG,
) -> SampledVideo:
    """One frame every ``every_s`` seconds (default ``cfg.mp4_sample_every_s``) of a video file.

    Reads sequentially (seeking in .mp4 lands on key frames and is not exact). A truncated file
    yields the frames before the cut and reason TRUNCATED when fewer frames than the container
    announced could be read.
    """
    every_s = cfg.mp4_sample_every_s if every_s is None else every_s
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        return SampledVideo((), FrameReason.UNREADABLE_FILE, f"{type(exc).__name__}: {exc}")
    if size == 0:
        return SampledVideo((), FrameReason.ZERO_BYTES, "0 bytes")
    cap = cv2.VideoCapture(str(p))
    try:
        if not cap.isOpened():
            return SampledVideo((), FrameReason.CORRUPT, "the video cannot be opened")
        fps = cap.get(cv2.CAP_PROP_FPS) or 0.0
        if not 0 < fps < 1000:
            fps = 25.0  # a broken header: assume PAL, the cameras' rate
        announced = int(cap.get(cv2.CAP_PROP_FRAME_COUNT) or 0)
        samples: list[VideoSample] = []
        read = 0
        for item in _iter_video(cap, fps, every_s):
            if isinstance(item, int):
                read = item
            else:
                samples.append(item)
    finally:
        cap.release()
    if not samples:
        return SampledVideo((), FrameReason.NO_FRAMES, "no frame could be decoded", fps, read)
    h, w = samples[0].frame.shape[:2]
    if why := check_resolution(w, h, cfg):
        return SampledVideo((), FrameReason.WRONG_RESOLUTION, why, fps, read)
    if announced and read < announced * 0.98:
        return SampledVideo(
            tuple(samples), FrameReason.TRUNCATED, f"read {read} of {announced} frames", fps, read
        )
    return SampledVideo(tuple(samples), None, "", fps, read)
