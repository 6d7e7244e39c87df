"""Realistic prevalence: which classes cheat, when only a few do (issue 14, part 1).

Real supervision sees few cheats, and they cluster: a few bad institutions run most of the
fraudulent classes, and some districts supervise more loosely than others. ``--fraud-rate``
is the share of classes that carry planted (intended) fraud; the rest are honest.

``fraud_rate=None`` keeps the dense test city (every behaviour planted on the scale's share
of eligible classes, about a third of all classes): the rule tests need every behaviour at
least once in a city of a few dozen classes, which a realistic rate cannot give.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from simulator.schedule import Class

DEFAULT_FRAUD_RATE = 0.03
# share of the cheating classes that belong to "bad" institutions (the rest: lone cheats)
BAD_INSTITUTION_SHARE = 0.7
# Dirichlet concentration of district laxity: < 1 = a few lax districts carry most of it
DISTRICT_LAXITY_ALPHA = 0.5


def parse_fraud_rate(text: str) -> float | None:
    """The CLI's value: a share in (0, 1), a percentage ("3%"), or "dense"."""
    text = text.strip().lower()
    if text == "dense":
        return None
    rate = float(text[:-1]) / 100 if text.endswith("%") else float(text)
    if not 0 < rate < 1:
        raise ValueError(f"fraud rate must be a share between 0 and 1 (got {text!r})")
    return rate


def cheating_classes(
    rng: np.random.Generator, classes: Sequence[Class], rate: float
) -> list[Class]:
    """About ``rate`` x classes, ``BAD_INSTITUTION_SHARE`` of them whole institutions drawn
    with a district-laxity weight, the rest single classes anywhere. Deterministic for a
    given generator state; the order is the order of choice."""
    if not classes:
        return []
    n = min(len(classes), max(1, round(rate * len(classes))))
    districts = sorted({c.district_code for c in classes})
    laxity = dict(zip(districts, rng.dirichlet(np.full(len(districts), DISTRICT_LAXITY_ALPHA)),
                      strict=True))  # fmt: skip
    by_inst: dict[str, list[Class]] = {}
    for c in sorted(classes, key=lambda c: c.class_id):
        by_inst.setdefault(c.institution_id, []).append(c)
    # bad institutions run several classes (a lone class is a lone cheat, drawn below)
    insts = sorted(i for i, cs in by_inst.items() if len(cs) >= 2)
    chosen: list[Class] = []
    taken: set[str] = set()
    budget = round(BAD_INSTITUTION_SHARE * n)
    while insts and len(chosen) < budget:
        w = np.array([laxity[by_inst[i][0].district_code] for i in insts], dtype=float)
        inst = insts.pop(int(rng.choice(len(insts), p=w / w.sum())))
        for c in by_inst[inst][: budget - len(chosen)]:
            chosen.append(c)
            taken.add(c.class_id)
    rest = [c for c in sorted(classes, key=lambda c: c.class_id) if c.class_id not in taken]
    k = min(len(rest), n - len(chosen))
    chosen += [rest[i] for i in rng.choice(len(rest), size=k, replace=False).tolist()]
    return chosen


def concentration(cheats: Sequence[Class], top: int = 5) -> float:
    """Share of the cheating classes held by the ``top`` institutions with most of them."""
    if not cheats:
        return 0.0
    counts: dict[str, int] = {}
    for c in cheats:
        counts[c.institution_id] = counts.get(c.institution_id, 0) + 1
    return sum(sorted(counts.values(), reverse=True)[:top]) / len(cheats)
