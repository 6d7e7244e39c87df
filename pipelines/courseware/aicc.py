"""An AICC course set (CMI001 course structure files) read into the catalogue's terms.

The set is four files with the same stem: ``.crs`` (course description, INI-like
``[Course]`` with Course_ID, Course_Title, Version, Total_AUs), ``.au`` (one assignable
unit per CSV row: System_ID, Type, File_Name, ...), ``.des`` (titles of the units) and
``.cst`` (the structure: blocks and their members). An AU is AICC's SCO; its File_Name is
the file it launches (or a URL). A set lacking one of the four is malformed.
"""

from __future__ import annotations

import csv
import io
import posixpath
from dataclasses import dataclass, field

from pipelines.courseware.manifest import ManifestError, _join

REQUIRED = (".crs", ".au", ".des", ".cst")


@dataclass
class AiccCourse:
    identifier: str | None
    title: str | None
    version: str | None
    blocks: int
    au_count: int
    referenced: set[str] = field(default_factory=set)
    findings: list[tuple[str, str]] = field(default_factory=list)


def decode(raw: bytes) -> str:
    """AICC files come from Windows authoring tools: UTF-8 (with BOM) or GB18030."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1")


def parse_crs(text: str) -> dict[str, dict[str, str]]:
    """Sections -> keys (lower-case) -> values; a tolerant INI reader (free text under
    [Course_Description] has no ``=``, keys repeat in the wild)."""
    sections: dict[str, dict[str, str]] = {}
    current = sections.setdefault("", {})
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1].strip().lower(), {})
        elif "=" in line:
            key, _, value = line.partition("=")
            current.setdefault(key.strip().lower(), value.strip())
        else:
            current["_text"] = (current.get("_text", "") + " " + line).strip()
    return sections


def parse_table(text: str) -> list[dict[str, str]]:
    """A CSV file of the set, headers lower-cased."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return []
    header = [h.strip().lower() for h in rows[0]]
    return [
        {h: v.strip() for h, v in zip(header, row, strict=False)}
        for row in rows[1:]
        if any(v.strip() for v in row)
    ]


def find_set(paths: list[str]) -> dict[str, str] | None:
    """Extension -> package path of the AICC files, or None when there is no .crs."""
    by_ext: dict[str, list[str]] = {}
    for path in paths:
        ext = posixpath.splitext(path)[1].lower()
        if ext in REQUIRED:
            by_ext.setdefault(ext, []).append(path)
    if ".crs" not in by_ext:
        return None
    crs = sorted(by_ext[".crs"])[0]
    stem = posixpath.splitext(crs)[0].lower()
    chosen = {}
    for ext, found in by_ext.items():
        same_stem = [p for p in found if posixpath.splitext(p)[0].lower() == stem]
        chosen[ext] = sorted(same_stem or found)[0]
    return chosen


def parse(files: dict[str, bytes]) -> AiccCourse:
    """``files``: extension -> bytes for the set's files that exist (.crs at least)."""
    missing = [ext for ext in REQUIRED if ext not in files]
    crs = parse_crs(decode(files[".crs"]))
    course = crs.get("course", {})
    if not course:
        raise ManifestError("AICC .crs 缺少 [Course] 段")
    units = parse_table(decode(files[".au"])) if ".au" in files else []
    descriptions = parse_table(decode(files[".des"])) if ".des" in files else []
    structure = parse_table(decode(files[".cst"])) if ".cst" in files else []
    if missing:
        raise ManifestError("AICC 课程缺少 " + "、".join(missing))
    findings = []
    declared = course.get("total_aus")
    if declared and declared.isdigit() and int(declared) != len(units):
        findings.append(("aicc_count_mismatch", f"Total_AUs={declared},.au 中 {len(units)} 个"))
    referenced = set()
    for unit in units:
        name = unit.get("file_name") or ""
        path = _join("", name.replace("\\", "/")) if name else None
        if path and not path.startswith("../"):
            referenced.add(path)
    blocks = {row.get("block") for row in structure if row.get("block")} - {"root"}
    titles = {d.get("system_id"): d.get("title") for d in descriptions}
    return AiccCourse(
        identifier=course.get("course_id"),
        title=course.get("course_title")
        or titles.get(units[0].get("system_id") if units else None),
        version=course.get("version"),
        blocks=max(len(blocks), 1),
        au_count=len(units),
        referenced=referenced,
        findings=findings,
    )
