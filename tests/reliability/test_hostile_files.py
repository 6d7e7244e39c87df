"""Hand-made hostile files, each reproducing a case of issue 12, read through the readers.

Every file either reads with every row accounted for (against the independent counts of
``reliability.hostile``), or is refused with a file-level reason — never a crash, never a
silent short read.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from reliability import hostile

from pipelines.contract import FileReason, RowReason
from pipelines.lib import file_guard
from pipelines.lib.readers import UnreadableFile, normalise_key, read_delivery


def _unreadable(name: str, data: bytes) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as caught:
        read_delivery(Path(name), data)
    assert caught.value.detail  # a reason a clerk can act on
    return caught.value


def test_a_utf8_bom_before_a_gb18030_body_is_unreadable_not_a_crash():
    data = b"\xef\xbb\xbf" + hostile.BODY_ZH.encode("gb18030")
    error = _unreadable("attendance.csv", data)
    assert error.reason == FileReason.UNREADABLE and "byte-order mark" in error.detail


def test_utf16_with_its_last_byte_cut_is_unreadable():
    error = _unreadable("attendance.csv", hostile.BODY_ZH.encode("utf-16")[:-1])
    assert error.reason == FileReason.UNREADABLE and "utf-16" in error.detail


def test_gb18030_cut_mid_character_is_read_as_gb18030_and_flagged():
    data = (hostile.BODY_ZH.rstrip("\n") + "张").encode("gb18030")[:-1]  # half of '张'
    table = read_delivery(Path("a.csv"), data)
    assert table.encoding == "gb18030" and "cut-off character" in table.decode_note
    assert table.rows_read == 10 and table.frame["name"][0] == "张三0"


def test_a_file_that_is_neither_utf8_nor_gb18030_is_flagged_as_a_guess():
    # 0x80 (the euro sign in cp1252) and 0xFF are bytes GB18030 cannot start a character with
    data = "id,name,price\n1,Ærøskøbing,€5\n2,Þórshöfn ÿ,€7\n".encode("cp1252")
    table = read_delivery(Path("a.csv"), data)
    assert table.decode_note and "guessed" in table.decode_note
    assert table.rows_read == 2


def test_an_xlsx_with_one_empty_sheet_is_an_empty_file():
    error = _unreadable("a.xlsx", hostile.xlsx({"Sheet1": []}))
    assert error.reason == FileReason.EMPTY_FILE


def test_a_huge_xlsx_extent_is_refused_before_calamine_sees_it():
    data = hostile.xlsx_two_far_cells()
    assert len(data) < 10_000
    error = _unreadable("a.xlsx", data)
    assert error.reason == FileReason.LIMIT_EXCEEDED and "columns" in error.detail


def _child(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[2],
        env={"PYTHONPATH": str(Path(__file__).parents[1]), "PATH": "/usr/bin:/bin"},
    )


def test_calamine_alone_aborts_the_process_on_it_and_the_reader_does_not():
    """The abort itself, in child processes: calamine dies with SIGABRT (a 512 GiB
    allocation fails at once, nothing is actually allocated); the reader exits cleanly."""
    alone = _child(
        "import fastexcel; from reliability import hostile\n"
        "fastexcel.read_excel(hostile.xlsx_two_far_cells()).load_sheet(0).to_polars()"
    )
    assert alone.returncode == -signal.SIGABRT and "memory allocation" in alone.stderr
    guarded = _child(
        "from pathlib import Path; from reliability import hostile\n"
        "from pipelines.lib.readers import read_delivery, UnreadableFile\n"
        "try:\n read_delivery(Path('a.xlsx'), hostile.xlsx_two_far_cells())\n"
        "except UnreadableFile as e:\n print(e.reason)"
    )
    assert guarded.returncode == 0, guarded.stderr[-2000:]
    assert guarded.stdout.strip() == "LIMIT_EXCEEDED"


def test_a_shared_string_table_declaring_billions_is_refused_before_calamine():
    error = _unreadable("a.xlsx", hostile.xlsx_shared_count(4_000_000_000))
    assert error.reason == FileReason.LIMIT_EXCEEDED and "shared-string" in error.detail


def test_an_abort_the_pre_scan_does_not_know_costs_that_file_alone(monkeypatch):
    """calamine runs in a child process: with the shared-string check switched off, the
    same workbook kills the child (SIGABRT), the file is unreadable with the reason, and
    the next workbook is read by a fresh child."""
    monkeypatch.setattr(file_guard, "MAX_SHARED_STRINGS", 10**12)
    error = _unreadable("a.xlsx", hostile.xlsx_shared_count(4_000_000_000))
    assert error.reason == FileReason.UNREADABLE
    assert f"exit code {-signal.SIGABRT}" in error.detail and "memory allocation" in error.detail
    table = read_delivery(Path("b.xlsx"), hostile.xlsx({"Sheet1": [["id"], ["1"], ["2"]]}))
    assert table.frame["id"].to_list() == ["1", "2"]


def test_a_declared_dimension_over_the_limit_is_refused():
    error = _unreadable("a.xlsx", hostile.xlsx_declared_dimension("A1:XFD1048576"))
    assert error.reason == FileReason.LIMIT_EXCEEDED and "declares" in error.detail


def test_a_zip_bomb_is_refused_by_its_ratio():
    data = hostile.xlsx_zip_bomb(40)
    assert len(data) < 2**20
    error = _unreadable("a.xlsx", data)
    assert error.reason == FileReason.LIMIT_EXCEEDED and "zip bomb" in error.detail


def test_an_xlsx_with_a_cover_sheet_first_names_the_first_sheet_rule():
    data = hostile.xlsx({"封面": [["浦东新区 2026 年 9 月报送"]], "数据": [["id"], ["1"], ["2"]]})
    error = _unreadable("a.xlsx", data)
    assert error.reason == FileReason.NOT_FIRST_SHEET
    assert "sheet 2 holds 2" in error.detail and "first sheet only" in error.detail


def test_an_id_number_stored_as_an_xlsx_number_is_quarantined_as_lost_digits():
    rows = [["id_number", "name"], [310115199203042176, "a"], ["310115199203042176", "b"], [7, "c"]]
    data = hostile.xlsx({"Sheet1": rows})
    table = read_delivery(Path("a.xlsx"), data)
    assert table.rows_read == 3 == hostile.xlsx_first_sheet_rows(data)
    assert [(r.row_number, r.problem, r.where) for r in table.broken] == [
        (1, RowReason.LOST_DIGITS, "id_number")
    ]
    # text stays text, digit for digit; a small number is read as its text
    assert table.frame["id_number"].to_list() == ["310115199203042176", "7"]


def test_an_unterminated_quote_costs_one_record_not_the_rest_of_the_file():
    lines = ["id,name", *[f"{i},n{i}" for i in range(10)]]
    lines[3] = '2,"never closed'
    text = "\n".join(lines) + "\n"
    table = read_delivery(Path("a.csv"), text.encode())
    assert table.rows_read == 10 == hostile.csv_data_rows(text)
    assert [(r.row_number, r.problem, r.where) for r in table.broken] == [
        (3, RowReason.UNPARSEABLE, "unterminated_quote")
    ]
    assert table.frame["id"].to_list() == ["0", "1", "3", "4", "5", "6", "7", "8", "9"]


def test_a_50_mb_quoted_field_costs_its_record_alone():
    text = 'id,name\n1,"' + "x" * 50_000_000 + '"\n2,b\n3,c\n'
    table = read_delivery(Path("a.csv"), text.encode())
    assert table.rows_read == 3
    [big] = table.broken
    assert (big.row_number, big.problem, big.where) == (1, "UNPARSEABLE", "field_too_long")
    assert len(big.raw_text) == file_guard.MAX_FIELD_CHARS  # kept, cut at the limit
    assert table.frame["id"].to_list() == ["2", "3"]


def test_a_long_unquoted_line_in_a_big_file_is_quarantined_too():
    rows = "".join(f"{i},n{i}\n" for i in range(30_000))  # over the vectorised threshold
    text = "id,name\n" + rows + "30000," + "y" * 200_000 + "\n"
    table = read_delivery(Path("a.csv"), text.encode())
    assert table.rows_read == 30_001 == hostile.csv_data_rows(text)
    assert [(r.row_number, r.where) for r in table.broken] == [(30_001, "field_too_long")]


def test_jsonl_keeps_line_separators_inside_strings():
    records = [{"id": "1", "name": "a\u2028b"}, {"id": "2", "name": "c\u2029d\u0085e"}]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    table = read_delivery(Path("a.jsonl"), text.encode())
    assert table.rows_read == 2 == hostile.jsonl_rows(text) and not table.broken
    assert table.frame["name"].to_list() == ["a\u2028b", "c\u2029d\u0085e"]


def test_keys_are_normalised_before_they_are_compared():
    assert normalise_key(" BJ2026001\u200b ") == "BJ2026001"
    assert normalise_key("ＢＪ２０２６００１") == "BJ2026001"
    table = read_delivery(Path("a.csv"), "id\u200b, name \n1,a\n".encode())
    assert table.headers == ["id", "name"]


def test_too_many_columns_is_a_limit_not_a_crash():
    header = ",".join(f"c{i}" for i in range(file_guard.MAX_COLUMNS + 1))
    error = _unreadable("a.csv", (header + "\n1\n").encode())
    assert error.reason == FileReason.LIMIT_EXCEEDED and "columns" in error.detail


def test_a_header_named_like_the_row_ordinal_does_not_collide():
    table = read_delivery(Path("a.csv"), b"__row,id\nx,1\n")
    assert table.rows_read == 1 and table.frame["id"].to_list() == ["1"]
