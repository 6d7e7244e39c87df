"""The camera network of a simulated city: camera frames, heartbeats and check-in photos for
the classes the district simulator wrote, with planted faults and their truth.

Run after ``simulator.simulate`` has written ``<out>/<district>/...``: this reads
those deliveries back (``sim_inputs``), then writes

* ``<out>/frames/<camera>/<YYYYMMDD>/<HHMMSS>.jpg`` for a sample of sessions (all of a
  session's minutes, one frame a minute; frames are costly to render and to analyse, so only
  a sample - every other session has no frames by construction and would read as W02),
* ``<out>/heartbeats/heartbeats_<YYYYMMDD>.jsonl`` every 5 minutes for every camera,
* ``<out>/photos/<photo_id>.jpg`` for a sample of face check-ins,

and the truth under ``<out>_truth/camera_*.csv`` (beside the landing folder). Same seed, same
files (bytes and mtimes).

Planted: each tamper state as a short episode (covered, dark, out_of_focus, moved, frozen),
outages during sessions (coverage gaps, W02), far fewer faces on video than check-ins (W03),
a 26-hour outage of a camera while its class runs (W11), a short night outage, frames of an
unregistered camera (snapshots and an .mp4 segment), broken uploads (zero bytes, truncated,
not an image, corrupt header, wrong resolution, bad path, bad timestamp), and reused check-in
photos (identical copies and cropped/re-lit/re-compressed variants, for another person or the
same person on a later day).

Camera clocks and uploads: the tamper session's camera uploads its frames as a backlog a
week after capture (normal: analysed like any other), and that camera also sends frames with
implausible capture times that are analysed, kept and flagged
(``<out>_truth/camera_time_flags.csv``): a reset clock (1970), a clock running hours fast, a
day before its installation.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.cameras.config import DEFAULT as CAMERA_DEFAULTS
from pipelines.cameras.layout import SHANGHAI
from simulator.cameras import frames as sim_frames
from simulator.cameras import photos as sim_photos
from simulator.cameras.inputs import City, read_city
from simulator.truth import truth_dir

SESSIONS_PER_SCALE = {"tiny": 2, "small": 8, "city": 24}
PHOTOS_PER_SCALE = {"tiny": 24, "small": 60, "city": 90}  # at most 100: one LFW face each
REUSE_GROUPS_PER_SCALE = {"tiny": 3, "small": 8, "city": 12}
ROLES = ("tamper", "gap_both", "headcount_red", "coverage_gap", "headcount_orange", "normal")
HEARTBEAT_EVERY = dt.timedelta(minutes=5)
BACKLOG = dt.timedelta(days=7)  # the tamper session's camera uploads a week after capture
UNREGISTERED = "CAM3100008888"
CHECK_IN = "签到"


def _stamp(path: Path, at: dt.datetime) -> None:
    t = at.replace(tzinfo=SHANGHAI).timestamp()
    os.utime(path, (t, t))


def _write(path: Path, data: bytes, mtime: dt.datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    _stamp(path, mtime)


def _csv(path: Path, header: list[str], rows: list) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def _ts(v: dt.datetime | None) -> str:
    return "" if v is None else f"{v:%Y-%m-%d %H:%M:%S}"


def _clean(out: Path) -> None:
    """A re-run replaces the previous camera network, never mixes with it."""
    for sub in ("frames", "photos", "heartbeats"):
        if (out / sub).is_dir():
            shutil.rmtree(out / sub)
    for p in truth_dir(out).glob("camera_*"):
        p.unlink()


def _candidates(city: City, seed: int) -> pl.DataFrame:
    """Sessions of offline/mixed classes with cameras, with their check-in counts."""
    checked = (
        city.attendance.filter(pl.col("kind") == CHECK_IN)
        .group_by("src_district_code", "session_id")
        .agg(checked_in=pl.col("id_number").n_unique())
    )
    classes = city.classes.filter(pl.col("mode").is_in(["线下", "混合"])).select(
        "src_district_code",
        "class_id",
        "institution_id",
        cams=pl.col("camera_ids")
        .fill_null("")
        .str.split(";")
        .list.eval(pl.element().str.strip_chars().filter(pl.element() != "")),
    )
    s = (
        city.sessions.join(classes, on=["src_district_code", "class_id"])
        .join(checked, on=["src_district_code", "session_id"])
        .filter(pl.col("cams").list.len() > 0)
        .with_columns(
            minutes=((pl.col("ends_at") - pl.col("starts_at")).dt.total_seconds() // 60).cast(
                pl.Int64
            ),
            n_cams=pl.col("cams").list.len(),
        )
        .filter(pl.col("minutes").is_between(60, 300))
    )
    # everyone checked in must fit in the synthetic room's seats (33 at 640x360)
    seats = s["cams"].map_elements(
        lambda cams: min(sim_frames.max_seated(seed, c) for c in cams), return_dtype=pl.Int64
    )
    return s.with_columns(seats=seats).filter(
        (pl.col("checked_in") >= 8) & (pl.col("checked_in") <= pl.col("seats") - 3)
    )


def _sample(cands: pl.DataFrame, n: int, rng: np.random.Generator, tiny: bool) -> list[dict]:
    """n sessions on distinct cameras (so each camera's reference and history stay simple);
    at tiny scale, short single-camera sessions first (the tests stay fast)."""
    rows = cands.sort("session_id").to_dicts()
    order = rng.permutation(len(rows))
    rows = [rows[i] for i in order]
    if tiny:
        rows.sort(key=lambda r: (r["n_cams"], r["minutes"]))
    chosen, used = [], set()
    for r in rows:
        if len(chosen) == n:
            break
        if used & set(r["cams"]):
            continue
        chosen.append(r)
        used |= set(r["cams"])
    return chosen


def _role_plan(rng: np.random.Generator, role: str, s: dict) -> dict:
    minutes, checked = s["minutes"], s["checked_in"]
    turned = int(rng.integers(0, 2))
    faces = checked - turned
    outage = None
    if role in ("gap_both", "headcount_red"):
        faces, turned = max(1, round(0.35 * checked)), 0
    elif role == "headcount_orange":
        faces, turned = round(0.65 * checked), 0
    if role in ("gap_both", "coverage_gap"):
        a = int(minutes * 0.2)
        outage = (a, a + int(minutes * 0.6))
    return {"faces": faces, "turned": turned, "outage": outage}


def simulate_cameras(
    out: Path, seed: int = 42, scale: str = "small", sample_sessions: int | None = None
) -> dict:
    """Write frames, heartbeats and check-in photos for the city under ``out``; returns the
    summary that is also written to ``<out>_truth/camera_summary.json``."""
    out = Path(out)
    city = read_city(out)
    _clean(out)
    truth_dir(out).mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng([seed, 0xCA])
    n = SESSIONS_PER_SCALE.get(scale, 8) if sample_sessions is None else sample_sessions
    chosen = _sample(_candidates(city, seed), n, rng, scale == "tiny")

    frame_rows, session_rows, fault_rows, offline_rows, bad_rows = [], [], [], [], []
    flag_rows: list[tuple] = []
    sample_frame: bytes | None = None
    for i, s in enumerate(chosen):
        role = ROLES[i % len(ROLES)]
        plan = _role_plan(rng, role, s)
        covered_minutes: set[int] = set()
        for k, cam in enumerate(s["cams"]):
            events = (
                sim_frames.tamper_events(rng, s["minutes"]) if role == "tamper" and k == 0 else {}
            )
            frames = sim_frames.session_frames(
                rng, seed, cam, s["session_id"], s["starts_at"], s["minutes"],
                plan["faces"], plan["turned"], events, plan["outage"],
            )  # fmt: skip
            for f in frames:
                rel = f"frames/{cam}/{f.captured_at:%Y%m%d}/{f.captured_at:%H%M%S}.jpg"
                upload = f.captured_at + dt.timedelta(seconds=int(rng.integers(3, 40)))
                if role == "tamper" and k == 0:
                    upload += BACKLOG  # offline camera, backlog uploaded later: still analysed
                _write(out / rel, f.jpeg, upload)
                frame_rows.append((rel, cam, _ts(f.captured_at), f.session_id, f.state,
                                   f.n_faces, f.n_people, role))  # fmt: skip
                covered_minutes.add(int((f.captured_at - s["starts_at"]).total_seconds() // 60))
            sample_frame = sample_frame or (frames[0].jpeg if frames else None)
            fault_rows += _episodes(cam, s["session_id"], s["starts_at"], events)
            if plan["outage"]:
                a, b = plan["outage"]
                start = s["starts_at"] + dt.timedelta(minutes=a)
                end = s["starts_at"] + dt.timedelta(minutes=b)
                offline_rows.append((cam, _ts(start), _ts(end), (b - a), "heartbeat_gap",
                                     s["session_id"], False))  # fmt: skip
        share = len(covered_minutes) / s["minutes"]
        ratio = plan["faces"] / s["checked_in"]
        w03 = "red" if ratio < 0.5 else "orange" if ratio < 0.8 else ""
        session_rows.append((
            s["session_id"], s["class_id"], s["src_district_code"], role, ";".join(s["cams"]),
            _ts(s["starts_at"]), _ts(s["ends_at"]), s["minutes"], len(covered_minutes),
            round(share, 4), s["checked_in"], plan["faces"] + plan["turned"], plan["faces"],
            round(ratio, 4), share < 0.5, w03,
        ))  # fmt: skip

    if chosen and sample_frame is not None:
        bad_rows += _bad_uploads(out, rng, chosen[0], sample_frame)
        # the pre-installation frame is placed first in capture order: a copy of the
        # session's second frame, so that the first is not "frozen" against it
        second = (out / frame_rows[1][0]).read_bytes() if len(frame_rows) > 1 else sample_frame
        flag_rows += _implausible_times(out, city, chosen[0], sample_frame, second)
        frame_rows += _unregistered(out, rng, seed, chosen[0])
    outages = _planted_outages(city, rng, {c for s in chosen for c in s["cams"]})
    offline_rows += outages
    fault_rows += [(o[0], "offline_over_24h", o[1], o[2], "") for o in outages if o[6]]
    hb_count = _heartbeats(out, rng, city, offline_rows)
    photo_rows, reuse_rows, bad_photos = _photos(out, rng, seed, city, scale)
    bad_rows += bad_photos

    t = truth_dir(out)
    _csv(t / "camera_frames.csv",
         ["source_path", "camera_id", "captured_at", "session_id", "state", "n_faces",
          "n_people", "role"], sorted(frame_rows))  # fmt: skip
    _csv(t / "camera_sessions.csv",
         ["session_id", "class_id", "district_code", "role", "camera_ids", "starts_at",
          "ends_at", "minutes", "minutes_with_frames", "coverage_share", "checked_in",
          "n_people", "n_faces", "headcount_ratio", "w02", "w03"], session_rows)  # fmt: skip
    _csv(t / "camera_offline.csv",
         ["camera_id", "start", "end", "minutes", "source", "session_id", "w11"],
         sorted(offline_rows))  # fmt: skip
    _csv(t / "camera_faults.csv", ["camera_id", "fault", "start", "end", "session_id"],
         sorted(fault_rows))  # fmt: skip
    _csv(t / "camera_bad_inputs.csv", ["source_path", "expected_reason"], sorted(bad_rows))
    _csv(t / "camera_time_flags.csv", ["source_path", "camera_id", "expected_flag"],
         sorted(flag_rows))  # fmt: skip
    _csv(t / "camera_photos.csv",
         ["photo_id", "record_id", "face_id", "group", "kind", "finding"],
         sorted(photo_rows))  # fmt: skip
    _csv(t / "camera_photo_reuse.csv",
         ["group", "finding", "photo_a", "photo_b", "record_a", "record_b", "disguised"],
         sorted(reuse_rows))  # fmt: skip
    summary = {
        "seed": seed,
        "scale": scale,
        "sessions_with_frames": [r[0] for r in session_rows],
        "frames": sum(1 for r in frame_rows),
        "tamper_frames": sum(1 for r in frame_rows if r[4] != "clean"),
        "heartbeats": hb_count,
        "offline_intervals": len(offline_rows),
        "bad_inputs": len(bad_rows),
        "time_flagged_frames": len(flag_rows),
        "backlog_camera": chosen[0]["cams"][0] if chosen else None,
        "photos": len(photo_rows),
        "reuse_pairs": len(reuse_rows),
        "unregistered_camera": UNREGISTERED,
        "scope": "frames exist only for sessions_with_frames; every other scheduled session "
        "has no frames by construction: evaluate W02/W03 on the sampled sessions only",
    }
    (t / "camera_summary.json").write_text(
        json.dumps(summary, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    # truth is "written" with the last heartbeat file, so that re-runs match to the nanosecond
    last = dt.datetime.combine(city.end + dt.timedelta(days=1), dt.time(0, 30))
    for p in t.glob("camera_*"):
        _stamp(p, last)
    return summary


def _episodes(cam: str, session_id: str, starts_at: dt.datetime, events: dict) -> list[tuple]:
    """Consecutive minutes of one state as one fault (camera, state, start, end, session)."""
    out, run = [], None
    for m in sorted(events):
        if run and run[0] == events[m] and run[2] == m - 1:
            run = (run[0], run[1], m)
        else:
            if run:
                out.append(run)
            run = (events[m], m, m)
    if run:
        out.append(run)
    return [
        (cam, st, _ts(starts_at + dt.timedelta(minutes=a)),
         _ts(starts_at + dt.timedelta(minutes=b + 1)), session_id)
        for st, a, b in out
    ]  # fmt: skip


def _bad_uploads(out: Path, rng: np.random.Generator, s: dict, good: bytes) -> list[tuple]:
    """Broken files in the first sampled session's camera folder, at second 45 of a minute
    (snapshots are taken in the first 20 seconds, so no name collides)."""
    cam = s["cams"][0]
    t0: dt.datetime = s["starts_at"]
    day = f"{t0:%Y%m%d}"
    rows = []
    for k, (reason, data) in enumerate(sim_frames.bad_files(rng, good).items()):
        at = t0 + dt.timedelta(minutes=3 + k, seconds=45)
        rel = f"frames/{cam}/{day}/{at:%H%M%S}.jpg"
        _write(out / rel, data, at + dt.timedelta(seconds=10))
        rows.append((rel, reason))
    upload = t0 + dt.timedelta(minutes=30, seconds=50)
    planted = {
        f"frames/{cam}/{day}/126145.jpg": "BAD_TIMESTAMP",
        f"frames/{cam}/{day}/extra/{upload:%H%M%S}.jpg": "BAD_PATH",
        f"frames/{cam}/{day}/{upload:%H%M}48.bmp": "UNSUPPORTED_FORMAT",
    }
    for rel, reason in planted.items():
        _write(out / rel, good, upload)
        rows.append((rel, reason))
    return rows


def _implausible_times(out: Path, city: City, s: dict, good: bytes, other: bytes) -> list[tuple]:
    """Frames of the first sampled session's camera whose capture time cannot be right; each
    is analysed and kept with its flag (layout.TimeFlag), never rejected."""
    cam = s["cams"][0]
    upload = s["starts_at"] + dt.timedelta(minutes=30, seconds=50)
    # a clock three hours fast: captured "after" it was uploaded (and after the session)
    fast = max(upload, s["ends_at"]) + dt.timedelta(hours=3, seconds=50)
    planted = {
        # a clock reset after a power cut: the camera believes it is 1970
        f"frames/{cam}/19700101/000512.jpg": ("CLOCK_RESET", good),
        f"frames/{cam}/{fast:%Y%m%d}/{fast:%H%M%S}.jpg": ("FUTURE", good),
    }
    installed = city.cameras.filter(pl.col("camera_id") == cam)["installed_on"].drop_nulls()
    if installed.len():
        before = installed.min() - dt.timedelta(days=10)
        if before.year >= CAMERA_DEFAULTS.clock_reset_before_year:
            planted[f"frames/{cam}/{before:%Y%m%d}/101550.jpg"] = ("BEFORE_INSTALLED", other)
    rows = []
    for rel, (flag, data) in planted.items():
        _write(out / rel, data, upload)
        rows.append((rel, cam, flag))
    return rows


def _unregistered(out: Path, rng: np.random.Generator, seed: int, s: dict) -> list[tuple]:
    """A camera not (yet) in any register: three snapshots and a video segment."""
    t0: dt.datetime = s["starts_at"] + dt.timedelta(minutes=40)
    rows = []
    frames = sim_frames.session_frames(rng, seed, UNREGISTERED, "", t0, 3, 6, 0, {}, None)
    for f in frames:
        rel = f"frames/{UNREGISTERED}/{f.captured_at:%Y%m%d}/{f.captured_at:%H%M%S}.jpg"
        _write(out / rel, f.jpeg, f.captured_at + dt.timedelta(seconds=20))
        rows.append((rel, UNREGISTERED, _ts(f.captured_at), "", "clean", f.n_faces,
                     f.n_people, "unregistered"))  # fmt: skip
    at = t0 + dt.timedelta(minutes=10)
    rel = f"frames/{UNREGISTERED}/{at:%Y%m%d}/{at:%H%M%S}.mp4"
    (out / rel).parent.mkdir(parents=True, exist_ok=True)
    sim_frames.video_segment(rng, seed, UNREGISTERED, 6, out / rel)
    _stamp(out / rel, at + dt.timedelta(minutes=3))
    for k in range(3):
        at_k = _ts(at + dt.timedelta(seconds=60 * k))
        rows.append((f"{rel}#{60 * k}", UNREGISTERED, at_k, "", "clean", 6, 6, "video"))
    return rows


def _planted_outages(city: City, rng: np.random.Generator, sampled: set[str]) -> list[tuple]:
    """A 26-hour outage (online=false) of a camera whose class runs then (W11), and a
    two-hour night gap in another camera's heartbeats (not W11: no class at night)."""
    running = (
        city.sessions.join(
            city.classes.select("src_district_code", "class_id", "camera_ids"),
            on=["src_district_code", "class_id"],
        )  # fmt: skip
        .filter(pl.col("camera_ids").is_not_null())
        .sort("starts_at", "session_id")
    )
    rows = []
    for r in running.iter_rows(named=True):
        cams = [c for c in r["camera_ids"].split(";") if c and c not in sampled]
        if cams:
            start = r["starts_at"] - dt.timedelta(hours=2)
            end = start + dt.timedelta(hours=26)
            rows.append((cams[0], _ts(start), _ts(end), 26 * 60, "heartbeat_offline", "", True))
            sampled = sampled | {cams[0]}
            break
    others = sorted(set(city.cameras["camera_id"]) - sampled)
    if others:
        cam = others[int(rng.integers(len(others)))]
        night = dt.datetime.combine(city.start + dt.timedelta(days=1), dt.time(2, 0))
        rows.append((cam, _ts(night), _ts(night + dt.timedelta(hours=2)), 120,
                     "heartbeat_gap", "", False))  # fmt: skip
    return rows


def _heartbeats(out: Path, rng: np.random.Generator, city: City, offline: list[tuple]) -> int:
    """Every camera every 5 minutes over the simulated days, one file per day."""
    cams = sorted(set(city.cameras["camera_id"]) | {UNREGISTERED})
    parse = dt.datetime.fromisoformat
    gaps: dict[str, list] = {}
    for cam, start, end, _m, source, *_ in offline:
        gaps.setdefault(cam, []).append((parse(start), parse(end), source))
    offset = {c: int(s) for c, s in zip(cams, rng.integers(0, 50, len(cams)), strict=True)}
    total = 0
    for d in range(city.days):
        day = city.start + dt.timedelta(days=d)
        lines = []
        for cam in cams:
            t = dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=offset[cam])
            rssi = rng.integers(-105, -60, 288)
            for k in range(288):
                ts = t + k * HEARTBEAT_EVERY
                online = True
                skip = False
                for a, b, source in gaps.get(cam, ()):
                    if a <= ts < b:
                        skip = source == "heartbeat_gap"
                        online = False
                if skip:
                    continue
                lines.append(
                    json.dumps(
                        {
                            "camera_id": cam,
                            "ts": f"{ts:%Y-%m-%d %H:%M:%S}",
                            "online": online,
                            "rssi_dbm": int(rssi[k]),
                        }
                    )  # fmt: skip
                )
        rel = out / "heartbeats" / f"heartbeats_{day:%Y%m%d}.jsonl"
        delivered = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0, 30))
        _write(rel, ("\n".join(lines) + "\n").encode(), delivered)
        total += len(lines)
    return total


def _photos(
    out: Path, rng: np.random.Generator, seed: int, city: City, scale: str
) -> tuple[list, list, list]:
    """Genuine photos for distinct people, planted reuse groups, two broken photo files."""
    n_people = min(PHOTOS_PER_SCALE.get(scale, 60), 100)
    n_groups = REUSE_GROUPS_PER_SCALE.get(scale, 8)
    is_face = (pl.col("method") == "人脸") & (pl.col("kind") == CHECK_IN)
    face = (
        city.attendance.filter(is_face & pl.col("photo_id").is_not_null())
        .join(
            city.classes.select("src_district_code", "class_id", "institution_id"),
            on=["src_district_code", "class_id"],
        )
        .sort("checked_at", "record_id")
    )
    if face.is_empty():
        return [], [], []
    face = face.with_columns(day=pl.col("checked_at").dt.date())
    people = face["id_number"].unique(maintain_order=True).to_list()
    rng.shuffle(people)
    # people with face check-ins on two days can have their own photo reused on a later day
    multi_day = set(
        face.group_by("id_number")
        .agg(d=pl.col("day").n_unique())
        .filter(pl.col("d") > 1)["id_number"]
    )
    first = {
        r["id_number"]: r
        for r in face.unique("id_number", keep="first", maintain_order=True).iter_rows(named=True)
    }
    by_person = {p: g.to_dicts() for (p,), g in face.group_by(["id_number"], maintain_order=True)}
    genuine_people = people[:n_people]
    spare = people[n_people:]  # people whose only photo will be someone else's
    faces = rng.permutation(100)
    photo_rows, reuse_rows, images = [], [], {}
    used_records: set[str] = set()

    def write_photo(rec: dict, data: bytes) -> None:
        _write(out / "photos" / f"{rec['photo_id']}.jpg", data,
               rec["checked_at"] + dt.timedelta(minutes=1))  # fmt: skip
        used_records.add(rec["record_id"])

    for k, person in enumerate(genuine_people):
        rec = first[person]
        img = sim_photos.genuine(rng, seed, rec["institution_id"], int(faces[k]))
        images[person] = (img, rec, int(faces[k]))
        write_photo(rec, sim_photos.encode(img))
        photo_rows.append([rec["photo_id"], rec["record_id"], int(faces[k]), "", "genuine", ""])
    kinds = ("different_people", "same_person_different_days", "different_people")
    owners = [p for p in genuine_people]
    for g in range(n_groups):
        finding = kinds[g % len(kinds)]
        disguised = g % len(kinds) != 2  # every third group is an identical copy
        group = f"R{g + 1:02d}"
        if finding == "same_person_different_days":
            cands = [p for p in owners if p in multi_day]
            if not cands:
                continue
            owner = cands[0]
            img, rec_a, face_id = images[owner]
            later = [
                r
                for r in by_person[owner]
                if r["day"] > rec_a["day"] and r["record_id"] not in used_records
            ]
            if not later:
                continue
            rec_b = later[0]
        else:
            if not spare or not owners:
                continue
            owner = owners[0]
            img, rec_a, face_id = images[owner]
            rec_b = first[spare.pop(0)]
        owners.remove(owner)
        write_photo(rec_b, sim_photos.reuse(rng, img, disguised))
        kind = "reuse_variant" if disguised else "reuse_copy"
        photo_rows.append([rec_b["photo_id"], rec_b["record_id"], face_id, group, kind, finding])
        for row in photo_rows:
            if row[0] == rec_a["photo_id"]:
                row[3], row[4], row[5] = group, "original", finding
        reuse_rows.append((group, finding, rec_a["photo_id"], rec_b["photo_id"],
                           rec_a["record_id"], rec_b["record_id"], disguised))  # fmt: skip
    bad = []
    for reason, data in (("ZERO_BYTES", b""), ("TRUNCATED", None)):
        if not spare:
            break
        rec = first[spare.pop(0)]
        if data is None:
            img = sim_photos.genuine(rng, seed, rec["institution_id"], int(faces[99]))
            whole = sim_photos.encode(img)
            data = whole[: len(whole) // 2]
        write_photo(rec, data)
        bad.append((f"photos/{rec['photo_id']}.jpg", reason))
    return [tuple(r) for r in photo_rows], reuse_rows, bad
