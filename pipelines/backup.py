"""``skillwatch backup --to DIR`` and ``skillwatch restore --from DIR``: incremental,
checksummed copies of everything a warehouse cannot rebuild from its landing folder.

Covered: the lake (every Delta table: bronze, silver, quarantine, the delivery register,
alert register and actions, the archive access log), the encrypted raw archive, the image
store (images and thumbnails), the users file and the published DuckDB file (also when
``SKILLWATCH_DUCKDB`` / ``SKILLWATCH_USERS`` put them outside the warehouse). Left out, as
rebuilt by the next run: ``build/`` (dbt's build database), ``docs/``, the Dagster home and a
landing folder kept inside the warehouse (its files are in the archive), temporary files.
A lake on object storage (``SKILLWATCH_LAKE_URI=s3://…``) is not copied: the store's own
versioning and replication keep it (and Delta's time travel its history); the backup says
so and covers the rest.

A backup folder::

    objects/<sha[:2]>/<sha256>    each distinct file once, named by its checksum
    manifests/<UTC stamp>.json    one per backup: every file's path, sha256 and size
    manifests/<UTC stamp>.json.sha256
    LATEST                        the newest manifest's name

Incremental: a file whose checksum is already in ``objects/`` is not copied again (the
previous manifest's size and mtime let unchanged files skip even the hashing). Delta tables
are copied consistently: each table's ``_delta_log`` is listed first, its data files copied
next and the listed log entries last, so every commit in the copy finds its files (a commit
written meanwhile is left for the next backup). The manifest is written last: an interrupted
backup leaves extra objects, never a manifest naming a missing one.

Restore verifies every object against its checksum (and the manifest against its own)
before writing anything, and refuses a non-empty target.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)
FORMAT = 1
# rebuilt by a run (or the landing itself): never worth a copy
EXCLUDED_TOP = {"build", "docs", "dagster_home", "landing"}
EXCLUDED_SUFFIXES = (".tmp", ".lock", ".building")
EXCLUDED_PREFIXES = (".tmp-", ".skillwatch-write-test-")
PUBLISHED, USERS = "@published", "@users"  # files kept outside the warehouse
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Source:
    """One file to back up: where it is, and its name in the manifest."""

    path: Path
    name: str


@dataclass
class BackupSummary:
    manifest: Path
    files: int = 0
    copied: int = 0  # objects added to the backup by this run
    copied_bytes: int = 0
    reused: int = 0  # already in the backup (same checksum)
    vanished: list[str] = field(default_factory=list)  # gone between listing and copying


@dataclass
class RestoreSummary:
    files: int = 0
    bytes: int = 0
    corrupt: list[str] = field(default_factory=list)  # wrong checksum or missing object


class RestoreError(Exception):
    pass


# --- what to copy -------------------------------------------------------------------------
def _excluded(rel: Path) -> bool:
    if rel.parts and rel.parts[0] in EXCLUDED_TOP:
        return True
    name = rel.name
    return name.endswith(EXCLUDED_SUFFIXES) or name.startswith(EXCLUDED_PREFIXES)


def _files(root: Path) -> Iterator[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(filenames):
            yield Path(dirpath) / name


def _log_last(table: Path, log_files: list[Path]) -> list[Path]:
    """The log entries of one Delta table in copy order; ``_last_checkpoint`` only when the
    checkpoint it names was listed (else readers would look for a missing one)."""
    entries = [p for p in log_files if p.name != "_last_checkpoint"]
    hint = table / "_delta_log" / "_last_checkpoint"
    if hint in log_files:
        try:
            version = int(json.loads(hint.read_text())["version"])
            if any(p.name.startswith(f"{version:020d}.checkpoint") for p in entries):
                entries.append(hint)
        except (OSError, ValueError, KeyError):
            pass
    return entries


def sources(settings) -> list[Source]:
    """Every file to back up, in copy order: Delta logs after all data files."""
    from pipelines.app_users import users_path

    warehouse = settings.warehouse
    # a lake on object storage is the store's to keep; a local folder left from before the
    # move is stale, not the lake
    local_lake = not settings.lake_uri
    tables = (
        sorted(
            p.parent
            for p in (warehouse / "lake").rglob("_delta_log")
            if p.is_dir() and not _excluded(p.relative_to(warehouse))
        )
        if local_lake
        else []
    )
    # list each table's log before copying anything: the snapshot the copy is consistent with
    logs = {
        t: _log_last(
            t,
            [
                p
                for p in _files(t / "_delta_log")
                if p.is_file() and not _excluded(p.relative_to(warehouse))
            ],
        )
        for t in tables
    }
    data: list[Source] = []
    for path in _files(warehouse):
        rel = path.relative_to(warehouse)
        if _excluded(rel) or "_delta_log" in rel.parts or not path.is_file():
            continue
        if not local_lake and rel.parts[0] == "lake":
            continue
        data.append(Source(path, rel.as_posix()))
    for outside, prefix in ((settings.duckdb_path, PUBLISHED), (users_path(settings), USERS)):
        if outside.is_file() and not outside.resolve().is_relative_to(warehouse):
            data.append(Source(outside, f"{prefix}/{outside.name}"))
    log_sources = [Source(p, p.relative_to(warehouse).as_posix()) for t in tables for p in logs[t]]
    return data + log_sources


# --- backing up ---------------------------------------------------------------------------
def _object(backup: Path, sha: str) -> Path:
    return backup / "objects" / sha[:2] / sha


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy_in(backup: Path, source: Path) -> tuple[str, int, bool]:
    """Copy ``source`` into the object store, hashing as it goes: (sha, size, copied)."""
    tmp_dir = backup / "objects" / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=tmp_dir)
    try:
        with source.open("rb") as src, os.fdopen(fd, "wb") as dst:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                dst.write(chunk)
                size += len(chunk)
            dst.flush()
            os.fsync(dst.fileno())
        sha = digest.hexdigest()
        target = _object(backup, sha)
        if target.exists():
            return sha, size, False
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp, target)
        return sha, size, True
    finally:
        Path(tmp).unlink(missing_ok=True)


def latest_manifest(backup: Path) -> Path | None:
    pointer = backup / "LATEST"
    if not pointer.is_file():
        return None
    path = backup / "manifests" / pointer.read_text().strip()
    return path if path.is_file() else None


def _stat_cache(backup: Path) -> dict[str, tuple[int, int, str]]:
    """name -> (size, mtime_ns, sha256) from the previous backup, to skip re-hashing."""
    previous = latest_manifest(backup)
    if previous is None:
        return {}
    entries = json.loads(previous.read_text())["files"]
    return {e["path"]: (e["size"], e["mtime_ns"], e["sha256"]) for e in entries}


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}")
    tmp.write_text(text)
    os.replace(tmp, path)


def backup(settings, target: Path, now: dt.datetime | None = None) -> BackupSummary:
    target = Path(target)
    cache = _stat_cache(target)
    now = now or dt.datetime.now(dt.UTC)
    stamp = now.strftime("%Y%m%dT%H%M%S%fZ")
    summary = BackupSummary(target / "manifests" / f"{stamp}.json")
    if settings.lake_uri:
        log.warning("the lake is on object storage (%s): not in this backup", settings.lake)
    entries = []
    for src in sources(settings):
        try:
            st = src.path.stat()
            cached = cache.get(src.name)
            if cached and cached[:2] == (st.st_size, st.st_mtime_ns):
                sha, size = cached[2], st.st_size
                if _object(target, sha).is_file():
                    summary.reused += 1
                    entries.append(_entry(src.name, sha, size, st.st_mtime_ns))
                    continue
            sha, size, copied = _copy_in(target, src.path)
        except FileNotFoundError:
            summary.vanished.append(src.name)  # e.g. a temporary file renamed meanwhile
            continue
        if copied:
            summary.copied += 1
            summary.copied_bytes += size
        else:
            summary.reused += 1
        entries.append(_entry(src.name, sha, size, st.st_mtime_ns))
    summary.files = len(entries)
    manifest = {
        "format": FORMAT,
        "created_at": now.isoformat(),
        "warehouse": str(settings.warehouse),
        "files": entries,
    }
    text = json.dumps(manifest, indent=1, ensure_ascii=False)
    _write_atomic(summary.manifest, text)
    _write_atomic(
        summary.manifest.with_name(summary.manifest.name + ".sha256"),
        hashlib.sha256(text.encode()).hexdigest() + "\n",
    )
    _write_atomic(target / "LATEST", summary.manifest.name + "\n")
    return summary


def _entry(name: str, sha: str, size: int, mtime_ns: int) -> dict:
    return {"path": name, "sha256": sha, "size": size, "mtime_ns": mtime_ns}


# --- restoring ----------------------------------------------------------------------------
def load_manifest(backup: Path, name: str | None = None) -> dict:
    path = backup / "manifests" / name if name else latest_manifest(backup)
    if path is None or not path.is_file():
        raise RestoreError(f"no backup manifest in {backup}")
    text = path.read_text()
    check = path.with_name(path.name + ".sha256")
    if (
        not check.is_file()
        or check.read_text().strip() != hashlib.sha256(text.encode()).hexdigest()
    ):
        raise RestoreError(f"manifest {path.name} does not match its checksum")
    return json.loads(text)


def verify(backup: Path, manifest: dict) -> list[str]:
    """Names whose object is missing or does not hash to the manifest's checksum."""
    bad, checked = [], {}
    for e in manifest["files"]:
        sha = e["sha256"]
        if sha not in checked:
            obj = _object(backup, sha)
            checked[sha] = obj.is_file() and sha256_of(obj) == sha
        if not checked[sha]:
            bad.append(e["path"])
    return bad


def _destination(settings, name: str) -> Path:
    from pipelines.app_users import users_path

    prefix, _, rest = name.partition("/")
    if prefix == PUBLISHED:
        return settings.duckdb_path
    if prefix == USERS:
        return users_path(settings)
    return settings.warehouse / name


def restore(settings, source: Path, manifest_name: str | None = None) -> RestoreSummary:
    """Restore into ``settings.warehouse``, which must be empty or absent."""
    source = Path(source)
    warehouse = settings.warehouse
    if warehouse.exists() and any(warehouse.iterdir()):
        raise RestoreError(f"{warehouse} is not empty: restore into an empty folder")
    manifest = load_manifest(source, manifest_name)
    summary = RestoreSummary()
    summary.corrupt = verify(source, manifest)
    if summary.corrupt:
        return summary  # nothing written: a half-restored warehouse would look whole
    # same order as backed up: Delta logs after their data files
    for e in manifest["files"]:
        dest = _destination(settings, e["path"])
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".tmp-{dest.name}")
        shutil.copyfile(_object(source, e["sha256"]), tmp)
        if sha256_of(tmp) != e["sha256"]:  # changed under us since verify()
            tmp.unlink()
            summary.corrupt.append(e["path"])
            continue
        os.replace(tmp, dest)
        summary.files += 1
        summary.bytes += e["size"]
    return summary


# --- the commands -------------------------------------------------------------------------
def main_backup(argv: list[str]) -> int:
    from pipelines.settings import get_settings

    parser = argparse.ArgumentParser(
        prog="skillwatch backup",
        description="Incremental, checksummed backup of the lake, archive, images and state.",
    )
    parser.add_argument("--to", required=True, help="backup folder (created; reused next time)")
    parser.add_argument("--warehouse")
    args = parser.parse_args(argv)
    settings = get_settings(args.warehouse)
    if not settings.warehouse.is_dir():
        print(f"skillwatch backup: no warehouse at {settings.warehouse}", file=sys.stderr)
        return 2
    s = backup(settings, Path(args.to))
    print(
        f"backup {s.manifest.name}: {s.files} files, {s.copied} copied "
        f"({s.copied_bytes / 1e6:.1f} MB), {s.reused} already in the backup"
        + (f", {len(s.vanished)} vanished while copying" if s.vanished else "")
    )
    return 0


def main_restore(argv: list[str]) -> int:
    from pipelines.settings import get_settings

    parser = argparse.ArgumentParser(
        prog="skillwatch restore", description="Verify a backup and restore it into a warehouse."
    )
    parser.add_argument("--from", dest="source", required=True, help="backup folder")
    parser.add_argument("--warehouse", help="target (empty or absent); default: the settings'")
    parser.add_argument("--manifest", help="an older manifest's file name (default: LATEST)")
    args = parser.parse_args(argv)
    settings = get_settings(args.warehouse)
    try:
        s = restore(settings, Path(args.source), args.manifest)
    except RestoreError as exc:
        print(f"skillwatch restore: {exc}", file=sys.stderr)
        return 2
    if s.corrupt:
        print(
            f"skillwatch restore: {len(s.corrupt)} files fail their checksum, nothing restored: "
            + ", ".join(s.corrupt[:10]),
            file=sys.stderr,
        )
        return 1
    print(f"restored {s.files} files ({s.bytes / 1e6:.1f} MB) into {settings.warehouse}")
    return 0
