"""Synthetic check-in photos with planted reuse (W05), for the simulator.

Every sampled person gets one face of scikit-image's 100 LFW faces (distinct within the
sample, so two people never share a face) and one genuine photo at their institution's kiosk.
Planted reuse: one person's photo submitted again for another person, or for the same person
on a later day, either as the identical file or disguised (cropped, brightened/darkened,
re-compressed: ``synth.reuse_variant``).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

import cv2
import numpy as np

from simulator.cameras import synth


@dataclass(frozen=True)
class SimPhoto:
    photo_id: str
    record_id: str
    jpeg: bytes
    face_id: int
    group: str  # reuse group id, "" for a genuine photo
    kind: str  # genuine | original | reuse_copy | reuse_variant
    finding: str  # the W05 truth of the group: different_people | same_person_different_days


def kiosk_of(seed: int, institution_id: str) -> synth.Kiosk:
    return synth.make_kiosk(np.random.default_rng([seed, zlib.crc32(institution_id.encode())]))


def encode(image: np.ndarray, quality: int = 90) -> bytes:
    ok, buf = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return buf.tobytes()


def genuine(rng: np.random.Generator, seed: int, institution_id: str, face_id: int) -> np.ndarray:
    return synth.render_checkin_photo(rng, face_id, kiosk_of(seed, institution_id))


def reuse(rng: np.random.Generator, photo: np.ndarray, disguise: bool) -> bytes:
    return encode(synth.reuse_variant(rng, photo)) if disguise else encode(photo)
