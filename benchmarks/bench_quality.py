"""GX validation of a 1-million-row attendance delivery (target: <= 30 s).

Builds a one-district warehouse with the references an attendance file needs (institution,
classes, sessions, enrolments) through the real ingest, writes a 1 M-row attendance CSV
into the archive as ingest would, then times ``validate_delivery`` on it (median of runs),
with the time split between building the validation frame and the GX run.

    .venv/bin/python benchmarks/bench_quality.py [--rows 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from stdnum.cn import ric

DISTRICT = "310104"


def _id_number(rng: random.Random) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(15000))
    base = f"310104{born:%Y%m%d}{rng.randrange(1000):03d}"
    return base + ric.calc_check_digit(base + "0")


def write_references(landing: Path, people: list[str], classes: int, sessions_per_class: int):
    root = landing / DISTRICT
    for feed in ("institutions", "classes", "sessions", "enrolments"):
        (root / feed).mkdir(parents=True, exist_ok=True)
    (root / "institutions" / "i.csv").write_text(
        "institution_id,uscc,name,district_code,status\n"
        "I1,91310104MA1FL0000M,上海甲职业技能培训学校,310104,正常\n"
    )
    lines = [
        "class_id,institution_id,occupation_code,level,mode,start_date,end_date,"
        "planned_hours,capacity"
    ]
    lines += [f"C{c},I1,4-03-02-01,4,线下,2026-01-01,2026-12-31,80,60" for c in range(classes)]
    (root / "classes" / "c.csv").write_text("\n".join(lines) + "\n")
    lines = ["session_id,class_id,teacher_id,starts_at,ends_at,hours"]
    for c in range(classes):
        for s in range(sessions_per_class):
            # all on the data day: a big daily file delivered on time (the usual case; a
            # late file makes GX list every row, see RESULTS_quality.md)
            start = dt.datetime(2026, 9, 1, 6, 0) + dt.timedelta(minutes=15 * s)
            end = start + dt.timedelta(minutes=10)
            lines.append(f"S{c}_{s},C{c},T1,{start:%Y-%m-%d %H:%M},{end:%Y-%m-%d %H:%M},0.2")
    (root / "sessions" / "s.csv").write_text("\n".join(lines) + "\n")
    lines = ["enrolment_id,class_id,id_number,name,phone,enrolled_on,subsidy_eligible"]
    for i, person in enumerate(people):
        lines.append(f"E{i},C{i % classes},{person},张某,13912345678,2026-08-25,Y")
    (root / "enrolments" / "e.csv").write_text("\n".join(lines) + "\n")
    stamp = dt.datetime(2026, 9, 1, 2, 0).timestamp()
    for path in root.rglob("*.csv"):
        os.utime(path, (stamp, stamp))


def attendance_csv(rows: int, people: list[str], classes: int, sessions_per_class: int) -> bytes:
    rng = random.Random(7)
    out = [
        "record_id,class_id,session_id,id_number,kind,checked_at,method,face_score,"
        "photo_id,device_id"
    ]
    for r in range(rows):
        p = rng.randrange(len(people))
        c = p % classes
        s = rng.randrange(sessions_per_class)
        at = dt.datetime(2026, 9, 1, 6, 0) + dt.timedelta(minutes=15 * s, seconds=r % 500)
        face = r % 3 != 0
        out.append(
            f"R{r},C{c},S{c}_{s},{people[p]},{'签到' if r % 2 else '签退'},{at:%Y-%m-%d %H:%M:%S},"
            f"{'人脸' if face else '刷卡'},{'0.93' if face else ''},P{r},D{c}"
        )
    return ("\n".join(out) + "\n").encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    from expectations import validate as V
    from expectations.checks import feed_checks
    from expectations.gx_runtime import runtime
    from pipelines.contract import DISTRICT_FEEDS
    from pipelines.district_feeds.ingest import ingest
    from pipelines.settings import get_settings

    rng = random.Random(1)
    people = [_id_number(rng) for _ in range(30_000)]
    classes, per_class = 600, 60
    with tempfile.TemporaryDirectory() as tmp:
        settings = get_settings(Path(tmp) / "wh", Path(tmp) / "landing")
        write_references(settings.landing, people, classes, per_class)
        ingest(settings)
        data = attendance_csv(args.rows, people, classes, per_class)
        sha = hashlib.sha256(data).hexdigest()
        file = f"{DISTRICT}/attendance/a_20260910.csv"
        target = V.archived_path(settings, sha, file)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        row = {
            "file": file,
            "sha256": sha,
            "district_code": DISTRICT,
            "feed": "attendance",
            "status": "accepted",
            "delivered_at": dt.datetime(2026, 9, 2, 1, 0),
        }
        runtime().validation("attendance")  # the per-process setup, outside the timing
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            results = V.validate_delivery(settings, row)
            times.append(time.perf_counter() - start)
        checks = len(feed_checks(DISTRICT_FEEDS["attendance"]))
        failed = [r.check for r in results if not r.passed]
        rows_checked = {r.rows_checked for r in results if r.check != "file_readable"}

        # split: frame building alone
        from expectations.validation_frame import delivery_frame
        from pipelines.district_feeds.landing import Delivery

        start = time.perf_counter()
        delivery_frame(
            DISTRICT_FEEDS["attendance"],
            Delivery(target, file, DISTRICT, "attendance", row["delivered_at"]),
            data,
        )
        frame_s = time.perf_counter() - start
    print(f"rows={args.rows} checks={checks} runs={[round(t, 2) for t in times]}")
    print(f"median={statistics.median(times):.2f}s  (read+type+text frame alone: {frame_s:.2f}s)")
    print(f"rows_checked={rows_checked} failed={failed}")


if __name__ == "__main__":
    main()
