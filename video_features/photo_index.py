"""Near-duplicate search over millions of 64-bit photo hashes: multi-index hashing (MIH).

Norouzi, Punjani & Fleet, "Fast Search in Hamming Space with Multi-Index Hashing" (CVPR 2012).
Split each 64-bit hash into m bands. If two hashes differ in at most r bits, then by pigeonhole
at least one band differs in at most floor(r / m) bits. So for each band we look up the
query's band value and its neighbours within floor(r / m) bits in a bucket table (exact
matches, no scan), and verify the few candidates' full Hamming distance. The search is exact:
no pair within r bits is missed.

m defaults to round(64 / log2(n)) (the paper's choice; buckets then hold about one hash each):
3 bands of 21-22 bits at 2.3 million photos. Each band's bucket table is a CSR offsets array of
2^bits int32 (16 MB at 22 bits) plus the row ids sorted by band value (n int32): ~ 3 x 25 MB for
2.3 million hashes. Measured figures are in benchmarks/RESULTS_video.md.

Pure numpy; an index is an immutable value built by ``build_index``. New photos are queried
against the current index, then the index is rebuilt (about a second at 2.3 million).
"""

from __future__ import annotations

import functools
import itertools
import math
from dataclasses import dataclass, field

import numpy as np

from video_features.phash import hamming

_MAX_BAND_BITS = 22  # the bucket table of a 22-bit band has 4 M entries (16 MB)


@dataclass(frozen=True)
class PhotoHashIndex:
    hashes: np.ndarray = field(repr=False)  # uint64, one per photo, in the caller's row order
    band_shifts: tuple[int, ...]
    band_bits: tuple[int, ...]
    offsets: tuple[np.ndarray, ...] = field(repr=False)  # per band: int32, 2^bits + 1 (CSR)
    rows: tuple[np.ndarray, ...] = field(repr=False)  # per band: int32 row ids by band value

    def __len__(self) -> int:
        return len(self.hashes)

    @property
    def n_bands(self) -> int:
        return len(self.band_bits)


def auto_bands(n: int) -> int:
    """round(64 / log2(n)), at least 3 (so a band's bucket table stays <= 2^22 entries)."""
    return max(math.ceil(64 / _MAX_BAND_BITS), min(16, round(64 / max(math.log2(max(n, 2)), 1))))


def _band_layout(n_bands: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    base, extra = divmod(64, n_bands)
    bits = tuple(base + (i < extra) for i in range(n_bands))
    shifts = tuple(64 - sum(bits[: i + 1]) for i in range(n_bands))
    return shifts, bits


def _band(hashes: np.ndarray, shift: int, bits: int) -> np.ndarray:
    mask = np.uint64((1 << bits) - 1)
    return ((hashes >> np.uint64(shift)) & mask).astype(np.int64)


@functools.cache
def _probe_masks(bits: int, radius: int) -> np.ndarray:
    """All XOR masks of at most ``radius`` set bits within ``bits`` (radius 2, 22 bits: 254)."""
    masks = [0]
    for k in range(1, radius + 1):
        masks += [sum(1 << i for i in c) for c in itertools.combinations(range(bits), k)]
    return np.array(masks, dtype=np.int64)


def build_index(hashes: np.ndarray, n_bands: int | None = None) -> PhotoHashIndex:
    """Index ``hashes`` (uint64); row i of every result refers to ``hashes[i]``."""
    hashes = np.ascontiguousarray(hashes, dtype=np.uint64)
    n_bands = n_bands or auto_bands(len(hashes))
    shifts, bits = _band_layout(n_bands)
    if max(bits) > _MAX_BAND_BITS:
        raise ValueError(f"{n_bands} bands give {max(bits)}-bit bands; use at least 3 bands")
    offsets, rows = [], []
    for s, b in zip(shifts, bits, strict=True):
        vals = _band(hashes, s, b)
        order = np.argsort(vals, kind="stable").astype(np.int32)
        counts = np.bincount(vals, minlength=1 << b)
        off = np.zeros((1 << b) + 1, dtype=np.int32)
        np.cumsum(counts, out=off[1:])
        offsets.append(off)
        rows.append(order)
    return PhotoHashIndex(hashes, shifts, bits, tuple(offsets), tuple(rows))


def _candidates(index: PhotoHashIndex, queries: np.ndarray, max_distance: int):
    radius = max_distance // index.n_bands
    q_parts, r_parts = [], []
    for s, b, off, rows in zip(
        index.band_shifts, index.band_bits, index.offsets, index.rows, strict=True
    ):
        probes = _band(queries, s, b)[:, None] ^ _probe_masks(b, radius)[None, :]
        lo = off[probes].ravel()
        counts = (off[probes + 1].ravel() - lo).astype(np.int64)
        total = int(counts.sum())
        if total == 0:
            continue
        starts = np.repeat(lo.astype(np.int64) - (np.cumsum(counts) - counts), counts)
        positions = starts + np.arange(total, dtype=np.int64)
        q_parts.append(np.repeat(np.arange(len(queries)).repeat(probes.shape[1]), counts))
        r_parts.append(rows[positions])
    if not q_parts:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return np.concatenate(q_parts), np.concatenate(r_parts).astype(np.int64)


def query_many(
    index: PhotoHashIndex, queries: np.ndarray, max_distance: int, chunk: int = 256
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every indexed hash within ``max_distance`` bits of each query.

    Returns parallel arrays (query position, row, distance), sorted by query then distance.
    """
    queries = np.atleast_1d(np.asarray(queries, dtype=np.uint64))
    if not 0 <= max_distance < 64:
        raise ValueError("max_distance must be in 0..63")
    out_q, out_r, out_d = [], [], []
    for start in range(0, len(queries), chunk):
        qs = queries[start : start + chunk]
        q, r = _candidates(index, qs, max_distance)
        if len(q) == 0:
            continue
        d = hamming(qs[q], index.hashes[r])
        keep = d <= max_distance
        q, r, d = q[keep], r[keep], d[keep]
        # A pair near in several bands is found several times: keep it once.
        key = q * len(index) + r
        _, first = np.unique(key, return_index=True)
        q, r, d = q[first], r[first], d[first]
        order = np.lexsort((r, d, q))
        out_q.append(q[order] + start)
        out_r.append(r[order])
        out_d.append(d[order].astype(np.int64))
    if not out_q:
        empty = np.empty(0, np.int64)
        return empty, empty, empty
    return np.concatenate(out_q), np.concatenate(out_r), np.concatenate(out_d)


def query(
    index: PhotoHashIndex, h: np.uint64 | int, max_distance: int
) -> tuple[np.ndarray, np.ndarray]:
    """Rows within ``max_distance`` bits of one hash, nearest first, and their distances."""
    _, rows, dists = query_many(index, np.array([h], dtype=np.uint64), max_distance)
    return rows, dists


def near_duplicate_pairs(
    index: PhotoHashIndex, max_distance: int, chunk: int = 256
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs of indexed photos (i < j) within ``max_distance`` bits: (i, j, distance)."""
    i, j, d = query_many(index, index.hashes, max_distance, chunk)
    keep = i < j
    return i[keep], j[keep], d[keep]


def linear_scan(hashes: np.ndarray, h: np.uint64 | int, max_distance: int) -> np.ndarray:
    """Reference implementation (and the benchmark's baseline): rows within the distance."""
    return np.nonzero(hamming(hashes, np.uint64(h)) <= max_distance)[0]
