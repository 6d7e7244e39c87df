"""Generated malformed deliveries, and the check every one of them must pass.

A case is one file (a name and its bytes) for a feed folder. ``account_for`` runs it
through what ingest does to a file before any Delta write — read (``read_into``), count,
type and check (``Ingestor.check``), and build its register row — and says whether it
survived: no exception escaped, rows read equals an independent count of the file's rows,
accepted + quarantined equals rows read, and every rejection (file or row) has a reason.

Shared by ``test_fuzz_deliveries`` (small derandomized profile) and
``benchmarks/fuzz_deliveries.py`` (the big profile, with per-class tallies).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

import xlsxwriter
from hypothesis import strategies as st
from reliability import hostile

from pipelines.contract import ALL_FEEDS, FORMATS, SEVERITY, FileReason
from pipelines.district_feeds.conform import PROBLEMS
from pipelines.district_feeds.ingest import Ingestor, LoadedDelivery, read_into
from pipelines.district_feeds.landing import Delivery
from pipelines.lib import file_guard
from pipelines.lib.readers import decode

FEEDS = ("classes", "enrolments")
WHEN = dt.datetime(2026, 9, 10, 2, 0)


@dataclass
class Case:
    kind: str  # the class of file, for the tallies: csv, csv-broken, jsonl, xlsx, ...
    feed: str
    name: str
    data: bytes
    values: tuple[str, ...] = ()  # values planted in the file (never to show in details)


# --- values and names -------------------------------------------------------------------
_NASTY = ['"', ",", "\n", "\r", "\u200b", "\u2028", "\u2029", "\u0085", "\ufeff", "\t"]
_CHARS = st.sampled_from(list("ab1 9-:/.X张班级号") + _NASTY)
field_text = st.one_of(
    st.text(_CHARS, max_size=8),
    st.sampled_from(
        ["BJ2026001", " BJ2026001\u200b", "ＢＪ２０２６００１", "2026-09-01", "是", "4"]
    ),
    st.integers(0, 4).map(lambda k: "x" * (0, 10, 1000, 140_000, 5)[k]),  # over the field limit
)


def _headers(feed: str) -> st.SearchStrategy[list[str]]:
    columns = ALL_FEEDS[feed].columns
    names = (
        [c.name for c in columns]
        + [c.zh for c in columns]
        + ["备注", "", "__row", " 班级编号\u200b"]
    )
    return st.lists(st.sampled_from(names), min_size=1, max_size=8)


names = st.one_of(
    st.sampled_from(["d.csv", "_x.csv", ".x.csv", "..x.csv", "D.CSV", "a b.csv", "班级.csv"]),
    st.text(st.sampled_from(list("ab_.-张 ")), min_size=1, max_size=6).map(lambda s: s + ".csv"),
)


# --- encodings and damage -----------------------------------------------------------------
_ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "latin-1"]


@st.composite
def encoded(draw, text: str) -> bytes:
    encoding = draw(st.sampled_from(_ENCODINGS))
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode("utf-8")
    if draw(st.booleans()):  # a BOM that lies about the body
        data = draw(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b""])) + data
    return _damage(draw, data)


def _damage(draw, data: bytes) -> bytes:
    cut = draw(st.sampled_from(["none", "none", "cut", "garbage", "nul"]))
    if cut == "cut" and data:
        data = data[: draw(st.integers(0, len(data)))]
    elif cut == "garbage":
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=8)) + data[at:]
    elif cut == "nul":
        data = data + b"\x00" * draw(st.integers(1, 64))
    return data


# --- CSV ----------------------------------------------------------------------------------
@st.composite
def csv_cases(draw) -> Case:
    feed = draw(st.sampled_from(FEEDS))
    headers = draw(_headers(feed))
    rows = draw(st.lists(st.lists(field_text, min_size=0, max_size=len(headers) + 2), max_size=12))
    if draw(st.booleans()):  # written as a real CSV writer would
        buf = io.StringIO()
        csv.writer(buf, lineterminator=draw(st.sampled_from(["\n", "\r\n", "\r"]))).writerows(
            [headers, *rows]
        )
        text, kind = buf.getvalue(), "csv"
    else:  # joined by hand: stray quotes, unterminated quotes, separators in values
        text = "\n".join(",".join(r) for r in [headers, *rows])
        if rows and draw(st.booleans()):
            text += '\n1,"never closed\n2,x'
        kind = "csv-hand-joined"
    values = tuple(v for r in rows for v in r if len(v.strip()) >= 6)
    return Case(kind, feed, draw(names), draw(encoded(text)), values)


# --- JSON Lines ---------------------------------------------------------------------------
@st.composite
def jsonl_cases(draw) -> Case:
    feed = draw(st.sampled_from(FEEDS))
    headers = draw(_headers(feed))
    lines = []
    for _ in range(draw(st.integers(0, 10))):
        shape = draw(st.sampled_from(["object", "object", "array", "broken", "nested"]))
        record = {h: draw(field_text) for h in headers}
        if shape == "object":
            lines.append(json.dumps(record, ensure_ascii=draw(st.booleans())))
        elif shape == "array":
            lines.append(json.dumps(list(record.values())))
        elif shape == "nested":
            lines.append(json.dumps({**record, "n": {"a": [1, {"b": None}]}}))
        else:
            lines.append(json.dumps(record)[: draw(st.integers(0, 20))])
    text = "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n", "\n\n"]))
    name = draw(st.sampled_from(["d.jsonl", "_d.json", ".d.jsonl"]))
    return Case("jsonl", feed, name, draw(encoded(text)))


# --- XLSX ---------------------------------------------------------------------------------
_cell = st.one_of(
    field_text.filter(lambda v: "\r" not in v and "\x00" not in v and len(v) < 30_000),
    st.integers(-(10**18), 10**18),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.none(),
)


@st.composite
def xlsx_cases(draw) -> Case:
    feed = draw(st.sampled_from(FEEDS))
    shape = draw(
        st.sampled_from(
            ["plain", "plain", "cover_first", "empty", "far_cells", "truncated", "dimension"]
        )
    )
    if shape == "far_cells":
        return Case("xlsx-far-cells", feed, "d.xlsx", hostile.xlsx_two_far_cells())
    if shape == "dimension":
        return Case(
            "xlsx-dimension", feed, "d.xlsx", hostile.xlsx_declared_dimension("A1:ZZ999999")
        )
    headers = draw(_headers(feed))
    rows = draw(st.lists(st.lists(_cell, max_size=len(headers) + 1), max_size=10))
    sheets = {"Sheet1": [headers, *rows]}
    if shape == "cover_first":
        sheets = {"封面": [["报送说明"]] if draw(st.booleans()) else [], **sheets}
    elif shape == "empty":
        sheets = {"Sheet1": []}
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False})
    book.set_properties({"created": WHEN})  # the same bytes for the same draw
    for sheet_name, sheet_rows in sheets.items():
        sheet = book.add_worksheet(sheet_name)
        for r, row in enumerate(sheet_rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    data = buf.getvalue()
    if shape == "truncated":
        data = data[: draw(st.integers(0, len(data)))]
    return Case(f"xlsx-{shape}", feed, draw(st.sampled_from(["d.xlsx", "_d.xlsx", "D.XLSX"])), data)


@st.composite
def other_cases(draw) -> Case:
    """Not a format of the standard, or not what its extension says."""
    data = draw(st.one_of(st.binary(max_size=300), st.just(b""), st.just(b"   \n")))
    name = draw(st.sampled_from(["scan.pdf", "noext", "d.csv", "d.xlsx", "d.jsonl", ".hidden"]))
    if name == "d.xlsx" and draw(st.booleans()):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("xl/workbook.xml", data)
        data = buf.getvalue()
    return Case("binary-or-other", draw(st.sampled_from(FEEDS)), name, data)


deliveries = st.one_of(csv_cases(), jsonl_cases(), xlsx_cases(), other_cases())


# --- the check ----------------------------------------------------------------------------
def _same_scans(data: bytes) -> None:
    """The vectorised sheet scan agrees with the careful one, sheet by sheet."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for part in (n for n in z.namelist() if n.startswith("xl/worksheets/sheet")):
            xml = z.read(part)
            fast = file_guard._scan_sheet_fast("s", xml, set())
            assert fast is None or fast == file_guard.scan_sheet_careful("s", xml, set())


def independent_rows(case: Case, fmt: str) -> int:
    if fmt == "xlsx":
        _same_scans(case.data)
        return hostile.xlsx_first_sheet_rows(case.data)
    text = decode(case.data)[0]
    return hostile.jsonl_rows(text) if fmt == "jsonl" else hostile.csv_data_rows(text)


@dataclass
class Outcome:
    rows_read: int
    rows_accepted: int
    rows_quarantined: int
    status: str


def account_for(ingestor: Ingestor, case: Case) -> Outcome:
    """Raise AssertionError when a row or a reason is lost; any other exception is a crash."""
    d = Delivery(Path(case.name), f"310104/{case.feed}/{case.name}", "310104", case.feed, WHEN)
    fmt = FORMATS.get(d.path.suffix.lower())
    if fmt is None:
        d = Delivery(d.path, d.file, d.district_code, d.feed, WHEN, FileReason.UNKNOWN_FORMAT)
    loaded = LoadedDelivery(d, "0" * 64, len(case.data))
    if d.problem:
        loaded.error = ingestor_error(d)
    else:
        read_into(loaded, case.data)
    if loaded.error:
        row = ingestor._register_row(loaded, status="unreadable")
        assert row["reason"] in FileReason.__members__, row
        assert row["detail"], row
        assert not any(v in row["detail"] for v in case.values), row["detail"]
        return Outcome(0, 0, 0, "unreadable")
    table = loaded.table
    assert loaded.rows_read == table.frame.height + len(table.broken)
    assert loaded.rows_read == independent_rows(case, fmt), (loaded.rows_read, case.kind)
    assert all(r.problem in SEVERITY for r in table.broken)
    typed = ingestor.check(ALL_FEEDS[case.feed], [loaded])
    assert typed.height == table.frame.height  # typing neither adds nor drops a row
    quarantined = typed.filter(typed[PROBLEMS].list.len() > 0).height + len(table.broken)
    accepted = typed.height - (quarantined - len(table.broken))
    assert all(all(":" in e for e in p) for p in typed[PROBLEMS].to_list())
    row = ingestor._register_row(loaded, accepted=accepted, quarantined=quarantined)
    assert row["rows_read"] == row["rows_accepted"] + row["rows_quarantined"]
    detail = row["detail"] or ""
    assert not any(v in detail for v in case.values), detail
    return Outcome(row["rows_read"], accepted, quarantined, row["status"])


def ingestor_error(d: Delivery):
    from pipelines.lib.readers import UnreadableFile

    return UnreadableFile(d.problem, f"not a delivery path: {d.file}")
