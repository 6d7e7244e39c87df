"""A minimal, fast XLSX writer: the sheet XML is built for a whole frame with polars.

xlsxwriter writes cell by cell in Python; a city year has ~400,000 attendance rows in XLSX
districts, which took over six minutes that way. Here one sheet is one vectorised string
expression, and the package is zipped with fixed timestamps (byte-identical reruns).
Readers (openpyxl, calamine/fastexcel, Excel) accept inline strings and unstyled numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import polars as pl

EXCEL_EPOCH = dt.date(1899, 12, 30)
_FIXED = (1980, 1, 1, 0, 0, 0)

_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_PKG = "http://schemas.openxmlformats.org/package/2006"
_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SML = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def _override(part: str, content_type: str) -> str:
    return f'<Override PartName="{part}" ContentType="{content_type}"/>'


def _rel(rid: str, kind: str, target: str) -> str:
    return f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'


_CONTENT_TYPES = (
    f'{_DECL}<Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    + _override("/xl/workbook.xml", f"{_SML}.sheet.main+xml")
    + _override("/xl/worksheets/sheet1.xml", f"{_SML}.worksheet+xml")
    + _override("/xl/styles.xml", f"{_SML}.styles+xml")
    + _override("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
    + "</Types>"
)
_RELS = (
    f'{_DECL}<Relationships xmlns="{_PKG}/relationships">'
    + _rel("rId1", f"{_DOC}/officeDocument", "xl/workbook.xml")
    + _rel("rId2", f"{_PKG}/relationships/metadata/core-properties", "docProps/core.xml")
    + "</Relationships>"
)
_WORKBOOK = (
    f'{_DECL}<workbook xmlns="{_MAIN}" xmlns:r="{_DOC}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_DECL}<Relationships xmlns="{_PKG}/relationships">'
    + _rel("rId1", f"{_DOC}/worksheet", "worksheets/sheet1.xml")
    + _rel("rId2", f"{_DOC}/styles", "styles.xml")
    + "</Relationships>"
)
# style 1 = a date cell shown as yyyy-mm-dd
_STYLES = (
    f'{_DECL}<styleSheet xmlns="{_MAIN}">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="等线"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs></styleSheet>"
)  # fmt: skip


def _core(created: dt.datetime, author: str) -> str:
    stamp = f"{created:%Y-%m-%dT%H:%M:%SZ}"
    return (
        f'{_DECL}<cp:coreProperties xmlns:cp="{_PKG}/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:creator>{author}</dc:creator>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
        "</cp:coreProperties>"
    )  # fmt: skip


def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _escape(e: pl.Expr) -> pl.Expr:
    return (
        e.str.replace_all("&", "&amp;", literal=True)
        .str.replace_all("<", "&lt;", literal=True)
        .str.replace_all(">", "&gt;", literal=True)
    )


def _inline(ref: pl.Expr, text: pl.Expr) -> pl.Expr:
    return pl.concat_str(
        [pl.lit('<c r="'), ref, pl.lit('" t="inlineStr"><is><t>'), _escape(text),
         pl.lit("</t></is></c>")]
    )  # fmt: skip


def sheet_xml(rows: pl.DataFrame, header: list[str], kinds: list[str], date_fmt: str) -> str:
    """kinds per column: "str", "num" (numbers where the text is one), "date" (a date cell
    where the text parses in date_fmt; impossible dates stay text, as a clerk typed them)."""
    row_no = (pl.int_range(pl.len()) + 2).cast(pl.String)
    cells = []
    for i, (name, kind) in enumerate(zip(rows.columns, kinds, strict=True)):
        ref = pl.lit(_letters(i)) + row_no
        v = pl.col(name)
        text = _inline(ref, v)
        if kind == "num":
            number = pl.concat_str([pl.lit('<c r="'), ref, pl.lit('"><v>'), v, pl.lit("</v></c>")])
            ok = v.cast(pl.Float64, strict=False).is_not_null()
            text = pl.when(ok).then(number).otherwise(text)
        elif kind == "date":
            day = v.str.strptime(pl.Date, date_fmt, strict=False)
            serial = (day - pl.lit(EXCEL_EPOCH)).dt.total_days().cast(pl.String)
            parts = [pl.lit('<c r="'), ref, pl.lit('" s="1"><v>'), serial, pl.lit("</v></c>")]
            cell = pl.concat_str(parts)
            text = pl.when(day.is_not_null()).then(cell).otherwise(text)
        cells.append(pl.when(v.is_null() | (v == "")).then(pl.lit("")).otherwise(text))
    body = ""
    if rows.height:
        row_xml = pl.concat_str(
            [pl.lit('<row r="'), row_no, pl.lit('">'), *cells, pl.lit("</row>")]
        )
        body = rows.select(row_xml.str.join("").alias("x"))["x"][0]
    head = "".join(
        f'<c r="{_letters(i)}1" t="inlineStr"><is><t>{h}</t></is></c>' for i, h in enumerate(header)
    )
    dimension = f"A1:{_letters(len(header) - 1)}{rows.height + 1}"
    return (
        f'{_DECL}<worksheet xmlns="{_MAIN}"><dimension ref="{dimension}"/>'
        f'<sheetData><row r="1">{head}</row>{body}</sheetData></worksheet>'
    )


def workbook(sheet: str, created: dt.datetime, author: str) -> bytes:
    buf = io.BytesIO()
    parts = (
        ("[Content_Types].xml", _CONTENT_TYPES),
        ("_rels/.rels", _RELS),
        ("docProps/core.xml", _core(created, author)),
        ("xl/workbook.xml", _WORKBOOK),
        ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ("xl/styles.xml", _STYLES),
        ("xl/worksheets/sheet1.xml", sheet),
    )
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts:
            info = zipfile.ZipInfo(name, _FIXED)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))
    return buf.getvalue()
