"""Everything a simulated city delivers: district feeds, then the e-learning exports of the
same teachers over the same days, the online learning of the 线上/混合 classes, the camera
operator's work orders and the service desk's tickets, then the camera network (frames for a
sample of sessions, heartbeats, check-in photos) of the same classes."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from simulator import SimulationSummary, simulate
from simulator.scales import resolve


def simulate_city(
    out: Path,
    scale: str = "small",
    seed: int = 42,
    start: dt.date | None = None,
    days: int | None = None,
    progress: bool = False,
    cameras: bool = True,
    fraud_rate: float | None = None,
) -> dict:
    """Write every source of the city into one landing folder; returns what was written."""
    from simulator.elearning.simulate import simulate_elearning, teachers_in_landing

    out = Path(out)
    _, window = resolve(scale, start, days)
    districts: SimulationSummary = simulate(
        out, scale, seed, start, days, progress, fraud_rate=fraud_rate
    )
    shutil.rmtree(out / "elearning", ignore_errors=True)  # a re-run replaces, never mixes
    elearning = simulate_elearning(
        out,
        teachers=teachers_in_landing(out),
        start=window.start,
        days=window.days,
        seed=seed,
        scale=scale,
    )
    # online learning of the 线上/混合 classes, the camera operator's work orders and the
    # service desk's tickets: each read what the district feeds above delivered
    from simulator.online import simulate_online
    from simulator.operations import simulate_operations

    shutil.rmtree(out / "operations", ignore_errors=True)
    online = simulate_online(out, seed=seed, until=window.end)
    operations = simulate_operations(out, window.start, window.end, seed=seed)
    written = {"districts": districts, "elearning": elearning, "online": online,
               "operations": operations}  # fmt: skip
    if cameras:
        from simulator.cameras.simulate import simulate_cameras

        written["cameras"] = simulate_cameras(out, seed=seed, scale=scale)
    return written
