"""The raw archive is encrypted at rest, names nothing guessable, rotates without loss and
opens only through the logged re-identification command."""

from __future__ import annotations

import shutil

import polars as pl
import pytest
from delivery_factory import small_district_rows, write_delivery
from reliability_warehouse import clear_values_in_files, small_warehouse

from pipelines.district_feeds.ingest import ingest
from pipelines.lib import archive_crypto as ac
from pipelines.lib import delta_io
from pipelines.settings import get_settings


@pytest.fixture(scope="module")
def wh(tmp_path_factory):
    return small_warehouse(tmp_path_factory.mktemp("reliability_wh"))


@pytest.fixture
def copy(wh, tmp_path):
    """A private copy of the small warehouse (for tests that change it)."""
    shutil.copytree(wh.settings.warehouse, tmp_path / "warehouse")
    return get_settings(tmp_path / "warehouse", wh.landing)


def _register(settings) -> pl.DataFrame:
    return delta_io.read(settings.deliveries)


def test_no_clear_id_number_or_phone_in_any_file_under_the_warehouse(wh):
    assert len(wh.clear_ids) >= 10  # the landing really holds them in clear
    in_landing = clear_values_in_files(wh.landing, set(wh.clear_ids))
    assert {v for _, v in in_landing} == set(wh.clear_ids)
    archived = list(wh.settings.archive.rglob("*.swa"))
    assert len(archived) == _register(wh.settings).height  # every delivery is archived
    for sub in ("archive", "lake", "images", "thumbs"):
        assert any((wh.settings.warehouse / sub).rglob("*")), sub
    assert clear_values_in_files(wh.settings.warehouse, set(wh.clear_ids)) == []


def test_archive_names_and_bytes_reveal_nothing_without_the_key(wh):
    register = _register(wh.settings)
    keys = ac.ArchiveKeys.from_settings(wh.settings)
    names = {p.stem for p in wh.settings.archive.rglob("*.swa")}
    for sha in register["sha256"]:
        assert sha not in names  # hashing a guessed file does not find it
        assert ac.path_for(wh.settings.archive, keys, sha).stem in names
    other = ac.ArchiveKeys.from_roots(b"someone-else's-secret")
    assert not names & {other.file_name(sha) for sha in register["sha256"]}
    for row in register.head(5).iter_rows(named=True):
        clear = (wh.landing / row["file"]).read_bytes()
        blob = ac.path_for(wh.settings.archive, keys, row["sha256"]).read_bytes()
        assert blob.startswith(ac.MAGIC) and clear not in blob
        assert ac.read(wh.settings.archive, keys, row["sha256"]) == clear
        with pytest.raises(ac.ArchiveError):
            ac.decrypt(other, blob, ac.path_for(wh.settings.archive, keys, row["sha256"]).stem)


def test_altered_or_swapped_files_do_not_decrypt(copy):
    keys = ac.ArchiveKeys.from_settings(copy)
    a, b = _register(copy)["sha256"].head(2)
    pa, pb = (ac.path_for(copy.archive, keys, s) for s in (a, b))
    blob = bytearray(pa.read_bytes())
    blob[-3] ^= 0x01
    pa.write_bytes(bytes(blob))
    with pytest.raises(ac.ArchiveError, match="altered"):
        ac.read(copy.archive, keys, a)
    shutil.copyfile(pb, pa)  # another delivery's ciphertext under this name
    with pytest.raises(ac.ArchiveError):
        ac.read(copy.archive, keys, a)


def test_rotation_re_encrypts_without_loss_and_keeps_pseudonyms(copy, monkeypatch):
    old = ac.ArchiveKeys.from_settings(copy)
    register = _register(copy)
    before = {s: ac.read(copy.archive, old, s) for s in register["sha256"]}
    pseudos = delta_io.read(copy.bronze("attendance"))["id_number_pseudo"].unique().sort()

    monkeypatch.setenv("SKILLWATCH_ARCHIVE_KEY", "the-new-archive-root-2027")
    copy = get_settings(copy.warehouse, copy.landing)  # the settings read the new key
    new = ac.ArchiveKeys.from_settings(copy)
    assert new.current.key_id != old.current.key_id
    summary = ac.rotate(copy.archive, new)
    assert (summary.rotated, summary.failed) == (len(before), [])
    assert ac.rotate(copy.archive, new).already_current == len(before)  # idempotent
    for sha, clear in before.items():
        blob = ac.path_for(copy.archive, new, sha).read_bytes()
        assert ac.key_id_of(blob) == new.current.key_id
        assert ac.read(copy.archive, new, sha) == clear
    # the old key alone opens nothing any more
    only_new = ac.ArchiveKeys.from_roots(copy.secret_key, b"the-new-archive-root-2027")
    assert ac.read(copy.archive, only_new, register["sha256"][0]) == before[register["sha256"][0]]
    with pytest.raises(ac.ArchiveError, match="key id"):
        ac.read(copy.archive, old, register["sha256"][0])

    # a delivery after the rotation: the same people get the same pseudonyms
    rows = [
        {**r, "record_id": r["record_id"] + "b"}  # new records of the same people
        for r in small_district_rows("310104")["attendance"][:-1]
    ]
    write_delivery(copy.landing, "310104", "attendance", "attendance_20260910.csv", rows)
    try:
        ingest(copy)
    finally:
        (copy.landing / "310104" / "attendance" / "attendance_20260910.csv").unlink()
    after = delta_io.read(copy.bronze("attendance"))
    new_file = after.filter(pl.col("src_file").str.ends_with("attendance_20260910.csv"))
    assert new_file.height == len(rows)
    assert set(new_file["id_number_pseudo"]) <= set(pseudos)
    assert ac.exists(copy.archive, new, new_file["src_sha256"][0])  # under the new key
    assert (
        ac.key_id_of(ac.path_for(copy.archive, new, new_file["src_sha256"][0]).read_bytes())
        == new.current.key_id
    )


def test_rotation_encrypts_a_clear_legacy_archive(copy):
    keys = ac.ArchiveKeys.from_settings(copy)
    row = _register(copy).row(0, named=True)
    clear = ac.read(copy.archive, keys, row["sha256"])
    ac.path_for(copy.archive, keys, row["sha256"]).unlink()
    legacy = copy.archive / row["sha256"][:2] / (row["sha256"] + ".csv")  # the old layout
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_bytes(clear)
    summary = ac.rotate(copy.archive, keys)
    assert summary.encrypted_legacy == 1 and not legacy.exists()
    assert ac.read(copy.archive, keys, row["sha256"]) == clear


def test_show_decrypts_only_with_a_purpose_and_logs_who_and_when(copy, tmp_path, capsys):
    row = _register(copy).filter(pl.col("feed") == "enrolments").row(0, named=True)
    out = tmp_path / "reid.csv"
    with pytest.raises(SystemExit):
        ac.main_archive(["--warehouse", str(copy.warehouse), "show", row["sha256"][:12]])
    assert not ac.access_log_path(copy).exists()
    code = ac.main_archive(
        ["--warehouse", str(copy.warehouse), "show", row["sha256"][:12], "--out", str(out),
         "--purpose", "case 2026-117 subsidy recovery", "--who", "inspector.li"]
    )  # fmt: skip
    assert code == 0
    assert out.read_bytes() == (copy.landing / row["file"]).read_bytes()
    assert out.stat().st_mode & 0o077 == 0
    log = delta_io.read(ac.access_log_path(copy))
    assert log.select("who", "purpose", "sha256", "file").row(0) == (
        "inspector.li", "case 2026-117 subsidy recovery", row["sha256"], row["file"],
    )  # fmt: skip
    assert log["accessed_at"][0] is not None
    # by the registered file name, to stdout
    code = ac.main_archive(
        ["--warehouse", str(copy.warehouse), "show", row["file"], "--purpose", "audit"]
    )
    assert code == 0 and delta_io.read(ac.access_log_path(copy)).height == 2
    unknown = ["--warehouse", str(copy.warehouse), "show", "0" * 12, "--purpose", "x"]
    assert ac.main_archive(unknown) == 1


def test_w10_history_reads_the_encrypted_archive(copy):
    from pipelines.alerts.history import read_versions

    rows = [
        {**r, "address": "上海市黄浦区中山南路100号", "status": "暂停"}
        for r in small_district_rows("310104")["institutions"]
    ]
    name = "institutions_20260911.csv"
    write_delivery(copy.landing, "310104", "institutions", name, rows)
    try:
        ingest(copy)
    finally:
        (copy.landing / "310104" / "institutions" / name).unlink()
    versions = read_versions(copy)  # decrypted from the archive, in memory
    mine = versions.filter(pl.col("delivery_file").str.ends_with(name))
    assert mine.select("institution_id", "institution_status").rows() == [
        (rows[0]["institution_id"], "暂停")
    ]
