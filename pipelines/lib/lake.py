"""The lake's catalogue: every table outside the bronze/silver layers, by name, and where it
lives. The one place such a path is spelled (``Settings`` holds the layer roots:
``bronze(feed)``, ``silver(table)``, ``quarantine``, ``deliveries``); how a table is read
and written is ``pipelines.lib.delta_io``.

``path(settings, "alert_register")`` instead of ``settings.lake / "alert_register"`` in the
module that writes it: a reader elsewhere (the app, retention, backups, a benchmark) finds
the table by the same name, and moving a table is one line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.settings import Settings


@dataclass(frozen=True)
class LakeTable:
    name: str
    parts: tuple[str, ...]  # below <warehouse>/lake
    what: str

    def path(self, settings: Settings) -> Path:
        return settings.lake.joinpath(*self.parts)


def _risk(name: str, what: str) -> LakeTable:
    return LakeTable(f"risk/{name}", ("risk", name), what)


TABLES: dict[str, LakeTable] = {
    t.name: t
    for t in (
        LakeTable("dq_results", ("dq_results",), "validation results, one row per check"),
        LakeTable("alert_register", ("alert_register",), "every early warning and its status"),
        LakeTable("alert_actions", ("alert_actions",), "analysts' actions, append-only"),
        LakeTable("report_log", ("report_log",), "district reports sent, per run"),
        LakeTable("archive_access", ("archive_access",), "who opened which raw file, why"),
        LakeTable("app_events", ("audit", "app_events"), "the analysts' app audit trail"),
        _risk("scores", "risk scores by entity and model version"),
        _risk("models", "fitted models: features, parameters, metrics"),
        _risk("spotcheck_draws", "one row per week's draw: seed, parameters"),
        _risk("spotcheck_items", "the drawn classes"),
        _risk("spotcheck_records", "the drawn attendance records"),
        _risk("spotcheck_outcomes", "drawn items joined to the inspection results"),
        _risk("evaluations", "scores against the simulator's truth (benchmarks only)"),
    )
}


def path(settings: Settings, name: str) -> Path:
    """Where the named table lives; a KeyError names an unknown table at once."""
    return TABLES[name].path(settings)
