"""Row accounting through ingest: normalised keys, flagged guesses, unparseable records."""

from __future__ import annotations

import csv
import io

import polars as pl
from delivery_factory import small_district_rows, write_small_district

from pipelines.district_feeds.ingest import ingest
from pipelines.lib import delta_io

DISTRICT = "310104"


def _csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def test_a_zero_width_or_full_width_key_is_the_same_key_and_a_guess_is_flagged(settings):
    write_small_district(settings.landing, DISTRICT, feeds=("institutions",))
    folder = settings.landing / DISTRICT / "institutions"
    base = small_district_rows(DISTRICT)["institutions"][0]
    same = [
        {**base, "institution_id": "I2001"},
        {**base, "institution_id": " I2001\u200b"},  # a zero-width space, padded
        {**base, "institution_id": "Ｉ２００１"},  # full-width letters and digits
        {**base, "institution_id": "I2002"},
    ]
    (folder / "zero_width.csv").write_text(_csv(same), encoding="utf-8")
    # not UTF-8, not GB18030 (0x80 and 0xFF cannot start a GB18030 character): a guess
    guessed = "institution_id,name,address\nI3001,Ærø €5 ÿ,Þórshöfn 1\n"
    (folder / "cp1252.csv").write_bytes(guessed.encode("cp1252"))
    ingest(settings)

    reg = {r["file"].rsplit("/", 1)[1]: r for r in delta_io.read(settings.deliveries).to_dicts()}
    zw = reg["zero_width.csv"]
    assert (zw["rows_read"], zw["rows_accepted"], zw["rows_quarantined"]) == (4, 2, 2)
    q = delta_io.read(settings.quarantine).filter(pl.col("file").str.ends_with("zero_width.csv"))
    assert sorted(q["row_number"].to_list()) == [2, 3]
    assert all(codes == ["DUPLICATE_KEY"] for codes in q["reason_codes"].to_list())
    bronze = delta_io.read(settings.bronze("institutions"))
    assert {"I2001", "I2002"} <= set(bronze["institution_id"].to_list())
    assert not any("\u200b" in v for v in bronze["institution_id"].to_list())

    cp = reg["cp1252.csv"]
    # the rows are checked as any (here: required columns missing), the file flagged
    assert cp["reason"] == "ENCODING_GUESSED" and "guessed as" in cp["detail"]
    assert cp["rows_read"] == 1 == cp["rows_accepted"] + cp["rows_quarantined"]


def test_unparseable_records_are_quarantined_with_their_reason_never_dropped(settings):
    write_small_district(settings.landing, DISTRICT, feeds=("institutions",))
    folder = settings.landing / DISTRICT / "institutions"
    base = small_district_rows(DISTRICT)["institutions"][0]
    rows = [{**base, "institution_id": f"I4{k:03d}"} for k in range(10)]
    lines = _csv(rows).splitlines()
    lines[3] = lines[3].replace(",", ',"', 1)  # row 3: a stray quote, closed only by row 6's
    lines[6] = lines[6].replace(",", ',"' + "x" * 200_000 + '"', 1)  # a 200 KB field
    (folder / "broken.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ingest(settings)

    row = next(
        r for r in delta_io.read(settings.deliveries).to_dicts() if r["file"].endswith("broken.csv")
    )
    assert (row["rows_read"], row["rows_accepted"], row["rows_quarantined"]) == (10, 8, 2)
    q = delta_io.read(settings.quarantine).filter(pl.col("file").str.ends_with("broken.csv"))
    assert dict(zip(q["row_number"], q["reason_detail"], strict=True)) == {
        3: "UNPARSEABLE:stray_quote",
        6: "UNPARSEABLE:field_too_long",
    }
    # the original is kept encrypted, the shown value says only how long it was
    assert all("characters, encrypted" in v for v in q["original_values"].to_list())
