"""Key sets of accepted (bronze) rows that reference checks read, by district.

Keys are ``district|key`` strings so one set serves a batch of deliveries from several
districts while still requiring a reference to resolve within the delivering district. The
set in use is handed to GX's metric through a context variable (GX metrics receive only the
suite's kwargs); ``active(...)`` scopes it to one validation run.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

import pandas as pd
import polars as pl

from pipelines.lib import delta_io
from pipelines.settings import Settings

SEP = "|"
DISTRICT = "src_district_code"

_ACTIVE: ContextVar[dict[str, pd.Index] | None] = ContextVar("reference_sets", default=None)


def district_key(district: pl.Expr, *parts: pl.Expr) -> pl.Expr:
    """``district|part|part``; null when any part is null (nothing to look up)."""
    return pl.concat_str([district, *parts], separator=SEP)


class BronzeTables:
    """Bronze feeds read once per validation batch (columns on demand)."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self._cache: dict[tuple[str, tuple[str, ...]], pl.DataFrame] = {}

    def read(self, feed: str, columns: list[str]) -> pl.DataFrame:
        key = (feed, tuple(columns))
        if key not in self._cache:
            path = self.settings.bronze(feed)
            frame = (
                delta_io.read(path, columns=[DISTRICT, *columns]) if delta_io.exists(path) else None
            )
            if frame is None or frame.is_empty():
                frame = pl.DataFrame(
                    schema={DISTRICT: pl.String, **dict.fromkeys(columns, pl.String)}
                )
            self._cache[key] = frame
        return self._cache[key]

    def reference(self, name: str) -> pd.Index:
        """The key set for ``feed.col`` or ``feed.col+col`` (a compound key)."""
        feed, cols = name.split(".", 1)
        columns = cols.split("+")
        frame = self.read(feed, columns)
        keys = frame.select(
            district_key(pl.col(DISTRICT), *[pl.col(c).cast(pl.String) for c in columns])
        ).to_series()
        return pd.Index(keys.drop_nulls().unique().to_list())


def reference_values(name: str) -> pd.Index:
    sets = _ACTIVE.get()
    if sets is None or name not in sets:
        raise LookupError(f"reference set {name} is not loaded for this validation")
    return sets[name]


@contextlib.contextmanager
def active(sets: dict[str, pd.Index]) -> Iterator[None]:
    token = _ACTIVE.set(sets)
    try:
        yield
    finally:
        _ACTIVE.reset(token)
