"""Read one delivery file into rows of strings, whatever its format and encoding.

Nothing is typed here and nothing is dropped: every record of the file comes back, with the
records that cannot be split into the header's fields (a truncated last line, a broken JSON
line) flagged with a reason. A file that cannot be read at all raises ``UnreadableFile``
with a file-level reason.

Encodings are detected, never assumed: a byte-order mark decides (and a body that does not
decode as it says makes the file unreadable); otherwise strict UTF-8, then strict GB18030 (a
superset of GBK and GB2312), each also with a last character cut off (a truncated upload),
then charset-normalizer's best guess. Anything but a clean BOM/UTF-8/GB18030 decode is kept
in ``decode_note``: ingest flags it (ENCODING_GUESSED).

Records are framed without the parser (``record_count``), so one unterminated quote or one
50 MB field costs that record, not the rest of the file; limits (``file_guard``) are checked
before anything large is built, and an XLSX is scanned with the standard library before
calamine sees it.
"""

from __future__ import annotations

import csv
import json
import re
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
import polars as pl

from pipelines.contract import FORMATS, FileReason, RowReason
from pipelines.lib import file_guard, record_count, xlsx_worker
from pipelines.lib.file_guard import MAX_COLUMNS, MAX_FIELD_CHARS, MAX_ROWS, LimitExceeded


class UnreadableFile(Exception):
    def __init__(self, reason: FileReason, detail: str):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


@dataclass
class RawRecord:
    """One record as delivered: values by original header, or a reason it could not be split."""

    row_number: int  # 1-based ordinal of the record in the file (header and blank lines excluded)
    values: dict[str, str | None]
    problem: RowReason | None = None
    raw_text: str | None = None  # the undecodable line itself (BAD_JSON, UNPARSEABLE)
    where: str = "row"  # what the problem is about: "row", a header, or a kind of failure


@dataclass
class RawTable:
    """Well-formed records as a frame of strings (original headers, plus ``ROW`` = the record's
    ordinal), and the records that could not be split into fields (``broken``)."""

    format: str
    encoding: str | None
    headers: list[str]
    frame: pl.DataFrame
    broken: list[RawRecord] = field(default_factory=list)
    decode_note: str | None = None  # the encoding needed a guess or a repair: why

    @property
    def rows_read(self) -> int:
        return self.frame.height + len(self.broken)


ROW = "__row"


def _looks_mojibake(text: str) -> bool:
    """UTF-8 Chinese read as Latin-1 and saved again turns each character into 'å' or 'ç'
    followed by C1 control characters (U+0080-U+009F), which no real delivery contains."""
    sample = text[:20000]
    c1 = len(_C1.findall(sample))
    return c1 > 0 and c1 >= len(sample) * 0.005


# counted with regexes: a Python loop over characters cost ~9 s on a city-year's 20 k files.
# A C1 character counts only after what a UTF-8 lead or continuation byte becomes in
# Latin-1: a lone U+0085 inside a JSON string (NEL, valid data) is not mojibake
_C1 = re.compile("[\u00c2-\u00f4\u0080-\u00bf][\x80-\x9f]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def normalise_key(value: str) -> str:
    """A header or key as compared: NFKC (full-width letters and digits are the ASCII ones),
    zero-width characters and surrounding spaces removed."""
    return _ZERO_WIDTH.sub("", unicodedata.normalize("NFKC", value)).strip()


def _unique_headers(headers: list[str]) -> list[str]:
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            FileReason.LIMIT_EXCEEDED, f"{len(headers)} columns (limit {MAX_COLUMNS})"
        )
    seen: dict[str, int] = {}
    out = []
    for h in headers:
        h = normalise_key(str(h)) if h is not None else ""
        if h == ROW:  # the record ordinal's own column name
            h = f"_{h}"
        seen[h] = seen.get(h, 0) + 1
        out.append(h if seen[h] == 1 else f"{h}__{seen[h]}")
    return out


def _frame(headers: list[str], rows: list[list], numbers: list[int]) -> pl.DataFrame:
    """Rows of strings as a frame, built column by column in one constructor (each polars
    operation on a small frame costs ~0.3 ms, which adds up over 20 k daily files)."""
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(headers)
    data = {h: pl.Series(h, col, dtype=pl.String) for h, col in zip(headers, columns, strict=True)}
    data[ROW] = pl.Series(ROW, numbers, dtype=pl.Int64)
    return pl.DataFrame(data)


_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _strict(data: bytes, encoding: str) -> tuple[str, str | None] | None:
    """Strict decode, or strict decode of all but a cut last character (a truncated
    upload: the note says so); None when neither works."""
    try:
        return data.decode(encoding), None
    except UnicodeDecodeError as exc:
        if exc.start < len(data) - 3:
            return None
    for cut in (1, 2, 3):
        try:
            text = data[:-cut].decode(encoding)
        except UnicodeDecodeError:
            continue
        return text, f"{encoding}: last {cut} byte(s) a cut-off character (file truncated?)"
    return None


def decode(data: bytes) -> tuple[str, str, str | None]:
    """(text, encoding name, note): the note says when the decode needed a repair or a guess."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding, None
            except UnicodeDecodeError as exc:
                # the BOM decides: a body in another encoding is not guessed at
                raise UnreadableFile(
                    FileReason.UNREADABLE,
                    f"byte-order mark says {encoding} but byte {exc.start} of "
                    f"{len(data)} is not {encoding} ({exc.reason})",
                ) from exc
    for encoding in ("utf-8", "gb18030"):
        decoded = _strict(data, encoding)
        if decoded is not None:
            return decoded[0], encoding, decoded[1]
    best = charset_normalizer.from_bytes(data[:200_000]).best()
    if best is None:
        raise UnreadableFile(FileReason.UNREADABLE, "encoding could not be detected")
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise UnreadableFile(
            FileReason.UNREADABLE, f"encoding guessed as {best.encoding} does not decode"
        ) from exc
    return text, best.encoding, f"not UTF-8 nor GB18030: guessed as {best.encoding}"


def detect_and_decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name)."""
    text, encoding, _ = decode(data)
    return text, encoding


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > len(sample) * 0.05


def read_csv_text(text: str) -> RawTable:
    """CSV records, and the ones with the wrong number of fields as ``broken``.

    Without a quote character a line is a record, so a vectorised split gives exactly what
    the csv module would, ~15x faster (a 1 M-row attendance file: 0.7 s against 11 s);
    quoted files take the csv module, which knows quoted separators and line breaks.
    """
    # a lone '\r' (old Mac line ends) is a line break to the csv module, not to str.split;
    # below ~256 KB the csv module wins: polars' per-operation overhead dominates small files
    if len(text) > _VECTORISED_FROM and '"' not in text and text.count("\r") == text.count("\r\n"):
        return _read_unquoted_csv(text)
    return _read_csv_module(text)


_VECTORISED_FROM = 256_000  # characters


def _record_fields(fields: list[str], n: int) -> list[str] | None:
    """A record's fields with trailing empty separators dropped (some exports add them);
    None for a line with no value at all, which is not a record."""
    if not fields or all(not f.strip() for f in fields):
        return None
    if len(fields) > n and all(not f.strip() for f in fields[n:]):
        fields = fields[:n]
    return fields


def _ragged(headers: list[str], fields: list[str], ordinal: int) -> RawRecord:
    """A record with the wrong number of fields, its values kept by position."""
    values: dict[str, str | None] = dict(zip(headers, fields, strict=False))
    if len(fields) > len(headers):
        values["_extra_fields"] = "|".join(fields[len(headers) :])
    return RawRecord(ordinal, values, RowReason.RAGGED_ROW)


def _read_unquoted_csv(text: str) -> RawTable:
    lines = text.split("\n")
    headers = _unique_headers([h.rstrip("\r") for h in lines[0].split(",")])
    if lines[0].strip("\r") == "":
        headers = []
    n = len(headers)
    body = pl.DataFrame({"line": lines[1:]}, schema={"line": pl.String})
    body = body.with_columns(pl.col("line").str.strip_suffix("\r"))
    # a line with no value at all is not a record
    body = body.filter(pl.col("line").str.replace_all(r"[,\s]", "") != "")
    body = body.with_row_index(ROW, offset=1).with_columns(pl.col(ROW).cast(pl.Int64))
    if body.height > MAX_ROWS:
        raise UnreadableFile(FileReason.LIMIT_EXCEEDED, f"{body.height} rows (limit {MAX_ROWS})")
    too_long = pl.col("line").str.len_chars() > MAX_FIELD_CHARS
    broken: list[RawRecord] = [
        _unparseable(ordinal, line, "field_too_long")
        for line, ordinal in body.filter(too_long).select("line", ROW).iter_rows()
    ]
    body = body.filter(~too_long)
    fields = pl.col("line").str.count_matches(",", literal=True) + 1
    exact = body.filter(fields == n)
    frame = (
        exact.select(
            pl.col("line").str.split_exact(",", max(n - 1, 0)).struct.rename_fields(headers),
            ROW,
        ).unnest("line")
        if n
        else _frame([], [], [])
    )
    others = body.filter(fields != n)
    extra_good: list[list[str]] = []
    extra_numbers: list[int] = []
    for line, ordinal in others.select("line", ROW).iter_rows():
        record = _record_fields(line.split(","), n)
        if record is not None and len(record) == n:
            extra_good.append(record)
            extra_numbers.append(ordinal)
        elif record is not None:
            broken.append(_ragged(headers, record, ordinal))
    if extra_good:
        frame = pl.concat([frame, _frame(headers, extra_good, extra_numbers)]).sort(ROW)
    broken.sort(key=lambda r: r.row_number)
    return RawTable("csv", None, headers, frame, broken)


def _split_record(text: str) -> list[str]:
    if '"' not in text:
        return text.split(",")
    return next(csv.reader([text]))


def _read_csv_module(text: str) -> RawTable:
    """Records framed without the parser (``record_count.frame_csv``), then each split into
    fields: an unterminated quote or an over-long field is one UNPARSEABLE record, kept."""
    framed = record_count.frame_csv(text)
    while framed and framed[0].problem is None and record_count.is_blank_csv(framed[0].text):
        framed.pop(0)  # blank lines before the header
    if not framed:
        return RawTable("csv", None, [], _frame([], [], []))
    head = framed[0]
    if head.problem or len(head.text) > MAX_FIELD_CHARS * 8:
        raise UnreadableFile(FileReason.UNREADABLE, "CSV header line cannot be split")
    try:
        headers = _unique_headers(_split_record(head.text))
    except csv.Error as exc:
        raise UnreadableFile(FileReason.UNREADABLE, f"CSV header: {exc}") from exc
    n = len(headers)
    good: list[list[str]] = []
    numbers: list[int] = []
    broken: list[RawRecord] = []
    ordinal = 0
    queue = deque(framed[1:])
    while queue:
        rec = queue.popleft()
        problem, fields = rec.problem, None
        if problem is None:
            try:
                fields = _split_record(rec.text)
            except csv.Error as exc:  # a field over the csv module's limit, a stray "\r"
                problem = "field_too_long" if "field limit" in str(exc) else "csv_error"
            else:
                if any(len(f) > MAX_FIELD_CHARS for f in fields):
                    problem = "field_too_long"
        record = None if problem else _record_fields(fields, n)
        wrong = problem == "field_too_long" or (record is not None and len(record) != n)
        if wrong and "\n" in rec.text:
            # a quoted field over several lines that does not give a record of the header's
            # width is a stray quote, not a line break in a value: its first line is the
            # broken record and the lines it swallowed are framed again, as records
            first, rest = rec.text.split("\n", 1)
            queue.extendleft(reversed(record_count.frame_csv(rest, whole_file=False)))
            rec, problem = record_count.Framed(first, "stray_quote"), "stray_quote"
        if problem is None and record is None:
            continue  # no value at all: not a record
        ordinal += 1
        if ordinal > MAX_ROWS:
            raise UnreadableFile(FileReason.LIMIT_EXCEEDED, f"more than {MAX_ROWS} rows")
        if problem is not None:
            broken.append(_unparseable(ordinal, rec.text, problem))
        elif len(record) == n:
            good.append(record)
            numbers.append(ordinal)
        else:
            broken.append(_ragged(headers, record, ordinal))
    return RawTable("csv", None, headers, _frame(headers, good, numbers), broken)


def _unparseable(ordinal: int, text: str, problem: str) -> RawRecord:
    # the raw text is kept (encrypted in quarantine), cut at the field limit: the whole
    # file is in the archive, and a 50 MB value has no place in a quarantine row
    kept = text if len(text) <= MAX_FIELD_CHARS else text[:MAX_FIELD_CHARS]
    return RawRecord(ordinal, {}, RowReason.UNPARSEABLE, raw_text=kept, where=problem)


def read_jsonl_text(text: str) -> RawTable:
    """JSON Lines split on ``\\n`` only: U+2028/U+2029/U+0085 inside strings are data."""
    headers: dict[str, None] = {}
    good: list[dict[str, str | None]] = []
    numbers: list[int] = []
    broken: list[RawRecord] = []
    lines = record_count.jsonl_lines(text)
    if len(lines) > MAX_ROWS:
        raise UnreadableFile(FileReason.LIMIT_EXCEEDED, f"{len(lines)} lines (limit {MAX_ROWS})")
    for ordinal, line in enumerate(lines, start=1):
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        if not isinstance(obj, dict):
            broken.append(
                RawRecord(ordinal, {}, RowReason.BAD_JSON, raw_text=line[:MAX_FIELD_CHARS])
            )
            continue
        values = {}
        for k, v in obj.items():
            values[str(k)] = _json_scalar(v)
        if any(v is not None and len(v) > MAX_FIELD_CHARS for v in values.values()):
            broken.append(_unparseable(ordinal, line, "field_too_long"))
            continue
        for k in values:
            headers.setdefault(k, None)
        good.append(values)
        numbers.append(ordinal)
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            FileReason.LIMIT_EXCEEDED, f"{len(headers)} distinct keys (limit {MAX_COLUMNS})"
        )
    raw_names = list(headers)
    names = _unique_headers(raw_names)
    rows = [[rec.get(h) for h in raw_names] for rec in good]
    return RawTable("jsonl", None, names, _frame(names, rows, numbers), broken)


def _json_scalar(v: object) -> str | None:
    if type(v) is str:  # the common case first: this runs once per value of every export
        return v
    if v is None:
        return None
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)):
        return json.dumps(v, ensure_ascii=False)
    return str(v)


def _first_sheet(scan: file_guard.XlsxScan) -> file_guard.SheetScan:
    """The standard reads the first sheet; a workbook whose data is elsewhere says so."""
    if not scan.sheets:
        raise UnreadableFile(FileReason.EMPTY_FILE, "workbook has no sheet")
    first, others = scan.sheets[0], scan.sheets[1:]
    if first.data_rows == 0:
        elsewhere = [(i, s) for i, s in enumerate(others, start=2) if s.data_rows]
        if elsewhere:
            i, sheet = elsewhere[0]
            raise UnreadableFile(
                FileReason.NOT_FIRST_SHEET,
                f"the first of {len(scan.sheets)} sheets holds no data rows; sheet {i} holds "
                f"{sheet.data_rows}: the standard reads the first sheet only",
            )
        if not first.rows:
            raise UnreadableFile(FileReason.EMPTY_FILE, "the first sheet is empty")
    return first


def read_xlsx_bytes(data: bytes) -> RawTable:
    """The first sheet, every value as text. Scanned first (``file_guard.scan_xlsx``): the
    scan's non-blank rows are the row count, and must be the rows calamine returns."""
    try:
        sheet_scan = _first_sheet(file_guard.scan_xlsx(data))
    except LimitExceeded as exc:
        raise UnreadableFile(exc.reason, exc.detail) from exc
    try:
        # calamine (~50x faster than openpyxl on the many small daily files), in a child
        # process: native code that aborts costs this file only. No header row: the header
        # is the first non-blank row, found here, not by calamine
        raw = xlsx_worker.parse_first_sheet(data)
    except xlsx_worker.ParserDied as exc:
        raise UnreadableFile(FileReason.UNREADABLE, exc.detail) from exc
    except Exception as exc:  # fastexcel raises its own error types for broken zips/sheets
        raise UnreadableFile(FileReason.UNREADABLE, f"XLSX: {exc}") from exc
    cols = raw.columns
    if cols:
        blank = pl.all_horizontal(
            [pl.col(c).is_null() | (pl.col(c).str.strip_chars() == "") for c in cols]
        )
        kept = raw.with_row_index("__i").filter(~blank)
    else:
        kept = pl.DataFrame({"__i": []}, schema={"__i": pl.UInt32})
    if kept.height != len(sheet_scan.rows):
        raise UnreadableFile(
            FileReason.UNREADABLE,
            f"XLSX parser returned {max(kept.height - 1, 0)} rows, the sheet holds "
            f"{sheet_scan.data_rows}",
        )
    header_values = kept.row(0)[1:] if kept.height else ()
    headers = _unique_headers(
        [
            v if v is not None and v.strip() else f"__UNNAMED__{i}"
            for i, v in enumerate(header_values)
        ]
    )
    body = kept.slice(1).drop("__i")
    body.columns = headers
    ordinals = list(range(1, body.height + 1))
    # XLSX row number of each ordinal: the scan's rows after the header, in order
    sheet_rows = sheet_scan.rows[1:]
    lost = [k for k, r in enumerate(sheet_rows) if r in sheet_scan.lost_digits]
    broken: list[RawRecord] = []
    if lost:
        col0 = sheet_scan.min_col
        for k in lost:
            values = dict(zip(headers, body.row(k), strict=True))
            letters = sheet_scan.lost_digits[sheet_rows[k]]
            where = "+".join(
                headers[file_guard._col_number(c.encode()) - col0]
                if 0 <= file_guard._col_number(c.encode()) - col0 < len(headers)
                else c
                for c in letters
            )
            broken.append(RawRecord(k + 1, values, RowReason.LOST_DIGITS, where=where))
        keep = [k for k in range(body.height) if k not in set(lost)]
        body = body[keep] if keep else body.clear()
        ordinals = [k + 1 for k in keep]
    frame = body.with_columns(pl.Series(ROW, ordinals, dtype=pl.Int64))
    return RawTable("xlsx", None, headers, frame, broken)


def read_delivery(path: Path, data: bytes | None = None) -> RawTable:
    """Read a delivery file; raises UnreadableFile with a file-level reason."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise UnreadableFile(FileReason.UNKNOWN_FORMAT, f"extension {path.suffix!r}")
    data = path.read_bytes() if data is None else data
    if len(data) > file_guard.MAX_FILE_BYTES:
        raise UnreadableFile(
            FileReason.LIMIT_EXCEEDED,
            f"{len(data)} bytes (limit {file_guard.MAX_FILE_BYTES})",
        )
    if not data.strip():
        raise UnreadableFile(FileReason.EMPTY_FILE, "file has no content")
    if fmt == "xlsx":
        return read_xlsx_bytes(data)
    text, encoding, note = decode(data)
    if _looks_binary(text):
        raise UnreadableFile(FileReason.UNREADABLE, f"binary content (decoded as {encoding})")
    if _looks_mojibake(text):
        raise UnreadableFile(
            FileReason.MIS_ENCODED,
            f"text is mis-encoded (as {encoding}: UTF-8 once read as Latin-1 and saved again)",
        )
    table = read_jsonl_text(text) if fmt == "jsonl" else read_csv_text(text)
    table.encoding = encoding
    table.decode_note = note
    return table
