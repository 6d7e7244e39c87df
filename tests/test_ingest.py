"""Lossless ingest: every format, every defect, idempotence, corrections, privacy."""

from __future__ import annotations

import datetime as dt
import os

import polars as pl
import pyarrow.parquet as pq
import pytest
from delivery_factory import id_number, write_delivery
from deltalake import DeltaTable

from pipelines.district_feeds.ingest import ingest
from pipelines.lib import archive_crypto, delta_io

PERSON_A = id_number("31011219700101123")  # Minhang code with a 1970 birth date: legal
PERSON_B = id_number("41032619950505456")
PERSON_C = id_number("31010419881212001")
NAMES = {PERSON_A: "王建国", PERSON_B: "李秀英", PERSON_C: "欧阳娜娜"}
PHONES = {PERSON_A: "13812345678", PERSON_B: "15987654321", PERSON_C: "18600001111"}


def _city(date_form: str = "%Y-%m-%d", bool_yes: str = "是", bool_no: str = "否") -> dict:
    """One institution, one class with two sessions, three trainees and their check-ins."""

    def d(day: str) -> str:
        return dt.date.fromisoformat(day).strftime(date_form)

    def ts(day: str, hm: str) -> str:
        return f"{d(day)} {hm}"

    return {
        "institutions": [
            {
                "institution_id": "JG001",
                "uscc": "91310104MA1FL0000M",
                "name": "上海徐汇职业技能培训学校",
                "district_code": "310104",
                "address": "徐汇区漕溪北路1号",
                "license_no": "教民131010470001",
                "license_valid_until": d("2028-06-30"),
                "status": "正常",
                "contact_phone": "13912345678",
            }
        ],
        "classes": [
            {
                "class_id": "BJ2026001",
                "institution_id": "JG001",
                "occupation_code": "4-03-02-01",
                "occupation_name": "中式烹调师",
                "level": "4",
                "mode": "线下",
                "filed_on": d("2026-08-20"),
                "start_date": d("2026-09-01"),
                "end_date": d("2026-10-31"),
                "planned_hours": "80",
                "capacity": "30",
                "site_address": "徐汇区漕溪北路1号3楼",
                "camera_ids": "CAM3101040001;CAM3101040002",
            }
        ],
        "sessions": [
            {
                "session_id": "KC001",
                "class_id": "BJ2026001",
                "teacher_id": "JS001",
                "starts_at": ts("2026-09-01", "18:30"),
                "ends_at": ts("2026-09-01", "21:30"),
                "hours": "3",
                "room": "301",
            },
            {
                "session_id": "KC002",
                "class_id": "BJ2026001",
                "teacher_id": "JS001",
                "starts_at": ts("2026-09-02", "18:30:00"),
                "ends_at": ts("2026-09-02", "21:30:00"),
                "hours": "3.0",
                "room": "301",
            },
        ],
        "enrolments": [
            {
                "enrolment_id": f"BM00{i}",
                "class_id": "BJ2026001",
                "id_number": person,
                "name": NAMES[person],
                "phone": PHONES[person],
                "enrolled_on": d("2026-08-25"),
                "subsidy_eligible": bool_yes if i != 3 else bool_no,
            }
            for i, person in enumerate([PERSON_A, PERSON_B, PERSON_C], start=1)
        ],
        "attendance": [
            {
                "record_id": f"KQ{i:03d}",
                "class_id": "BJ2026001",
                "session_id": "KC001",
                "id_number": person,
                "kind": "签到",
                "checked_at": ts("2026-09-01", f"18:2{i}:0{i}"),
                "method": "人脸" if i < 3 else "刷卡",
                "face_score": "0.93" if i < 3 else "",
                "photo_id": f"P{i:04d}" if i < 3 else "",
                "device_id": "DEV01",
            }
            for i, person in enumerate([PERSON_A, PERSON_B, PERSON_C], start=1)
        ],
    }


ORDER = ["institutions", "classes", "sessions", "enrolments", "attendance"]

HABITS = {
    # district: (format, encoding, Chinese headers, date form, yes, no)
    "310104": ("csv", "gb18030", True, "%Y/%m/%d", "是", "否"),
    "310105": ("csv", "utf-8-sig", False, "%Y%m%d", "Y", "N"),
    "310106": ("xlsx", None, True, "%Y-%m-%d", "1", "0"),
    "310107": ("jsonl", "utf-8", False, "%Y-%m-%d", "true", "false"),
}


def _deliver(landing, district, city, fmt="csv", encoding="utf-8", zh=False, suffix=""):
    ext = {"csv": "csv", "xlsx": "xlsx", "jsonl": "jsonl"}[fmt]
    for feed in ORDER:
        rows = city[feed]
        if feed == "institutions":
            rows = [{**r, "district_code": district} for r in rows]
        write_delivery(
            landing, district, feed, f"{feed}_20260901{suffix}.{ext}", rows, fmt, encoding, zh
        )


def _bronze(settings, feed):
    return delta_io.read(settings.bronze(feed))


def test_every_format_and_header_language_gives_the_same_typed_rows(settings):
    for district, (fmt, enc, zh, form, yes, no) in HABITS.items():
        _deliver(settings.landing, district, _city(form, yes, no), fmt, enc or "utf-8", zh)
    ingest(settings)

    register = delta_io.read(settings.deliveries)
    assert register["status"].unique().to_list() == ["accepted"]
    assert set(register["encoding"].drop_nulls()) == {"gb18030", "utf-8-sig", "utf-8"}
    for feed in ORDER:
        bronze = _bronze(settings, feed)
        lineage = [c for c in bronze.columns if c.startswith("src_") or c.endswith("_enc")]
        per_district = [
            bronze.filter(pl.col("src_district_code") == d)
            .drop(lineage, "district_code", strict=False)
            .sort(pl.all())
            for d in HABITS
        ]
        assert per_district[0].height == len(_city()[feed])
        for other in per_district[1:]:
            assert other.equals(per_district[0]), feed

    sessions = _bronze(settings, "sessions").filter(pl.col("src_district_code") == "310105")
    assert sessions.schema["starts_at"] == pl.Datetime("us")
    assert sorted(sessions["starts_at"].to_list())[0] == dt.datetime(2026, 9, 1, 18, 30)
    enrol = _bronze(settings, "enrolments").filter(pl.col("src_district_code") == "310106")
    assert sorted(enrol["subsidy_eligible"].to_list()) == [False, True, True]


def test_every_row_read_is_accepted_or_quarantined(settings):
    city = _city()
    city["attendance"].append({**city["attendance"][0], "record_id": "KQ999", "checked_at": "x"})
    _deliver(settings.landing, "310104", city)
    ingest(settings)
    register = delta_io.read(settings.deliveries)
    assert (register["rows_read"] == register["rows_accepted"] + register["rows_quarantined"]).all()
    assert register["rows_read"].sum() == sum(len(rows) for rows in city.values())
    assert delta_io.read(settings.quarantine).height == 1


def test_redelivered_file_adds_no_rows(settings):
    _deliver(settings.landing, "310104", _city())
    ingest(settings)
    versions = {f: DeltaTable(str(settings.bronze(f))).version() for f in ORDER}
    register_version = DeltaTable(str(settings.deliveries)).version()

    summary = ingest(settings)  # the very same files again
    assert summary.files == [] and summary.skipped_same_bytes == len(ORDER)
    assert {f: DeltaTable(str(settings.bronze(f))).version() for f in ORDER} == versions
    assert DeltaTable(str(settings.deliveries)).version() == register_version

    # the same bytes delivered again under another name: registered, nothing ingested twice
    src = settings.landing / "310104" / "attendance" / "attendance_20260901.csv"
    copy = src.with_name("attendance_20260901_again.csv")
    copy.write_bytes(src.read_bytes())
    summary = ingest(settings)
    assert [f["status"] for f in summary.files] == ["duplicate"]
    assert _bronze(settings, "attendance").height == 3


def test_corrected_file_replaces_rows_by_key_and_old_version_stays_readable(settings):
    city = _city()
    _deliver(settings.landing, "310104", city)
    ingest(settings)
    first_version = DeltaTable(str(settings.bronze("sessions"))).version()

    corrected = [dict(r) for r in city["sessions"]]
    corrected[1]["hours"] = "2.5"
    corrected[1]["ends_at"] = "2026-09-02 21:00"
    write_delivery(
        settings.landing,
        "310104",
        "sessions",
        "sessions_20260901_v2.csv",
        corrected,
        delivered_at=dt.datetime(2026, 9, 3, 2, 0),
    )
    ingest(settings)

    now = _bronze(settings, "sessions").sort("session_id")
    assert now.height == 2  # replaced by key, not appended
    assert now["hours"].to_list() == [3.0, 2.5]
    assert now["src_file"][1].endswith("sessions_20260901_v2.csv")
    before = delta_io.read(settings.bronze("sessions"), version=first_version).sort("session_id")
    assert before["hours"].to_list() == [3.0, 3.0]


def test_older_delivery_ingested_late_does_not_overwrite_a_newer_one(settings):
    city = _city()
    _deliver(settings.landing, "310104", city)
    newer = [dict(r) for r in city["sessions"]]
    newer[0]["room"] = "502"
    write_delivery(
        settings.landing,
        "310104",
        "sessions",
        "s_v2.csv",
        newer,
        delivered_at=dt.datetime(2026, 9, 5, 2, 0),
    )
    ingest(settings)
    older = [dict(r) for r in city["sessions"]]
    older[0]["room"] = "101"
    write_delivery(
        settings.landing,
        "310104",
        "sessions",
        "s_old.csv",
        older,
        delivered_at=dt.datetime(2026, 9, 1, 23, 0),
    )
    ingest(settings)
    assert _bronze(settings, "sessions").sort("session_id")["room"][0] == "502"


def test_truncated_binary_empty_and_misplaced_files_are_registered_not_crashed_on(settings):
    _deliver(settings.landing, "310104", _city())
    att = settings.landing / "310104" / "attendance"
    full = (att / "attendance_20260901.csv").read_bytes()
    (att / "truncated.csv").write_bytes(full.replace(b"KQ", b"KT")[:-25])  # cut mid-line
    (att / "binary.csv").write_bytes(os.urandom(2048))
    (att / "empty.csv").write_bytes(b"")
    (att / "scan.pdf").write_bytes(b"%PDF-1.4 not a table")
    (settings.landing / "310199" / "classes").mkdir(parents=True)
    (settings.landing / "310199" / "classes" / "x.csv").write_text("class_id\nC1\n")
    broken_xlsx = settings.landing / "310104" / "classes" / "broken.xlsx"
    broken_xlsx.write_bytes(
        (settings.landing / "310104" / "classes" / "classes_20260901.csv").read_bytes()[:10]
    )

    ingest(settings)
    reg = {r["file"].split("/", 1)[1]: r for r in delta_io.read(settings.deliveries).to_dicts()}
    assert reg["attendance/truncated.csv"]["status"] == "partial"
    assert reg["attendance/truncated.csv"]["rows_quarantined"] == 1
    assert reg["attendance/binary.csv"]["reason"] == "UNREADABLE"
    assert reg["attendance/empty.csv"]["reason"] == "EMPTY_FILE"
    assert reg["attendance/scan.pdf"]["reason"] == "UNKNOWN_FORMAT"
    assert reg["classes/x.csv"]["reason"] == "UNKNOWN_DISTRICT"
    assert reg["classes/broken.xlsx"]["reason"] == "UNREADABLE"
    quarantine = delta_io.read(settings.quarantine)
    assert quarantine.filter(pl.col("file").str.ends_with("truncated.csv"))[
        "reason_codes"
    ].to_list() == [["RAGGED_ROW"]]
    # unreadable files are kept, byte for byte, in the (encrypted) archive
    keys = archive_crypto.ArchiveKeys.from_settings(settings)
    for name in ("binary.csv", "empty.csv", "scan.pdf"):
        sha = reg[f"attendance/{name}"]["sha256"]
        assert archive_crypto.read(settings.archive, keys, sha) == (att / name).read_bytes()


def _reasons(settings) -> dict[str, list[str]]:
    q = delta_io.read(settings.quarantine)
    out = {}
    for r in q.to_dicts():
        values = __import__("json").loads(r["original_values"])
        key = next(v for k, v in values.items() if k.endswith("_id") or k.endswith("编号"))
        out[key] = r["reason_codes"]
    return out


def test_bad_rows_are_quarantined_with_the_right_reason(settings):
    city = _city()
    bad_check_digit = PERSON_B[:-1] + ("0" if PERSON_B[-1] != "0" else "1")
    city["enrolments"].append(
        {**city["enrolments"][0], "enrolment_id": "BM_BADID", "id_number": bad_check_digit}
    )
    city["enrolments"].append(
        {**city["enrolments"][0], "enrolment_id": "BM_BADDATE", "enrolled_on": "2026-13-45"}
    )
    city["enrolments"].append(
        {**city["enrolments"][0], "enrolment_id": "BM_BADPHONE", "phone": "1381234567"}
    )
    city["sessions"].append(
        {**city["sessions"][0], "session_id": "KC_NOCLASS", "class_id": "BJ_UNKNOWN"}
    )
    city["sessions"].append(
        {**city["sessions"][0], "session_id": "KC_ORDER", "ends_at": "2026-09-01 17:00"}
    )
    city["sessions"].append(
        {
            **city["sessions"][0],
            "session_id": "KC_OUTSIDE",
            "starts_at": "2026-12-01 18:30",
            "ends_at": "2026-12-01 21:30",
        }
    )
    city["sessions"].append(dict(city["sessions"][0]))  # duplicate key: the second is bad
    city["attendance"].append(
        {**city["attendance"][0], "record_id": "KQ_NOSESSION", "session_id": "KC_GHOST"}
    )
    city["attendance"].append(
        {**city["attendance"][0], "record_id": "KQ_SCORE", "face_score": "1.3"}
    )
    city["attendance"].append(
        {
            **city["attendance"][0],
            "record_id": "KQ_NOTENROLLED",
            "id_number": id_number("31011519800101777"),
        }
    )
    city["attendance"].append({**city["attendance"][0], "record_id": "KQ_KIND", "kind": "迟到"})
    _deliver(settings.landing, "310104", city)
    ingest(settings)

    reasons = _reasons(settings)
    assert reasons == {
        "BM_BADID": ["BAD_ID_NUMBER"],
        "BM_BADDATE": ["BAD_DATE"],
        "KC_NOCLASS": ["MISSING_REFERENCE"],
        "KC_ORDER": ["DATE_ORDER"],
        "KC_OUTSIDE": ["SESSION_OUTSIDE_CLASS"],
        "KC001": ["DUPLICATE_KEY"],
        "KQ_NOSESSION": ["MISSING_REFERENCE"],
        "KQ_SCORE": ["OUT_OF_RANGE"],
        "KQ_KIND": ["BAD_CODE"],
    }
    # warnings (a bad contact phone, a check-in by someone not enrolled) never quarantine:
    # the rows are accepted with their findings
    warned = {
        r["enrolment_id"]: r["src_warnings"] for r in _bronze(settings, "enrolments").to_dicts()
    } | {r["record_id"]: r["src_warnings"] for r in _bronze(settings, "attendance").to_dicts()}
    assert warned["BM_BADPHONE"] == ["BAD_PHONE:phone"]
    assert warned["KQ_NOTENROLLED"] == ["NOT_ENROLLED:id_number"]
    # the first KC001 was accepted; the valid rows of each file all landed
    assert sorted(_bronze(settings, "sessions")["session_id"]) == ["KC001", "KC002"]
    assert _bronze(settings, "attendance").height == 4


def test_missing_required_column_quarantines_that_files_rows_only(settings):
    city = _city()
    _deliver(settings.landing, "310104", city)
    rows = [{k: v for k, v in r.items() if k != "checked_at"} for r in city["attendance"]]
    for r in rows:
        r["record_id"] += "X"
    write_delivery(settings.landing, "310104", "attendance", "no_time.csv", rows)
    ingest(settings)
    reg = delta_io.read(settings.deliveries).filter(pl.col("file").str.ends_with("no_time.csv"))
    assert reg["status"].to_list() == ["rejected"]
    q = delta_io.read(settings.quarantine)
    assert q["reason_codes"].to_list() == [["MISSING_COLUMN"]] * 3
    assert _bronze(settings, "attendance").height == 3


def test_late_delivery_rows_are_counted(settings):
    city = _city()
    _deliver(settings.landing, "310104", city)
    write_delivery(
        settings.landing,
        "310104",
        "attendance",
        "late.csv",
        [{**city["attendance"][0], "record_id": "KQ_LATE"}],
        delivered_at=dt.datetime(2026, 9, 8, 9, 0),
    )
    ingest(settings)
    reg = delta_io.read(settings.deliveries)
    late = dict(zip(reg["file"].str.split("/").list.last(), reg["late_rows"], strict=True))
    assert late["late.csv"] == 1
    assert late["attendance_20260901.csv"] == 0


def test_no_clear_personal_data_anywhere_under_the_lake(settings):
    city = _city()
    city["enrolments"].append(
        {**city["enrolments"][0], "enrolment_id": "BM_BAD", "enrolled_on": "bad-date"}
    )
    _deliver(settings.landing, "310104", city, fmt="csv", encoding="gb18030", zh=True)
    ingest(settings)
    secrets = [*NAMES, *NAMES.values(), *PHONES.values(), "13912345678"]

    lake_files = [p for p in settings.lake.rglob("*") if p.is_file()]
    assert any(p.suffix == ".parquet" for p in lake_files)
    for path in lake_files:
        if path.suffix == ".parquet":
            table = pq.read_table(path)
            text = "\n".join(
                str(v) for col in table.columns for v in col.to_pylist() if v is not None
            )
        else:  # Delta logs carry column statistics (min/max values)
            text = path.read_text(encoding="utf-8", errors="ignore")
        for secret in secrets:
            assert secret not in text, f"{secret[:3]}… in clear in {path.name}"

    enrol = _bronze(settings, "enrolments")
    assert enrol["id_number_masked"].str.contains(r"^\d{3}\*{11}[\dX]{4}$").all()
    assert enrol["name_masked"].to_list()[0].endswith("*")
    assert enrol["id_number_pseudo"].str.contains(r"^[0-9a-f]{32}$").all()
    # the same person has the same pseudonym in every feed (joins work)
    att = _bronze(settings, "attendance")
    assert set(att["id_number_pseudo"]) <= set(enrol["id_number_pseudo"])


@pytest.mark.parametrize("value", ["2026-09-01", "2026/09/01", "20260901", "2026-9-1"])
def test_all_date_forms_of_the_standard_are_read(settings, value):
    city = _city()
    city["classes"][0]["start_date"] = value
    _deliver(settings.landing, "310104", city)
    ingest(settings)
    assert _bronze(settings, "classes")["start_date"].to_list() == [dt.date(2026, 9, 1)]


def test_header_language_is_the_script_the_header_is_written_in():
    # acceptance, 2026-12-04: upper-case English headers were registered as Chinese
    from pipelines.district_feeds.ingest import _header_lang

    assert _header_lang({"CLASS_ID": "class_id", " Capacity ": "capacity"}) == "en"
    assert _header_lang({"班级编号": "class_id", "计划学时": "planned_hours"}) == "zh"
    assert _header_lang({"class_id": "class_id", "计划学时": "planned_hours"}) == "mixed"
