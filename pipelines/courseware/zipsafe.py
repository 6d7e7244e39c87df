"""What may be read from a delivered zip, judged from its central directory before any byte
is decompressed, and a capped stream reader for what passes.

Publishers' zips are untrusted input: a zip bomb (tiny file, huge declared or real output),
an entry named ``../x`` or ``/etc/x`` (path traversal, harmful to whoever unpacks it later),
an encrypted entry (unreadable without a password) or a file that is no zip at all. Nothing
here writes to disk; the catalogue reads entries as streams through ``read_capped``.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

CHUNK = 1 << 20


@dataclass(frozen=True)
class Limits:
    # the whole library is ~2,100 GB over a few thousand packages; a video-heavy package
    # can reach a few GB unpacked, none is anywhere near this
    max_uncompressed_bytes: int = 16 << 30
    # deflate reaches ~10x on HTML/JS and ~30-60x on verbose XML; hundreds-to-one is only
    # reached by runs of one byte, i.e. a bomb
    max_ratio: float = 200.0
    # entries smaller than this are not judged by ratio (a 2 KB file of spaces is harmless)
    ratio_min_bytes: int = 1 << 20
    max_entries: int = 100_000
    max_manifest_bytes: int = 8 << 20


DEFAULT_LIMITS = Limits()


class Refused(Exception):
    """The package is not read: ``code`` (a finding code) and a human detail."""

    def __init__(self, code: str, detail: str):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


_DRIVE = re.compile(r"^[A-Za-z]:")


def entry_path(name: str) -> str | None:
    """The entry's path inside the package (``/`` separators, no ``./``), or None when it
    would land outside the package on extraction (``..`` component, absolute, drive)."""
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return None
    if ".." in unified.split("/"):
        return None
    normal = posixpath.normpath(unified)
    return "" if normal == "." else normal


def files(zf: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    return [i for i in zf.infolist() if not i.is_dir()]


def refusal(zf: zipfile.ZipFile, limits: Limits = DEFAULT_LIMITS) -> Refused | None:
    """Why this zip must not be read, from its central directory alone, or None."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        return Refused("zip_bomb", f"{len(infos)} 个条目,超过上限 {limits.max_entries}")
    traversal = [i.filename for i in infos if entry_path(i.filename) is None]
    if traversal:
        return Refused("path_traversal", "、".join(traversal[:5]))
    encrypted = [i.filename for i in infos if i.flag_bits & 0x1]
    if encrypted:
        return Refused("encrypted", "、".join(encrypted[:5]))
    total = sum(i.file_size for i in infos)
    if total > limits.max_uncompressed_bytes:
        return Refused(
            "zip_bomb", f"声明解压后 {total} 字节,超过上限 {limits.max_uncompressed_bytes}"
        )
    for i in infos:
        if i.file_size < limits.ratio_min_bytes:
            continue
        ratio = i.file_size / max(i.compress_size, 1)
        if ratio > limits.max_ratio:
            return Refused(
                "zip_bomb", f"{i.filename}: 压缩比 {ratio:.0f}:1 超过 {limits.max_ratio:.0f}:1"
            )
    return None


class Budget:
    """Bytes left to decompress for one package: the declared sizes may lie (zipfile stops
    at the declared size and fails the CRC, but the cap holds whatever the headers say)."""

    def __init__(self, limit: int):
        self.left = limit

    def take(self, n: int) -> None:
        self.left -= n
        if self.left < 0:
            raise Refused("zip_bomb", "实际解压字节数超过上限")


def read_chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: Budget) -> Iterator[bytes]:
    """The entry's bytes as a stream of chunks, charged to ``budget``."""
    with zf.open(info) as stream:
        while chunk := stream.read(CHUNK):
            budget.take(len(chunk))
            yield chunk


def read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int, budget: Budget) -> bytes:
    """A small entry (a manifest) whole; Refused when it is larger than ``cap``."""
    if info.file_size > cap:
        raise Refused("manifest_malformed", f"{info.filename} 超过 {cap} 字节")
    out = bytearray()
    for chunk in read_chunks(zf, info, budget):
        out += chunk
        if len(out) > cap:
            raise Refused("manifest_malformed", f"{info.filename} 超过 {cap} 字节")
    return bytes(out)
