"""Check-in photo reuse: pHash, the multi-index hash index, and pixel verification."""

import cv2
import imagehash
import numpy as np
from PIL import Image

from simulator.cameras import synth
from video_features.config import DEFAULT_CONFIG
from video_features.phash import from_hex, hamming, phash64, to_hex
from video_features.photo_index import (
    auto_bands,
    build_index,
    linear_scan,
    near_duplicate_pairs,
    query,
    query_many,
)
from video_features.photo_reuse import verify_reuse

R = DEFAULT_CONFIG.photo_reuse_max_distance
REAL = ["astronaut.png", "coffee.png", "chelsea.png", "rocket.jpg", "camera.png", "horse.png",
        "motorcycle_left.png", "hubble_deep_field.jpg", "coins.png", "moon.png", "page.png",
        "retina.jpg", "ihc.png", "clock_motion.png", "cell.png"]  # fmt: skip


def test_phash_matches_imagehash_on_real_photos(skimage_data, real_photo):
    diffs = []
    for name in REAL:
        theirs = int(str(imagehash.phash(Image.open(skimage_data / name))), 16)
        diffs.append(bin(theirs ^ int(phash64(real_photo(name)))).count("1"))
    assert np.median(diffs) == 0 and max(diffs) <= 4, diffs
    h = phash64(real_photo("astronaut.png"))
    assert from_hex(to_hex(h)) == h


def test_real_photos_reused_found_and_others_not(real_photo):
    rng = np.random.default_rng(1)
    photos = [real_photo(n) for n in REAL]
    index = build_index(np.array([phash64(p) for p in photos], dtype=np.uint64))
    for i, p in enumerate(photos):
        for _ in range(3):
            rows, _ = query(index, phash64(synth.reuse_variant(rng, p)), R)
            assert list(rows) == [i], (REAL[i], rows)


def test_lfw_faces_as_checkin_photos(skimage_data):
    """Real faces of different people: the index proposes some as candidates (identical framing),
    the pixel check rejects all of them and confirms every reused photo."""
    rng = np.random.default_rng(2)
    crops = (np.load(skimage_data / "lfw_subset.npy")[:100] * 255).astype(np.uint8)
    photos = [
        cv2.cvtColor(cv2.copyMakeBorder(cv2.resize(c, (160, 160), interpolation=cv2.INTER_CUBIC),
                     40, 40, 40, 40, cv2.BORDER_CONSTANT, value=128), cv2.COLOR_GRAY2BGR)
        for c in crops
    ]  # fmt: skip
    index = build_index(np.array([phash64(p) for p in photos], dtype=np.uint64))
    for i in range(0, 100, 5):
        variant = synth.reuse_variant(rng, photos[i])
        rows, _ = query(index, phash64(variant), R)
        assert i in rows
        assert verify_reuse(photos[i], variant).reused
        for j in rows:
            if j != i:  # a different person that pHash alone could not tell apart
                assert not verify_reuse(photos[j], variant).reused
    i, j, _ = near_duplicate_pairs(index, R)
    print(f"different-person pHash candidates among 100 LFW faces: {len(i)}")
    assert all(not verify_reuse(photos[a], photos[b]).reused for a, b in zip(i, j, strict=True))


def test_synthetic_kiosk_reuse_recall_and_verification():
    rng = np.random.default_rng(3)
    kiosk = synth.make_kiosk(rng)
    photos = [synth.render_checkin_photo(rng, k, kiosk) for k in range(40)]
    index = build_index(np.array([phash64(p) for p in photos], dtype=np.uint64))
    found = confirmed = false_confirmed = 0
    for i in range(40):
        v = synth.reuse_variant(rng, photos[i])
        rows, _ = query(index, phash64(v), R)
        found += i in rows
        confirmed += i in rows and verify_reuse(photos[i], v).reused
        false_confirmed += sum(verify_reuse(photos[j], v).reused for j in rows if j != i)
    print(f"kiosk reuse: found {found}/40, confirmed {confirmed}/40, false {false_confirmed}")
    assert found >= 38 and confirmed >= 38 and false_confirmed == 0


def test_index_is_exact_against_a_linear_scan():
    rng = np.random.default_rng(4)
    base = rng.integers(0, 2**63, 50_000, dtype=np.uint64) * np.uint64(2) + rng.integers(
        0, 2, 50_000, dtype=np.uint64
    )
    # Plant near-duplicates at 0..12 bits from some hashes.
    planted = base[:500].copy()
    for k in range(500):
        for b in rng.choice(64, size=k % 13, replace=False):
            planted[k] ^= np.uint64(1) << np.uint64(b)
    hashes = np.concatenate([base, planted])
    for n_bands in (None, 3, 4, 5):
        index = build_index(hashes, n_bands)
        qs = np.concatenate([hashes[:100], rng.integers(0, 2**63, 50, dtype=np.uint64)])
        qi, rows, dists = query_many(index, qs, R)
        for q in range(len(qs)):
            expect = set(linear_scan(hashes, qs[q], R).tolist())
            assert set(rows[qi == q].tolist()) == expect
            assert np.all(dists[qi == q] == hamming(hashes[rows[qi == q]], qs[q]))
    assert auto_bands(2_300_000) == 3


def test_near_duplicate_pairs_equals_brute_force():
    rng = np.random.default_rng(5)
    centres = rng.integers(0, 2**63, 300, dtype=np.uint64)
    hashes = np.repeat(centres, 4)
    flips = rng.integers(0, 64, (len(hashes), 3))
    for k in range(len(hashes)):
        for b in flips[k, : k % 4]:
            hashes[k] ^= np.uint64(1) << np.uint64(b)
    i, j, d = near_duplicate_pairs(build_index(hashes), 6)
    full = hamming(hashes[:, None], hashes[None, :])
    bi, bj = np.nonzero(np.triu(full <= 6, 1))
    assert set(zip(i.tolist(), j.tolist(), strict=True)) == set(
        zip(bi.tolist(), bj.tolist(), strict=True)
    )
    assert np.all(d <= 6)
