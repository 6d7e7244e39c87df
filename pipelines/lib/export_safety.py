"""Exports are inert: no text cell of a workbook or CSV the product writes can run as a
formula when an inspector opens it.

The OWASP CSV-injection rule: a text cell whose first character is ``= + - @``, a tab, a
carriage return, a line feed or another control character (or one of those after leading
spaces, which some importers trim) gets a leading ``'``, so a spreadsheet shows it as text.
The full-width forms (``＝ ＋ － ＠``), which a Chinese input method types and some
spreadsheets accept as a formula start, are treated alike. Numbers, dates and booleans stay
what they are: only text is ever changed, and only by that one leading character.

Every XLSX/CSV writer calls :func:`neutralise` on each text cell (or
:func:`neutralise_frame` on the frame it writes): the spot-check workbook, the districts'
quarantine workbooks and the app's downloads.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

# first characters a spreadsheet may read as the start of a formula or a command, and the
# control characters (C0, DEL, C1) that no text cell needs at its start
TRIGGER = "=+-@\t\r\n＝＋－＠"
_CONTROL = "\x00-\x1f\x7f-\x9f"
_DANGEROUS_START = re.compile(rf"^[ ]*[{re.escape(TRIGGER)}{_CONTROL}]")
# the same test as a Rust regex for polars (no re.escape there: a character class of its own)
_POLARS_PATTERN = r"^[ ]*[=+\-@\t\r\n＝＋－＠\x00-\x1f\x7f-\x9f]"
QUOTE = "'"


def is_dangerous(text: str) -> bool:
    """Whether a text would be read as a formula (or carries a control character) at its
    start."""
    return bool(_DANGEROUS_START.match(text))


def neutralise(value: Any) -> Any:
    """A cell value safe to write: text that could run as a formula gets a leading ``'``;
    everything that is not text is returned as it is."""
    if isinstance(value, str) and is_dangerous(value):
        return QUOTE + value
    return value


def neutralise_text(value: Any) -> str:
    """A value written as a text cell (``write_string``): ``None`` as empty, the rest as its
    text, neutralised."""
    return "" if value is None else neutralise(value if isinstance(value, str) else str(value))


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of a frame neutralised (numbers, dates, lists untouched), for
    writers that take a whole frame (``write_csv``, ``write_excel``)."""
    text_columns = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text_columns:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_POLARS_PATTERN))
        .then(pl.lit(QUOTE) + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name in text_columns
    )
