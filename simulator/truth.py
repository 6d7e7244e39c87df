"""The ground truth, written beside the landing folder (``<landing>_truth/``, see
``truth_dir``), never inside it: the pipeline reads the landing folder and must not know
the answers.

- ``files.csv``: every file written, its format, encoding, header language, record count,
  whether the ingest should read it (``ok``) or not (``unreadable`` + a FileReason code),
  and its delivery time (also the file's mtime).
- ``defects.csv``: every planted bad row: file, 1-based record ordinal, RowReason code.
- ``fraud.csv``: every early-warning case the tabular feeds show (``rules.py``).
- ``summary.json``: the run's parameters and row counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.contract import FileReason
from simulator.writers import SHANGHAI

FILES_COLUMNS = ("file", "district_code", "feed", "format", "encoding", "header_lang", "rows",
                 "expected_status", "file_reason", "delivered_at")  # fmt: skip
DEFECTS_COLUMNS = ("district_code", "feed", "file", "row_number", "reason")


def truth_dir(landing: Path) -> Path:
    """Where the truth of a city delivered to ``landing`` lives: the sibling folder
    ``<landing>_truth`` (``/data/landing`` -> ``/data/landing_truth``)."""
    landing = Path(landing).resolve()
    return landing.with_name(f"{landing.name}_truth")


@dataclass
class FileTruth:
    file: str
    district_code: str
    feed: str
    format: str
    encoding: str
    header_lang: str
    rows: int
    expected_status: str
    file_reason: str
    delivered_at: str


def file_truth(d, rows: int) -> FileTruth:
    habit = d.habit
    fmt, enc, status, reason = habit.format, habit.encoding, "ok", ""
    if d.oddity == "garbage":
        fmt, enc, status, reason = "csv", "binary", "unreadable", FileReason.UNREADABLE
        rows = 0
    elif d.oddity == "empty":
        fmt, enc, status, reason = "csv", "", "unreadable", FileReason.EMPTY_FILE
        rows = 0
    elif d.oddity == "mojibake":
        enc, status, reason = "utf-8-mojibake", "unreadable", FileReason.MIS_ENCODED
    elif d.oddity == "gb18030":
        enc = "gb18030"
    return FileTruth(
        file=d.path,
        district_code=d.district,
        feed=d.feed,
        format=fmt,
        encoding=enc,
        header_lang=habit.header_lang if d.oddity not in ("garbage", "empty") else "",
        rows=rows,
        expected_status=status,
        file_reason=str(reason),
        delivered_at=f"{d.delivered_at:%Y-%m-%d %H:%M:%S}",
    )


def _csv(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write(
    out: Path,
    files: list[FileTruth],
    defects: list[tuple],
    fraud: pl.DataFrame,
    summary: dict,
) -> Path:
    truth = truth_dir(out)
    truth.mkdir(parents=True, exist_ok=True)
    files = sorted(files, key=lambda f: f.file)
    _csv(truth / "files.csv", FILES_COLUMNS,
         [tuple(getattr(f, c) for c in FILES_COLUMNS) for f in files])  # fmt: skip
    _csv(truth / "defects.csv", DEFECTS_COLUMNS, sorted(defects))
    fraud.write_csv(truth / "fraud.csv", line_terminator="\n")
    (truth / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    # truth is "written" with the last delivery, so that reruns match to the nanosecond
    last = max(f.delivered_at for f in files)
    stamp = dt.datetime.strptime(last, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI).timestamp()
    for p in truth.iterdir():
        os.utime(p, (stamp, stamp))
    return truth
