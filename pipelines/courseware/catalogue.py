"""The courseware catalogue: one row per delivered file under ``<landing>/courseware/``,
its integrity findings, exact duplicates and the link to the e-learning courses.

Pure functions over files and frames; the Dagster asset (``assets.py``) only reads the
previous tables, calls ``catalogue_folder`` and ``link_courses`` and writes the results.

A package is read as a stream from its zip, never unpacked to disk. Its status:
- ``rejected``: not read at all (no zip, encrypted, a zip bomb, an entry escaping the
  package, a corrupt entry) - kept in the catalogue with the reason, never extracted;
- ``defective``: readable, but the manifest is missing or malformed, or it references
  files the package does not contain;
- ``ok``: possibly with warnings (files never referenced, an unusual version).
``content_sha256`` hashes the entries (path and bytes, in path order), not the zip file:
the same course re-zipped by another tool, or delivered under another name, has the same
hash (an exact duplicate), while any changed byte or renamed file changes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.courseware import aicc, manifest
from pipelines.courseware.zipsafe import (
    DEFAULT_LIMITS,
    Budget,
    Limits,
    Refused,
    entry_path,
    files,
    read_capped,
    read_chunks,
    refusal,
)

# bump when parsing changes: every package is catalogued again on the next run
PARSER_VERSION = 1
# per package and finding code, at most this many file-level findings (a publisher who
# declares only the launch file leaves thousands of "unreferenced" files)
MAX_FINDINGS_PER_CODE = 50

# code -> (severity, 中文说明). Order matters: the first code a package has is its reason.
FINDINGS: dict[str, tuple[str, str]] = {
    "not_a_zip": ("rejected", "不是 zip 文件"),
    "encrypted": ("rejected", "zip 条目已加密,无法读取"),
    "zip_bomb": ("rejected", "疑似压缩炸弹(解压大小或压缩比超限),未读取"),
    "path_traversal": ("rejected", "条目路径越出课件包(../ 或绝对路径),未读取"),
    "corrupt": ("rejected", "zip 条目损坏(校验失败或压缩方式不支持)"),
    "manifest_missing": ("defect", "缺少 imsmanifest.xml(也不是 AICC 课程)"),
    "manifest_malformed": ("defect", "清单文件格式错误"),
    "file_missing": ("defect", "清单引用的文件在包中不存在"),
    "item_resource_missing": ("defect", "目录项引用的资源不存在"),
    "dependency_missing": ("defect", "资源依赖的资源不存在"),
    "reference_outside_package": ("defect", "清单引用了包外的文件"),
    "file_unreferenced": ("warning", "包中文件未被清单引用"),
    "manifest_not_at_root": ("warning", "imsmanifest.xml 不在包根目录"),
    "version_unknown": ("warning", "无法识别的 schemaversion"),
    "version_conflict": ("warning", "schemaversion 与命名空间不一致"),
    "no_organisation": ("warning", "清单没有课程结构(organization)"),
    "aicc_count_mismatch": ("warning", "AICC 声明的 AU 数与 .au 文件不符"),
    "duplicate_content": ("warning", "与另一课件包内容完全相同"),
}
SEVERITY_ZH = {"rejected": "拒收", "defect": "缺陷", "warning": "警告"}

CATALOGUE_SCHEMA: dict[str, pl.DataType] = {
    "package_file": pl.String,  # path under <landing>/courseware/
    "file_bytes": pl.Int64,
    "modified_at": pl.Datetime("us", "UTC"),
    "status": pl.String,  # ok | defective | rejected
    "reason": pl.String,  # the first rejecting or defect finding code
    "standard": pl.String,  # SCORM1.2 | SCORM2004 | AICC | unknown; null when rejected
    "standard_version": pl.String,
    "identifier": pl.String,
    "title": pl.String,
    "organisations": pl.Int32,
    "organisation_titles": pl.String,
    "default_organisation": pl.String,
    "items": pl.Int32,
    "sco_count": pl.Int32,
    "resources": pl.Int32,
    "files_in_package": pl.Int32,
    "files_referenced": pl.Int32,
    "files_missing": pl.Int32,
    "files_unreferenced": pl.Int32,
    "content_bytes": pl.Int64,
    "content_sha256": pl.String,
    "duplicate_of": pl.String,  # the first delivered package with the same content
    "catalogued_at": pl.Datetime("us", "UTC"),
    "parser_version": pl.Int32,
}
FINDINGS_SCHEMA: dict[str, pl.DataType] = {
    "package_file": pl.String,
    "code": pl.String,
    "severity": pl.String,
    "detail": pl.String,
    "message_zh": pl.String,
}
LINKS_SCHEMA: dict[str, pl.DataType] = {
    "course_id": pl.String,
    "course_title": pl.String,
    "course_kind": pl.String,
    "course_sco_count": pl.Int32,
    "package_file": pl.String,
    "package_identifier": pl.String,
    "package_status": pl.String,
    "package_standard": pl.String,
    "package_sco_count": pl.Int32,
    "match_by": pl.String,  # identifier | file_name | title
    "link_status": pl.String,  # linked | course_without_package | package_without_course
    "sco_count_agrees": pl.Boolean,
    "standard_agrees": pl.Boolean,
}

# files a package carries without the manifest naming them: the schema definitions
_SCHEMA_EXTENSIONS = (".xsd", ".dtd")


@dataclass(frozen=True)
class PackageFile:
    package_file: str
    path: Path
    file_bytes: int
    modified_at: dt.datetime


def list_packages(folder: Path) -> list[PackageFile]:
    """Every regular file under the courseware folder (any extension: a PDF dropped there
    is catalogued as 'not a zip', not ignored); hidden files are skipped."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if not path.is_file() or any(part.startswith(".") for part in rel.parts):
            continue
        stat = path.stat()
        modified = dt.datetime.fromtimestamp(stat.st_mtime, dt.UTC).replace(microsecond=0)
        found.append(PackageFile(rel.as_posix(), path, stat.st_size, modified))
    return found


def _finding(package: str, code: str, detail: str | None = None) -> dict:
    severity, zh = FINDINGS[code]
    return {
        "package_file": package,
        "code": code,
        "severity": severity,
        "detail": detail,
        "message_zh": zh,
    }


def _capped(package: str, code: str, details: list[str]) -> list[dict]:
    out = [_finding(package, code, d) for d in sorted(details)[:MAX_FINDINGS_PER_CODE]]
    if len(details) > MAX_FINDINGS_PER_CODE:
        out.append(_finding(package, code, f"另有 {len(details) - MAX_FINDINGS_PER_CODE} 个"))
    return out


def _content(zf: zipfile.ZipFile, budget: Budget) -> tuple[dict[str, zipfile.ZipInfo], str, int]:
    """Entries by package path, the content hash and the bytes decompressed."""
    entries = {entry_path(i.filename): i for i in files(zf)}
    digest = hashlib.sha256()
    total = 0
    for path in sorted(entries):
        per_file = hashlib.sha256()
        for chunk in read_chunks(zf, entries[path], budget):
            per_file.update(chunk)
            total += len(chunk)
        digest.update(f"{path}\0{per_file.hexdigest()}\n".encode())
    return entries, digest.hexdigest(), total


def _locate_manifest(paths: list[str]) -> tuple[str | None, list[dict]]:
    root = [p for p in paths if p.lower() == "imsmanifest.xml"]
    if root:
        return root[0], []
    nested = [p for p in paths if posixpath.basename(p).lower() == "imsmanifest.xml"]
    if len(nested) == 1:
        return nested[0], [("manifest_not_at_root", nested[0])]
    return None, []


def _describe(
    package: str,
    zf: zipfile.ZipFile,
    entries: dict[str, zipfile.ZipInfo],
    limits: Limits,
    budget: Budget,
) -> tuple[dict, list[dict]]:
    paths = sorted(entries)
    found: list[dict] = []
    manifest_path, notes = _locate_manifest(paths)
    found += [_finding(package, code, detail) for code, detail in notes]
    aicc_set = aicc.find_set(paths) if manifest_path is None else None
    described: dict = {}
    own_files: set[str] = set()
    try:
        if manifest_path is not None:
            raw = read_capped(zf, entries[manifest_path], limits.max_manifest_bytes, budget)
            described["standard"] = "unknown"
            m = manifest.parse(raw, base=posixpath.dirname(manifest_path))
            own_files = {manifest_path}
            described.update(
                standard=m.standard,
                standard_version=m.standard_version,
                identifier=m.identifier,
                title=m.title,
                organisations=len(m.organisations),
                organisation_titles=" | ".join(t or i for i, t in m.organisations) or None,
                default_organisation=m.default_organisation,
                items=m.items,
                sco_count=m.sco_count,
                resources=m.resources,
            )
            referenced, notes = m.referenced, m.findings
        elif aicc_set is not None:
            described["standard"] = "AICC"
            raw_set = {
                ext: read_capped(zf, entries[p], limits.max_manifest_bytes, budget)
                for ext, p in aicc_set.items()
            }
            own_files = set(aicc_set.values())
            c = aicc.parse(raw_set)
            described.update(
                standard_version=c.version,
                identifier=c.identifier,
                title=c.title,
                organisations=1,
                organisation_titles=c.title,
                items=c.au_count,
                sco_count=c.au_count,
                resources=c.au_count,
            )
            referenced, notes = c.referenced, c.findings
        else:
            found.append(_finding(package, "manifest_missing"))
            return described, found
    except manifest.ManifestError as e:
        found.append(_finding(package, "manifest_malformed", str(e)))
        return described, found
    except Refused as r:  # an oversized manifest
        found.append(_finding(package, r.code, r.detail))
        return described, found

    found += [_finding(package, code, detail) for code, detail in notes]
    missing = sorted(referenced - set(paths))
    unreferenced = [
        p
        for p in paths
        if p not in referenced and p not in own_files and not p.lower().endswith(_SCHEMA_EXTENSIONS)
    ]
    found += _capped(package, "file_missing", missing)
    found += _capped(package, "file_unreferenced", unreferenced)
    described.update(
        files_referenced=len(referenced & set(paths)),
        files_missing=len(missing),
        files_unreferenced=len(unreferenced),
    )
    return described, found


def _status(found: list[dict]) -> tuple[str, str | None]:
    codes = {f["code"] for f in found}
    for code, (severity, _) in FINDINGS.items():
        if code in codes and severity == "rejected":
            return "rejected", code
    for code, (severity, _) in FINDINGS.items():
        if code in codes and severity == "defect":
            return "defective", code
    return "ok", None


def catalogue_package(
    package: PackageFile, limits: Limits = DEFAULT_LIMITS, now: dt.datetime | None = None
) -> tuple[dict, list[dict]]:
    """The catalogue row and findings of one delivered file. Never raises on its content."""
    row: dict = dict.fromkeys(CATALOGUE_SCHEMA)
    row.update(
        package_file=package.package_file,
        file_bytes=package.file_bytes,
        modified_at=package.modified_at,
        catalogued_at=now or dt.datetime.now(dt.UTC),
        parser_version=PARSER_VERSION,
    )
    found: list[dict] = []
    name = package.package_file
    try:
        with zipfile.ZipFile(package.path) as zf:
            if (refused := refusal(zf, limits)) is not None:
                found.append(_finding(name, refused.code, refused.detail))
            else:
                budget = Budget(limits.max_uncompressed_bytes)
                entries, sha, total = _content(zf, budget)
                row.update(files_in_package=len(entries), content_bytes=total, content_sha256=sha)
                described, more = _describe(name, zf, entries, limits, budget)
                row.update(described)
                found += more
    except Refused as r:
        found.append(_finding(name, r.code, r.detail))
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as e:
        code = "corrupt" if zipfile.is_zipfile(package.path) else "not_a_zip"
        found.append(_finding(name, code, str(e)[:200]))
    except (NotImplementedError, EOFError, zlib.error, RuntimeError, ValueError, OSError) as e:
        # an unsupported compression method, a truncated stream, an encrypted entry that
        # slipped past the flag check, a file the library cannot read
        found.append(_finding(name, "corrupt", f"{type(e).__name__}: {str(e)[:200]}"))
    row["status"], row["reason"] = _status(found)
    if row["status"] == "rejected":  # nothing read from it counts
        for column in ("files_in_package", "content_bytes", "content_sha256"):
            row[column] = None
    return row, found


def mark_duplicates(catalogue: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """``duplicate_of`` set on every package whose content an earlier package has (the
    first delivered, by modification time, then by name: the copies came later), and one
    ``duplicate_content`` finding each."""
    first = (
        catalogue.filter(pl.col("content_sha256").is_not_null())
        .sort("modified_at", "package_file")
        .group_by("content_sha256", maintain_order=True)
        .agg(pl.col("package_file").first().alias("_first"))
    )
    marked = (
        catalogue.drop("duplicate_of")
        .join(first, on="content_sha256", how="left")
        .with_columns(
            pl.when(pl.col("_first") != pl.col("package_file"))
            .then(pl.col("_first"))
            .otherwise(None)
            .alias("duplicate_of")
        )
        .select(list(CATALOGUE_SCHEMA))
        .sort("package_file")
    )
    dups = marked.filter(pl.col("duplicate_of").is_not_null())
    findings = pl.DataFrame(
        [
            _finding(p, "duplicate_content", d)
            for p, d in dups.select("package_file", "duplicate_of").iter_rows()
        ],
        schema=FINDINGS_SCHEMA,
    )
    return marked, findings


def catalogue_folder(
    folder: Path,
    previous: pl.DataFrame | None = None,
    previous_findings: pl.DataFrame | None = None,
    limits: Limits = DEFAULT_LIMITS,
    now: dt.datetime | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame, int]:
    """Catalogue and findings of every file in ``folder``, and how many were (re)read.

    A file whose name, size and modification time match its previous row (same parser
    version) keeps that row and its findings: the library is ~2,100 GB, and hashing it in
    full on every run would take hours for nothing."""
    now = now or dt.datetime.now(dt.UTC)
    known: dict[str, dict] = {}
    if previous is not None and not previous.is_empty():
        known = {r["package_file"]: r for r in previous.iter_rows(named=True)}
    old_findings = (
        previous_findings
        if previous_findings is not None and not previous_findings.is_empty()
        else pl.DataFrame(schema=FINDINGS_SCHEMA)
    )
    rows, found, kept, read = [], [], [], 0
    for package in list_packages(folder):
        old = known.get(package.package_file)
        if (
            old is not None
            and old["file_bytes"] == package.file_bytes
            and old["modified_at"] == package.modified_at
            and old["parser_version"] == PARSER_VERSION
        ):
            rows.append(old)
            kept.append(package.package_file)
            continue
        row, more = catalogue_package(package, limits, now)
        rows.append(row)
        found += more
        read += 1
    catalogue = (
        pl.DataFrame(rows, schema=CATALOGUE_SCHEMA)
        if rows
        else pl.DataFrame(schema=CATALOGUE_SCHEMA)
    )
    catalogue, duplicate_findings = mark_duplicates(catalogue)
    findings = pl.concat(
        [
            old_findings.filter(
                pl.col("package_file").is_in(kept) & (pl.col("code") != "duplicate_content")
            ).select(list(FINDINGS_SCHEMA)),
            pl.DataFrame(found, schema=FINDINGS_SCHEMA),
            duplicate_findings,
        ]
    ).sort("package_file", "code", "detail", nulls_last=True)
    return catalogue, findings, read


def _normal_title(title: str | None) -> str | None:
    return "".join((title or "").split()).casefold() or None


def link_courses(catalogue: pl.DataFrame, courses: pl.DataFrame) -> pl.DataFrame:
    """Course <-> package: each packaged (non-video) e-learning course with the packages
    whose identifier equals its course_id, else whose file name (stem) does, else whose
    title does (spaces and case aside); courses and packages left over are listed too.

    ``courses`` has the bronze elearning_courses columns (course_id, title, kind, and
    sco_count when the export carries it)."""
    if courses.is_empty():
        courses = pl.DataFrame(
            schema={"course_id": pl.String, "title": pl.String, "kind": pl.String}
        )
    if "sco_count" not in courses.columns:
        courses = courses.with_columns(pl.lit(None, dtype=pl.Int32).alias("sco_count"))
    packaged = courses.filter(pl.col("kind").fill_null("") != "video")
    packages = list(catalogue.iter_rows(named=True))
    by_identifier: dict[str, list[dict]] = {}
    by_stem: dict[str, list[dict]] = {}
    by_title: dict[str, list[dict]] = {}
    for p in packages:
        if p["identifier"]:
            by_identifier.setdefault(p["identifier"].casefold(), []).append(p)
        stem = posixpath.splitext(posixpath.basename(p["package_file"]))[0].casefold()
        by_stem.setdefault(stem, []).append(p)
        if key := _normal_title(p["title"]):
            by_title.setdefault(key, []).append(p)

    rows, linked = [], set()
    for course in packaged.iter_rows(named=True):
        cid = (course["course_id"] or "").casefold()
        match_by, found = None, []
        for how, index, key in (
            ("identifier", by_identifier, cid),
            ("file_name", by_stem, cid),
            ("title", by_title, _normal_title(course["title"])),
        ):
            if key and index.get(key):
                match_by, found = how, index[key]
                break
        base = {
            "course_id": course["course_id"],
            "course_title": course["title"],
            "course_kind": course["kind"],
            "course_sco_count": course["sco_count"],
        }
        if not found:
            rows.append({**base, "link_status": "course_without_package"})
        for p in found:
            linked.add(p["package_file"])
            rows.append({**base, **_package_side(p), "match_by": match_by, "link_status": "linked"})
    for p in packages:
        if p["package_file"] not in linked:
            rows.append({**_package_side(p), "link_status": "package_without_course"})
    links = (
        pl.DataFrame([{**dict.fromkeys(LINKS_SCHEMA), **r} for r in rows], schema=LINKS_SCHEMA)
        if rows
        else pl.DataFrame(schema=LINKS_SCHEMA)
    )
    both = pl.col("link_status") == "linked"
    return links.with_columns(
        pl.when(
            both
            & pl.col("course_sco_count").is_not_null()
            & pl.col("package_sco_count").is_not_null()
        )
        .then(pl.col("course_sco_count") == pl.col("package_sco_count"))
        .alias("sco_count_agrees"),
        pl.when(both & pl.col("package_standard").is_not_null())
        .then(pl.col("course_kind") == pl.col("package_standard"))
        .alias("standard_agrees"),
    ).sort("course_id", "package_file", nulls_last=True)


def _package_side(p: dict) -> dict:
    return {
        "package_file": p["package_file"],
        "package_identifier": p["identifier"],
        "package_status": p["status"],
        "package_standard": p["standard"],
        "package_sco_count": p["sco_count"],
    }
