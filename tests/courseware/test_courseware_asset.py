"""The courseware asset on a real lake: Delta tables written, re-runs read nothing twice,
no folder gives empty typed tables."""

from __future__ import annotations

import dagster as dg
import polars as pl
from packages import aicc_set, valid_scorm12, zip_bomb

from pipelines.courseware.assets import CATALOGUE, FINDINGS, LINKS, courseware_catalogue
from pipelines.lib import delta_io
from pipelines.resources import SkillWatchResource


def _run(settings) -> dg.ExecuteInProcessResult:
    resource = SkillWatchResource(warehouse=str(settings.warehouse), landing=str(settings.landing))
    return dg.materialize([courseware_catalogue], resources={"skillwatch": resource})


def _read_count(result) -> int:
    meta = result.asset_materializations_for_node("courseware_catalogue")[0].metadata
    return meta["read_this_run"].value


def test_catalogue_written_to_delta_and_reruns_read_only_what_changed(settings):
    # no courseware delivered yet: empty tables of the declared columns
    assert _run(settings).success
    empty = delta_io.read(settings.silver(CATALOGUE))
    assert empty.is_empty() and "content_sha256" in empty.columns
    assert delta_io.read(settings.silver(FINDINGS)).is_empty()

    valid_scorm12(settings.landing / "courseware" / "JX013.zip")
    aicc_set(settings.landing / "courseware" / "JX007.zip")
    zip_bomb(settings.landing / "courseware" / "big.zip", megabytes=4)
    first = _run(settings)
    assert _read_count(first) == 3
    catalogue = delta_io.read(settings.silver(CATALOGUE)).sort("package_file")
    assert catalogue.select("package_file", "status", "standard").rows() == [
        ("JX007.zip", "ok", "AICC"),
        ("JX013.zip", "ok", "SCORM1.2"),
        ("big.zip", "rejected", None),
    ]
    findings = delta_io.read(settings.silver(FINDINGS))
    assert findings.filter(pl.col("package_file") == "big.zip")["code"].to_list() == ["zip_bomb"]
    links = delta_io.read(settings.silver(LINKS))
    assert set(links["link_status"]) == {"package_without_course"}  # no courses delivered

    second = _run(settings)
    assert _read_count(second) == 0
    assert delta_io.read(settings.silver(CATALOGUE)).sort("package_file").equals(catalogue)
