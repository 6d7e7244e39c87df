import struct
import zlib

import cv2
import numpy as np
import pytest

from simulator.cameras import synth
from video_features.config import VideoFeatureConfig
from video_features.decode import FrameReason, decode_image, read_image, sample_video


@pytest.fixture(scope="module")
def jpeg_bytes() -> bytes:
    frame, _ = synth.render_classroom(np.random.default_rng(1), 5)
    return cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes()


def test_good_jpeg(jpeg_bytes):
    r = decode_image(jpeg_bytes)
    assert r.ok and r.frame.shape == (360, 640, 3) and (r.width, r.height) == (640, 360)


def test_zero_bytes():
    r = decode_image(b"")
    assert r.reason is FrameReason.ZERO_BYTES and r.frame is None


def test_not_an_image():
    assert decode_image(b"<html>404 Not Found</html>").reason is FrameReason.NOT_AN_IMAGE


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.95])
def test_truncated(jpeg_bytes, keep):
    r = decode_image(jpeg_bytes[: int(len(jpeg_bytes) * keep)])
    assert r.reason is FrameReason.TRUNCATED and r.frame is None


def test_padding_after_end_marker_is_fine(jpeg_bytes):
    assert decode_image(jpeg_bytes + b"\x00" * 100).ok


def test_corrupt_header(jpeg_bytes):
    bad = jpeg_bytes[:3] + bytes(np.random.default_rng(0).integers(0, 256, 2000, dtype=np.uint8))
    r = decode_image(bad + b"\xff\xd9")
    assert r.reason in (FrameReason.CORRUPT, FrameReason.TRUNCATED)
    assert r.frame is None and r.detail


def test_wrong_resolution_small():
    tiny = cv2.imencode(".jpg", np.zeros((40, 60, 3), np.uint8))[1].tobytes()
    r = decode_image(tiny)
    assert r.reason is FrameReason.WRONG_RESOLUTION and "60x40" in r.detail


def test_wrong_resolution_expected_sizes(jpeg_bytes):
    cfg = VideoFeatureConfig(expected_sizes=((1280, 720),))
    assert decode_image(jpeg_bytes, cfg).reason is FrameReason.WRONG_RESOLUTION
    assert decode_image(jpeg_bytes, VideoFeatureConfig(expected_sizes=((640, 360),))).ok


def test_huge_declared_size_refused_before_decoding():
    # A PNG header announcing 60000 x 60000 pixels (10 GB): refused from the header alone.
    ihdr = struct.pack(">IIBBBBB", 60000, 60000, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    png = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk
    png += struct.pack(">I", zlib.crc32(chunk))
    r = decode_image(png)
    assert r.reason is FrameReason.WRONG_RESOLUTION


def test_read_image_missing_and_empty(tmp_path):
    assert read_image(tmp_path / "nope.jpg").reason is FrameReason.UNREADABLE_FILE
    (tmp_path / "empty.jpg").write_bytes(b"")
    assert read_image(tmp_path / "empty.jpg").reason is FrameReason.ZERO_BYTES


@pytest.fixture(scope="module")
def mp4_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("video") / "seg.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 5.0, (320, 180))
    if not writer.isOpened():
        pytest.skip("this OpenCV build cannot write mp4v")
    rng = np.random.default_rng(3)
    for i in range(50):  # 10 s at 5 fps, a frame counter drawn in
        f = rng.integers(0, 40, (180, 320, 3), dtype=np.uint8)
        cv2.putText(f, str(i), (100, 120), cv2.FONT_HERSHEY_SIMPLEX, 3, (255, 255, 255), 5)
        writer.write(f)
    writer.release()
    return path


def test_sample_video_every_n_seconds(mp4_path):
    r = sample_video(mp4_path, every_s=2.0)
    assert r.ok, r.detail
    assert [s.t_s for s in r.samples] == [0.0, 2.0, 4.0, 6.0, 8.0]
    assert r.samples[0].frame.shape == (180, 320, 3)


def test_sample_video_bad_inputs(mp4_path, tmp_path):
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    assert sample_video(empty).reason is FrameReason.ZERO_BYTES
    assert sample_video(tmp_path / "missing.mp4").reason is FrameReason.UNREADABLE_FILE
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"not a video at all" * 100)
    assert sample_video(junk).reason in (FrameReason.CORRUPT, FrameReason.NO_FRAMES)
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(mp4_path.read_bytes()[: mp4_path.stat().st_size // 2])
    r = sample_video(cut, every_s=1.0)  # mp4v puts the index at the end: usually unreadable
    assert not r.ok and r.reason in (
        FrameReason.CORRUPT,
        FrameReason.NO_FRAMES,
        FrameReason.TRUNCATED,
    )
