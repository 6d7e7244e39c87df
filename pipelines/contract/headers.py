"""Map a delivery's header names (English or Chinese, in any width or case) to the contract."""

from __future__ import annotations

import unicodedata

from pipelines.contract.feeds import Feed


def normalise_header(header: str) -> str:
    """NFKC folds full-width forms (（）→ (), ＩＤ → ID); spaces, quotes and case do not matter."""
    h = unicodedata.normalize("NFKC", str(header)).replace("\ufeff", "")
    return "".join(h.split()).strip("\"'").lower()


def header_lookup(feed: Feed) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for column in feed.columns:
        for name in (column.name, column.zh, *column.aliases):
            lookup[normalise_header(name)] = column.name
    return lookup


def map_headers(feed: Feed, headers: list[str]) -> tuple[dict[str, str], list[str]]:
    """Return ({original header: column name}, [headers that are not in the contract]).

    The first header that maps to a column wins; a second one for the same column is
    reported as unknown rather than silently overwriting the first.
    """
    lookup = header_lookup(feed)
    mapping: dict[str, str] = {}
    unknown: list[str] = []
    for header in headers:
        name = lookup.get(normalise_header(header))
        if name is None or name in mapping.values():
            unknown.append(header)
        else:
            mapping[header] = name
    return mapping, unknown
