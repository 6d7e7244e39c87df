"""Subsidised trades: 国家职业分类大典 (2022) codes, names and the levels usually trained."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Occupation:
    code: str
    name: str
    levels: tuple[int, ...]  # levels offered, most common first
    weight: float  # share of classes city-wide


OCCUPATIONS: tuple[Occupation, ...] = (
    Occupation("4-10-01-05", "养老护理员", (5, 4, 3), 12),
    Occupation("4-10-01-02", "育婴员", (5, 4, 3), 10),
    Occupation("4-10-01-03", "保育师", (5, 4, 3), 6),
    Occupation("4-10-01-06", "家政服务员", (5, 4), 8),
    Occupation("4-03-02-01", "中式烹调师", (5, 4, 3, 2), 9),
    Occupation("4-03-02-02", "中式面点师", (5, 4, 3), 5),
    Occupation("4-03-02-05", "西式面点师", (5, 4, 3), 4),
    Occupation("4-03-02-07", "茶艺师", (5, 4, 3), 2),
    Occupation("4-10-03-01", "美容师", (5, 4, 3), 5),
    Occupation("4-10-03-02", "美发师", (5, 4, 3), 4),
    Occupation("4-10-04-02", "保健按摩师", (5, 4, 3), 3),
    Occupation("4-14-02-02", "健康管理师", (3, 2), 4),
    Occupation("6-31-01-03", "电工", (5, 4, 3, 2, 1), 8),
    Occupation("6-18-02-04", "焊工", (5, 4, 3, 2), 5),
    Occupation("4-02-07-10", "网约配送员", (5, 4), 4),
    Occupation("4-01-02-07", "互联网营销师", (5, 4, 3), 5),
    Occupation("4-01-02-02", "电子商务师", (4, 3), 2),
    Occupation("4-07-05-01", "保安员", (5, 4), 3),
    Occupation("4-12-01-01", "汽车维修工", (5, 4, 3), 3),
)

BY_CODE: dict[str, Occupation] = {o.code: o for o in OCCUPATIONS}
