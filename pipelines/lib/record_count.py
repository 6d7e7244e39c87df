"""Where the records of a text delivery are, found without the parser.

The csv module stops at the first unterminated quote or over-long field and swallows the
rest of the file; ``splitlines()`` splits JSON Lines on U+2028, U+2029 and U+0085 inside
strings. So records are framed here first, and the parser only splits a record into its
fields: rows read is the number of framed records, whatever the parser makes of them.

CSV framing follows the quoting the csv module applies (RFC 4180, lenient): a quote opens a
quoted field only at the start of a field, ``""`` inside it is a quote, and after the
closing quote the field goes on unquoted. A quote left open at the end of the file is
*recovered*: the record that opened it is one unparseable record (its physical line), and
framing resumes at the next line, so one stray quote costs one record, not the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

UNTERMINATED = "unterminated_quote"

_FIELD_END = re.compile(r"[,\n]")


@dataclass(frozen=True)
class Framed:
    """One record: its text (without the line break) and its problem, if any."""

    text: str
    problem: str | None = None


def line_breaks_of(text: str) -> str:
    """Text whose records end with ``\\n``: a file of lone ``\\r`` (old Mac exports) has its
    ``\\r`` turned into ``\\n``; ``\\r\\n`` stays (the ``\\r`` is stripped per record)."""
    if "\n" not in text and "\r" in text:
        return text.replace("\r", "\n")
    return text


def _quoted_record_end(text: str, pos: int) -> int | None:
    """End (index of the terminating ``\\n`` or ``len(text)``) of the record starting at
    ``pos``; None when a quoted field is still open at the end of the text."""
    n = len(text)
    while True:
        if pos < n and text[pos] == '"':  # a quoted field: find its closing quote
            q = pos + 1
            while True:
                j = text.find('"', q)
                if j == -1:
                    return None
                if j + 1 < n and text[j + 1] == '"':
                    q = j + 2
                    continue
                pos = j + 1
                break
        m = _FIELD_END.search(text, pos)  # the rest of the field is unquoted
        if m is None:
            return n
        if m.group() == "\n":
            return m.start()
        pos = m.end()


def frame_csv(text: str, whole_file: bool = True) -> list[Framed]:
    """Every physical record of a CSV text, in order, blank ones included (the caller
    decides what a blank record is); header first. ``whole_file=False`` frames a part of a
    file again (after a stray quote): its line ends were decided for the whole file."""
    if whole_file:
        text = line_breaks_of(text)
    n = len(text)
    out: list[Framed] = []
    pos = 0
    while pos < n:
        eol = text.find("\n", pos)
        eol = n if eol == -1 else eol
        if text.find('"', pos, eol) == -1:  # most lines: no quote, the line is the record
            out.append(Framed(text[pos:eol].removesuffix("\r")))
            pos = eol + 1
            continue
        end = _quoted_record_end(text, pos)
        if end is None:  # recovery: this line alone is the broken record
            out.append(Framed(text[pos:eol].removesuffix("\r"), UNTERMINATED))
            pos = eol + 1
        else:
            out.append(Framed(text[pos:end].removesuffix("\r")))
            pos = end + 1
    return out


_BLANK_CSV = re.compile(r'[\s,"]*')


def is_blank_csv(record: str) -> bool:
    """A record with no value at all (only separators, quotes and spaces) is not a row."""
    return _BLANK_CSV.fullmatch(record) is not None


def jsonl_lines(text: str) -> list[str]:
    """JSON Lines records: split on ``\\n`` only (a ``\\r`` before it is stripped); U+2028,
    U+2029 and U+0085 are characters of a string, never line ends. Blank lines dropped."""
    lines = (line.removesuffix("\r") for line in text.split("\n"))
    return [line for line in lines if line.strip()]


def count_csv_rows(text: str) -> int:
    """Data rows of a CSV text: non-blank framed records after the header."""
    records = [r for r in frame_csv(text)]
    if not records:
        return 0
    return sum(1 for r in records[1:] if r.problem or not is_blank_csv(r.text))
