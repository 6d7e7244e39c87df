"""Benchmark and accuracy report of video_features (not a test; prints Markdown tables).

    .venv/bin/python benchmarks/bench_video_features.py [--quick] > /tmp/out.md

Measures, each as the median of several runs:
  * quality + tamper features (analyse_frame) on decoded 640x360 frames, 1 thread and 2 threads;
  * JPEG decode of the same frames;
  * people count (CenterFace on onnxruntime) ms per frame, at 1x and 2x input scale;
  * photo index at 2.3 million random 64-bit hashes: build time, one-query latency, batched
    query throughput, a linear scan for comparison, and the all-pairs self-join extrapolated;
  * accuracy on the synthetic set: tamper precision / recall, people count error.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.cameras import synth  # noqa: E402
from video_features.analyse import analyse_frame  # noqa: E402
from video_features.config import DEFAULT_CONFIG  # noqa: E402
from video_features.decode import decode_image  # noqa: E402
from video_features.detectors import CenterFaceDetector, count_people  # noqa: E402
from video_features.photo_index import build_index, linear_scan, query, query_many  # noqa: E402
from video_features.tamper import STATES  # noqa: E402
from video_features.views import frame_views  # noqa: E402


def _median_time(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_features(frames, ref, runs: int) -> list[tuple[str, str]]:
    cv2.setNumThreads(1)  # parallelism comes from the frames, not inside OpenCV

    def one_thread():
        prev = None
        for f in frames:
            a = analyse_frame(f, ref, [prev] if prev is not None else [])
            prev = a.views

    def chunk(part):
        prev = None
        for f in part:
            a = analyse_frame(f, ref, [prev] if prev is not None else [])
            prev = a.views

    def two_threads():
        half = len(frames) // 2
        with ThreadPoolExecutor(2) as ex:
            list(ex.map(chunk, [frames[:half], frames[half:]]))

    jpegs = [cv2.imencode(".jpg", f, [cv2.IMWRITE_JPEG_QUALITY, 80])[1].tobytes() for f in frames]

    def decode_two():
        with ThreadPoolExecutor(2) as ex:
            list(ex.map(decode_image, jpegs))

    n = len(frames)
    t1 = _median_time(one_thread, runs)
    t2 = _median_time(two_threads, runs)
    td = _median_time(lambda: [decode_image(j) for j in jpegs], runs)
    td2 = _median_time(decode_two, runs)
    cv2.setNumThreads(-1)
    return [
        ("quality + tamper, 1 thread", f"{n / t1:,.0f} frames/s ({t1 / n * 1000:.2f} ms/frame)"),
        ("quality + tamper, 2 threads", f"{n / t2:,.0f} frames/s"),
        ("JPEG decode (q80), 1 thread", f"{n / td:,.0f} frames/s ({td / n * 1000:.2f} ms/frame)"),
        ("JPEG decode (q80), 2 threads", f"{n / td2:,.0f} frames/s"),
        ("decode + quality + tamper, 2 threads", f"{1 / (td2 / n + t2 / n):,.0f} frames/s"),
    ]


def bench_people(frames, runs: int) -> list[tuple[str, str]]:
    rows = []
    for scale in (1.0, 2.0):
        det = CenterFaceDetector(score_min=DEFAULT_CONFIG.face_score_min, input_scale=scale)
        count_people(frames[0], det)  # warm-up (first run allocates)
        sample = frames[:10]
        t = _median_time(lambda d=det, s=sample: [count_people(f, d) for f in s], runs)
        rows.append(
            (
                f"people count, CenterFace {scale:g}x, 2 ORT threads",
                f"{t / len(sample) * 1000:.0f} ms/frame",
            )
        )
    return rows


def bench_index(n: int, runs: int) -> list[tuple[str, str]]:
    rng = np.random.default_rng(0)
    hashes = rng.integers(0, 2**64 - 1, n, dtype=np.uint64, endpoint=True)
    r = DEFAULT_CONFIG.photo_reuse_max_distance
    t_build = _median_time(lambda: build_index(hashes), max(1, runs // 2))
    index = build_index(hashes)
    mem = sum(o.nbytes for o in index.offsets) + sum(x.nbytes for x in index.rows) + hashes.nbytes
    # Queries: half are planted near-duplicates (r bits flipped), half random.
    qs = hashes[rng.integers(0, n, 500)].copy()
    for k in range(250):
        for b in rng.choice(64, size=r, replace=False):
            qs[k] ^= np.uint64(1) << np.uint64(b)
    qs[250:] = rng.integers(0, 2**63, 250, dtype=np.uint64)
    lat = []
    for q in qs:
        t = time.perf_counter()
        rows, _ = query(index, q, r)
        lat.append(time.perf_counter() - t)
    found = sum(len(query(index, q, r)[0]) > 0 for q in qs[:250])
    batch = rng.integers(0, 2**63, 5_000, dtype=np.uint64)
    t_batch = _median_time(lambda: query_many(index, batch, r), runs)
    # r // bands decides the probe radius: r=8 -> 2 bits per 21-bit band (254 probes), r=10 ->
    # 3 bits (1,794 probes), about 10x the work.
    t_batch8 = _median_time(lambda: query_many(index, batch, 8), runs)
    t_lin = _median_time(lambda: linear_scan(hashes, qs[0], r), runs)
    per_q = t_batch / len(batch)
    return [
        (
            f"index build, {n:,} hashes ({index.n_bands} bands of {index.band_bits} bits)",
            f"{t_build:.2f} s",
        ),
        ("index memory (hashes + bucket tables + row ids)", f"{mem / 2**20:.0f} MiB"),
        (
            f"one query, r={r}: median / p99",
            f"{np.median(lat) * 1000:.2f} / {np.percentile(lat, 99) * 1000:.2f} ms",
        ),
        ("planted near-duplicates found", f"{found}/250"),
        (
            f"batched queries, r={r} (probe radius {r // index.n_bands} bits per band)",
            f"{1 / per_q:,.0f} queries/s ({per_q * 1e6:.0f} us each)",
        ),
        (
            f"batched queries, r=8 (probe radius {8 // index.n_bands} bits per band)",
            f"{len(batch) / t_batch8:,.0f} queries/s ({t_batch8 / len(batch) * 1e6:.0f} us each)",
        ),
        ("linear scan of all hashes, one query (baseline)", f"{t_lin * 1000:.1f} ms"),
        (
            "all-pairs self-join of the store (extrapolated)",
            f"{per_q * n / 60:.1f} min (vs {t_lin * n / 3600:.1f} h by scans)",
        ),
    ]


def accuracy(
    n_cameras: int, n_people_frames: int, det
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    rng = np.random.default_rng(42)
    states = ("clean", "clean", "covered", "clean", "dark", "clean", "out_of_focus", "clean",
              "moved", "clean", "frozen", "clean")  # fmt: skip
    tp = dict.fromkeys(STATES, 0)
    fp = dict.fromkeys(STATES, 0)
    fn = dict.fromkeys(STATES, 0)
    clean_total = clean_flagged = 0
    for _ in range(n_cameras):
        seq = synth.camera_sequence(rng, states)
        ref = frame_views(seq.reference)
        prev = []
        for f, t in zip(seq.frames, seq.truths, strict=True):
            a = analyse_frame(f, ref, prev)
            found = set(a.tamper.detected)
            if not t.states:
                clean_total += 1
                clean_flagged += bool(found)
            for s in STATES:
                tp[s] += s in found and s in t.states
                fp[s] += s in found and s not in t.states
                fn[s] += s not in found and s in t.states
            prev = [a.views]
    tamper = []
    for s in STATES:
        p = tp[s] / max(tp[s] + fp[s], 1)
        rc = tp[s] / max(tp[s] + fn[s], 1)
        tamper.append(
            (s, f"precision {p:.3f} · recall {rc:.3f} (TP {tp[s]}, FP {fp[s]}, FN {fn[s]})")
        )
    tamper.append(("clean frames with any state", f"{clean_flagged}/{clean_total}"))
    errs, away = [], 0
    for _ in range(n_people_frames):
        room = synth.make_classroom(rng)
        n = int(rng.integers(0, min(30, len(room.seats) - 2)))
        k = int(rng.integers(0, 3))
        frame, truth = synth.render_classroom(rng, n, n_turned_away=k, room=room)
        errs.append(count_people(frame, det).value - truth.n_faces)
        away += k
    e = np.array(errs)
    people = [
        ("frames", str(len(e))),
        ("count exact", f"{np.mean(e == 0):.0%}"),
        ("count within ±1", f"{np.mean(abs(e) <= 1):.0%}"),
        ("mean error (faces)", f"{e.mean():+.2f}"),
        ("people turned away (never counted)", f"{away} people in {len(e)} frames"),
    ]
    return tamper, people


def table(title: str, rows: list[tuple[str, str]]) -> str:
    lines = [f"### {title}", "", "| measure | result |", "|---|---|"]
    lines += [f"| {a} | {b} |" for a, b in rows]
    return "\n".join(lines) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="smaller sizes, for a smoke run")
    args = ap.parse_args()
    runs = 3 if args.quick else 5
    rng = np.random.default_rng(7)
    room = synth.make_classroom(rng)
    frames = [
        synth.render_classroom(rng, int(rng.integers(0, 25)), room=room)[0] for _ in range(200)
    ]
    ref = frame_views(frames[0])
    print(f"Machine: {os.cpu_count()} CPUs, OpenCV {cv2.__version__}, numpy {np.__version__}")
    # Other jobs on a shared machine distort timings: the load average says how much.
    print(f"Load average at start: {os.getloadavg()[0]:.2f}\n")
    print(
        table(
            "Quality + tamper features (640x360, decoded frames)", bench_features(frames, ref, runs)
        )
    )
    print(table("People count", bench_people(frames, runs)))
    n = 200_000 if args.quick else 2_300_000
    print(table("Photo reuse index", bench_index(n, runs)))
    det = CenterFaceDetector(score_min=DEFAULT_CONFIG.face_score_min)
    tamper, people = accuracy(20 if args.quick else 60, 30 if args.quick else 100, det)
    print(table("Tamper states on the synthetic set (with reference view)", tamper))
    print(table("People count on synthetic classrooms (visible faces)", people))
    print(f"Load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
