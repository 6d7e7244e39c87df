"""Reading limits, and the XLSX checks made before any native parser sees the bytes.

calamine (behind fastexcel) is native code: a 5 KB workbook whose only cells are A2 and
XFD1048576 makes it allocate the dense range, 512 GiB, and the process aborts — nothing in
Python can catch that. So an XLSX is first read here with the standard library only: zip
entries' sizes and compression ratios (streamed, never trusting the declared size), the
workbook's sheet order, and each sheet's cells — the actual extent, the rows that hold a
value (the parser-independent row count) and the numbers too long to be exact. Only a
workbook within every limit reaches calamine.

``refusal`` is the landing confinement shared by every reader that lists files itself
(district feeds, camera frames and photos): links, special files and paths outside the
landing are registered, never opened.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.contract import FileReason

# --- limits: one place; a file over any of them is registered LIMIT_EXCEEDED and kept ----
# the largest real delivery is a city-year attendance export (~1.5 M rows, ~150 MB)
MAX_FILE_BYTES = 512 * 2**20
MAX_ROWS = 3_000_000
# the widest feed has ~25 columns; thousands means a broken or hostile file
MAX_COLUMNS = 1_000
# a field longer than this is not a value of any feed (the csv module's own default limit):
# its record is quarantined UNPARSEABLE, the rest of the file goes on
MAX_FIELD_CHARS = 131_072
# XLSX: the dense cell range calamine allocates (rows x columns of the used extent, ~32
# bytes a cell: 10 M cells ~ 320 MB); a year of one district's attendance is ~5 M cells
MAX_XLSX_CELLS = 10_000_000
# calamine reserves the shared-string table's declared count up front (4 billion: 96 GB
# reserved, the process aborts): no sheet within MAX_XLSX_CELLS needs more strings
MAX_SHARED_STRINGS = MAX_XLSX_CELLS
MAX_XLSX_UNCOMPRESSED = 2 * 2**30  # all zip entries together, as actually inflated
MAX_ZIP_ENTRIES = 10_000
# sheet XML compresses 10-30x; a zip bomb thousands of times. Checked above 1 MiB only
MAX_ZIP_RATIO = 250
_RATIO_FROM = 2**20
# numbers with this many integer digits cannot be exact in a float64 (Excel keeps 15
# significant digits): an 18-digit ID number typed as a number has already lost digits
LOST_DIGITS_FROM = 1e15


class LimitExceeded(Exception):
    """A reading limit, with a reason for the register (never file content)."""

    def __init__(self, reason: FileReason, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class SheetScan:
    name: str
    rows: list[int] = field(default_factory=list)  # 1-based rows holding a non-blank value
    min_col: int = 0
    max_col: int = 0
    # row -> column letters of numeric cells too long to be exact
    lost_digits: dict[int, list[str]] = field(default_factory=dict)
    # the range a parser builds: every cell holding a value element, blank or not, and the
    # sheet's declared <dimension> (calamine reserves it up front)
    extent_cells: int = 0
    declared_cells: int = 0

    @property
    def data_rows(self) -> int:
        """Rows after the header (the first non-blank row)."""
        return max(len(self.rows) - 1, 0)


@dataclass
class XlsxScan:
    sheets: list[SheetScan]


def _read_entry(zf: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> bytes:
    """An entry's bytes, inflated in chunks against what is left of the budget: a zip's
    declared sizes can lie."""
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(1 << 20):
            out += chunk
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise LimitExceeded(
                    FileReason.LIMIT_EXCEEDED,
                    f"XLSX inflates beyond {MAX_XLSX_UNCOMPRESSED // 2**20} MiB",
                )
            if info.compress_size and len(out) > _RATIO_FROM:
                ratio = len(out) / info.compress_size
                if ratio > MAX_ZIP_RATIO:
                    raise LimitExceeded(
                        FileReason.LIMIT_EXCEEDED,
                        f"XLSX part compressed more than {MAX_ZIP_RATIO}:1 (a zip bomb)",
                    )
    return bytes(out)


_SHEET = re.compile(rb"<(?:\w+:)?sheet\b([^>]*)/?>")
_REL = re.compile(rb"<(?:\w+:)?Relationship\b([^>]*)/?>")
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ROW = re.compile(rb"<(?:\w+:)?row\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?row>)", re.S)
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]*)</(?:\w+:)?v>")
_TEXT = re.compile(rb"<(?:\w+:)?t\b[^>]*>([^<]*)</(?:\w+:)?t>")
_REF = re.compile(rb"([A-Z]{1,3})?(\d+)?")


def _attrs(raw: bytes) -> dict[bytes, bytes]:
    return dict(_ATTR.findall(raw))


def _col_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


def _letters(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _blank_shared_strings(xml: bytes) -> set[int]:
    """Indices of shared strings that are empty or whitespace: such a cell is blank."""
    import polars as pl

    text = pl.Series([xml.decode("utf-8", "replace")])
    items = text.str.extract_all(r"(?s)<(?:\w+:)?si\b[^>]*?(?:/>|>.*?</(?:\w+:)?si>)").explode()
    blank = items.drop_nulls().str.replace_all(r"<[^>]*>", "").str.strip_chars() == ""
    return set(blank.arg_true().to_list())


# the cell layout every writer we know produces (Excel, xlsxwriter, openpyxl, the
# simulator): ``r`` first, an optional formula, then <v> or <is>. Cells are cut out and
# parsed by polars' (Rust, linear-time) regex engine; a sheet with any cell in another
# layout takes the careful cell-by-cell scan
_FAST_CELL = (
    r'(?s)^r="([A-Z]{1,3})(\d{1,7})"([^>]*?)(?:/>|>(?:<f[^>]*/>|<f[^>]*>[^<]*</f>)?'
    r"(?:<v>([^<]*)</v>|<is>(.*?)</is>)?</c>)"
)
_CELL_OPEN = r"<(?:\w+:)?c[\s>/]"


def _scan_sheet_fast(name: str, xml: bytes, blank_strings: set[int]) -> SheetScan | None:
    """``scan_sheet`` vectorised (~20x faster on a large sheet); None when the sheet's
    cells are not all in the common layout (then the careful scan decides)."""
    import polars as pl

    text = pl.Series([xml.decode("utf-8", "replace")])
    # every cell opens with '<c ' (no namespace prefix), so splitting there cuts the
    # sheet into one piece per cell, each starting with the cell's attributes
    cells = text.str.split("<c ").explode().slice(1)
    if len(cells) != text.str.count_matches(_CELL_OPEN)[0]:
        return None
    schema = ["letters", "row", "attrs", "v", "inline"]
    parts = cells.str.extract_groups(_FAST_CELL).struct.rename_fields(schema)
    frame = pl.DataFrame({"c": parts}).unnest("c")
    if frame["letters"].null_count():
        return None
    scan = SheetScan(name, declared_cells=_declared_cells(xml))
    if frame.is_empty():
        return scan
    letters = frame["letters"].unique().to_list()
    numbers = {lt: _col_number(lt.encode()) for lt in letters}
    kind = pl.col("attrs").str.extract(r'\bt="(\w+)"').fill_null("n")
    inline = pl.col("inline").str.replace_all(r"<[^>]*>", "")
    frame = frame.with_columns(
        pl.col("row").cast(pl.Int64),
        pl.col("letters").replace_strict(numbers, return_dtype=pl.Int64).alias("col"),
        kind.alias("kind"),
        pl.when(pl.col("v") != "")
        .then(pl.col("v"))
        .otherwise(pl.when(pl.col("inline") != "").then(inline))
        .alias("value"),
    )
    # a cell has a value element when it carries <v> or <is>: what a parser's range spans
    valued = frame.filter(pl.col("value").is_not_null() | (pl.col("inline") != ""))
    if valued.is_empty():
        return scan
    shared = pl.col("value").str.strip_chars().cast(pl.Int64, strict=False)
    blank = (
        pl.when(pl.col("kind") == "s")
        .then(shared.is_null() | shared.is_in(list(blank_strings)))
        .otherwise(pl.col("value").is_null() | (pl.col("value").str.strip_chars() == ""))
    )
    number = pl.col("value").str.strip_chars().cast(pl.Float64, strict=False)
    valued = valued.with_columns(
        blank.alias("blank"),
        ((pl.col("kind") == "n") & (number.abs() >= LOST_DIGITS_FROM))
        .fill_null(False)
        .alias("lost"),
    )
    ext = valued.select(
        pl.col("row").min().alias("r0"),
        pl.col("row").max().alias("r1"),
        pl.col("col").min().alias("c0"),
        pl.col("col").max().alias("c1"),
    ).row(0)
    scan.extent_cells = (ext[1] - ext[0] + 1) * (ext[3] - ext[2] + 1)
    filled = valued.filter(~pl.col("blank"))
    if filled.height:
        scan.rows = filled["row"].unique().sort().to_list()
        scan.min_col, scan.max_col = filled["col"].min(), filled["col"].max()
    for row, letters_ in filled.filter(pl.col("lost")).select("row", "letters").iter_rows():
        scan.lost_digits.setdefault(row, []).append(letters_)
    return scan


def scan_sheet(name: str, xml: bytes, blank_strings: set[int]) -> SheetScan:
    """A sheet's non-blank rows, used extent and too-long numbers, from its XML alone."""
    fast = _scan_sheet_fast(name, xml, blank_strings)
    if fast is not None:
        return fast
    return scan_sheet_careful(name, xml, blank_strings)


def scan_sheet_careful(name: str, xml: bytes, blank_strings: set[int]) -> SheetScan:
    """Cell by cell: any attribute order, namespaced tags, cells without a reference."""
    scan = SheetScan(name)
    scan.declared_cells = _declared_cells(xml)
    row_no = 0
    min_col = max_col = 0
    lo_row = hi_row = lo_col = hi_col = 0  # any cell with a value element
    for rm in _ROW.finditer(xml):
        r = _attrs(rm.group(1)).get(b"r")
        row_no = int(r) if r and r.isdigit() else row_no + 1
        body = rm.group(2)
        if not body:
            continue
        col_no = 0
        has_value = False
        for cm in _CELL.finditer(body):
            attrs = _attrs(cm.group(1))
            ref = attrs.get(b"r")
            if ref:
                letters = _REF.match(ref).group(1)
                col_no = _col_number(letters) if letters else col_no + 1
            else:
                col_no += 1
            inner = cm.group(2)
            if not inner:
                continue
            lo_row = row_no if not lo_row else min(lo_row, row_no)
            hi_row = max(hi_row, row_no)
            lo_col = col_no if not lo_col else min(lo_col, col_no)
            hi_col = max(hi_col, col_no)
            kind = attrs.get(b"t", b"n")
            if kind == b"inlineStr":
                value = b"".join(_TEXT.findall(inner))
                blank = not value.strip()
            else:
                vm = _VALUE.search(inner)
                if vm is None:
                    continue
                value = vm.group(1)
                if kind == b"s":
                    blank = not value.strip().isdigit() or int(value) in blank_strings
                elif kind in (b"str", b"e"):
                    blank = not value.strip()
                else:
                    blank = not value.strip()
                    if kind == b"n" and not blank and _too_long(value):
                        scan.lost_digits.setdefault(row_no, []).append(_letters(col_no))
            if blank:
                continue
            has_value = True
            min_col = col_no if not min_col else min(min_col, col_no)
            max_col = max(max_col, col_no)
        if has_value:
            scan.rows.append(row_no)
    scan.rows.sort()
    scan.min_col, scan.max_col = min_col, max_col
    if hi_row:
        scan.extent_cells = (hi_row - lo_row + 1) * (hi_col - lo_col + 1)
    return scan


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="([^"]*)"')


def _declared_cells(xml: bytes) -> int:
    m = _DIMENSION.search(xml, 0, 4096)
    if not m or b":" not in m.group(1):
        return 0
    a, b = (_REF.match(p.strip()).groups() for p in m.group(1).split(b":", 1))
    if not all((*a, *b)):
        return 0
    rows = abs(int(b[1]) - int(a[1])) + 1
    cols = abs(_col_number(b[0]) - _col_number(a[0])) + 1
    return rows * cols


def _too_long(value: bytes) -> bool:
    try:
        return abs(float(value)) >= LOST_DIGITS_FROM
    except ValueError:
        return False


def _sheet_parts(zf: zipfile.ZipFile, read) -> list[tuple[str, str]]:
    """(sheet name, zip part) in the workbook's order: the order Excel shows the tabs in,
    which is what "the first sheet" means."""
    names = set(zf.namelist())
    if "xl/workbook.xml" not in names:
        raise LimitExceeded(FileReason.UNREADABLE, "XLSX without xl/workbook.xml")
    workbook = read("xl/workbook.xml")
    rels = {}
    if "xl/_rels/workbook.xml.rels" in names:
        for m in _REL.finditer(read("xl/_rels/workbook.xml.rels")):
            a = _attrs(m.group(1))
            target = a.get(b"Target", b"").decode("utf-8", "replace")
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            rels[a.get(b"Id", b"")] = target
    out = []
    for m in _SHEET.finditer(workbook):
        a = _attrs(m.group(1))
        name = a.get(b"name", b"").decode("utf-8", "replace")
        rid = next((v for k, v in a.items() if k.endswith(b":id")), b"")
        part = rels.get(rid, "")
        out.append((name, part if part in names else ""))
    return out


def scan_xlsx(data: bytes) -> XlsxScan:
    """Every sheet of a workbook scanned within the limits; raises LimitExceeded (or
    UNREADABLE through it) with a reason."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise LimitExceeded(FileReason.UNREADABLE, f"XLSX is not a zip package ({exc})") from exc
    with zf:
        infos = zf.infolist()
        if len(infos) > MAX_ZIP_ENTRIES:
            raise LimitExceeded(FileReason.LIMIT_EXCEEDED, f"{len(infos)} zip entries")
        declared = sum(i.file_size for i in infos)
        if declared > MAX_XLSX_UNCOMPRESSED:
            raise LimitExceeded(
                FileReason.LIMIT_EXCEEDED, f"XLSX declares {declared // 2**20} MiB uncompressed"
            )
        budget = [MAX_XLSX_UNCOMPRESSED]
        by_name = {i.filename: i for i in infos}

        def read(name: str) -> bytes:
            return _read_entry(zf, by_name[name], budget)

        try:
            parts = _sheet_parts(zf, read)
            blank = set()
            if "xl/sharedStrings.xml" in by_name:
                strings = read("xl/sharedStrings.xml")
                _check_shared_count(strings)
                blank = _blank_shared_strings(strings)
            sheets = []
            for name, part in parts:
                scan = scan_sheet(name, read(part), blank) if part else SheetScan(name)
                _check_sheet(scan)
                sheets.append(scan)
        except (zipfile.BadZipFile, EOFError, OSError, NotImplementedError) as exc:
            raise LimitExceeded(FileReason.UNREADABLE, f"XLSX zip: {type(exc).__name__}") from exc
    return XlsxScan(sheets)


_SST_COUNT = re.compile(rb'\b(?:count|uniqueCount)="(\d+)"')


def _check_shared_count(xml: bytes) -> None:
    declared = max((int(n) for n in _SST_COUNT.findall(xml, 0, 2048)), default=0)
    if declared > MAX_SHARED_STRINGS:
        raise LimitExceeded(
            FileReason.LIMIT_EXCEEDED,
            f"shared-string table declares {declared} entries (limit {MAX_SHARED_STRINGS})",
        )


def _check_sheet(scan: SheetScan) -> None:
    if scan.max_col - scan.min_col + 1 > MAX_COLUMNS and scan.rows:
        raise LimitExceeded(
            FileReason.LIMIT_EXCEEDED,
            f"sheet {scan.name!r} spans {scan.max_col - scan.min_col + 1} columns "
            f"(limit {MAX_COLUMNS})",
        )
    if len(scan.rows) > MAX_ROWS:
        raise LimitExceeded(
            FileReason.LIMIT_EXCEEDED, f"sheet {scan.name!r} holds {len(scan.rows)} rows"
        )
    for what, cells in (("spans", scan.extent_cells), ("declares", scan.declared_cells)):
        if cells > MAX_XLSX_CELLS:
            raise LimitExceeded(
                FileReason.LIMIT_EXCEEDED,
                f"sheet {scan.name!r} {what} a range of {cells} cells (limit {MAX_XLSX_CELLS})",
            )


def refusal(landing: Path, path: Path) -> str | None:
    """Why a path under the landing folder must not be read, or None: a symbolic link (a
    link to /etc/passwd would be archived and shown to auditors), anything that is not a
    regular file (a FIFO would hang the read), or a path resolving outside the landing."""
    try:
        st = path.lstat()
    except OSError:
        return "vanished before it could be checked: never read"
    if stat.S_ISLNK(st.st_mode):
        return "symbolic link: not followed, never read"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (device, pipe or socket): never read"
    try:
        path.resolve(strict=True).relative_to(landing.resolve())
    except (OSError, ValueError):
        return "resolves outside the landing folder: never read"
    return None
