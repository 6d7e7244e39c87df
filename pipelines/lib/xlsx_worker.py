"""calamine in a child process: an abort in native code costs one file, not the run.

calamine aborts the whole process when an allocation fails, and a workbook can ask for any
size: a far cell (a 512 GiB range), a shared-string table declaring four billion entries
(96 GB reserved up front), and whatever the next version reserves from another count. The
pre-scan (``file_guard``) refuses the known ones with a reason; this worker is what makes
an unknown one cost only its file. One long-lived child parses every workbook of a run
(start-up ~1 s once, then ~1 ms of pipe overhead per file); when it dies or exceeds
``MAX_SECONDS`` the file is unreadable with the reason and the next file gets a new child.

Protocol on the child's stdin/stdout: 8-byte little-endian length, then the payload; the
reply is ``0x00`` + Arrow IPC of the first sheet (no header row, all strings) or ``0x01``
+ the exception's class name.
"""

from __future__ import annotations

import io
import os
import select
import struct
import subprocess
import sys
import tempfile
import threading
import time

import polars as pl

MAX_SECONDS = 120  # one workbook within the pre-scan's limits parses in well under this
_HEAD = struct.Struct("<Q")


class ParserDied(Exception):
    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class _Worker:
    def __init__(self) -> None:
        self.stderr = tempfile.TemporaryFile()  # noqa: SIM115 (lives as long as the child)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pipelines.lib.xlsx_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
        )

    def _read(self, n: int, deadline: float) -> bytes:
        out = bytearray()
        fd = self.proc.stdout.fileno()
        while len(out) < n:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
            chunk = os.read(fd, n - len(out))
            if not chunk:
                raise EOFError
            out += chunk
        return bytes(out)

    def parse(self, data: bytes) -> pl.DataFrame:
        deadline = time.monotonic() + MAX_SECONDS
        try:
            self.proc.stdin.write(_HEAD.pack(len(data)) + data)
            self.proc.stdin.flush()
            (n,) = _HEAD.unpack(self._read(_HEAD.size, deadline))
            payload = self._read(n, deadline)
        except TimeoutError:
            self.kill()
            raise ParserDied(f"the XLSX parser took over {MAX_SECONDS} s") from None
        except (EOFError, BrokenPipeError, OSError):
            raise ParserDied(self._death()) from None
        if payload[:1] == b"\x01":
            raise ValueError(payload[1:].decode("utf-8", "replace"))
        return pl.read_ipc(io.BytesIO(payload[1:]))

    def _death(self) -> str:
        code = self.proc.wait(timeout=10)
        self.stderr.seek(0)
        first = self.stderr.read(4096).decode("utf-8", "replace").strip().splitlines()
        # calamine's own message (an allocation size), never file content
        why = next((line for line in first if "memory allocation" in line), "")
        return f"the XLSX parser process died (exit code {code}){': ' + why if why else ''}"

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill(self) -> None:
        if self.alive():
            self.proc.kill()
            self.proc.wait(timeout=10)


_lock = threading.Lock()
_worker: _Worker | None = None


def parse_first_sheet(data: bytes) -> pl.DataFrame:
    """The first sheet as strings, no header row; ParserDied when the child died or hung,
    ValueError (the parser's exception class name) when calamine refused the file."""
    global _worker
    with _lock:
        if _worker is None or not _worker.alive():
            _worker = _Worker()
        try:
            return _worker.parse(data)
        except ParserDied:
            _worker = None
            raise


def _serve() -> None:
    import fastexcel

    inp, out = sys.stdin.buffer, sys.stdout.buffer
    while head := inp.read(_HEAD.size):
        (n,) = _HEAD.unpack(head)
        data = inp.read(n)
        try:
            sheet = fastexcel.read_excel(data).load_sheet(0, header_row=None, dtypes="string")
            buf = io.BytesIO()
            sheet.to_polars().write_ipc(buf)
            payload = b"\x00" + buf.getvalue()
        except Exception as exc:  # calamine's own errors: a broken zip, a broken sheet
            payload = b"\x01" + type(exc).__name__.encode()
        out.write(_HEAD.pack(len(payload)) + payload)
        out.flush()


if __name__ == "__main__":
    _serve()
