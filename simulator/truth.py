"""The ground truth, written beside the landing folder (``<landing>_truth/``, see
``truth_dir``), never inside it: the pipeline reads the landing folder and must not know
the answers.

- ``files.csv``: every file written, its format, encoding, header language, record count,
  whether the ingest should read it (``ok``) or not (``unreadable`` + a FileReason code),
  and its delivery time (also the file's mtime).
- ``defects.csv``: every planted bad row: file, 1-based record ordinal, RowReason code.
- ``fraud.csv``: every early-warning case the tabular feeds show (``rules.py``), with its
  ``cause``: knock-on cases share one (every session of a teacher whose certificate lapsed:
  ``teacher:<id>``; every class of an institution whose licence lapsed: ``institution:<id>``;
  both classes of a double-attending person: ``person:<hash>``), so a case is counted once
  per cause.
- ``classes.csv``: every class with what was planted in it and its ``label``: ``fraud``
  (cheating planted in this class), ``knock_on`` (in the fraud truth through another
  class's cause only), ``near_miss`` (honest, planted near a threshold), ``honest``.
- ``summary.json``: the run's parameters and row counts.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
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


def with_causes(fraud: pl.DataFrame, enrolments: pl.DataFrame) -> pl.DataFrame:
    """fraud.csv's rows with the cause each case comes from (see the module doc)."""
    person = enrolments.select(
        "enrolment_id",
        pl.col("id_number")
        .map_elements(lambda v: hashlib.sha256(v.encode()).hexdigest()[:12], pl.String)
        .alias("_person"),
    ).unique("enrolment_id")
    f = fraud.join(person, on="enrolment_id", how="left")
    teacher = pl.col("detail").str.extract(r"^teacher (\S+) (?:certificate|also)", 1)
    cause = (
        pl.when(pl.col("rule_code") == "W14")
        .then(pl.format("district:{}|{}", "district_code", "detail"))
        .when(pl.col("rule_code").is_in(["W04", "W15"]) & pl.col("_person").is_not_null())
        .then(pl.format("person:{}", "_person"))
        .when(pl.col("rule_code") == "W10")
        .then(pl.format("institution:{}", "institution_id"))
        .when((pl.col("rule_code") == "W09") & teacher.is_not_null())
        .then(pl.format("teacher:{}", teacher))
        .otherwise(pl.format("class:{}", "class_id"))
    )
    return f.with_columns(cause.alias("cause")).drop("_person")


CLASS_COLUMNS = ("district_code", "institution_id", "class_id", "planted", "near_miss",
                 "person_fraud", "rules_in_truth", "label")  # fmt: skip


def class_truth(world, fraud: pl.DataFrame) -> pl.DataFrame:
    """One row per class: what was planted in it, which rules the truth names it under, and
    its label (``fraud`` / ``knock_on`` / ``near_miss`` / ``honest``)."""
    e = world.frames["enrolments"]
    taker = set(e.filter(pl.col("partner").is_not_null() & (pl.col("tag") != "upgrade"))
                ["class_id"].to_list())  # fmt: skip
    named: dict[str, set[str]] = {}
    for c, r in fraud.select("class_id", "rule_code").drop_nulls().iter_rows():
        named.setdefault(c, set()).add(r)
    rows = []
    for c in sorted(world.classes, key=lambda c: c.class_id):
        planted = sorted(b for b in c.behaviours if not b.startswith("NM_"))
        near = sorted(b for b in c.behaviours if b.startswith("NM_"))
        rules = sorted(named.get(c.class_id, ()))
        person = c.class_id in taker and bool({"W04", "W15"} & set(rules))
        label = ("fraud" if planted or person else "knock_on" if rules
                 else "near_miss" if near else "honest")  # fmt: skip
        rows.append((c.district_code, c.institution_id, c.class_id, ";".join(planted),
                     ";".join(near), person, ";".join(rules), label))  # fmt: skip
    return pl.DataFrame(rows, schema=list(CLASS_COLUMNS), orient="row")


def prevalence_summary(world, fraud: pl.DataFrame, rate: float) -> dict:
    """How the planted fraud is spread: share of classes, districts, top institutions."""
    classes = class_truth(world, fraud)
    bad = classes.filter(pl.col("label") == "fraud")
    n = classes.height
    per_inst = bad.group_by("institution_id").len().sort("len", descending=True)
    per_district = bad.group_by("district_code").len().sort("district_code")
    causes = with_causes(fraud, world.frames["enrolments"])
    return {
        "fraud_rate_asked": rate,
        "classes": n,
        "fraud_classes": bad.height,
        "fraud_class_share": round(bad.height / n, 4) if n else 0.0,
        "knock_on_classes": classes.filter(pl.col("label") == "knock_on").height,
        "near_miss_classes": classes.filter(pl.col("label") == "near_miss").height,
        "fraud_institutions": per_inst.height,
        "top5_institutions_share": round(per_inst["len"].head(5).sum() / max(1, bad.height), 3),
        "fraud_classes_by_district": dict(per_district.iter_rows()),
        "fraud_causes_by_rule": dict(
            sorted(causes.group_by("rule_code").agg(pl.col("cause").n_unique()).iter_rows())
        ),
    }


def write_planted(landing: Path, name: str, columns: tuple[str, ...], rows: list[dict]) -> None:
    """One planted-findings CSV (``rows`` keyed by ``columns``) beside the landing."""
    out = truth_dir(landing)
    out.mkdir(parents=True, exist_ok=True)
    _csv(out / name, columns, [tuple(r[c] for c in columns) for r in rows])


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
    classes: pl.DataFrame | None = None,
) -> Path:
    truth = truth_dir(out)
    truth.mkdir(parents=True, exist_ok=True)
    files = sorted(files, key=lambda f: f.file)
    _csv(truth / "files.csv", FILES_COLUMNS,
         [tuple(getattr(f, c) for c in FILES_COLUMNS) for f in files])  # fmt: skip
    _csv(truth / "defects.csv", DEFECTS_COLUMNS, sorted(defects))
    fraud.write_csv(truth / "fraud.csv", line_terminator="\n")
    if classes is not None:
        classes.write_csv(truth / "classes.csv", line_terminator="\n")
    (truth / "summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    # truth is "written" with the last delivery, so that reruns match to the nanosecond
    last = max(f.delivered_at for f in files)
    stamp = dt.datetime.strptime(last, "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI).timestamp()
    for p in truth.iterdir():
        os.utime(p, (stamp, stamp))
    return truth
