"""Online learning records (线上学习记录) of a simulated city's 线上/混合 classes, with
planted click-through, concurrency and proxy cases and their truth.

Reads the classes and enrolments a landing already holds (any format the standard allows,
like ``elearning.simulate.teachers_in_landing``), and writes one delivery per district and
learning day at ``<landing>/<district>/online_learning/online_learning_<day>.csv``. Honest
learners study each module once, in full, on their own device and network, face-checked
every 15 minutes; a trainee whose claim is planted as W08 does not study at all.
Planted, per class, by chance (deterministic for a seed), as the rules catalogue words them:

- O01 fast      - a module at 100 % after a fraction of its time;
- O01 parallel  - one learner completing three modules at once;
- O02           - one learner on a second device while the first is still open;
- O03           - five different learners on one kiosk within the hour.

The truth goes beside the landing (``truth_dir``): ``online_fraud.csv``, one row per planted
finding with the subject id ``alert_findings`` gives it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from pipelines.contract import ALL_FEEDS, DISTRICT_FEEDS
from pipelines.contract.headers import map_headers
from pipelines.contract.legality import is_valid_id_number
from pipelines.lib.readers import UnreadableFile, read_delivery
from simulator.truth import truth_dir, write_planted
from simulator.writers import write

ONLINE_MODES = ("线上", "混合")
MODULES = 4  # modules of every online class, 45 to 90 minutes each
FRAUD_COLUMNS = ("rule_code", "pattern", "district_code", "class_id", "subject_id")
# chances, per class, of each planted case
CHANCES = {"fast": 0.35, "parallel": 0.25, "two_devices": 0.3, "kiosk": 0.25}


@dataclass(frozen=True)
class OnlineClass:
    district_code: str
    class_id: str
    start_date: dt.date
    end_date: dt.date
    learners: tuple[str, ...]  # ID numbers, as delivered


def _column(path: Path, feed: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        table = read_delivery(path, path.read_bytes())
    except UnreadableFile:
        return []
    mapping, _ = map_headers(DISTRICT_FEEDS[feed], table.headers)
    headers = {name: h for h, name in mapping.items() if name in names}
    if set(headers) != set(names):
        return []
    frame = table.frame.select(list(headers.values()))
    return [
        {name: (row[headers[name]] or "").strip() for name in names}
        for row in frame.iter_rows(named=True)
    ]


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.replace("/", "-")[:10])
    except ValueError:
        return None


def _planted_absentees(landing: Path) -> set[tuple[str, str]]:
    """(district, enrolment) of the claims planted as W08 (claimed without the hours): such a
    trainee does not study online either. Online modules would add hours the planted truth
    does not count, and W08 would then rightly stay silent on a case the truth holds."""
    fraud = truth_dir(landing) / "fraud.csv"
    if not fraud.exists():
        return set()
    with fraud.open(encoding="utf-8") as fh:
        return {
            (r["district_code"], r["enrolment_id"])
            for r in csv.DictReader(fh)
            if r["rule_code"] == "W08" and r["enrolment_id"]
        }


def online_classes(landing: Path, until: dt.date | None = None) -> list[OnlineClass]:
    """The landing's 线上/混合 classes with their enrolled learners (valid ID numbers).

    ``until``: the last day of the simulated data. A class still running then has studied
    only up to it (records dated later would move the warehouse's newest data day into the
    future and make every yearly patrol look overdue)."""
    classes: dict[tuple[str, str], dict] = {}
    for path in sorted(Path(landing).glob("31*/classes/*")):
        for row in _column(path, "classes", ("class_id", "mode", "start_date", "end_date")):
            start, end = _date(row["start_date"]), _date(row["end_date"])
            if until is not None and end is not None:
                end = min(end, until)
            if row["mode"] in ONLINE_MODES and start and end and start <= end:
                classes[(path.parts[-3], row["class_id"])] = {"start": start, "end": end}
    absent = _planted_absentees(landing)
    learners: dict[tuple[str, str], set[str]] = {}
    for path in sorted(Path(landing).glob("31*/enrolments/*")):
        for row in _column(path, "enrolments", ("class_id", "enrolment_id", "id_number")):
            key = (path.parts[-3], row["class_id"])
            if (path.parts[-3], row["enrolment_id"]) in absent:
                continue
            if key in classes and is_valid_id_number(row["id_number"]):
                learners.setdefault(key, set()).add(row["id_number"].upper())
    return [
        OnlineClass(d, c, v["start"], v["end"], tuple(sorted(learners[(d, c)])))
        for (d, c), v in sorted(classes.items())
        if learners.get((d, c))
    ]


def _record(rid, cls, person, start, minutes, module, module_minutes, device, ip):
    return {
        "record_id": rid,
        "class_id": cls.class_id,
        "id_number": person,
        "module_id": module,
        "started_at": f"{start:%Y-%m-%d %H:%M:%S}",
        "ended_at": f"{start + dt.timedelta(minutes=minutes):%Y-%m-%d %H:%M:%S}",
        "module_minutes": str(module_minutes),
        "progress_pct": "100",
        "device_id": device,
        "ip": ip,
        "face_checks": str(max(1, int(minutes) // 15)),
        "face_failures": "0",
    }


def _ip(network: int, index: int) -> str:
    """A distinct address per index within 10.<network>.0.0/16 (so no two learners share one
    by accident: O03 counts people per IP)."""
    return f"10.{network}.{index // 250 % 250}.{index % 250 + 1}"


def _class_records(
    cls: OnlineClass, ci: int, base: int, rng: np.random.Generator
) -> tuple[list[dict], list[dict]]:
    """Records of class number ``ci``, whose learners are ``base``, ``base + 1``... city-wide."""
    days = (cls.end_date - cls.start_date).days + 1
    lengths = [int(m) for m in rng.integers(45, 91, MODULES)]
    records, truth = [], []
    seq = iter(range(1, 10**6))

    def rid() -> str:
        return f"OL{cls.class_id}-{next(seq):04d}"

    for n, person in enumerate(cls.learners):
        g = base + n
        device, ip = f"PC-{cls.class_id}-{n:03d}", _ip(g // 62500 % 200, g % 62500)
        free = dt.datetime.combine(cls.start_date, dt.time(0, 0))
        for m, length in enumerate(lengths):
            # one module an evening where the class is long enough, in order, in full (a
            # little longer than the module), never two at once
            day = cls.start_date + dt.timedelta(days=int(m * days / MODULES) % days)
            start = dt.datetime.combine(day, dt.time(19, 0)) + dt.timedelta(
                minutes=int(rng.integers(0, 90))
            )
            start = max(start, free + dt.timedelta(minutes=5))
            minutes = length + int(rng.integers(0, 8))
            free = start + dt.timedelta(minutes=minutes)
            records.append(_record(rid(), cls, person, start, minutes, f"M{m + 1}", length,
                                   device, ip))  # fmt: skip
    first = cls.learners[0]
    evening = dt.datetime.combine(cls.end_date, dt.time(8, 0))
    ip0 = _ip(250, ci)

    def plant(rule, pattern, subject):
        truth.append(dict(rule_code=rule, pattern=pattern, district_code=cls.district_code,
                          class_id=cls.class_id, subject_id=subject))  # fmt: skip

    if rng.random() < CHANCES["fast"]:
        r = _record(rid(), cls, first, evening, max(1, lengths[0] // 10), "M1-REDO", lengths[0],
                    f"PC-{cls.class_id}-000", ip0)  # fmt: skip
        records.append(r)
        plant("O01", "fast", f"fast|{r['record_id']}")
    if rng.random() < CHANCES["parallel"]:
        batch = [
            _record(rid(), cls, first, evening + dt.timedelta(hours=2, minutes=10 * k),
                    lengths[k], f"P{k + 1}", lengths[k], f"PC-{cls.class_id}-000", ip0)
            for k in range(3)
        ]  # fmt: skip
        records += batch
        plant("O01", "parallel", f"parallel|{batch[-1]['record_id']}")
    if rng.random() < CHANCES["two_devices"]:
        a = _record(rid(), cls, first, evening + dt.timedelta(hours=6), 60, "D1", 60,
                    f"PC-{cls.class_id}-000", ip0)  # fmt: skip
        b = _record(rid(), cls, first, evening + dt.timedelta(hours=6, minutes=20), 60, "D2",
                    60, f"PHONE-{cls.class_id}", _ip(251, ci))  # fmt: skip
        records += [a, b]
        plant("O02", "two_devices", f"{a['record_id']}|{b['record_id']}")
    if len(cls.learners) >= 5 and rng.random() < CHANCES["kiosk"]:
        kiosk = f"KIOSK-{cls.class_id}"
        for k, person in enumerate(cls.learners[:5]):
            start = evening + dt.timedelta(hours=9, minutes=11 * k)
            records.append(_record(rid(), cls, person, start, 50, f"K{k + 1}", 50, kiosk,
                                   _ip(252, 5 * ci + k)))  # fmt: skip
        plant("O03", "kiosk", f"device|{kiosk}")
    return records, truth


def _write(path: Path, rows: list[dict], delivered_at: dt.datetime) -> None:
    names = ALL_FEEDS["online_learning"].column_names
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    write(str(path), buf.getvalue().encode("utf-8"), delivered_at)


def simulate_online(landing: Path, seed: int = 42, until: dt.date | None = None) -> dict[str, int]:
    """Write the online learning deliveries of the landing's 线上/混合 classes (studied up to
    ``until`` when given) and their truth; returns counts of records and planted findings."""
    landing = Path(landing)
    rng = np.random.default_rng(seed + 13)
    by_day: dict[tuple[str, str], list[dict]] = {}
    planted: list[dict] = []
    base = 0
    for ci, cls in enumerate(online_classes(landing, until)):
        records, truth = _class_records(cls, ci, base, rng)
        base += len(cls.learners)
        for r in records:
            by_day.setdefault((cls.district_code, r["started_at"][:10]), []).append(r)
        planted += truth
    # one delivery per district and learning day, sent the next night like the other district
    # feeds: a year of records in one file would be a year late by W14 (the rule is right;
    # such a simulator would plant W14 cases its truth does not hold)
    for (district, day), rows in sorted(by_day.items()):
        date = dt.date.fromisoformat(day)
        delivered = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(2, 0))
        _write(landing / district / "online_learning" / f"online_learning_{date:%Y%m%d}.csv",
               rows, delivered)  # fmt: skip
    write_planted(landing, "online_fraud.csv", FRAUD_COLUMNS, planted)
    return {"records": sum(len(r) for r in by_day.values()), "planted": len(planted)}
