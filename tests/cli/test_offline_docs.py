"""Generated documents open from the file system without internet: no page of the Data
Docs or the dbt docs fetches a script, stylesheet or image from the network, the Data Docs
index still lists its rows, and runs have readable names."""

from __future__ import annotations

import re
from pathlib import Path

import great_expectations as gx
import pandas as pd
import pytest

from expectations.gx_runtime import GxRuntime, readable_run_id
from expectations.offline_docs import MARKER, remote_assets
from pipelines.warehouse.docs import ENTRY, install_docs

# any http(s) or protocol-relative src/href on a script, stylesheet link or image
ASSET_URL = re.compile(r"<(script|link|img)\b[^>]*\b(src|href)\s*=\s*['\"]?(https?:)?//", re.I)


def _remote(html: str) -> list[str]:
    return [m.group(0) for m in ASSET_URL.finditer(html)] + remote_assets(html)


@pytest.fixture(scope="module")
def data_docs(tmp_path_factory) -> Path:
    """A Data Docs site from the product's GX runtime: two validations (one failing)."""
    runtime = GxRuntime()
    suite = runtime.context.suites.add(gx.ExpectationSuite(name="sessions_delivery"))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToNotBeNull(column="session_id"))
    suite.add_expectation(gx.expectations.ExpectColumnValuesToBeBetween(
        column="hours", min_value=0, max_value=12))  # fmt: skip
    runtime._validations["sessions"] = runtime.context.validation_definitions.add(
        gx.ValidationDefinition(name="sessions_delivery", data=runtime._batch, suite=suite)
    )
    good = pd.DataFrame({"session_id": ["S1", "S2"], "hours": [2.0, 3.5]})
    bad = pd.DataFrame({"session_id": ["S3", None], "hours": [2.0, 30.0]})
    for frame in (good, bad):
        runtime.run("sessions", frame, {})
    site = tmp_path_factory.mktemp("gx_docs")
    runtime.build_docs(site)
    return site


def test_no_data_docs_page_fetches_from_the_network(data_docs):
    pages = sorted(data_docs.rglob("*.html"))
    assert len(pages) >= 3  # index, the suite, the validations
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert MARKER in html, page
        assert _remote(html) == [], page


def test_data_docs_index_keeps_its_rows_and_readable_names(data_docs):
    html = (data_docs / "index.html").read_text(encoding="utf-8")
    # the rows bootstrap-table rendered are handed to the inline shim, which defines it
    assert "bootstrapTable = function" in html
    assert html.count("'run_name': 'sessions-deliveries-") == 2
    assert "__none__" not in html
    validation = next((data_docs / "validations").rglob("*.html")).read_text(encoding="utf-8")
    assert "Data asset: sessions deliveries" in validation


def test_run_name_is_a_safe_folder_name():
    name = readable_run_id("subsidy_claims").run_name
    assert re.fullmatch(r"subsidy_claims-deliveries-\d{8}T\d{4}", name)


def test_dbt_docs_entry_is_the_static_page(tmp_path):
    generated = tmp_path / "target"
    generated.mkdir()
    static = "<html><head><script>var manifest={};</script><style>b{}</style></head></html>"
    (generated / ENTRY).write_text(static)
    (generated / "index.html").write_text('<script>fetch("manifest.json")</script>')
    (generated / "manifest.json").write_text("{}")
    (generated / "run_results.json").write_text("{}")
    out = tmp_path / "docs" / "dbt"
    assert install_docs(generated, out) == out / ENTRY
    index = (out / "index.html").read_text()
    assert "url=static_index.html" in index and "fetch(" not in index
    assert (out / ENTRY).read_text() == static
    assert not (out / "run_results.json").exists()
    for page in out.glob("*.html"):
        assert _remote(page.read_text()) == []


def test_dbt_docs_without_the_static_page_is_an_error(tmp_path):
    (tmp_path / "index.html").write_text("<html/>")
    with pytest.raises(RuntimeError, match="static_index.html"):
        install_docs(tmp_path, tmp_path / "out")


def test_dbt_docs_template_of_this_dbt_version_has_no_remote_assets():
    """The page dbt fills in for --static (manifest and catalog embedded into it)."""
    import dbt.task.docs

    template = Path(dbt.task.docs.__file__).parent / "index.html"
    assert _remote(template.read_text(encoding="utf-8")) == []
