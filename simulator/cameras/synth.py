"""Synthetic classroom snapshots and check-in photos with known truth, for tests and the simulator.

Everything is a pure function of a ``numpy.random.Generator``: the same seed gives the same
pixels. Faces are real photographs - the 100 face crops of scikit-image's ``lfw_subset.npy``
(Labeled Faces in the Wild, 25x25 grey) tinted to skin tones, and the face of NASA's public-domain
``astronaut.png`` - composited on heads and bodies in a rendered classroom seen from a camera
high at the front (the usual mounting), with back rows smaller, window light, sensor noise and
JPEG compression at 4G-camera qualities. scikit-image is needed (the `sim` extra).

Tamper variants reproduce what W11 must catch: a hand/paper/cloth over the lens, lights off,
defocus, a re-aimed camera (the same room seen with another pan/tilt/roll), and a frozen
picture (the very same image re-sent).
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

# Face heights (px) of the seat rows in a 640x360 view, back row first, and the rows' face
# centre lines. Measured classroom snapshots from ceiling cameras show 12-40 px faces at 360p;
# rows are spaced so a head never hides the face of the row behind it (truth stays exact).
_ROW_FACE_PX = (14, 19, 25, 32)
_ROW_Y_FRAC = (0.39, 0.53, 0.68, 0.85)
_ROW_X_SPAN = ((0.20, 0.80), (0.13, 0.87), (0.08, 0.92), (0.07, 0.93))

SKIN_BGR = np.array(
    [[150, 180, 225], [120, 160, 210], [100, 140, 200], [90, 120, 170], [70, 100, 150]],
    np.float32,
)
HAIR_BGR = np.array([[20, 20, 25], [30, 35, 45], [40, 50, 70], [90, 90, 95], [15, 15, 15]])
TAMPER_STATES = ("covered", "dark", "out_of_focus", "moved", "frozen")


def _skimage_data_dir() -> Path:
    spec = importlib.util.find_spec("skimage")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("simulator.cameras.synth needs scikit-image (its bundled face photos)")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


@functools.cache
def face_crops() -> np.ndarray:
    """The 100 real face crops of scikit-image's lfw_subset (uint8, 100 x 25 x 25, grey)."""
    faces = np.load(_skimage_data_dir() / "lfw_subset.npy")[:100]
    return (faces * 255).round().astype(np.uint8)


@functools.cache
def astronaut_face() -> np.ndarray:
    """The astronaut's face (BGR), cropped to CenterFace's box on the public-domain photo."""
    img = cv2.imread(str(_skimage_data_dir() / "astronaut.png"), cv2.IMREAD_COLOR)
    return img[62:172, 182:270].copy()


@dataclass(frozen=True)
class Person:
    row: int
    x: float  # face centre in canvas pixels
    y: float
    face_px: int
    facing: bool  # False = turned away (back of the head): a person but no visible face
    face_id: int  # index into face_crops(); -1 = astronaut
    skin: tuple[float, float, float]
    hair: tuple[int, int, int]
    shirt: tuple[int, int, int]


@dataclass(frozen=True)
class Classroom:
    """A room: the background canvas (larger than the view, so the camera can be re-aimed)."""

    background: np.ndarray = field(repr=False)
    width: int
    height: int
    margin: int
    seats: tuple[tuple[int, float, float], ...]  # (row, x, y) in canvas pixels
    desk_colour: tuple[int, int, int]


@dataclass(frozen=True)
class FrameTruth:
    """What is really in a synthetic frame."""

    face_boxes: tuple[tuple[int, int, int, int], ...]  # visible faces, view pixels x1,y1,x2,y2
    n_people: int  # visible faces + people turned away
    states: frozenset[str] = frozenset()  # tamper states applied (subset of TAMPER_STATES)

    @property
    def n_faces(self) -> int:
        return len(self.face_boxes)


def _rand_colour(rng: np.random.Generator, lo: int, hi: int) -> tuple[int, int, int]:
    return tuple(int(v) for v in rng.integers(lo, hi, 3))


def make_classroom(rng: np.random.Generator, width: int = 640, height: int = 360) -> Classroom:
    """Draw an empty classroom: back wall, windows, door, posters, banner, board, floor."""
    m = width // 4
    cw, ch = width + 2 * m, height + 2 * m
    wall = np.array(_rand_colour(rng, 170, 235), np.float32)
    img = np.empty((ch, cw, 3), np.float32)
    horizon = m + int(height * rng.uniform(0.42, 0.5))
    img[:horizon] = wall
    floor = np.array(_rand_colour(rng, 90, 170), np.float32)
    img[horizon:] = floor
    # Floor tiles in perspective: lines converge to a point above the view.
    vx = cw / 2 + rng.uniform(-0.1, 0.1) * width
    for k in range(-12, 13):
        x_bottom = vx + k * width / 7
        cv2.line(
            img, (int(vx + k * width / 20), horizon), (int(x_bottom), ch), (floor * 0.8).tolist(), 2
        )
    for yy in np.geomspace(8, ch - horizon, 9):
        cv2.line(img, (0, horizon + int(yy)), (cw, horizon + int(yy)), (floor * 0.82).tolist(), 2)
    # Ceiling band and skirting.
    img[: m + int(height * 0.06)] = wall * 1.05
    cv2.rectangle(img, (0, horizon - 6), (cw, horizon), (wall * 0.6).tolist(), -1)
    # Windows on one side (bright, with frames), a door on the other.
    side = rng.integers(2)
    for i in range(int(rng.integers(2, 4))):
        x0 = int((m // 2 + i * width * 0.2) if side == 0 else (cw - m // 2 - (i + 1) * width * 0.2))
        y0 = m + int(height * 0.1)
        w, h = int(width * 0.15), int(height * 0.25)
        sky = np.array(_rand_colour(rng, 200, 255), np.float32)
        cv2.rectangle(img, (x0, y0), (x0 + w, y0 + h), sky.tolist(), -1)
        cv2.rectangle(img, (x0, y0), (x0 + w, y0 + h), (80, 80, 80), 3)
        cv2.line(img, (x0 + w // 2, y0), (x0 + w // 2, y0 + h), (80, 80, 80), 2)
    dx = int(cw - m - width * 0.12) if side == 0 else int(m + width * 0.02)
    cv2.rectangle(
        img,
        (dx, m + int(height * 0.12)),
        (dx + int(width * 0.09), horizon),
        _rand_colour(rng, 60, 140),
        -1,
    )
    # Banner with characters-like strokes, posters, a clock.
    by = m + int(height * 0.02)
    cv2.rectangle(
        img, (cw // 2 - width // 4, by), (cw // 2 + width // 4, by + 22), (40, 40, 190), -1
    )
    for i in range(10):
        cv2.putText(
            img,
            chr(int(rng.integers(65, 90))),
            (cw // 2 - width // 4 + 10 + i * 30, by + 17),
            cv2.FONT_HERSHEY_SIMPLEX,
            0.55,
            (120, 230, 250),
            2,
        )
    for _ in range(int(rng.integers(3, 7))):
        px, py = int(rng.uniform(m, cw - m - 60)), int(rng.uniform(m + 40, horizon - 70))
        pw, ph = int(rng.integers(30, 70)), int(rng.integers(40, 70))
        cv2.rectangle(img, (px, py), (px + pw, py + ph), _rand_colour(rng, 30, 250), -1)
        for j in range(4):
            cv2.line(img, (px + 4, py + 8 + j * 9), (px + pw - 4, py + 8 + j * 9), (30, 30, 30), 1)
    cx, cy = int(rng.uniform(m + 50, cw - m - 50)), m + int(height * 0.14)
    cv2.circle(img, (cx, cy), 12, (250, 250, 250), -1)
    cv2.circle(img, (cx, cy), 12, (20, 20, 20), 2)
    cv2.line(img, (cx, cy), (cx + 6, cy - 6), (20, 20, 20), 2)
    # Soft overall texture (painted wall, dirt) so featureless cells are rare but not absent.
    small = rng.normal(0, 6, (ch // 16 + 1, cw // 16 + 1, 3)).astype(np.float32)
    img += cv2.resize(small, (cw, ch), interpolation=cv2.INTER_CUBIC)
    seats = []
    for row, (yf, (a, b)) in enumerate(zip(_ROW_Y_FRAC, _ROW_X_SPAN, strict=True)):
        face = _ROW_FACE_PX[row] * height / 360
        n = int((b - a) * width // (2.6 * face))
        xs = np.linspace(m + a * width, m + b * width, n)
        seats += [(row, float(x), float(m + yf * height)) for x in xs]
    return Classroom(
        np.clip(img, 0, 255).astype(np.uint8),
        width,
        height,
        m,
        tuple(seats),
        _rand_colour(rng, 110, 200),
    )


def _face_patch(person: Person, size: int) -> np.ndarray:
    if person.face_id < 0:
        face = cv2.resize(astronaut_face(), (size, int(size * 1.2)), interpolation=cv2.INTER_AREA)
        return face.astype(np.float32)
    grey = face_crops()[person.face_id].astype(np.float32) / 255.0
    # Keep the photo's shading, take the colour from the skin tone.
    patch = grey[..., None] / max(grey.mean(), 0.2) * np.array(person.skin, np.float32)
    interp = cv2.INTER_AREA if size < 25 else cv2.INTER_CUBIC
    return cv2.resize(patch, (size, int(size * 1.2)), interpolation=interp)


def _draw_person(
    img: np.ndarray, p: Person, desk: tuple[int, int, int]
) -> tuple[int, int, int, int] | None:
    s = p.face_px
    fw, fh = s, int(s * 1.2)
    x1, y1 = int(p.x - fw / 2), int(p.y - fh / 2)
    # Body (shoulders) under the head, then the desk of the row in front of the body.
    sh = (int(p.x - 1.3 * s), int(p.y + 0.55 * fh), int(p.x + 1.3 * s), int(p.y + 2.2 * fh))
    cv2.rectangle(img, sh[:2], sh[2:], p.shirt, -1)
    cv2.ellipse(img, (int(p.x), sh[1]), (int(1.3 * s), int(0.35 * s)), 0, 180, 360, p.shirt, -1)
    cv2.rectangle(
        img,
        (int(p.x - 0.25 * s), int(p.y + 0.4 * fh)),
        (int(p.x + 0.25 * s), sh[1] + 2),
        p.skin,
        -1,
    )
    desk_y = int(p.y + 1.5 * fh)
    cv2.rectangle(
        img, (int(p.x - 1.6 * s), desk_y), (int(p.x + 1.6 * s), desk_y + int(0.9 * s)), desk, -1
    )
    cv2.line(
        img,
        (int(p.x - 1.6 * s), desk_y),
        (int(p.x + 1.6 * s), desk_y),
        tuple(int(c * 0.7) for c in desk),
        2,
    )
    # Head: hair behind, then the face photo blended with a soft ellipse.
    cv2.ellipse(
        img,
        (int(p.x), int(p.y - 0.08 * fh)),
        (int(0.62 * s), int(0.66 * fh)),
        0,
        0,
        360,
        p.hair,
        -1,
    )
    if not p.facing:
        return None
    patch = _face_patch(p, fw)
    ph, pw = patch.shape[:2]
    mask = np.zeros((ph, pw), np.float32)
    cv2.ellipse(
        mask,
        (pw // 2, ph // 2),
        (max(1, int(pw * 0.52)), max(1, int(ph * 0.5))),
        0,
        0,
        360,
        1.0,
        -1,
    )
    mask = cv2.GaussianBlur(mask, (0, 0), max(0.6, s / 14))[..., None]
    roi = img[y1 : y1 + ph, x1 : x1 + pw].astype(np.float32)
    img[y1 : y1 + ph, x1 : x1 + pw] = (
        (roi * (1 - mask) + patch * mask).clip(0, 255).astype(np.uint8)
    )
    # Hair fringe on the forehead, as real heads have.
    cv2.ellipse(img, (int(p.x), y1), (int(0.55 * s), int(0.18 * fh)), 0, 180, 360, p.hair, -1)
    return (x1, y1, x1 + pw, y1 + ph)


def seat_people(
    rng: np.random.Generator, room: Classroom, n_faces: int, n_turned_away: int = 0
) -> tuple[Person, ...]:
    """Put n_faces people facing the camera and n_turned_away people with their backs to it."""
    seats = room.seats
    total = n_faces + n_turned_away
    if total > len(seats):
        raise ValueError(f"room has {len(seats)} seats, asked for {total} people")
    chosen = rng.choice(len(seats), size=total, replace=False)
    facing = np.zeros(total, bool)
    facing[:n_faces] = True
    people = []
    scale = room.height / 360
    for k, f in zip(chosen, rng.permutation(facing), strict=True):
        row, x, y = seats[k]
        face_px = int(round(_ROW_FACE_PX[row] * scale * rng.uniform(0.9, 1.12)))
        people.append(
            Person(
                row=row,
                x=x + rng.uniform(-0.25, 0.25) * face_px,
                y=y + rng.uniform(-0.1, 0.1) * face_px,
                face_px=face_px,
                facing=bool(f),
                face_id=int(rng.integers(-1, 100))
                if rng.random() < 0.05
                else int(rng.integers(100)),
                skin=tuple(
                    float(v) for v in SKIN_BGR[rng.integers(len(SKIN_BGR))] * rng.uniform(0.9, 1.1)
                ),
                hair=tuple(int(v) for v in HAIR_BGR[rng.integers(len(HAIR_BGR))]),
                shirt=_rand_colour(rng, 20, 230),
            )
        )
    return tuple(sorted(people, key=lambda p: (p.row, p.x)))


def _camera(
    rng: np.random.Generator, img: np.ndarray, light: float, jpeg_quality: int | None
) -> np.ndarray:
    """Lighting, optics blur, sensor noise and JPEG of a cheap 4G camera."""
    h, w = img.shape[:2]
    f = img.astype(np.float32)
    grad = np.linspace(rng.uniform(0.85, 1.0), rng.uniform(1.0, 1.15), w, dtype=np.float32)
    if rng.random() < 0.5:
        grad = grad[::-1]
    tint = rng.uniform(0.94, 1.06, 3).astype(np.float32)
    f = f * light * grad[None, :, None] * tint
    f = cv2.GaussianBlur(f, (0, 0), 0.6)
    f += rng.normal(0, rng.uniform(1.5, 3.5), f.shape).astype(np.float32)
    out = np.clip(f, 0, 255).astype(np.uint8)
    if jpeg_quality:
        out = jpeg_roundtrip(out, jpeg_quality)
    return out


def jpeg_roundtrip(frame: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def render_view(
    rng: np.random.Generator,
    room: Classroom,
    people: tuple[Person, ...],
    *,
    pan: tuple[float, float] = (0.0, 0.0),
    roll_deg: float = 0.0,
    light: float | None = None,
    jpeg_quality: int | None = None,
) -> tuple[np.ndarray, FrameTruth]:
    """The camera's picture of a room with people; pan is a fraction of the view size."""
    canvas = room.background.copy()
    boxes = []
    for p in people:
        box = _draw_person(canvas, p, room.desk_colour)
        if box is not None:
            boxes.append(box)
    m, w, h = room.margin, room.width, room.height
    ox = int(np.clip(m + pan[0] * w, 0, 2 * m))
    oy = int(np.clip(m + pan[1] * h, 0, 2 * m))
    if roll_deg:
        centre = (ox + w / 2, oy + h / 2)
        rot = cv2.getRotationMatrix2D(centre, roll_deg, 1.0)
        canvas = cv2.warpAffine(canvas, rot, canvas.shape[1::-1], borderMode=cv2.BORDER_REFLECT)
        boxes = []  # faces rotate with the room: truth boxes are not kept for rolled views
    frame = canvas[oy : oy + h, ox : ox + w]
    # A face counts as visible when at least 60% of its box is inside the view.
    visible = []
    for x1, y1, x2, y2 in boxes:
        cx1, cy1, cx2, cy2 = max(x1, ox), max(y1, oy), min(x2, ox + w), min(y2, oy + h)
        inside = max(0, cx2 - cx1) * max(0, cy2 - cy1) / ((x2 - x1) * (y2 - y1))
        if inside >= 0.6:
            visible.append((cx1 - ox, cy1 - oy, cx2 - ox, cy2 - oy))
    visible = tuple(visible)
    light = float(rng.uniform(0.8, 1.1)) if light is None else light
    q = int(rng.integers(60, 91)) if jpeg_quality is None else jpeg_quality
    frame = _camera(rng, frame, light, q)
    n_people = len(visible) + sum(not p.facing for p in people)
    return frame, FrameTruth(visible, n_people)


def render_classroom(
    rng: np.random.Generator,
    n_faces: int,
    *,
    n_turned_away: int = 0,
    room: Classroom | None = None,
    width: int = 640,
    height: int = 360,
    jpeg_quality: int | None = None,
) -> tuple[np.ndarray, FrameTruth]:
    """One classroom snapshot with exactly ``n_faces`` visible faces (truth has their boxes)."""
    room = room or make_classroom(rng, width, height)
    people = seat_people(rng, room, n_faces, n_turned_away)
    return render_view(rng, room, people, jpeg_quality=jpeg_quality)


# ---------------------------------------------------------------------------------- tampering


def cover_lens(rng: np.random.Generator, frame: np.ndarray) -> np.ndarray:
    """A hand, paper or cloth over the lens: out of focus, nearly uniform, lit (not dark).

    Covers 80-100% of the picture; a partly covered lens leaves a strip at one edge.
    """
    h, w = frame.shape[:2]
    colour = np.array(
        [SKIN_BGR[2], (235, 235, 235), _rand_colour(rng, 70, 200)][int(rng.integers(3))], np.float32
    ) * rng.uniform(0.8, 1.1)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    shade = 1 + 0.15 * np.sin(xx / w * rng.uniform(1, 3) + rng.uniform(0, 3)) * np.cos(yy / h * 2)
    cover = colour[None, None, :] * shade[..., None]
    cover += rng.normal(0, 1.5, cover.shape).astype(np.float32)
    mask = np.ones((h, w), np.float32)
    frac = rng.uniform(0.8, 1.0)
    if frac < 0.97:  # leave a strip of the scene visible on one side
        edge = int(round(w * (1 - frac)))
        if rng.random() < 0.5:
            mask[:, :edge] = 0
        else:
            mask[:, w - edge :] = 0
        mask = cv2.GaussianBlur(mask, (0, 0), 8)
    out = frame.astype(np.float32) * (1 - mask[..., None]) + cover * mask[..., None]
    return jpeg_roundtrip(np.clip(out, 0, 255).astype(np.uint8), int(rng.integers(60, 91)))


def darken(rng: np.random.Generator, frame: np.ndarray) -> np.ndarray:
    """Lights off: 3-20% of the light, with the amplified sensor noise of a dark picture."""
    f = frame.astype(np.float32) * rng.uniform(0.03, 0.2)
    f += rng.normal(0, rng.uniform(1.5, 4), f.shape).astype(np.float32)
    return jpeg_roundtrip(np.clip(f, 0, 255).astype(np.uint8), int(rng.integers(60, 91)))


def defocus(rng: np.random.Generator, frame: np.ndarray) -> np.ndarray:
    """Lens out of focus (knocked or smeared): Gaussian blur sigma 2.5-6 px at 640x360."""
    sigma = rng.uniform(2.5, 6) * frame.shape[1] / 640
    f = cv2.GaussianBlur(frame.astype(np.float32), (0, 0), sigma)
    f += rng.normal(0, 1.5, f.shape).astype(np.float32)
    return jpeg_roundtrip(np.clip(f, 0, 255).astype(np.uint8), int(rng.integers(60, 91)))


def re_aim(
    rng: np.random.Generator, room: Classroom, people: tuple[Person, ...]
) -> tuple[np.ndarray, FrameTruth]:
    """The camera turned: the same room seen with a pan of 8-30% of the width and/or tilt/roll."""
    sx = rng.choice([-1, 1]) * rng.uniform(0.08, 0.3)
    sy = rng.uniform(-0.25, 0.25)
    roll = float(rng.choice([0.0, rng.uniform(-12, 12)]))
    frame, truth = render_view(rng, room, people, pan=(float(sx), float(sy)), roll_deg=roll)
    return frame, FrameTruth(truth.face_boxes, truth.n_people, frozenset({"moved"}))


@dataclass(frozen=True)
class CameraSequence:
    """Consecutive snapshots of one camera, with its reference view and each frame's truth."""

    reference: np.ndarray = field(repr=False)
    frames: tuple[np.ndarray, ...] = field(repr=False)
    truths: tuple[FrameTruth, ...]


def camera_sequence(
    rng: np.random.Generator, states: tuple[str, ...], *, width: int = 640, height: int = 360
) -> CameraSequence:
    """One camera: a clean reference view, then one frame per entry of ``states``.

    Each entry is 'clean' or one of TAMPER_STATES. People shift between frames as trainees do;
    a 'frozen' frame is the previous frame's image sent again (byte-identical pixels).
    """
    room = make_classroom(rng, width, height)
    n_seats = len(room.seats)
    reference, _ = render_view(
        rng, room, seat_people(rng, room, int(rng.integers(0, n_seats // 2)))
    )
    # One session: trainees keep their seats and only shift a little between snapshots; now and
    # then the class changes (a break, the next session).
    n = int(rng.integers(0, n_seats * 2 // 3))
    session = seat_people(rng, room, n, int(rng.integers(0, 3)) if n < n_seats - 3 else 0)
    frames: list[np.ndarray] = []
    truths: list[FrameTruth] = []
    for state in states:
        if rng.random() < 0.15:
            n = int(rng.integers(0, n_seats * 2 // 3))
            session = seat_people(rng, room, n, int(rng.integers(0, 3)) if n < n_seats - 3 else 0)
        people = tuple(fidget(rng, p) for p in session)
        if state == "moved":
            frame, truth = re_aim(rng, room, people)
        elif state == "frozen" and frames:
            prev = truths[-1]
            frame, truth = (
                frames[-1].copy(),
                FrameTruth(prev.face_boxes, prev.n_people, frozenset({"frozen"})),
            )
        else:
            frame, truth = render_view(rng, room, people)
            if state == "covered":
                frame = cover_lens(rng, frame)
            elif state == "dark":
                frame = darken(rng, frame)
            elif state == "out_of_focus":
                frame = defocus(rng, frame)
            elif state != "clean":
                raise ValueError(f"unknown state {state!r}")
            if state != "clean":
                truth = FrameTruth((), truth.n_people, frozenset({state}))
        frames.append(frame)
        truths.append(truth)
    return CameraSequence(reference, tuple(frames), tuple(truths))


def fidget(rng: np.random.Generator, p: Person) -> Person:
    """The same trainee a minute later: moved by up to a tenth of a face."""
    d = rng.uniform(-0.1, 0.1, 2) * p.face_px
    return dataclasses.replace(p, x=p.x + float(d[0]), y=p.y + float(d[1]) * 0.5)


# ------------------------------------------------------------------------------ check-in photos


@dataclass(frozen=True)
class Kiosk:
    """A check-in terminal: fixed background and framing, as in real face check-in photos."""

    background: tuple[int, int, int]
    width: int = 360
    height: int = 480


def make_kiosk(rng: np.random.Generator) -> Kiosk:
    return Kiosk(_rand_colour(rng, 150, 240))


def render_checkin_photo(
    rng: np.random.Generator, face_id: int, kiosk: Kiosk | None = None
) -> np.ndarray:
    """A check-in photo of person ``face_id`` (0-99: lfw_subset face; -1: the astronaut)."""
    kiosk = kiosk or make_kiosk(rng)
    w, h = kiosk.width, kiosk.height
    img = np.empty((h, w, 3), np.uint8)
    img[:] = kiosk.background
    p = Person(
        # People stand where they like in front of a kiosk: +-8% sideways, +-6% in height,
        # nearer or farther (face 36-54% of the width).
        row=0,
        x=w * (0.5 + rng.uniform(-0.08, 0.08)),
        y=h * (0.42 + rng.uniform(-0.06, 0.06)),
        face_px=int(w * rng.uniform(0.36, 0.54)),
        facing=True,
        face_id=face_id,
        skin=tuple(float(v) for v in SKIN_BGR[rng.integers(len(SKIN_BGR))]),
        hair=tuple(int(v) for v in HAIR_BGR[rng.integers(len(HAIR_BGR))]),
        shirt=_rand_colour(rng, 20, 230),
    )
    _draw_person(img, p, kiosk.background)
    return _camera(rng, img, float(rng.uniform(0.9, 1.1)), int(rng.integers(70, 95)))


def reuse_variant(rng: np.random.Generator, photo: np.ndarray) -> np.ndarray:
    """The same photo submitted again, disguised: slightly cropped (1-3% per side) and rescaled,
    brightened or darkened 15-30%, and re-compressed at JPEG quality 40-85. Crops beyond ~5% per
    side move a 64-bit pHash by more than the reuse threshold (see README)."""
    h, w = photo.shape[:2]
    t, b, left, r = (rng.uniform(0.01, 0.03, 4) * [h, h, w, w]).astype(int)
    out = photo[t : h - b, left : w - r]
    out = cv2.resize(out, (w, h), interpolation=cv2.INTER_AREA)
    gain = rng.choice([-1, 1]) * rng.uniform(0.15, 0.3) + 1
    out = np.clip(out.astype(np.float32) * gain + rng.uniform(-8, 8), 0, 255).astype(np.uint8)
    return jpeg_roundtrip(out, int(rng.integers(40, 86)))
