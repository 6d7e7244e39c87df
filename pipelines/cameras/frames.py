"""Incremental analysis of camera frames: the new files of ``<landing>/frames/`` become rows of
``silver/camera_frames`` (ok or rejected with a reason, never dropped), their bytes go to the
content-addressed image store, and each camera's reference view and recent history are kept
in ``silver/camera_state`` so MOVED and FROZEN work across runs.

A frame is analysed whatever its upload delay (backlogs, re-loaded archives). An implausible
capture time (a reset clock, the future, before the camera's installation) is flagged on the
row (``time_flag``, ``time_reason``) and the frame is still analysed and kept. A frame in the
future or before the installation keeps its place in capture order (a clock that runs fast,
or a wrong installation date, shifts all of a camera's frames alike); a frame of a reset
clock (1970) has no place: it is compared with the reference and the previous frames but
never becomes the reference or the predecessor of the next frame.

Without a people model (the face model not installed) quality, tamper states and hashes are
computed as usual and the frames due for a count say ``people_status = NOT_CONFIGURED`` with
the reason; the run does not fail.

Work is per camera, in capture order (the frozen check compares a frame with the previous
one). With ``workers > 1`` cameras are spread over a process pool; each worker loads its own
face model once.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import multiprocessing
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.cameras import store, tables
from pipelines.cameras.config import CameraConfig
from pipelines.cameras.layout import ImageFile, TimeFlag, capture_time_flag, discover_frames
from pipelines.lib import delta_io
from pipelines.settings import Settings
from video_features import (
    DEFAULT_CONFIG,
    FrameReason,
    FrameViews,
    VideoFeatureConfig,
    analyse_frame,
    count_people,
    decode_image,
    detect_smoking,
    frame_views,
    load_detectors,
    sample_video,
)
from video_features.phash import to_hex

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class FrameContext:
    """What every camera's work needs (picklable, for the process pool)."""

    warehouse: Path
    cfg: CameraConfig
    vf: VideoFeatureConfig
    now: dt.datetime
    run_id: str


@dataclass
class _Camera:
    """A camera's running state while its new frames are analysed."""

    camera_id: str
    registered: bool
    reference: FrameViews | None = None
    reference_image_path: str | None = None
    reference_captured_at: dt.datetime | None = None
    reference_source: str | None = None
    history: list[FrameViews] = field(default_factory=list)
    last_image_path: str | None = None
    last_captured_at: dt.datetime | None = None
    since_count: int = 0


_DETECTOR = None


def _detectors(vf: VideoFeatureConfig):
    global _DETECTOR  # one model per process: loading costs ~0.3-1 s
    if _DETECTOR is None:
        # a missing model degrades to NOT_CONFIGURED counts instead of failing the run
        _DETECTOR = load_detectors(vf, optional=True)
    return _DETECTOR


def as_int64(h: np.uint64) -> int:
    return int(np.array([h], dtype=np.uint64).view(np.int64)[0])


def _none_if_nan(v: float) -> float | None:
    return None if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))) else v


def _is_good_reference(states: dict) -> bool:
    # a reference must be a normal picture: judged here without a reference (absolute bars)
    return not any(states[s].detected for s in ("dark", "covered", "out_of_focus", "frozen"))


def _analyse(frame: np.ndarray, cam: _Camera, ctx: FrameContext, placed: bool = True) -> dict:
    """Quality, tamper, pHash and (every Nth usable frame) people count; updates ``cam``.

    ``placed`` is false for a frame of a reset clock (no place in the sequence): it is judged
    against the reference and history, but does not become either."""
    a = analyse_frame(frame, cam.reference, cam.history, ctx.vf)
    states = a.tamper.states
    row: dict = {
        "width": frame.shape[1],
        "height": frame.shape[0],
        "brightness": a.quality.brightness,
        "contrast": a.quality.contrast,
        "sharpness": a.quality.sharpness,
        "noise_sigma": a.quality.noise_sigma,
        "colour_cast": _none_if_nan(a.quality.colour_cast),
        "tamper_states": ";".join(a.tamper.detected),
        "has_reference": cam.reference is not None,
        "phash": as_int64(a.phash),
        "phash_hex": to_hex(a.phash),
    }
    for s, r in states.items():
        row[s] = bool(r.detected) if r.evaluated else None
        row[f"{s}_value"] = _none_if_nan(float(r.value)) if r.evaluated else None
    usable = not a.tamper.detected
    # count the first usable frame, then every Nth; a tampered frame defers the count (its
    # faces say nothing about who is in the room, and headcounts exclude it anyway)
    if usable and cam.since_count >= ctx.cfg.count_every - 1:
        det = _detectors(ctx.vf)
        c = count_people(frame, det.people, det.people_reason)
        counted = c.value is not None
        row.update(
            people_count=c.value,
            people_confidence=c.confidence if counted else None,
            people_method=c.method if counted else None,
            people_status=str(c.status),
            people_reason=c.reason or None,
        )
        # W13 only where an operator configured a smoking model; otherwise NOT_CONFIGURED,
        # never a pretended "no smoking"
        smoke = detect_smoking(frame, det.smoking)
        row.update(smoking_status=str(smoke.status), smoking_count=smoke.value)
        cam.since_count = 0
    else:
        cam.since_count += 1
    if not placed:
        return row
    if cam.reference is None and _is_good_reference(states):
        cam.reference = a.views
        cam.reference_source = "first_good_frame"
    cam.history = [*cam.history, a.views][-ctx.cfg.history_frames :]
    return row


def _rejected(base: dict, reason: str, detail: str) -> dict:
    return {**base, "status": "rejected", "reason": str(reason), "detail": detail}


def _register(f: ImageFile, ctx: FrameContext, status: str, reason, detail, sha, rows) -> dict:
    return {
        "source_path": f.rel,
        "kind": f.kind,
        "size": f.size,
        "mtime_ns": f.mtime_ns,
        "mtime": f.mtime,
        "sha256": sha,
        "status": status,
        "reason": str(reason) if reason else None,
        "detail": detail or None,
        "rows": rows,
        "processed_at": ctx.now,
        "run_id": ctx.run_id,
    }


def _snapshot(f: ImageFile, base: dict, cam: _Camera, ctx: FrameContext) -> tuple[list, dict]:
    placed = base["time_flag"] != TimeFlag.CLOCK_RESET
    try:
        data = f.path.read_bytes()
    except OSError as exc:
        detail = f"{type(exc).__name__}: {exc}"
        row = _rejected(base, FrameReason.UNREADABLE_FILE, detail)
        return [row], _register(f, ctx, "rejected", FrameReason.UNREADABLE_FILE, detail, None, 1)
    dec = decode_image(data, ctx.vf)
    if not dec.ok:
        # the bytes are evidence (a camera sending garbage): keep them, unless there are none
        stored = store.put(ctx.warehouse, data) if data else None
        row = _rejected(base, dec.reason, dec.detail)
        row.update(width=dec.width or None, height=dec.height or None)
        if stored:
            row.update(image_sha256=stored.sha256, image_path=stored.image_path)
        sha = stored.sha256 if stored else None
        return [row], _register(f, ctx, "rejected", dec.reason, dec.detail, sha, 1)
    stored = store.put(
        ctx.warehouse,
        data,
        dec.frame,
        thumb_width=ctx.cfg.thumb_width,
        thumb_quality=ctx.cfg.thumb_quality,
    )
    row = {**base, "status": "ok", **_analyse(dec.frame, cam, ctx, placed)}
    row.update(
        image_sha256=stored.sha256, image_path=stored.image_path, thumb_path=stored.thumb_path
    )
    if placed:
        _remember(cam, stored.image_path, f.captured_at)
    return [row], _register(f, ctx, "ok", None, "", stored.sha256, 1)


def _video(f: ImageFile, base: dict, cam: _Camera, ctx: FrameContext) -> tuple[list, dict]:
    placed = base["time_flag"] != TimeFlag.CLOCK_RESET
    sv = sample_video(f.path, ctx.cfg.mp4_every_s, ctx.vf)
    try:
        data = f.path.read_bytes()
        archived = store.put(ctx.warehouse, data) if data else None
    except OSError:
        archived = None
    sha = archived.sha256 if archived else None
    if not sv.samples:
        row = _rejected(base, sv.reason or FrameReason.NO_FRAMES, sv.detail)
        return [row], _register(f, ctx, "rejected", row["reason"], sv.detail, sha, 1)
    rows = []
    for sample in sv.samples:
        jpeg = store.encode_jpeg(sample.frame)
        stored = store.put(
            ctx.warehouse,
            jpeg,
            sample.frame,
            thumb_width=ctx.cfg.thumb_width,
            thumb_quality=ctx.cfg.thumb_quality,
        )
        at = f.captured_at + dt.timedelta(seconds=sample.t_s)
        row = {**base, "captured_at": at, "offset_s": float(sample.t_s), "status": "ok"}
        row.update(_analyse(sample.frame, cam, ctx, placed))
        row.update(
            image_sha256=stored.sha256, image_path=stored.image_path, thumb_path=stored.thumb_path
        )
        if sv.reason:  # a cut-off segment: its frames are good, the file is not whole
            row.update(reason=str(sv.reason), detail=sv.detail)
        rows.append(row)
        if placed:
            _remember(cam, stored.image_path, at)
    return rows, _register(f, ctx, "ok", sv.reason, sv.detail, sha, len(rows))


def _remember(cam: _Camera, image_path: str, at: dt.datetime) -> None:
    cam.last_image_path, cam.last_captured_at = image_path, at
    if cam.reference_source == "first_good_frame" and cam.reference_image_path is None:
        cam.reference_image_path, cam.reference_captured_at = image_path, at


def _restore(state: dict | None, camera_id: str, registered: bool, ctx: FrameContext) -> _Camera:
    cam = _Camera(camera_id, registered, since_count=ctx.cfg.count_every - 1)
    if not state:
        return cam
    cam.since_count = int(state.get("frames_since_count") or 0)
    if state.get("reference_image_path"):
        ref = store.load(ctx.warehouse, state["reference_image_path"])
        if ref is not None:
            cam.reference = frame_views(ref, ctx.vf.analysis_width)
            cam.reference_image_path = state["reference_image_path"]
            cam.reference_captured_at = state.get("reference_captured_at")
            cam.reference_source = state.get("reference_source")
    if state.get("last_image_path"):
        last = store.load(ctx.warehouse, state["last_image_path"])
        if last is not None:
            cam.history = [frame_views(last, ctx.vf.analysis_width)]
            cam.last_image_path = state["last_image_path"]
            cam.last_captured_at = state.get("last_captured_at")
    return cam


def _time_flag(
    f: ImageFile, ctx: FrameContext, installed_on: dt.date | None
) -> tuple[str | None, str | None]:
    if f.captured_at is None:
        return None, None
    flag, why = capture_time_flag(
        f.captured_at,
        f.mtime,
        ctx.now,
        installed_on=installed_on,
        future_tolerance=dt.timedelta(minutes=ctx.cfg.future_tolerance_minutes),
        reset_before_year=ctx.cfg.clock_reset_before_year,
    )
    return (str(flag), why) if flag else (None, None)


def process_camera(
    camera_id: str,
    files: list[ImageFile],
    state: dict | None,
    registered: bool,
    ctx: FrameContext,
    installed_on: dt.date | None = None,
) -> tuple[list[dict], list[dict], dict]:
    """One camera's new files, in capture order: (frame rows, register rows, new state)."""
    cam = _restore(state, camera_id, registered, ctx)
    files = sorted(files, key=lambda f: (f.captured_at or dt.datetime.min, f.rel))
    flags = {f.rel: _time_flag(f, ctx, installed_on) for f in files}
    # a late backlog older than the stored last frame must not be compared with it
    placed = [
        f.captured_at for f in files if f.captured_at and flags[f.rel][0] != TimeFlag.CLOCK_RESET
    ]
    first = placed[0] if placed else None
    if cam.last_captured_at and first and first < cam.last_captured_at:
        cam.history = []
    frames, register = [], []
    for f in files:
        time_flag, time_reason = flags[f.rel]
        base = {
            "camera_id": camera_id or None,
            "captured_at": f.captured_at,
            "offset_s": 0.0,
            "registered": registered,
            "time_flag": time_flag,
            "time_reason": time_reason,
            "source_path": f.rel,
            "source_kind": f.kind,
            "source_mtime": f.mtime,
            "processed_at": ctx.now,
            "run_id": ctx.run_id,
        }
        if f.problem:
            rows = [_rejected(base, f.problem, f.detail)]
            reg = _register(f, ctx, "rejected", f.problem, f.detail, None, 1)
        elif f.kind == "video":
            rows, reg = _video(f, base, cam, ctx)
        else:
            rows, reg = _snapshot(f, base, cam, ctx)
        frames.extend(rows)
        register.append(reg)
    new_state = {
        "camera_id": camera_id,
        "reference_image_path": cam.reference_image_path,
        "reference_captured_at": cam.reference_captured_at,
        "reference_source": cam.reference_source,
        "last_image_path": cam.last_image_path,
        "last_captured_at": cam.last_captured_at,
        "frames_since_count": cam.since_count,
        "updated_at": ctx.now,
    }
    return frames, register, new_state


@dataclass(frozen=True)
class FrameRunSummary:
    files_seen: int
    files_new: int
    files_ok: int
    files_rejected: int
    frames_ok: int
    frames_rejected: int
    frames_counted: int
    unregistered_cameras: tuple[str, ...]
    reasons: dict[str, int]
    time_flags: dict[str, int] = field(default_factory=dict)  # frames analysed but flagged
    people_not_configured: str = ""  # why no people were counted (the model is missing)


def registered_cameras(settings: Settings) -> set[str]:
    cams = delta_io.read(settings.bronze("cameras"), columns=["camera_id"])
    return set(cams["camera_id"].to_list()) if not cams.is_empty() else set()


def installation_dates(settings: Settings) -> dict[str, dt.date]:
    """camera_id -> the earliest installed_on the register gives (a camera registered by
    several districts, or moved, was there since its first installation)."""
    cams = delta_io.read(settings.bronze("cameras"), columns=["camera_id", "installed_on"])
    if cams.is_empty():
        return {}
    first = (
        cams.with_columns(pl.col("installed_on").cast(pl.Date, strict=False))
        .drop_nulls()
        .group_by("camera_id")
        .agg(pl.col("installed_on").min())
    )
    return dict(first.iter_rows())


def new_files(files: list[ImageFile], register: pl.DataFrame) -> list[ImageFile]:
    """Files not registered yet, or whose size or mtime changed since (re-delivered)."""
    if register.is_empty():
        return list(files)
    seen = set(register.select("source_path", "size", "mtime_ns").iter_rows())
    return [f for f in files if (f.rel, f.size, f.mtime_ns) not in seen]


def process_frames(
    settings: Settings,
    cfg: CameraConfig,
    vf: VideoFeatureConfig = DEFAULT_CONFIG,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    run_id: str | None = None,
) -> FrameRunSummary:
    """Analyse every new file under ``<landing>/frames/``; re-running processes nothing new."""
    now = now or dt.datetime.now().replace(microsecond=0)
    if cfg.workers > 1:
        # one onnxruntime thread per worker: 2 workers x 2 threads on 2 cores only thrash
        vf = dataclasses.replace(vf, onnx_threads=1)
    ctx = FrameContext(settings.warehouse, cfg, vf, now, run_id or uuid.uuid4().hex[:12])
    files_path = tables.silver(settings, tables.FILES)
    register = delta_io.read(files_path, columns=["source_path", "size", "mtime_ns"])
    found = discover_frames(settings.landing)
    todo = new_files(found, register)
    known = registered_cameras(settings)
    installed = installation_dates(settings)
    by_camera: dict[str, list[ImageFile]] = {}
    for f in todo:
        by_camera.setdefault(f.camera_id or "", []).append(f)
    states = delta_io.read(tables.silver(settings, tables.STATE))
    state_of = {r["camera_id"]: r for r in states.iter_rows(named=True)} if states.height else {}

    frames: list[dict] = []
    registers: list[dict] = []
    new_states: list[dict] = []
    total, done = len(todo), 0

    def collect(result, n: int) -> None:
        nonlocal done
        rows, regs, st = result
        frames.extend(rows)
        registers.extend(regs)
        if st["camera_id"]:  # files directly under frames/ have no camera
            new_states.append(st)
        done += n
        if progress:
            progress("frames", done, total)

    jobs = [
        (cam, fs, state_of.get(cam), cam in known, ctx, installed.get(cam))
        for cam, fs in sorted(by_camera.items())
    ]
    if cfg.workers > 1 and len(jobs) > 1:
        # spawn, not fork: a forked onnxruntime session is not safe to reuse
        mp = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(cfg.workers, mp_context=mp) as pool:
            futures = {pool.submit(process_camera, *job): len(job[1]) for job in jobs}
            for fut in as_completed(futures):
                collect(fut.result(), futures[fut])
    else:
        for job in jobs:
            collect(process_camera(*job), len(job[1]))

    frame_table = tables.conform(frames, tables.FRAMES_SCHEMA) if frames else None
    if frame_table is not None:
        month = pl.col("captured_at").dt.strftime("%Y-%m")
        frame_table = frame_table.with_columns(month.alias("captured_month"))
    if frame_table is not None:
        # several samples of one video share a path; a re-delivered file replaces its rows
        path = tables.silver(settings, tables.FRAMES)
        _add_new_columns(path, frame_table)
        delta_io.merge(path, frame_table, tables.FRAMES_KEY, partition_by=tables.FRAMES_PARTITION)
    if new_states:
        st = tables.conform(new_states, tables.STATE_SCHEMA)
        delta_io.merge(tables.silver(settings, tables.STATE), st, ["camera_id"])
    refresh_registered(settings, known)
    if registers:  # last: a run that dies before this is simply redone (merges are idempotent)
        reg = tables.conform(registers, tables.FILES_SCHEMA)
        delta_io.merge(files_path, reg, ["source_path"])
    return summarise(found, frame_table, registers)


def read_frames(settings: Settings, columns: list[str]) -> pl.DataFrame:
    """These columns of silver/camera_frames in the current schema's types; a column the
    stored table does not have yet (written before it was added) reads as nulls, and a
    missing table as no rows."""
    path = tables.silver(settings, tables.FRAMES)
    schema = {c: tables.FRAMES_SCHEMA[c] for c in columns}
    if not delta_io.exists(path):
        return tables.empty(schema)
    have = set(delta_io.column_names(path))
    frame = delta_io.read(path, columns=[c for c in columns if c in have])
    return tables.conform(frame, schema) if frame.height else tables.empty(schema)


def _add_new_columns(path: Path, frame: pl.DataFrame) -> None:
    """A table written before a column was added (time_flag, people_status...) gets it, null
    in its old rows, so the MERGE that follows keeps every column of the schema."""
    delta_io.add_columns(path, frame)


def refresh_registered(settings: Settings, known: set[str]) -> None:
    """A camera registered after its first frames: mark its earlier rows as registered."""
    path = tables.silver(settings, tables.FRAMES)
    if not known or not delta_io.exists(path):
        return
    stale = delta_io.read(path, columns=["camera_id", "registered"])
    ids = set(stale.filter(~pl.col("registered"))["camera_id"].drop_nulls().to_list()) & known
    if ids:
        quoted = ", ".join("'" + i.replace("'", "''") + "'" for i in sorted(ids))
        delta_io.update_where(
            path,
            predicate=f"registered = false AND camera_id IN ({quoted})",
            updates={"registered": "true"},
        )


def summarise(
    found: list[ImageFile], frames: pl.DataFrame | None, registers: list[dict]
) -> FrameRunSummary:
    reasons: dict[str, int] = {}
    for r in registers:
        if r["status"] == "rejected":
            reasons[r["reason"]] = reasons.get(r["reason"], 0) + 1
    ok = rejected = counted = 0
    unregistered: tuple[str, ...] = ()
    time_flags: dict[str, int] = {}
    not_configured = ""
    if frames is not None and frames.height:
        ok = frames.filter(pl.col("status") == "ok").height
        rejected = frames.height - ok
        counted = frames.filter(pl.col("people_count").is_not_null()).height
        unregistered = tuple(
            sorted(frames.filter(~pl.col("registered"))["camera_id"].drop_nulls().unique())
        )
        time_flags = dict(frames["time_flag"].drop_nulls().value_counts().sort("time_flag").rows())
        why = frames.filter(pl.col("people_status") == "NOT_CONFIGURED")["people_reason"]
        not_configured = (why.drop_nulls().min() or "") if why.len() else ""
    return FrameRunSummary(
        files_seen=len(found),
        files_new=len(registers),
        files_ok=sum(r["status"] == "ok" for r in registers),
        files_rejected=sum(r["status"] == "rejected" for r in registers),
        frames_ok=ok,
        frames_rejected=rejected,
        frames_counted=counted,
        unregistered_cameras=unregistered,
        reasons=reasons,
        time_flags={k: int(v) for k, v in time_flags.items()},
        people_not_configured=not_configured,
    )
