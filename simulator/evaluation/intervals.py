"""Confidence intervals for rates measured on few cases (issue 14: say how sure a figure is).

A precision of 1.0 on 4 planted cases and one of 1.0 on 400 are different findings; the
Wilson score interval says by how much, and unlike the normal approximation it stays inside
[0, 1] and is honest at 0 % and 100 %.
"""

from __future__ import annotations

import math

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval of ``successes / trials``; None when there are no trials."""
    if trials <= 0:
        return None
    if not 0 <= successes <= trials:
        raise ValueError(f"successes {successes} outside 0..{trials}")
    p = successes / trials
    z2 = z * z
    centre = (p + z2 / (2 * trials)) / (1 + z2 / trials)
    half = z * math.sqrt(p * (1 - p) / trials + z2 / (4 * trials * trials)) / (1 + z2 / trials)
    # at 0 and n the bound is exactly 0 or 1; rounding must not move it past
    low = 0.0 if successes == 0 else max(0.0, centre - half)
    high = 1.0 if successes == trials else min(1.0, centre + half)
    return low, high


def rate_with_interval(successes: int, trials: int) -> str:
    """``0.950 [0.764–0.991] (19/20)``, or ``– (0/0)``."""
    ci = wilson(successes, trials)
    if ci is None:
        return f"– ({successes}/{trials})"
    return f"{successes / trials:.3f} [{ci[0]:.3f}–{ci[1]:.3f}] ({successes}/{trials})"
