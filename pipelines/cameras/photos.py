"""Check-in photos (W05): perceptual hashes of every photo, and pairs that are the same or a
near-same picture, with the attendance context W05 needs.

Two stages, as ``video_features`` prescribes: the multi-index pHash search proposes
candidates (exact within ``photo_reuse_max_distance`` bits, no all-pairs loop: ~1 ms per
query at 2.3 million photos), and ``verify_reuse`` confirms them on the pixels (~25 ms per
pair), because a kiosk frames everyone alike and different people's photos can share a pHash
neighbourhood. Only new photos are queried on each run (against all photos, old and new).

Candidates whose photos belong to one person on one day (a check-in and its check-out) are
not W05 and are not verified: that is most of the pixel work saved on real kiosks.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.cameras import store, tables
from pipelines.cameras.config import CameraConfig
from pipelines.cameras.frames import as_int64, new_files
from pipelines.cameras.layout import ImageFile, discover_photos
from pipelines.lib import delta_io
from pipelines.settings import Settings
from video_features import (
    DEFAULT_CONFIG,
    VideoFeatureConfig,
    build_index,
    decode_image,
    phash64,
    query_many,
    verify_reuse,
)
from video_features.phash import to_hex

Progress = Callable[[str, int, int], None]


def hash_photo(f: ImageFile, warehouse: Path, cfg: CameraConfig, vf: VideoFeatureConfig) -> dict:
    """One photo file to a photo_hashes row (ok, or rejected with the reason)."""
    row = {
        "photo_id": f.photo_id,
        "source_path": f.rel,
        "size": f.size,
        "mtime_ns": f.mtime_ns,
        "mtime": f.mtime,
    }
    if f.problem:
        return {**row, "status": "rejected", "reason": str(f.problem), "detail": f.detail}
    try:
        data = f.path.read_bytes()
    except OSError as exc:
        return {**row, "status": "rejected", "reason": "UNREADABLE_FILE", "detail": str(exc)}
    dec = decode_image(data, vf)
    if not dec.ok:
        stored = store.put(warehouse, data) if data else None
        return {
            **row,
            "status": "rejected",
            "reason": str(dec.reason),
            "detail": dec.detail,
            "sha256": stored.sha256 if stored else None,
            "image_path": stored.image_path if stored else None,
        }
    stored = store.put(
        warehouse, data, dec.frame, thumb_width=cfg.thumb_width, thumb_quality=cfg.thumb_quality
    )
    h = phash64(dec.frame)
    return {
        **row,
        "status": "ok",
        "phash": as_int64(h),
        "phash_hex": to_hex(h),
        "sha256": stored.sha256,
        "width": dec.width,
        "height": dec.height,
        "image_path": stored.image_path,
        "thumb_path": stored.thumb_path,
    }


def photo_context(attendance: pl.DataFrame) -> pl.DataFrame:
    """Per photo id: its earliest check-in record (person pseudonym, day, session, class)."""
    if attendance.is_empty():
        return pl.DataFrame(
            schema={
                "photo_id": pl.String,
                "record": pl.String,
                "person": pl.String,
                "day": pl.Date,
                "session": pl.String,
                "class": pl.String,
                "district": pl.String,
            }
        )
    return (
        attendance.filter(pl.col("photo_id").is_not_null() & (pl.col("photo_id") != ""))
        .sort("checked_at", "record_id")
        .unique("photo_id", keep="first", maintain_order=True)
        .select(
            "photo_id",
            record="record_id",
            person="id_number_pseudo",
            day=pl.col("checked_at").dt.date(),
            session="session_id",
            **{"class": "class_id"},
            district="src_district_code",
        )
    )


def same_photo_id_pairs(attendance: pl.DataFrame, now: dt.datetime) -> pl.DataFrame:
    """One photo id standing for several check-ins of different people or days: the plainest
    reuse, no pixels needed. Each later record is paired with the first one."""
    if attendance.is_empty():
        return tables.empty(tables.PHOTO_REUSE_SCHEMA)
    a = (
        attendance.filter(pl.col("photo_id").is_not_null() & (pl.col("photo_id") != ""))
        .with_columns(day=pl.col("checked_at").dt.date())
        .sort("checked_at", "record_id")
    )
    first = a.unique("photo_id", keep="first", maintain_order=True)
    pairs = (
        a.join(first, on="photo_id", suffix="_a")
        .filter(pl.col("record_id") != pl.col("record_id_a"))
        .filter(
            (pl.col("id_number_pseudo") != pl.col("id_number_pseudo_a"))
            | (pl.col("day") != pl.col("day_a"))
        )
    )
    out = pairs.select(
        photo_a="photo_id",
        photo_b="photo_id",
        method=pl.lit("same_photo_id"),
        distance=pl.lit(0),
        similarity=pl.lit(1.0),
        reused=pl.lit(True),
        found_at=pl.lit(now),
        record_a="record_id_a",
        person_a="id_number_pseudo_a",
        day_a="day_a",
        session_a="session_id_a",
        class_a="class_id_a",
        district_a="src_district_code_a",
        record_b="record_id",
        person_b="id_number_pseudo",
        day_b="day",
        session_b="session_id",
        class_b="class_id",
        district_b="src_district_code",
    )
    return tables.conform(_finding(out), tables.PHOTO_REUSE_SCHEMA)


def _finding(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        finding=pl.when(pl.col("person_a").is_null() | pl.col("person_b").is_null())
        .then(pl.lit("no_attendance"))
        .when(pl.col("person_a") != pl.col("person_b"))
        .then(pl.lit("different_people"))
        .when(pl.col("day_a") != pl.col("day_b"))
        .then(pl.lit("same_person_different_days"))
        .otherwise(pl.lit("same_person_same_day"))
    )


def with_context(pairs: pl.DataFrame, context: pl.DataFrame) -> pl.DataFrame:
    """Attach each photo's check-in (person, day, ...) and the W05 finding to hash pairs."""
    ctx = context.rename({c: f"{c}_x" for c in context.columns if c != "photo_id"})
    a = {f"{c}_x": f"{c}_a" for c in context.columns if c != "photo_id"}
    b = {f"{c}_x": f"{c}_b" for c in context.columns if c != "photo_id"}
    out = (
        pairs.select(list(tables.PAIRS_SCHEMA))
        .join(ctx, left_on="photo_a", right_on="photo_id", how="left")
        .rename(a)
        .join(ctx, left_on="photo_b", right_on="photo_id", how="left")
        .rename(b)
    )
    return tables.conform(_finding(out), tables.PHOTO_REUSE_SCHEMA)


def candidate_pairs(hashes: pl.DataFrame, new_ids: set[str], max_distance: int) -> pl.DataFrame:
    """(photo_a, photo_b, distance) within ``max_distance`` bits, a < b, one side new."""
    # one picture per photo id (a .jpg and a .png of one id: the first path)
    ok = hashes.filter(pl.col("status") == "ok").sort("photo_id", "source_path")
    ok = ok.unique("photo_id", keep="first", maintain_order=True)
    if ok.is_empty() or not new_ids:
        return pl.DataFrame(schema={"photo_a": pl.String, "photo_b": pl.String,
                                    "distance": pl.Int64})  # fmt: skip
    ids = ok["photo_id"].to_numpy()
    h = ok["phash"].to_numpy().astype(np.int64).view(np.uint64)
    index = build_index(h)
    new_rows = np.flatnonzero(np.isin(ids, list(new_ids)))
    q, r, d = query_many(index, h[new_rows], max_distance)
    qa = new_rows[q]
    keep = qa != r
    a, b = ids[qa[keep]], ids[r[keep]]
    lo, hi = np.where(a < b, a, b), np.where(a < b, b, a)
    return (
        pl.DataFrame({"photo_a": lo, "photo_b": hi, "distance": d[keep]})
        .unique(["photo_a", "photo_b"])
        .sort("photo_a", "photo_b")
    )


def verify_pairs(
    candidates: pl.DataFrame,
    hashes: pl.DataFrame,
    context: pl.DataFrame,
    warehouse: Path,
    vf: VideoFeatureConfig,
    now: dt.datetime,
    progress: Progress | None = None,
) -> pl.DataFrame:
    """Pixel verification of the candidates (skipping one person's photos of one day)."""
    if candidates.is_empty():
        return tables.empty(tables.PAIRS_SCHEMA)
    ok = hashes.filter(pl.col("status") == "ok").sort("photo_id", "source_path")
    path_of = dict(ok.unique("photo_id", keep="first").select("photo_id", "image_path").iter_rows())
    ctx = {r["photo_id"]: (r["person"], r["day"]) for r in context.iter_rows(named=True)}
    cache: dict[str, np.ndarray | None] = {}

    def image(pid: str):
        if pid not in cache:
            cache[pid] = store.load(warehouse, path_of[pid]) if path_of.get(pid) else None
        return cache[pid]

    rows = []
    total = candidates.height
    for n, (pa, pb, dist) in enumerate(candidates.iter_rows(), 1):
        ca, cb = ctx.get(pa), ctx.get(pb)
        if ca is not None and ca == cb:
            rows.append((pa, pb, "not_verified_same_person_same_day", dist, None, None))
            continue
        ia, ib = image(pa), image(pb)
        if ia is None or ib is None:
            rows.append((pa, pb, "not_verified_image_missing", dist, None, None))
            continue
        v = verify_reuse(ia, ib, vf)
        rows.append((pa, pb, "phash_verified", dist, v.similarity, bool(v.reused)))
        if progress and n % 200 == 0:
            progress("photo pairs", n, total)
    out = pl.DataFrame(
        rows,
        schema=["photo_a", "photo_b", "method", "distance", "similarity", "reused"],
        orient="row",
    ).with_columns(found_at=pl.lit(now))
    return tables.conform(out, tables.PAIRS_SCHEMA)


def process_photos(
    settings: Settings,
    cfg: CameraConfig,
    vf: VideoFeatureConfig = DEFAULT_CONFIG,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    run_id: str = "",
) -> dict:
    """Hash new photos, find and verify reuse candidates, rewrite ``photo_reuse`` with the
    current attendance context. Returns counts for the asset metadata."""
    now = now or dt.datetime.now().replace(microsecond=0)
    hashes_path = tables.silver(settings, tables.PHOTO_HASHES)
    reuse_path = tables.silver(settings, tables.PHOTO_REUSE)
    # photo_hashes is its own register (a second writer of camera_files could collide with
    # the frames asset running in parallel: Delta commits are optimistic)
    register = delta_io.read(hashes_path, columns=["source_path", "size", "mtime_ns"])
    found = discover_photos(settings.landing)
    todo = new_files(found, register)
    rows = []
    for n, f in enumerate(todo, 1):
        row = hash_photo(f, settings.warehouse, cfg, vf)
        rows.append({**row, "processed_at": now, "run_id": run_id})
        if progress and (n % 500 == 0 or n == len(todo)):
            progress("photos", n, len(todo))
    new = tables.conform(rows, tables.PHOTO_HASHES_SCHEMA) if rows else None
    if new is not None:
        # a re-delivered photo (same path, new bytes) replaces the old hash
        delta_io.merge(hashes_path, new, ["source_path"])
    hashes = delta_io.read(hashes_path)
    attendance = delta_io.read(settings.bronze("attendance"))
    context = photo_context(attendance)
    new_ok = set(new.filter(pl.col("status") == "ok")["photo_id"]) if new is not None else set()
    max_d = cfg.reuse_max_distance
    max_d = vf.photo_reuse_max_distance if max_d is None else max_d
    candidates = candidate_pairs(hashes, new_ok, max_d) if not hashes.is_empty() else None
    old = delta_io.read(reuse_path)
    old_pairs = (
        old.filter(pl.col("method") != "same_photo_id").select(list(tables.PAIRS_SCHEMA))
        if not old.is_empty()
        else tables.empty(tables.PAIRS_SCHEMA)
    )
    if candidates is not None and not old_pairs.is_empty():
        candidates = candidates.join(old_pairs, on=["photo_a", "photo_b"], how="anti")
    verified = (
        verify_pairs(candidates, hashes, context, settings.warehouse, vf, now, progress)
        if candidates is not None
        else tables.empty(tables.PAIRS_SCHEMA)
    )
    pairs = pl.concat([old_pairs, verified], how="vertical_relaxed")
    reuse = pl.concat(
        [with_context(pairs, context), same_photo_id_pairs(attendance, now)],
        how="vertical_relaxed",
    ).sort("photo_a", "photo_b", "record_b", nulls_last=True)
    # small (pairs only) and its context changes when attendance arrives: rewrite it whole;
    # earlier versions stay readable through Delta time travel
    delta_io.replace(reuse_path, reuse)
    n_ok = int((new["status"] == "ok").sum()) if new is not None else 0
    return {
        "photos_seen": len(found),
        "photos_new": len(todo),
        "photos_ok": n_ok,
        "photos_rejected": len(todo) - n_ok,
        "candidates": 0 if candidates is None else candidates.height,
        "verified_reused": int(verified["reused"].fill_null(False).sum()),
        "reuse_pairs": int(reuse.filter(pl.col("reused").fill_null(False)).height),
    }
