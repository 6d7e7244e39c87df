"""The courseware catalogue on packages built as publishers deliver them, hostile ones
included: what each row says, which findings it carries, and that nothing is unpacked."""

from __future__ import annotations

import os
import zipfile

import polars as pl
import pytest
from packages import (
    ELECTRICIAN,
    aicc_set,
    encrypted,
    scorm12_files,
    scorm12_manifest,
    scorm2004,
    traversal,
    valid_scorm12,
    write_zip,
    zip_bomb,
)

from pipelines.courseware.catalogue import catalogue_folder, link_courses
from pipelines.courseware.zipsafe import Limits, entry_path


@pytest.fixture(scope="module")
def library(tmp_path_factory):
    """A courseware folder with one package of every kind the catalogue must handle."""
    folder = tmp_path_factory.mktemp("landing") / "courseware"
    valid_scorm12(folder / "JX013.zip")
    # the same course re-zipped uncompressed under another name: same content
    with zipfile.ZipFile(folder / "JX013.zip") as src:
        entries = {i.filename: src.read(i) for i in src.infolist()}
    write_zip(folder / "电工安全-副本.zip", dict(reversed(entries.items())), compression=0)
    scorm2004(folder / "publisher-b/fire_2004.zip")
    aicc_set(folder / "aicc/JX007.zip")
    write_zip(
        folder / "broken_manifest.zip",
        {"imsmanifest.xml": '<manifest identifier="X"><organizations>', "a.html": "a"},
    )
    no_lesson2 = {k: v for k, v in scorm12_files(ELECTRICIAN).items() if "lesson2" not in k}
    write_zip(
        folder / "missing_file.zip",
        {"imsmanifest.xml": scorm12_manifest("JX014", "缺文件", ELECTRICIAN), **no_lesson2},
    )
    write_zip(folder / "no_manifest.zip", {"index.html": "<html/>", "player.js": "x"})
    zip_bomb(folder / "bomb.zip")
    traversal(folder / "evil.zip")
    encrypted(folder / "locked.zip")
    (folder / "readme.zip").write_text("这不是压缩包,是一段说明文字。", encoding="utf-8")
    (folder / "catalogue.pdf").write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
    before = sorted(p for p in folder.parent.rglob("*"))
    catalogue, findings, read = catalogue_folder(folder)
    return folder, before, catalogue, findings, read


def _row(catalogue: pl.DataFrame, name: str) -> dict:
    return catalogue.filter(pl.col("package_file") == name).row(0, named=True)


def _codes(findings: pl.DataFrame, name: str) -> set[str]:
    return set(findings.filter(pl.col("package_file") == name)["code"])


def test_every_delivered_file_is_catalogued_and_nothing_is_unpacked(library):
    folder, before, catalogue, _, read = library
    assert read == catalogue.height == 12
    assert sorted(p for p in folder.parent.rglob("*")) == before  # no file was extracted
    assert not list(folder.parent.parent.rglob("cron.d"))


def test_scorm12_package_with_two_scos(library):
    _, _, catalogue, findings, _ = library
    row = _row(catalogue, "JX013.zip")
    assert row["status"] == "ok" and row["reason"] is None
    assert (row["standard"], row["standard_version"]) == ("SCORM1.2", "1.2")
    assert (row["identifier"], row["title"]) == ("JX013", "电工实训安全规范")
    assert (row["organisations"], row["items"], row["sco_count"], row["resources"]) == (1, 2, 2, 3)
    # manifest + schema file + 2 shared files + 3 SCO files; the .xsd needs no reference
    assert (row["files_in_package"], row["files_referenced"]) == (7, 5)
    assert (row["files_missing"], row["files_unreferenced"]) == (0, 0)
    assert len(row["content_sha256"]) == 64 and row["content_bytes"] > 0
    assert _codes(findings, "JX013.zip") == set()


def test_scorm2004_package_told_apart_by_its_schemaversion(library):
    _, _, catalogue, findings, _ = library
    row = _row(catalogue, "publisher-b/fire_2004.zip")
    assert (row["standard"], row["standard_version"]) == ("SCORM2004", "2004 4th Edition")
    assert (row["organisations"], row["default_organisation"]) == (2, "ORG-A")
    assert row["organisation_titles"] == "消防安全知识 | 消防安全知识(复习版)"
    # xml:base="content/" and a %20-encoded file name resolve to the files in the zip;
    # a query string on a launch href is not part of the file name
    assert (row["items"], row["sco_count"], row["files_missing"]) == (4, 3, 0)
    assert row["status"] == "ok"
    extra = findings.filter(pl.col("package_file") == "publisher-b/fire_2004.zip")
    assert extra.select("code", "detail", "severity").rows() == [
        ("file_unreferenced", "content/notes/draft.docx", "warning")
    ]


def test_aicc_course_set(library):
    _, _, catalogue, findings, _ = library
    row = _row(catalogue, "aicc/JX007.zip")
    assert (row["standard"], row["standard_version"]) == ("AICC", "4.0")
    assert (row["identifier"], row["title"]) == ("JX007", "工匠精神与职业道德")
    assert (row["sco_count"], row["files_referenced"], row["files_unreferenced"]) == (2, 2, 0)
    assert row["status"] == "ok" and _codes(findings, "aicc/JX007.zip") == set()


def test_broken_and_incomplete_packages_are_kept_as_defective(library):
    _, _, catalogue, findings, _ = library
    broken = _row(catalogue, "broken_manifest.zip")
    assert (broken["status"], broken["reason"]) == ("defective", "manifest_malformed")
    assert broken["content_sha256"] is not None  # readable: its content is still known
    missing = _row(catalogue, "missing_file.zip")
    assert (missing["status"], missing["reason"], missing["files_missing"]) == (
        "defective",
        "file_missing",
        1,
    )
    detail = findings.filter(
        (pl.col("package_file") == "missing_file.zip") & (pl.col("code") == "file_missing")
    )["detail"]
    assert detail.to_list() == ["lesson2/index.html"]
    assert _row(catalogue, "no_manifest.zip")["reason"] == "manifest_missing"


@pytest.mark.parametrize(
    ("name", "reason", "detail_has"),
    [
        ("bomb.zip", "zip_bomb", "payload.bin"),
        ("evil.zip", "path_traversal", "../../etc/cron.d/evil"),
        ("locked.zip", "encrypted", "imsmanifest.xml"),
        ("readme.zip", "not_a_zip", ""),
        ("catalogue.pdf", "not_a_zip", ""),
    ],
)
def test_hostile_files_are_rejected_with_their_reason_never_read(library, name, reason, detail_has):
    _, _, catalogue, findings, _ = library
    row = _row(catalogue, name)
    assert (row["status"], row["reason"]) == ("rejected", reason)
    assert row["content_sha256"] is None and row["title"] is None and row["file_bytes"] > 0
    found = findings.filter((pl.col("package_file") == name) & (pl.col("code") == reason))
    assert found.height == 1 and detail_has in found["detail"][0]
    assert found["message_zh"][0]


def test_same_content_under_another_name_is_an_exact_duplicate(library):
    _, _, catalogue, findings, _ = library
    original, copy = _row(catalogue, "JX013.zip"), _row(catalogue, "电工安全-副本.zip")
    assert copy["content_sha256"] == original["content_sha256"]
    assert copy["file_bytes"] != original["file_bytes"]  # stored, not deflated
    assert (original["duplicate_of"], copy["duplicate_of"]) == (None, "JX013.zip")
    dup = findings.filter(pl.col("code") == "duplicate_content")
    assert dup.select("package_file", "detail").rows() == [("电工安全-副本.zip", "JX013.zip")]
    # the missing-file variant shares most files, not the content
    assert _row(catalogue, "missing_file.zip")["duplicate_of"] is None


def test_declared_size_over_the_cap_is_a_bomb_whatever_the_ratio(tmp_path):
    folder = tmp_path / "courseware"
    valid_scorm12(folder / "JX013.zip")
    catalogue, findings, _ = catalogue_folder(folder, limits=Limits(max_uncompressed_bytes=500))
    assert catalogue.select("status", "reason").row(0) == ("rejected", "zip_bomb")


def test_unchanged_files_are_not_read_again_and_changed_ones_are(tmp_path):
    folder = tmp_path / "courseware"
    valid_scorm12(folder / "JX013.zip")
    write_zip(folder / "no_manifest.zip", {"index.html": "<html/>"})
    catalogue, findings, read = catalogue_folder(folder)
    again, again_findings, read_again = catalogue_folder(folder, catalogue, findings)
    assert (read, read_again) == (2, 0)
    assert again.equals(catalogue) and again_findings.equals(findings)
    valid_scorm12(folder / "no_manifest.zip")  # replaced by a copy of the course
    os.utime(folder / "no_manifest.zip", (4_000_000_000, 4_000_000_000))  # delivered later
    third, third_findings, read_third = catalogue_folder(folder, again, again_findings)
    assert read_third == 1
    assert _row(third, "no_manifest.zip")["identifier"] == "JX013"
    assert "manifest_missing" not in set(third_findings["code"])
    # a duplicate found although the other row was kept as it was
    assert _row(third, "no_manifest.zip")["duplicate_of"] == "JX013.zip"
    assert set(third_findings["code"]) == {"duplicate_content"}


def test_a_missing_courseware_folder_gives_empty_typed_tables(tmp_path):
    catalogue, findings, read = catalogue_folder(tmp_path / "courseware")
    assert (catalogue.height, findings.height, read) == (0, 0, 0)
    assert catalogue.schema["content_sha256"] == pl.String
    assert findings.columns[:3] == ["package_file", "code", "severity"]


def test_entry_paths_escaping_the_package():
    assert entry_path("a/./b.html") == "a/b.html"
    assert entry_path(".htaccess") == ".htaccess"
    for hostile in ("../x", "a/../../x", "/etc/passwd", "C:/x", "a\\..\\..\\x"):
        assert entry_path(hostile) is None


def test_courses_link_to_packages_by_identifier_file_name_or_title(library):
    _, _, catalogue, _, _ = library
    courses = pl.DataFrame(
        {
            "course_id": ["JX013", "JX007", "JX050", "JX200", "GY001", "bomb"],
            "title": ["电工实训安全规范", "工匠精神", "消防 安全知识", "无课件课程", "视频", "x"],
            "kind": ["SCORM1.2", "SCORM1.2", "SCORM1.2", "SCORM1.2", "video", "SCORM1.2"],
            "sco_count": [2, 3, None, 1, None, 1],
        }
    )
    links = link_courses(catalogue, courses)
    by_course = {
        (r["course_id"], r["package_file"]): r
        for r in links.filter(pl.col("course_id").is_not_null()).iter_rows(named=True)
    }
    # both copies of JX013 carry its identifier
    assert by_course[("JX013", "JX013.zip")]["match_by"] == "identifier"
    assert by_course[("JX013", "电工安全-副本.zip")]["sco_count_agrees"] is True
    jx007 = by_course[("JX007", "aicc/JX007.zip")]
    assert (jx007["sco_count_agrees"], jx007["standard_agrees"]) == (False, False)
    fire = by_course[("JX050", "publisher-b/fire_2004.zip")]
    assert (fire["match_by"], fire["sco_count_agrees"], fire["standard_agrees"]) == (
        "title",
        None,
        False,
    )
    assert by_course[("JX200", None)]["link_status"] == "course_without_package"
    assert by_course[("bomb", "bomb.zip")]["match_by"] == "file_name"  # even a rejected one
    assert not links.filter(pl.col("course_id") == "GY001").height  # videos have no package
    unlinked = links.filter(pl.col("link_status") == "package_without_course")
    assert "broken_manifest.zip" in unlinked["package_file"].to_list()
    assert unlinked["course_id"].null_count() == unlinked.height


def test_a_package_zipped_with_its_folder_and_an_entity_laden_manifest(tmp_path):
    folder = tmp_path / "courseware"
    nested = {
        f"电工课程/{name}": data
        for name, data in {
            "imsmanifest.xml": scorm12_manifest("JX013", "电工实训安全规范", ELECTRICIAN),
            **scorm12_files(ELECTRICIAN),
        }.items()
    }
    write_zip(folder / "nested.zip", nested)
    xxe = (
        '<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<manifest identifier="X"><resources><resource identifier="R" href="&x;"/>'
        "</resources></manifest>"
    )
    write_zip(folder / "xxe.zip", {"imsmanifest.xml": xxe})
    catalogue, findings, _ = catalogue_folder(folder)
    row = _row(catalogue, "nested.zip")
    # files resolve against the manifest's folder: nothing missing, a warning only
    assert (row["status"], row["sco_count"], row["files_missing"]) == ("ok", 2, 0)
    assert _codes(findings, "nested.zip") == {"manifest_not_at_root"}
    bad = _row(catalogue, "xxe.zip")
    assert (bad["status"], bad["reason"]) == ("defective", "manifest_malformed")
    assert "DOCTYPE" in findings.filter(pl.col("package_file") == "xxe.zip")["detail"][0]


def test_the_first_delivered_copy_is_the_original(tmp_path):
    folder = tmp_path / "courseware"
    valid_scorm12(folder / "JX013.zip")
    valid_scorm12(folder / "JX013-备份.zip")  # sorts first by name, delivered later
    os.utime(folder / "JX013.zip", (1_700_000_000, 1_700_000_000))
    catalogue, _, _ = catalogue_folder(folder)
    assert _row(catalogue, "JX013-备份.zip")["duplicate_of"] == "JX013.zip"
    assert _row(catalogue, "JX013.zip")["duplicate_of"] is None


def test_a_damaged_entry_rejects_the_package_as_corrupt(tmp_path):
    folder = tmp_path / "courseware"
    path = valid_scorm12(folder / "JX013.zip")
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("lesson1/index.html")
    # flip a byte inside that entry's stored data (after its 30-byte local header + name)
    at = info.header_offset + 30 + len(info.filename) + 2
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))
    catalogue, findings, _ = catalogue_folder(folder)
    assert catalogue.select("status", "reason").row(0) == ("rejected", "corrupt")
    assert findings["code"].to_list() == ["corrupt"]
