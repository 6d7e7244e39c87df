"""Check-in photo reuse (W05): planted reuse found, different people not matched."""

from __future__ import annotations

import polars as pl

from pipelines.cameras import tables
from tests.cameras._report import REPORT


def _pairs(frame: pl.DataFrame, a: str, b: str) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for p in frame.select(a, b).iter_rows()}


def test_reused_photos_are_found_after_crop_recompress_and_brightening(city):
    truth = city.truth("photo_reuse")
    reuse = city.table(tables.PHOTO_REUSE)
    confirmed = reuse.filter(pl.col("reused").fill_null(False))
    planted = _pairs(truth, "photo_a", "photo_b")
    found = _pairs(confirmed, "photo_a", "photo_b")
    assert truth["disguised"].any() and truth["finding"].n_unique() == 2
    assert planted <= found, planted - found
    for a, b, finding in truth.select("photo_a", "photo_b", "finding").iter_rows():
        row = confirmed.filter(
            pl.col("photo_a").is_in([a, b]) & pl.col("photo_b").is_in([a, b])
        ).row(0, named=True)
        assert row["finding"] == finding
        assert row["person_a"] and row["person_b"] and row["day_a"] and row["day_b"]
    REPORT["photo reuse"] = (
        f"{len(planted)} planted pairs, {len(found & planted)} found, "
        f"{len(found - planted)} false; {city.photos_run['candidates']} pHash candidates"
    )


def test_different_people_are_not_matched(city):
    truth = city.truth("photo_reuse")
    planted = _pairs(truth, "photo_a", "photo_b")
    confirmed = city.table(tables.PHOTO_REUSE).filter(pl.col("reused").fill_null(False))
    assert _pairs(confirmed, "photo_a", "photo_b") - planted == set()


def test_every_photo_is_hashed_or_rejected_with_a_reason(city):
    hashes = city.table(tables.PHOTO_HASHES)
    assert hashes.height == city.photos_run["photos_seen"]
    bad = city.truth("bad_inputs").filter(pl.col("source_path").str.starts_with("photos/"))
    got = bad.join(hashes, on="source_path")
    assert got["status"].to_list() == ["rejected"] * bad.height
    assert got["reason"].to_list() == got["expected_reason"].to_list()
    ok = hashes.filter(pl.col("status") == "ok")
    assert ok["phash_hex"].str.len_chars().to_list() == [16] * ok.height
