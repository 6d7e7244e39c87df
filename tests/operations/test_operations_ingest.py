"""The online_learning, work_orders and tickets feeds through the same ingest as the district
feeds: bad rows quarantined for the reason the standard gives, rows read = accepted +
quarantined, MERGE by key with history, pending rows re-admitted, IP addresses and free text
protected, validation suites that agree with ingest."""

from __future__ import annotations

import datetime as dt
import json
import re

import polars as pl
from delivery_factory import (
    online_record,
    small_district_rows,
    write_delivery,
    write_online_learning,
    write_tickets,
)
from ops_deliveries import PLANTED_IP, online_rows, ticket_rows

from pipelines.contract import ALL_FEEDS
from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io

FEEDS = ("online_learning", "work_orders", "tickets")
HEX32 = re.compile(r"^[0-9a-f]{32}$")


def _key_of(feed: str, original_values: str) -> str:
    values = json.loads(original_values)
    column = ALL_FEEDS[feed].column(ALL_FEEDS[feed].key)
    for header in (column.name, column.zh, *column.aliases):
        if header in values:
            return values[header]
    raise AssertionError(f"no key in {values}")


def test_each_feed_quarantines_its_bad_rows_for_the_right_reason(ops_built):
    quarantine = delta_io.read(ops_built.settings.quarantine)
    for feed in FEEDS:
        rows = quarantine.filter(pl.col("feed") == feed)
        found = {
            _key_of(feed, values): codes
            for values, codes in rows.select("original_values", "reason_codes").iter_rows()
        }
        expected = ops_built.expected_reasons[feed]
        assert set(found) == set(expected), feed
        for key, reason in expected.items():
            assert reason in found[key], (feed, key, found[key])
    # a record for a class never delivered waits (pending), the rest cannot be trusted
    online = quarantine.filter(pl.col("feed") == "online_learning")
    severities = dict(
        zip(
            [_key_of("online_learning", v) for v in online["original_values"]],
            online["severity"],
            strict=True,
        )
    )
    assert severities.pop("NOCLASS") == "pending"
    assert set(severities.values()) == {"blocking"}


def test_every_row_read_is_accepted_or_quarantined_in_every_form(ops_built):
    register = delta_io.read(ops_built.settings.deliveries).filter(pl.col("feed").is_in(FEEDS))
    by_feed = {r["feed"]: r for r in register.iter_rows(named=True)}
    assert set(by_feed) == set(FEEDS)
    for feed, row in by_feed.items():
        assert row["rows_read"] == row["rows_accepted"] + row["rows_quarantined"], feed
        assert row["rows_quarantined"] == len(ops_built.expected_reasons[feed]), feed
        bronze = delta_io.read(ops_built.settings.bronze(feed))
        assert bronze.height == row["rows_accepted"], feed
    # the operator and the service desk deliver city-wide, under operations/
    assert by_feed["work_orders"]["district_code"] == "310000"
    assert by_feed["work_orders"]["file"].startswith("operations/work_orders/")
    assert by_feed["tickets"]["file"].startswith("operations/tickets/")
    assert by_feed["online_learning"]["district_code"] == "310101"
    # Chinese headers in GB18030, XLSX with Chinese headers, JSON Lines with English keys
    assert by_feed["online_learning"]["header_lang"] == "zh"
    assert by_feed["online_learning"]["encoding"].lower().replace("-", "") in ("gb18030", "gbk")
    assert by_feed["work_orders"]["format"] == "xlsx"
    assert by_feed["work_orders"]["header_lang"] == "zh"
    assert by_feed["tickets"]["format"] == "jsonl"


def test_ip_addresses_are_kept_as_pseudonym_and_mask_only(ops_built):
    bronze = delta_io.read(ops_built.settings.bronze("online_learning"))
    assert "ip" not in bronze.columns and "id_number" not in bronze.columns
    kiosk = bronze.filter(pl.col("device_id") == "KIOSK9")
    assert kiosk.height == 5
    # one pseudonym for the one address (O03 joins on it), the host hidden in the mask
    assert kiosk["ip_pseudo"].n_unique() == 1
    assert HEX32.match(kiosk["ip_pseudo"][0])
    assert set(kiosk["ip_masked"]) == {".".join(PLANTED_IP.split(".")[:2]) + ".*.*"}
    # different addresses, different pseudonyms
    delivered: dict[str, str] = {}
    for r in online_rows()[0]:  # the first of a duplicated key is the one accepted
        delivered.setdefault(r["record_id"], r["ip"])
    addresses = {delivered[r] for r in bronze["record_id"]}
    assert bronze["ip_pseudo"].n_unique() == len(addresses)


def test_the_suites_find_what_ingest_quarantined(ops_built):
    """GX suites of the new feeds, generated from the contract: each quarantine reason is a
    failed check of the same severity on the same number of rows."""
    from expectations.checks import checks_for_reason
    from expectations.validate import dq_results_path

    results = delta_io.read(dq_results_path(ops_built.settings)).filter(pl.col("feed").is_in(FEEDS))
    assert set(results["feed"]) == set(FEEDS)
    failed = results.filter(~pl.col("passed"))
    for feed in FEEDS:
        for reason in set(ops_built.expected_reasons[feed].values()):
            names = checks_for_reason(ALL_FEEDS[feed], reason)
            hits = failed.filter((pl.col("feed") == feed) & pl.col("check").is_in(list(names)))
            assert hits.height > 0, (feed, reason, names)
    face = failed.filter(pl.col("check") == "failures_within_checks:face_failures")
    assert face["rows_failed"].to_list() == [1]


def _deliver_class(settings, class_id: str, when: dt.datetime) -> None:
    rows = small_district_rows("310101")
    write_delivery(settings.landing, "310101", "institutions", "inst.csv",
                   rows["institutions"], delivered_at=when)  # fmt: skip
    cls = [{**rows["classes"][0], "class_id": class_id, "mode": "线上"}]
    write_delivery(settings.landing, "310101", "classes", f"classes_{class_id}.csv", cls,
                   delivered_at=when)  # fmt: skip


def test_online_record_waits_for_its_class_and_is_admitted_when_it_arrives(settings):
    person = small_district_rows("310101")["enrolments"][0]["id_number"]
    when = dt.datetime(2026, 9, 10, 2, 0)
    _deliver_class(settings, "C-A", when)
    write_online_learning(
        settings.landing,
        "310101",
        [
            online_record("R1", "C-A", person, "2026-09-08 09:00:00", 40),
            online_record("R2", "C-LATE", person, "2026-09-08 10:00:00", 40),
        ],
        delivered_at=when,
    )
    ingest(settings)
    assert delta_io.read(settings.bronze("online_learning"))["record_id"].to_list() == ["R1"]
    waiting = delta_io.read(settings.quarantine).filter(pl.col("feed") == "online_learning")
    assert waiting["severity"].to_list() == ["pending"]

    _deliver_class(settings, "C-LATE", when + dt.timedelta(days=1))
    ingest(settings)
    admitted = delta_io.read(settings.bronze("online_learning")).sort("record_id")
    assert admitted["record_id"].to_list() == ["R1", "R2"]
    moved = delta_io.read(settings.quarantine).filter(pl.col("feed") == "online_learning")
    assert moved["status"].to_list() == ["readmitted"]
    register = delta_io.read(settings.deliveries).filter(pl.col("feed") == "online_learning")
    assert register["rows_accepted"].to_list() == [2] and register["rows_quarantined"][0] == 0


def test_corrected_ticket_file_replaces_by_key_and_the_history_stays(settings):
    rows, _ = ticket_rows()
    good = [r for r in rows if r["ticket_id"] in ("TK1", "TK5")]
    write_tickets(settings.landing, good, "tickets_v1.csv", delivered_at=dt.datetime(2026, 9, 12))
    ingest(settings)
    first = delta_io.read(settings.bronze("tickets")).sort("ticket_id")
    version = len(delta_io_history(settings.bronze("tickets"))) - 1

    corrected = [dict(r) for r in good]
    corrected[1].update(status="已解决", closed_at="2026-09-12 16:00:00", satisfaction="3")
    write_tickets(settings.landing, corrected, "tickets_v2.csv",
                  delivered_at=dt.datetime(2026, 9, 13))  # fmt: skip
    ingest(settings)
    now = delta_io.read(settings.bronze("tickets")).sort("ticket_id")
    assert now.height == 2  # replaced by key, not appended
    assert now["status"].to_list() == ["已解决", "已解决"]
    assert now["satisfaction"].to_list() == [5, 3]
    assert now["src_file"][1].endswith("tickets_v2.csv")
    before = delta_io.read(settings.bronze("tickets"), version=version).sort("ticket_id")
    assert before["status"].to_list() == first["status"].to_list() == ["已解决", "处理中"]
    # the same bytes again are a no-op
    write_tickets(settings.landing, corrected, "tickets_v2_again.csv",
                  delivered_at=dt.datetime(2026, 9, 14))  # fmt: skip
    summary = ingest(settings)
    assert [f["status"] for f in summary.files] == ["duplicate"]


def delta_io_history(path):
    from deltalake import DeltaTable

    return DeltaTable(str(path)).history()
