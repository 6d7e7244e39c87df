"""One ephemeral GX context per process, with one suite and validation definition per feed.

Building the context costs ~1 s and a suite ~50 ms; a city-year is ~20 k deliveries, so
both are made once and reused. Results are stored stripped of values (see
``expectations.results.strip_values``): ``ValidationDefinition.run`` stores the raw result in
the context's in-memory store, which Data Docs render, so it is overwritten right away.
"""

from __future__ import annotations

import datetime as dt
import functools
import threading
from pathlib import Path

import great_expectations as gx
import pandas as pd
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig

from expectations import reference_sets
from expectations.checks import feed_checks
from expectations.offline_docs import make_site_offline
from expectations.results import strip_values
from pipelines.contract import ALL_FEEDS

# only indices and counts are kept from what GX computes; values are stripped afterwards,
# and partial lists are switched off so they are not even built
RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}

_LOCK = threading.Lock()  # GX contexts are not thread-safe; Dagster may run assets in threads


class GxRuntime:
    def __init__(self) -> None:
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(
            globally=False, metric_calculations=False
        )
        source = self.context.data_sources.add_pandas("deliveries")
        self._asset = source.add_dataframe_asset("delivery_rows")
        self._batch = self._asset.add_batch_definition_whole_dataframe("whole_delivery")
        self._validations: dict[str, gx.ValidationDefinition] = {}

    def validation(self, feed: str) -> gx.ValidationDefinition:
        if feed not in self._validations:
            suite = gx.ExpectationSuite(name=f"{feed}_delivery")
            for spec in feed_checks(ALL_FEEDS[feed]):
                suite.add_expectation(spec.expectation)
            suite = self.context.suites.add(suite)
            self._validations[feed] = self.context.validation_definitions.add(
                gx.ValidationDefinition(name=f"{feed}_delivery", data=self._batch, suite=suite)
            )
        return self._validations[feed]

    def run(
        self, feed: str, frame: pd.DataFrame, references: dict[str, pd.Index]
    ) -> ExpectationSuiteValidationResult:
        """Validate ``frame``; the returned result still holds unexpected values (for the
        caller to turn into row numbers); the stored copy does not."""
        with _LOCK:
            store = self.context.validation_results_store
            before = set(store.list_keys())
            with reference_sets.active(references):
                result = self.validation(feed).run(
                    batch_parameters={"dataframe": frame},
                    result_format=RESULT_FORMAT,
                    run_id=readable_run_id(feed),
                )
            stored = strip_values(result)
            # Data Docs print "Data asset: None" for an in-memory dataframe batch
            batch_spec = {**dict(stored.meta.get("batch_spec") or {})}
            stored.meta = {**stored.meta, "batch_spec": batch_spec}
            batch_spec["data_asset_name"] = f"{feed} deliveries"
            for key in set(store.list_keys()) - before:
                store.set(key, stored)
            return result

    def build_docs(self, target: Path) -> Path:
        """Render stored (stripped) results into ``target`` and forget them."""
        site = f"site_{abs(hash(str(target)))}"
        with _LOCK:
            if site not in self.context.list_data_docs_sites():
                self.context.add_data_docs_site(
                    site_name=site,
                    site_config={
                        "class_name": "SiteBuilder",
                        "show_how_to_buttons": False,
                        "store_backend": {
                            "class_name": "TupleFilesystemStoreBackend",
                            "base_directory": str(target),
                        },
                        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                    },
                )
            self.context.build_data_docs(site_names=[site])
            make_site_offline(target)  # no CDN: opens from the file system
            store = self.context.validation_results_store
            for key in store.list_keys():
                store.remove_key(key)
        return target / "index.html"


def readable_run_id(feed: str, now: dt.datetime | None = None) -> RunIdentifier:
    """'sessions-deliveries-20260915T0812' in Data Docs instead of '__none__' (no spaces or
    colons: it becomes a folder name in the site)."""
    now = now or dt.datetime.now(dt.UTC)
    return RunIdentifier(run_name=f"{feed}-deliveries-{now:%Y%m%dT%H%M}", run_time=now)


@functools.cache
def runtime() -> GxRuntime:
    return GxRuntime()
