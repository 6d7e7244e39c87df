"""Synthetic camera snapshots for the simulator: one room per camera, one frame a minute,
with planted tamper events, outages and bad files. Pure functions of a numpy Generator.

Rendering a classroom with people costs ~40 ms; a live camera a minute later shows the same
seated trainees with fresh sensor noise. So a full render is made every ``RENDER_EVERY``
minutes (trainees fidget between them) and the minutes in between re-use it with new noise
and a new JPEG encoding: the pictures are still all different (never 'frozen'), ~6 ms each.
"""

from __future__ import annotations

import datetime as dt
import functools
import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from simulator.cameras import synth

RENDER_EVERY = 6
WIDTH, HEIGHT = 640, 360


@dataclass(frozen=True)
class SimFrame:
    camera_id: str
    captured_at: dt.datetime
    jpeg: bytes
    n_faces: int
    n_people: int
    state: str  # clean | covered | dark | out_of_focus | moved | frozen
    session_id: str


def camera_rng(seed: int, camera_id: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(camera_id.encode())])


@functools.lru_cache(maxsize=64)
def room_of(seed: int, camera_id: str) -> synth.Classroom:
    """Each camera films its own room, the same on every day (its reference stays valid)."""
    return synth.make_classroom(camera_rng(seed, camera_id), WIDTH, HEIGHT)


def max_seated(seed: int, camera_id: str) -> int:
    return len(room_of(seed, camera_id).seats)


def encode(frame: np.ndarray, quality: int) -> bytes:
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return buf.tobytes()


def _live(rng: np.random.Generator, frame: np.ndarray) -> np.ndarray:
    noisy = frame.astype(np.float32) + rng.normal(0, 2.0, frame.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def session_frames(
    rng: np.random.Generator,
    seed: int,
    camera_id: str,
    session_id: str,
    starts_at: dt.datetime,
    minutes: int,
    n_faces: int,
    n_turned_away: int,
    events: dict[int, str],
    outage: tuple[int, int] | None,
) -> list[SimFrame]:
    """One frame a minute of a session: ``events`` maps minute -> tamper state; minutes in
    ``outage`` [a, b) have no frame (the camera is offline)."""
    room = room_of(seed, camera_id)
    people = synth.seat_people(rng, room, n_faces, n_turned_away)
    out: list[SimFrame] = []
    base: np.ndarray | None = None
    prev_jpeg: bytes | None = None
    for m in range(minutes):
        if outage and outage[0] <= m < outage[1]:
            continue
        at = starts_at + dt.timedelta(minutes=m, seconds=int(rng.integers(0, 20)))
        if base is None or m % RENDER_EVERY == 0:
            people = tuple(synth.fidget(rng, p) for p in people)
            base, truth = synth.render_view(rng, room, people)
        state = events.get(m, "clean")
        faces, persons = n_faces, n_faces + n_turned_away
        if state == "frozen" and prev_jpeg is not None:
            jpeg = prev_jpeg  # the very same picture sent again
        else:
            if state == "moved":
                frame, _ = synth.re_aim(rng, room, people)
            else:
                frame = _live(rng, base)
                if state == "covered":
                    frame = synth.cover_lens(rng, frame)
                elif state == "dark":
                    frame = synth.darken(rng, frame)
                elif state == "out_of_focus":
                    frame = synth.defocus(rng, frame)
            jpeg = encode(frame, int(rng.integers(70, 90)))
        if state in ("covered", "dark"):
            faces = 0
        out.append(SimFrame(camera_id, at, jpeg, faces, persons, state, session_id))
        prev_jpeg = jpeg
    return out


def tamper_events(rng: np.random.Generator, minutes: int) -> dict[int, str]:
    """Each state once, as a short episode, spread over the session (never the first 15
    minutes, so the camera's reference view is a clean frame)."""
    lengths = {"covered": 3, "dark": 3, "out_of_focus": 3, "moved": 4, "frozen": 3}
    order = list(rng.permutation(list(lengths)))
    slot = (minutes - 20) // len(order)
    events = {}
    for i, state in enumerate(order):
        start = 15 + i * slot + int(rng.integers(0, max(1, slot - lengths[state] - 3)))
        for k in range(lengths[state]):
            events[start + k] = str(state)
    return events


def bad_files(rng: np.random.Generator, good_jpeg: bytes) -> dict[str, bytes]:
    """Broken uploads: name suffix -> bytes, with the reason they must be rejected for."""
    small = encode(cv2.resize(cv2.imdecode(np.frombuffer(good_jpeg, np.uint8), 1), (120, 68)), 80)
    header_only = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"
    return {
        "ZERO_BYTES": b"",
        "TRUNCATED": good_jpeg[: len(good_jpeg) * 3 // 5],
        "NOT_AN_IMAGE": b"<html><body>502 Bad Gateway</body></html>\n",
        "CORRUPT": header_only,
        "WRONG_RESOLUTION": small,
    }


def video_segment(rng: np.random.Generator, seed: int, camera_id: str, n_faces: int, path) -> int:
    """A 130-second .mp4 at 1 frame/s (one picture per minute of it, with noise between)."""
    room = room_of(seed, camera_id)
    people = synth.seat_people(rng, room, n_faces)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 1.0, (WIDTH, HEIGHT))
    base = None
    for i in range(130):
        if i % 60 == 0:
            base, _ = synth.render_view(rng, room, people)
        writer.write(_live(rng, base))
    writer.release()
    return 3  # samples at 0, 60 and 120 s
