"""Dagster resources: thin wrappers that hand the one settings module to assets."""

from __future__ import annotations

import dagster as dg

from pipelines.settings import Settings, get_settings


class SkillWatchResource(dg.ConfigurableResource):
    """Where the landing folder and the warehouse are. Empty means: the SKILLWATCH_*
    environment variables, then the embedded local defaults (see pipelines/settings.py)."""

    warehouse: str = ""
    landing: str = ""

    def settings(self) -> Settings:
        return get_settings(self.warehouse or None, self.landing or None)
