"""Master data: training institutions, their rooms and cameras, and their teachers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
from stdnum.cn import uscc

from pipelines.contract.legality import is_valid_uscc
from simulator import geography, people
from simulator.occupations import OCCUPATIONS

BRANDS = (
    # fmt: off
    "华安",
    "申城",
    "金桥",
    "育才",
    "东方",
    "新航",
    "博雅",
    "明德",
    "启航",
    "惠民",
    "匠心",
    "立信",
    "恒通",
    "致远",
    "锦程",
    "浦江",
    "新星",
    "德馨",
    "同济",
    "精英",
    "仁和",
    "康乐",
    "阳光",
    "鼎盛",
    "信达",
    "天成",
    "海纳",
    "众诚",
    "永嘉",
    "瑞丰",
    "卓越",
    "远航",
    "华夏",
    "文景",
    "长青",
    "安康",
    "汇智",
    "成才",
    "福寿",
    "家和",
    # fmt: on
)
SUFFIXES = ("职业技能培训学校", "职业培训学校", "职业技能培训中心")
ROOM_NAMES = ("101教室", "102教室", "201教室", "202教室", "实训室A", "实训室B", "301教室")
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@dataclass(eq=False)
class Room:
    name: str
    camera_ids: list[str]


@dataclass(eq=False)
class Institution:
    institution_id: str
    uscc: str
    name: str
    district_code: str
    address: str
    license_no: str
    license_valid_until: dt.date
    status: str
    contact_phone: str
    rooms: list[Room] = field(default_factory=list)
    occupations: tuple[str, ...] = ()


@dataclass(eq=False)
class Teacher:
    teacher_id: str
    id_number: str
    name: str
    institution_id: str
    occupation_code: str
    cert_no: str
    cert_level: int
    cert_valid_until: dt.date


@dataclass(eq=False)
class Camera:
    camera_id: str
    institution_id: str
    room: str
    sim_iccid: str
    installed_on: dt.date
    status: str


def make_uscc(rng: np.random.Generator, district: str) -> str:
    # 52 = civil non-enterprise unit (most private training schools), 91 = company
    head = "52" if rng.random() < 0.7 else "91"
    org = (
        "".join(USCC_ALPHABET[i] for i in rng.integers(0, 10, 8))
        + USCC_ALPHABET[int(rng.integers(0, len(USCC_ALPHABET)))]
    )
    body = head + district + org
    code = body + uscc.calc_check_digit(body)
    assert is_valid_uscc(code), code
    return code


def break_uscc(code: str) -> str:
    """Same code with a wrong check character."""
    right = code[-1]
    wrong = USCC_ALPHABET[(USCC_ALPHABET.index(right) + 7) % len(USCC_ALPHABET)]
    return code[:-1] + wrong


def institution_name(rng: np.random.Generator, district: str, used: set[str]) -> str:
    """上海XX职业技能培训学校; with the district's name, or two brand words, once taken."""
    suffix = SUFFIXES[int(rng.integers(0, len(SUFFIXES)))]
    a, b = (BRANDS[int(i)] for i in rng.choice(len(BRANDS), size=2, replace=False))
    for name in (
        f"上海{a}{suffix}",
        f"上海市{geography.DISTRICTS_SHORT[district]}{a}{suffix}",
        f"上海{a}{b}{suffix}",
    ):
        if name not in used:
            return name
    return institution_name(rng, district, used)


def make_institutions(
    rng: np.random.Generator, district: str, n: int, window_start: dt.date, used_names: set[str]
) -> list[Institution]:
    occ_w = np.array([o.weight for o in OCCUPATIONS])
    out = []
    for i in range(n):
        name = institution_name(rng, district, used_names)
        used_names.add(name)
        k = int(rng.integers(1, 4))
        occs = rng.choice(len(OCCUPATIONS), size=k, replace=False, p=occ_w / occ_w.sum())
        phone = (
            people.mobiles(rng, 1)[0]
            if rng.random() < 0.6
            else f"021-{int(rng.integers(50_000_000, 69_999_999))}"
        )
        out.append(
            Institution(
                institution_id=f"JG{district}{i + 1:04d}",
                uscc=make_uscc(rng, district),
                name=name,
                district_code=district,
                address=geography.address(
                    district, int(rng.integers(0, 3)), int(rng.integers(1, 1500))
                ),
                license_no=f"人社民{district}{int(rng.integers(100000, 999999))}号",
                license_valid_until=window_start + dt.timedelta(days=int(rng.integers(500, 1800))),
                status="正常",
                contact_phone=phone,
                occupations=tuple(sorted(OCCUPATIONS[j].code for j in occs)),
            )
        )
    return out


def add_room(rng: np.random.Generator, inst: Institution, cameras: list[Camera],
             camera_seq: dict[str, int], window_start: dt.date) -> Room:  # fmt: skip
    """A classroom with 1-3 cameras (the camera register lists each)."""
    used = {r.name for r in inst.rooms}
    name = next((r for r in ROOM_NAMES if r not in used), f"{len(inst.rooms) + 1}01教室")
    ids = []
    for _ in range(int(rng.integers(1, 4))):
        d = inst.district_code
        camera_seq[d] = camera_seq.get(d, 0) + 1
        cam_id = f"CAM{d}{camera_seq[d]:04d}"
        iccid = "898604" + "".join(str(x) for x in rng.integers(0, 10, 14))
        installed = window_start - dt.timedelta(days=int(rng.integers(30, 720)))
        cameras.append(Camera(cam_id, inst.institution_id, name, iccid, installed, "在用"))
        ids.append(cam_id)
    room = Room(name, ids)
    inst.rooms.append(room)
    return room


def add_teacher(
    rng: np.random.Generator,
    inst: Institution,
    occupation: str,
    registry: people.IdRegistry,
    teachers: list[Teacher],
    teacher_seq: dict[str, int],
    window: tuple[dt.date, dt.date],
) -> Teacher:
    d = inst.district_code
    teacher_seq[d] = teacher_seq.get(d, 0) + 1
    seq = teacher_seq[d]
    start, end = window
    # teachers are older than trainees: draw with a reference date 8 years earlier
    id_number = registry.draw(1, start - dt.timedelta(days=8 * 365))[0]
    level = int(rng.choice([1, 2, 3], p=[0.2, 0.4, 0.4]))
    t = Teacher(
        teacher_id=f"JS{d}{seq:05d}",
        id_number=id_number,
        name=people.names(rng, 1)[0],
        institution_id=inst.institution_id,
        occupation_code=occupation,
        cert_no=f"S{d}{start.year - int(rng.integers(1, 8))}{int(rng.integers(0, 10**7)):07d}",
        cert_level=level,
        cert_valid_until=end + dt.timedelta(days=int(rng.integers(200, 1500))),
    )
    teachers.append(t)
    return t
