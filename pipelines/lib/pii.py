"""Personal data protection: keyed pseudonyms for joins, masks for display, encryption for
authorised re-identification. Clear ID numbers, names and phones are never written."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipelines.contract import Pii
from pipelines.contract.legality import normalise_id_number, normalise_mobile


def normalise(kind: Pii | str, value: str) -> str:
    if kind == Pii.ID_NUMBER:
        return normalise_id_number(value)
    if kind == Pii.PHONE:
        return normalise_mobile(value)
    return value.strip()


def pseudonym(key: bytes, kind: Pii | str, value: str) -> str:
    """HMAC-SHA256 of the normalised value, 128 bits in hex: stable per key, not reversible."""
    msg = f"{kind}:{normalise(kind, value)}".encode()
    return hmac.new(key, msg, hashlib.sha256).hexdigest()[:32]


def mask(kind: Pii | str, value: str) -> str:
    """Display form: 310***********123X, 张*, 138****5678."""
    v = normalise(kind, value)
    if kind == Pii.ID_NUMBER:
        return v[:3] + "*" * max(len(v) - 7, 0) + v[-4:] if len(v) > 7 else "*" * len(v)
    if kind == Pii.PHONE:
        return v[:3] + "*" * max(len(v) - 7, 0) + v[-4:] if len(v) > 7 else "*" * len(v)
    if not v:
        return v
    return v[0] + "*" * (len(v) - 1) if len(v) > 1 else "*"


class Cipher:
    """AES-256-GCM with a key derived (HKDF) from the platform secret; random nonce per value."""

    def __init__(self, secret: bytes):
        key = HKDF(SHA256(), 32, salt=b"skillwatch", info=b"pii-encryption").derive(secret)
        self._aead = AESGCM(key)

    def encrypt(self, value: str) -> str:
        nonce = os.urandom(12)
        token = nonce + self._aead.encrypt(nonce, value.encode(), None)
        return base64.urlsafe_b64encode(token).decode()

    def decrypt(self, token: str) -> str:
        raw = base64.urlsafe_b64decode(token.encode())
        return self._aead.decrypt(raw[:12], raw[12:], None).decode()
