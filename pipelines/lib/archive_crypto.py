"""The raw archive, encrypted at rest: AES-256-GCM per file, keyed names, key rotation.

Every delivered file is kept (retention, W10's history, unreadable files as evidence), and
raw deliveries hold clear ID numbers and phones: on disk they are ciphertext only.

Keys (all derived with HKDF-SHA256, a purpose label each, so no key serves two purposes):

- **encryption**: from the *archive root* ``SKILLWATCH_ARCHIVE_KEY``, or from
  ``SKILLWATCH_SECRET_KEY`` when that is not set. This is the key that rotates:
  ``skillwatch archive rotate`` with the new root in ``SKILLWATCH_ARCHIVE_KEY`` and the old
  one in ``SKILLWATCH_ARCHIVE_KEY_PREVIOUS`` re-encrypts every file under the new key.
- **file names**: from ``SKILLWATCH_SECRET_KEY`` (the long-lived root the pseudonyms are
  made with; see ``pipelines.lib.pii``). Names are HMAC(name key, sha256 of the clear
  bytes): content addressing and dedup stay, but nobody without the key can confirm a
  guessed file by hashing it. Names never change on rotation, so rotation is a rewrite in
  place, and pseudonyms are untouched by it (rotating the pseudonym root would mean
  re-pseudonymising every table: not what a key rotation is).

A file on disk is ``MAGIC | key id (8) | nonce (12) | ciphertext+tag``. The key id (a keyed
fingerprint of the encryption key, not the key) says which root decrypts it, so files
under the old and the new key can coexist while a rotation runs. The associated data binds
the header and the file's name: a file swapped for another's ciphertext fails to decrypt,
and the decrypted bytes must hash to the name they are stored under.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from pipelines.lib import lake

MAGIC = b"SWA1"
KEY_ID_LEN, NONCE_LEN = 8, 12
HEADER_LEN = len(MAGIC) + KEY_ID_LEN + NONCE_LEN
SUFFIX = ".swa"  # SkillWatch archive: nothing about the delivered format in the name
_SALT = b"skillwatch"
_ENCRYPTION_LABEL = b"skillwatch/archive/encryption/v1"
_NAME_LABEL = b"skillwatch/archive/file-name/v1"
_KEY_ID_LABEL = b"skillwatch/archive/key-id/v1"


class ArchiveError(Exception):
    """A file that cannot be decrypted (unknown key, tampered, wrong content)."""


def _secret(value) -> bytes | None:
    """bytes of a settings secret (pydantic SecretStr or plain text), None when unset."""
    if value is None:
        return None
    text = value.get_secret_value() if hasattr(value, "get_secret_value") else str(value)
    return text.encode() or None


def _hkdf(root: bytes, label: bytes) -> bytes:
    return HKDF(SHA256(), 32, salt=_SALT, info=label).derive(root)


@dataclass(frozen=True)
class ArchiveKey:
    key: bytes
    key_id: bytes

    @classmethod
    def from_root(cls, root: bytes) -> ArchiveKey:
        key = _hkdf(root, _ENCRYPTION_LABEL)
        key_id = hmac.new(key, _KEY_ID_LABEL, hashlib.sha256).digest()[:KEY_ID_LEN]
        return cls(key, key_id)


@dataclass(frozen=True)
class ArchiveKeys:
    """The current encryption key, the ones it may replace, and the file-name key."""

    current: ArchiveKey
    name_key: bytes
    previous: tuple[ArchiveKey, ...] = field(default=())

    @classmethod
    def from_roots(
        cls, secret: bytes, archive_root: bytes | None = None, previous: tuple[bytes, ...] = ()
    ) -> ArchiveKeys:
        current = ArchiveKey.from_root(archive_root or secret)
        older = tuple(
            k for k in (ArchiveKey.from_root(r) for r in previous) if k.key_id != current.key_id
        )
        return cls(current, _hkdf(secret, _NAME_LABEL), older)

    @classmethod
    def from_settings(cls, settings) -> ArchiveKeys:
        """Keys from the settings: ``SKILLWATCH_ARCHIVE_KEY`` (default: the secret key),
        ``SKILLWATCH_ARCHIVE_KEY_PREVIOUS`` and, once an archive key is set, the secret key
        too (files written before the first rotation are under it)."""
        archive_root = _secret(getattr(settings, "archive_key", None))
        previous = tuple(
            v
            for v in (
                _secret(getattr(settings, "archive_key_previous", None)),
                settings.secret_key if archive_root else None,
            )
            if v
        )
        return cls.from_roots(settings.secret_key, archive_root, previous)

    def by_id(self, key_id: bytes) -> ArchiveKey | None:
        return next((k for k in (self.current, *self.previous) if k.key_id == key_id), None)

    def file_name(self, sha256: str) -> str:
        return hmac.new(self.name_key, sha256.lower().encode(), hashlib.sha256).hexdigest()


def encrypt(keys: ArchiveKeys, data: bytes, name: str) -> bytes:
    """Ciphertext of ``data`` stored under file name ``name`` (bound as associated data)."""
    header = MAGIC + keys.current.key_id
    nonce = os.urandom(NONCE_LEN)
    return header + nonce + AESGCM(keys.current.key).encrypt(nonce, data, header + name.encode())


def key_id_of(blob: bytes) -> bytes | None:
    return blob[len(MAGIC) : len(MAGIC) + KEY_ID_LEN] if blob.startswith(MAGIC) else None


def decrypt(keys: ArchiveKeys, blob: bytes, name: str) -> bytes:
    """The clear bytes of the file stored as ``name``; raises ArchiveError unless they are
    exactly the content that name was made from."""
    key_id = key_id_of(blob)
    if key_id is None or len(blob) < HEADER_LEN:
        raise ArchiveError("not an encrypted archive file")
    key = keys.by_id(key_id)
    if key is None:
        raise ArchiveError(
            f"encrypted under key id {key_id.hex()}, which neither SKILLWATCH_ARCHIVE_KEY nor "
            "SKILLWATCH_ARCHIVE_KEY_PREVIOUS (nor SKILLWATCH_SECRET_KEY) derives"
        )
    header, nonce = blob[: len(MAGIC) + KEY_ID_LEN], blob[len(MAGIC) + KEY_ID_LEN : HEADER_LEN]
    try:
        data = AESGCM(key.key).decrypt(nonce, blob[HEADER_LEN:], header + name.encode())
    except InvalidTag as exc:
        raise ArchiveError("authentication failed: the file was altered or is another's") from exc
    if keys.file_name(hashlib.sha256(data).hexdigest()) != name:
        raise ArchiveError("decrypted bytes do not match the file's name")
    return data


# --- the archive folder -------------------------------------------------------------------
def path_for(archive: Path, keys: ArchiveKeys, sha256: str) -> Path:
    name = keys.file_name(sha256)
    return archive / name[:2] / (name + SUFFIX)


def _atomic_write(path: Path, blob: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def put(archive: Path, keys: ArchiveKeys, data: bytes, sha256: str | None = None) -> Path:
    """Archive ``data`` once (idempotent by content); returns where it is."""
    sha256 = sha256 or hashlib.sha256(data).hexdigest()
    target = path_for(archive, keys, sha256)
    if not target.exists():
        _atomic_write(target, encrypt(keys, data, target.stem))
    return target


def exists(archive: Path, keys: ArchiveKeys, sha256: str) -> bool:
    return path_for(archive, keys, sha256).is_file()


def read(archive: Path, keys: ArchiveKeys, sha256: str) -> bytes:
    """The clear bytes of archived file ``sha256`` (in memory only); FileNotFoundError when
    it was never archived, ArchiveError when it cannot be decrypted."""
    path = path_for(archive, keys, sha256)
    return decrypt(keys, path.read_bytes(), path.stem)


def _legacy_files(archive: Path) -> Iterator[tuple[Path, str]]:
    """Clear files of the archive before encryption: ``<sha[:2]>/<sha><suffix>``."""
    for path in sorted(archive.glob("??/*")):
        stem = path.name.split(".", 1)[0]
        if (
            path.is_file()
            and path.suffix != SUFFIX
            and len(stem) == 64
            and stem[:2] == path.parent.name
            and all(c in "0123456789abcdef" for c in stem)
        ):
            yield path, stem


@dataclass
class RotateSummary:
    rotated: int = 0  # re-encrypted under the current key
    already_current: int = 0
    encrypted_legacy: int = 0  # clear files of the old layout, now encrypted (and removed)
    failed: list[str] = field(default_factory=list)  # names that no known key opens


def rotate(archive: Path, keys: ArchiveKeys) -> RotateSummary:
    """Re-encrypt every file not under the current key, and encrypt clear legacy files.

    Each file is decrypted (verified against its sha256) and the new ciphertext written
    beside it and renamed over it: a crash leaves either the old or the new file, both
    readable with the keys given. A file no key opens is left as it is and reported."""
    summary = RotateSummary()
    for path in sorted(archive.glob(f"??/*{SUFFIX}")):
        blob = path.read_bytes()
        if key_id_of(blob) == keys.current.key_id:
            summary.already_current += 1
            continue
        try:
            data = decrypt(keys, blob, path.stem)
        except ArchiveError:
            summary.failed.append(path.name)
            continue
        _atomic_write(path, encrypt(keys, data, path.stem))
        summary.rotated += 1
    for path, sha in _legacy_files(archive):
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != sha:
            summary.failed.append(path.name)
            continue
        put(archive, keys, data, sha)
        path.unlink()  # the clear copy goes only once its ciphertext is in place
        summary.encrypted_legacy += 1
    return summary


# --- authorised re-identification and rotation: ``skillwatch archive show|rotate`` --------
ACCESS_LOG = "archive_access"  # in the lake's catalogue: who opened which file, when, why


def access_log_path(settings) -> Path:
    return lake.path(settings, ACCESS_LOG)


def resolve(settings, ref: str) -> list[dict]:
    """Register rows for a delivery reference: a full or abbreviated (>= 8 hex) sha256, or
    the delivered file's path as registered (``310101/attendance/2025-03-01.csv``)."""
    import polars as pl

    from pipelines.lib import delta_io

    register = delta_io.read(
        settings.deliveries, columns=["file", "sha256", "district_code", "feed"]
    )
    if register.is_empty():
        return []
    ref = ref.strip()
    hexish = len(ref) >= 8 and all(c in "0123456789abcdefABCDEF" for c in ref)
    cond = pl.col("file") == ref
    if hexish:
        cond = cond | pl.col("sha256").str.starts_with(ref.lower())
    return register.filter(cond).unique("sha256", keep="first").to_dicts()


def log_access(settings, row: dict, who: str, purpose: str, out: str) -> None:
    import datetime as dt
    import getpass

    import polars as pl

    from pipelines.lib import delta_io

    entry = {
        "accessed_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
        "who": who,
        "os_user": getpass.getuser(),
        "purpose": purpose,
        "sha256": row["sha256"],
        "file": row["file"],
        "district_code": row["district_code"],
        "feed": row["feed"],
        "written_to": out,
    }
    delta_io.append(access_log_path(settings), pl.DataFrame([entry]))


def _show(settings, keys: ArchiveKeys, args) -> int:
    import sys

    rows = resolve(settings, args.ref)
    if not rows:
        print(f"skillwatch archive: no registered delivery matches {args.ref!r}", file=sys.stderr)
        return 1
    if len(rows) > 1:
        print(
            f"skillwatch archive: {args.ref!r} matches {len(rows)} deliveries; give more of the "
            "sha256",
            file=sys.stderr,
        )
        return 1
    row = rows[0]
    try:
        data = read(settings.archive, keys, row["sha256"])
    except FileNotFoundError:
        print(f"skillwatch archive: {row['file']} is not in the archive", file=sys.stderr)
        return 1
    except ArchiveError as exc:
        print(f"skillwatch archive: {row['file']}: {exc}", file=sys.stderr)
        return 1
    # logged before anything clear leaves the process: no unlogged re-identification
    log_access(settings, row, args.who, args.purpose, args.out or "stdout")
    if args.out:
        out = Path(args.out)
        fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        print(f"wrote {len(data)} bytes of {row['file']} to {out} (access logged)", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    return 0


def _rotate(settings, keys: ArchiveKeys) -> int:
    summary = rotate(settings.archive, keys)
    print(
        f"archive key {keys.current.key_id.hex()}: {summary.rotated} re-encrypted, "
        f"{summary.encrypted_legacy} clear files encrypted, {summary.already_current} already "
        f"current, {len(summary.failed)} not readable with the keys given"
    )
    for name in summary.failed[:20]:
        print(f"  not rotated: {name}")
    return 1 if summary.failed else 0


def main_archive(argv: list[str]) -> int:
    import argparse
    import getpass

    from pipelines.settings import get_settings

    parser = argparse.ArgumentParser(
        prog="skillwatch archive",
        description="The encrypted raw archive: authorised re-identification and key rotation.",
    )
    parser.add_argument("--warehouse")
    sub = parser.add_subparsers(dest="action", required=True)
    show = sub.add_parser("show", help="decrypt one delivery (logged in lake/archive_access)")
    show.add_argument("ref", help="sha256 (or its first 8+ characters) or the registered file")
    show.add_argument("--out", help="write the clear bytes here (mode 600) instead of stdout")
    show.add_argument("--purpose", required=True, help="why (case number, audit request)")
    show.add_argument("--who", default=getpass.getuser(), help="the person asking")
    sub.add_parser(
        "rotate",
        help="re-encrypt under SKILLWATCH_ARCHIVE_KEY (old root in "
        "SKILLWATCH_ARCHIVE_KEY_PREVIOUS); also encrypts a clear legacy archive",
    )
    args = parser.parse_args(argv)
    settings = get_settings(args.warehouse)
    keys = ArchiveKeys.from_settings(settings)
    if args.action == "show":
        return _show(settings, keys, args)
    return _rotate(settings, keys)
