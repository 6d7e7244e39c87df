"""Hostile delivery files, built byte by byte, and an independent row count for each format.

The counts here share no code with ``pipelines.lib.record_count`` or the readers: CSV is
framed by a character-level state machine, XLSX counted with openpyxl, JSON Lines by
splitting on ``\\n``. A reader agreeing with them is evidence that no row goes unseen.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import xlsxwriter

FIELD_LIMIT = 131_072  # the csv module's default field limit, which the reader keeps

BODY_ZH = "id,name\n" + "".join(f"{i},张三{i}\n" for i in range(10))


def xlsx(sheets: dict[str, list[list]]) -> bytes:
    """A workbook with the given sheets (name -> rows of cells), in order."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    book.set_properties({"created": dt.datetime(2026, 9, 1)})  # byte-identical reruns
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return buf.getvalue()


def xlsx_two_far_cells() -> bytes:
    """The 5 KB workbook whose only cells are A2 and XFD1048576 (calamine aborts on it)."""
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write(1, 0, "x")
    sheet.write(1048575, 16383, "y")
    book.close()
    return buf.getvalue()


def xlsx_declared_dimension(ref: str) -> bytes:
    """A small valid workbook whose sheet claims a huge <dimension>."""
    data = xlsx({"Sheet1": [["id", "name"], ["1", "a"]]})
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = part.replace(
                    b'<dimension ref="A1:B2"/>', f'<dimension ref="{ref}"/>'.encode()
                )
            dst.writestr(info.filename, part)
    return out.getvalue()


def xlsx_zip_bomb(mib: int = 40) -> bytes:
    """A sheet of ``mib`` MiB of one repeated cell, deflated ~1000:1."""
    row = '<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>aaaaaaaa</t></is></c></row>'
    rows = "".join(row.format(r=r) for r in range(1, 2000))
    pad = " " * (mib * 2**20)
    sheet = (
        '<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData>{pad}</worksheet>'
    )
    data = xlsx({"Sheet1": [["id"], ["1"]]})
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                part = sheet.encode()
            dst.writestr(info.filename, part)
    return out.getvalue()


# --- independent counts ----------------------------------------------------------------


def csv_records(text: str) -> list[tuple[list[str] | None, int, int, bool]]:
    """(fields, start, end) per physical record, by a character state machine; an
    unterminated quote makes its opening line one record with fields None, and framing
    resumes after it. Line ends: ``\\n`` (``\\r\\n``), or lone ``\\r`` in a file without
    any ``\\n`` (the caller normalises those first)."""
    out: list[tuple[list[str] | None, int, int, bool]] = []
    i, n = 0, len(text)
    while i < n:
        start = i
        fields, cur, state = [], [], "start"  # start | plain | quoted | after_quote
        # a lone '\r' outside quotes is an error for the csv module (which the reader
        # uses for records holding a quote): such a record is a row, with a reason
        # the csv module stops at the first of its errors: a stray '\r' or a field over its
        # limit (which the reader treats as a stray quote when the record spans lines)
        first_cr = first_long = None
        while i < n:
            ch = text[i]
            if state == "quoted":
                if ch == '"':
                    if i + 1 < n and text[i + 1] == '"':
                        cur.append('"')
                        i += 2
                        continue
                    state = "after_quote"
                else:
                    cur.append(ch)
                    if len(cur) > FIELD_LIMIT and first_long is None:
                        first_long = i
                i += 1
                continue
            if ch == "\n":
                break
            if ch == "\r" and i + 1 < n and text[i + 1] != "\n" and first_cr is None:
                first_cr = i + 1
            if ch == ",":
                fields.append("".join(cur))
                cur, state = [], "start"
            elif ch == '"' and state == "start":
                state = "quoted"
            else:
                cur.append(ch)
                if len(cur) > FIELD_LIMIT and first_long is None:
                    first_long = i
                state = "plain" if state == "start" else state
            i += 1
        if state == "quoted":  # unterminated: the opening line alone, then resume
            eol = text.find("\n", start)
            eol = n if eol == -1 else eol
            out.append((None, start, eol, False))
            i = eol + 1
            continue
        fields.append("".join(cur))
        if fields and fields[-1].endswith("\r"):
            fields[-1] = fields[-1][:-1]
        cr_first = first_cr is not None and (first_long is None or first_cr < first_long)
        out.append((fields, start, i, cr_first and '"' in text[start:i]))
        i += 1
    return out


def _width(fields: list[str], n: int) -> int:
    """Fields counted as the reader counts them: blank fields past the header's width are
    trailing separators, not fields."""
    while len(fields) > n and not fields[-1].strip():
        fields = fields[:-1]
    return len(fields)


def _rows(text: str, n: int) -> int:
    """Records of ``text`` that are rows; a record spanning lines whose width is not the
    header's (or whose field is over the limit) is a stray quote: its first line is one
    row and the rest is counted again."""
    rows = 0
    for fields, start, end, csv_error in csv_records(text):
        spans = "\n" in text[start:end]
        if fields is None or csv_error:
            rows += 1
            continue
        if not any(f.strip() for f in fields):
            continue  # no value at all: not a row
        wrong = _width(fields, n) != n or any(len(f) > FIELD_LIMIT for f in fields)
        if spans and wrong:
            rows += 1 + _rows(text[text.index("\n", start) + 1 : end], n)
        else:
            rows += 1
    return rows


def csv_data_rows(text: str) -> int:
    """Rows after the header (the first non-blank record); blank records are no rows."""
    if "\n" not in text and "\r" in text:
        text = text.replace("\r", "\n")
    records = csv_records(text)
    while records and records[0][0] is not None and not any(f.strip() for f in records[0][0]):
        records.pop(0)
    if not records:
        return 0
    head, _, end, _ = records[0]
    if head is None:
        return 0
    return _rows(text[end + 1 :], len(head))


def jsonl_rows(text: str) -> int:
    return sum(1 for line in text.split("\n") if line.strip())


def xlsx_first_sheet_rows(data: bytes) -> int:
    """Non-blank rows of the first sheet after its first non-blank row (the header)."""
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = book.worksheets[0]
        rows = [
            r
            for r in sheet.iter_rows(values_only=True)
            if any(v is not None and str(v).strip() for v in r)
        ]
    finally:
        book.close()
    return max(len(rows) - 1, 0)


def xlsx_shared_count(count: int) -> bytes:
    """A small valid workbook whose shared-string table declares ``count`` entries."""
    import re

    data = xlsx({"Sheet1": [["id", "name"], ["1", "a"]]})
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            part = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                declared = f'count="{count}" uniqueCount="{count}"'.encode()
                part = re.sub(rb'count="\d+" uniqueCount="\d+"', declared, part)
            dst.writestr(info.filename, part)
    return out.getvalue()
