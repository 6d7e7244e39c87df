"""The fuzz corpus: generated malformed deliveries, none crashes, none loses a row or a reason.

Derandomized (the same corpus every run, so a failure reproduces); the total number of
generated deliveries across the tests below is 1,000 (420 CSV, 180 JSON Lines, 250 XLSX, 150
other files), plus 60 landing trees. The big profile is
``benchmarks/fuzz_deliveries.py``, which records tried / survived / lost per class.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from reliability import fuzz

from pipelines.contract import ALL_FEEDS
from pipelines.contract.headers import map_headers
from pipelines.district_feeds.ingest import Ingestor
from pipelines.district_feeds.landing import discover

FUZZ = settings(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def ingestor(tmp_path_factory):
    from pipelines.settings import get_settings

    os.environ.setdefault("SKILLWATCH_SECRET_KEY", "test-secret-key-for-pseudonyms")
    root = tmp_path_factory.mktemp("fuzz")
    return Ingestor(get_settings(root / "warehouse", root / "landing"))


@settings(FUZZ, max_examples=420)
@given(case=fuzz.csv_cases())
def test_generated_csv_deliveries_account_for_every_row(ingestor, case):
    fuzz.account_for(ingestor, case)


@settings(FUZZ, max_examples=180)
@given(case=fuzz.jsonl_cases())
def test_generated_jsonl_deliveries_account_for_every_row(ingestor, case):
    fuzz.account_for(ingestor, case)


@settings(FUZZ, max_examples=250)
@given(case=fuzz.xlsx_cases())
def test_generated_xlsx_deliveries_account_for_every_row(ingestor, case):
    fuzz.account_for(ingestor, case)


@settings(FUZZ, max_examples=150)
@given(case=fuzz.other_cases())
@example(case=fuzz.Case("binary-or-other", "enrolments", "d.csv", b"name"))  # found in CI
def test_generated_other_files_are_refused_with_a_reason(ingestor, case):
    outcome = fuzz.account_for(ingestor, case)
    if outcome.status != "unreadable":
        # random bytes can be a valid header-only delivery (b"name" as enrolments' d.csv):
        # a file of the standard with no rows, accepted with nothing in it
        header = case.data.decode("utf-8", "replace").strip().split(",")
        mapping, _ = map_headers(ALL_FEEDS[case.feed], header)
        assert outcome.status == "accepted" and outcome.rows_read == 0, outcome
        assert case.name.endswith(".csv") and mapping, case


_ENTRY = st.sampled_from(["file", "link_in", "link_out", "link_dir", "fifo", "dir_file"])


@settings(FUZZ, max_examples=60)
@given(entries=st.lists(st.tuples(fuzz.names, _ENTRY), min_size=1, max_size=6))
def test_generated_landing_trees_register_every_entry_and_read_no_link(tmp_path_factory, entries):
    root = tmp_path_factory.mktemp("tree")
    landing, outside = root / "landing", root / "outside"
    folder = landing / "310104" / "classes"
    folder.mkdir(parents=True)
    outside.mkdir()
    (outside / "o.csv").write_text("class_id\nOUT1\n")
    expected: dict[str, bool] = {}  # file -> refused
    for k, (name, what) in enumerate(entries):
        name = f"{k}{name}"
        path = folder / name
        if what == "file":
            path.write_text("class_id\nC1\n")
        elif what == "link_in":
            target = folder / f"{k}_target.csv"
            target.write_text("class_id\nC2\n")
            expected[f"310104/classes/{target.name}"] = False
            path.symlink_to(target)
        elif what == "link_out":
            path.symlink_to(outside / "o.csv")
        elif what == "link_dir":
            path.symlink_to(outside, target_is_directory=True)
        elif what == "fifo":
            os.mkfifo(path)
        else:  # a file one folder too deep: registered with a reason, not skipped
            path.mkdir()
            (path / "deep.csv").write_text("class_id\nC3\n")
            expected[f"310104/classes/{name}/deep.csv"] = False
            continue
        expected[f"310104/classes/{name}"] = what not in ("file",)
    found = {d.file: d for d in discover(landing)}
    assert {f: d.refused for f, d in found.items()} == expected
    assert all(d.detail and "never read" in d.detail for d in found.values() if d.refused)
    assert all(d.problem or d.feed == "classes" for d in found.values())
