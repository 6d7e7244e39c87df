"""Who takes part: Chinese names, resident ID numbers, mobile numbers.

Every valid value made here is checked with the contract's own legality functions, so the
simulator and the platform can never disagree on what "valid" means.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from stdnum.cn import ric

from pipelines.contract import DISTRICT_CODES
from pipelines.contract.legality import is_valid_id_number, is_valid_mobile

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜"
    "叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
    "贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
# weights: the first surnames (王李张刘陈) cover about a third of the population
_SURNAME_W = np.array([30 if i < 5 else 8 if i < 20 else 2 for i in range(len(SURNAMES))], float)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志红玉梅丹玲萍鹏辉斌宇浩凯健俊"
    "帆晨欣怡婷雪琳颖佳琪思雨涵轩然博诺嘉海燕春花卫东晓小翠云飞龙亮莉琴慧"
)

# Birthplace (first six digits): the 16 districts, and counties of the provinces most
# Shanghai migrant workers come from (Jiangsu, Zhejiang, Anhui, Henan, Sichuan, Jiangxi,
# Hubei, Hunan, Shandong, Chongqing, Guizhou).
OTHER_AREAS = (
    "320102", "320583", "321283", "330106", "330381", "340104", "341221", "342401",
    "410105", "411421", "412726", "510107", "511381", "513001", "360102", "362321",
    "420106", "421181", "430104", "431021", "370102", "371302", "500101", "500228",
    "520102", "522101",
)  # fmt: skip
SHANGHAI_SHARE = 0.7

# Three-digit mobile prefixes of the three carriers (checked with is_valid_mobile anyway)
MOBILE_PREFIXES = (
    "130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "150", "151",
    "152", "153", "155", "156", "157", "158", "159", "166", "173", "177", "180", "181",
    "182", "183", "185", "186", "187", "188", "189", "198", "199",
)  # fmt: skip


def names(rng: np.random.Generator, n: int) -> list[str]:
    sur = rng.choice(len(SURNAMES), size=n, p=_SURNAME_W / _SURNAME_W.sum())
    two = rng.random(n) < 0.7  # most given names have two characters
    g1 = rng.integers(0, len(GIVEN), n)
    g2 = rng.integers(0, len(GIVEN), n)
    return [
        SURNAMES[s] + GIVEN[a] + (GIVEN[b] if t else "")
        for s, a, b, t in zip(sur.tolist(), g1.tolist(), g2.tolist(), two.tolist(), strict=True)
    ]


def with_check_digit(first17: str) -> str:
    # stdnum's calc_check_digit reads number[:-1]: pass a placeholder check digit
    return first17 + ric.calc_check_digit(first17 + "0")


def break_check_digit(id_number: str) -> str:
    """The same number with a wrong check digit (a typical typo in the last character)."""
    right = id_number[-1]
    wrong = "0" if right != "0" else "1"
    return id_number[:-1] + wrong


class IdRegistry:
    """Hands out unique, valid ID numbers (people are drawn once and may recur)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng
        self.used: set[str] = set()

    def draw(self, n: int, ref: dt.date, districts: tuple[str, ...] = DISTRICT_CODES) -> list[str]:
        rng = self.rng
        out: list[str] = []
        while len(out) < n:
            k = n - len(out)
            local = rng.random(k) < SHANGHAI_SHARE
            sh = rng.choice(len(districts), size=k)
            ot = rng.choice(len(OTHER_AREAS), size=k)
            age_days = rng.integers(18 * 366 + 10, 60 * 365 - 10, size=k)
            seq = rng.integers(1, 1000, size=k)
            for i in range(k):
                area = districts[sh[i]] if local[i] else OTHER_AREAS[ot[i]]
                born = ref - dt.timedelta(days=int(age_days[i]))
                number = with_check_digit(f"{area}{born:%Y%m%d}{int(seq[i]):03d}")
                if number in self.used:
                    continue
                if not is_valid_id_number(number, today=ref):
                    raise AssertionError(f"generated an invalid ID number {number}")
                self.used.add(number)
                out.append(number)
        return out


def mobiles(rng: np.random.Generator, n: int) -> list[str]:
    prefix = rng.choice(len(MOBILE_PREFIXES), size=n)
    rest = rng.integers(0, 100_000_000, size=n)
    out = [
        f"{MOBILE_PREFIXES[p]}{r:08d}" for p, r in zip(prefix.tolist(), rest.tolist(), strict=True)
    ]
    # validity depends on the prefix only: check each prefix once, not every number
    for p in set(prefix.tolist()):
        sample = next(o for o, q in zip(out, prefix.tolist(), strict=True) if q == p)
        if not is_valid_mobile(sample):
            raise AssertionError(f"mobile prefix {MOBILE_PREFIXES[p]} is not valid")
    return out


def bad_mobile(rng: np.random.Generator) -> str:
    """A phone that fails the mobile rule: ten digits, or a landline-looking number."""
    forms = ("138{:07d}", "021{:08d}", "12{:09d}")
    form = forms[int(rng.integers(0, len(forms)))]
    return form.format(int(rng.integers(0, 10_000_000)))


def hex_ids(rng: np.random.Generator, n: int, prefix: str, width: int = 16) -> np.ndarray:
    """n random hex ids like P3fa2...; vectorised (1.5 M photo ids at city scale)."""
    raw = rng.bytes(n * width // 2)
    hexed = np.frombuffer(raw.hex().encode(), dtype=f"S{width}")
    return np.char.add(prefix, hexed.astype(f"U{width}"))
