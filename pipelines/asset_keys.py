"""Asset keys of the lake's layers, one naming rule for every source."""

import dagster as dg


def bronze_key(feed: str) -> dg.AssetKey:
    """The bronze Delta table of a feed of the contract."""
    return dg.AssetKey(["bronze", feed])


def silver_key(table: str) -> dg.AssetKey:
    """A silver Delta table derived by a source's assets (cameras, e-learning, ...)."""
    return dg.AssetKey(["silver", table])
