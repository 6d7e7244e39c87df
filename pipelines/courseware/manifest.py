"""``imsmanifest.xml`` (IMS Content Packaging as used by SCORM 1.2 and SCORM 2004) parsed
into what the catalogue needs: identity, version, organisations, items, SCOs, resources and
the files they reference.

Telling 1.2 from 2004 (SCORM CAM): ``metadata/schemaversion`` says ``1.2``, ``CAM 1.3``
(2004 2nd edition) or ``2004 3rd/4th Edition``; when it is absent the namespaces decide
(``adlcp_rootv1p2`` is 1.2, ``adlcp_v1p3`` / ``imsss`` are 2004). 1.2 spells the attribute
``adlcp:scormtype``, 2004 ``adlcp:scormType``; both are read.

The manifest is untrusted: a DOCTYPE or entity declaration is refused before parsing (no
entity expansion, no external fetch), and its size is capped by the caller.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
_NS_12 = ("adlcp_rootv1p2", "imscp_rootv1p1p2")
_NS_2004 = ("adlcp_v1p3", "imsss", "adlseq_v1p3", "adlnav_v1p3")


class ManifestError(Exception):
    """The manifest cannot be read as a content package (the detail says why)."""


@dataclass
class Manifest:
    standard: str  # SCORM1.2 | SCORM2004 | unknown (a plain IMS content package)
    standard_version: str | None  # schemaversion as written, e.g. "1.2", "2004 4th Edition"
    identifier: str | None
    title: str | None
    organisations: list[tuple[str, str | None]]  # (identifier, title)
    default_organisation: str | None
    items: int  # items that launch a resource (identifierref)
    sco_count: int
    resources: int
    # package paths the manifest points at (resource hrefs, files, metadata locations)
    referenced: set[str] = field(default_factory=set)
    # (code, detail) findings of the manifest itself
    findings: list[tuple[str, str]] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in element if _local(c.tag) == name]


def _child(element: ET.Element, name: str) -> ET.Element | None:
    found = _children(element, name)
    return found[0] if found else None


def _attr(element: ET.Element, name: str) -> str | None:
    """An attribute by local name, case-insensitively (scormtype / scormType)."""
    for key, value in element.attrib.items():
        if _local(key).lower() == name.lower():
            return value.strip()
    return None


def _text(element: ET.Element | None) -> str | None:
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def _title(element: ET.Element) -> str | None:
    return _text(_child(element, "title"))


def _version(root: ET.Element, raw: bytes) -> tuple[str, str | None, list[tuple[str, str]]]:
    metadata = _child(root, "metadata")
    written = _text(_child(metadata, "schemaversion")) if metadata is not None else None
    text = raw.decode("utf-8", "replace")
    by_ns = (
        "SCORM2004"
        if any(ns in text for ns in _NS_2004)
        else ("SCORM1.2" if any(ns in text for ns in _NS_12) else None)
    )
    if written is None:
        return by_ns or "unknown", None, []
    if written == "1.2":
        by_schema = "SCORM1.2"
    elif "2004" in written or written.upper().startswith("CAM 1.3"):
        by_schema = "SCORM2004"
    else:
        return by_ns or "unknown", written, [("version_unknown", f"schemaversion {written}")]
    findings = []
    if by_ns and by_ns != by_schema:
        findings.append(("version_conflict", f"schemaversion {written},命名空间为 {by_ns}"))
    return by_schema, written, findings


def _join(base: str, href: str) -> str | None:
    """A package path for ``href`` relative to ``base``; None for a URL (not a file)."""
    parts = urlsplit(href)
    if parts.scheme or href.startswith("//"):
        return None
    path = unquote(parts.path)
    if not path:
        return None
    return posixpath.normpath(posixpath.join(base, path.lstrip("/")))


def parse(raw: bytes, base: str = "") -> Manifest:
    """The manifest's content; ``base`` is its folder inside the package ("" at the root)."""
    head = raw[:4096].upper()
    if b"<!DOCTYPE" in head or b"<!ENTITY" in raw.upper():
        raise ManifestError("含 DOCTYPE/ENTITY 声明(不予解析)")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as e:
        raise ManifestError(f"XML 无法解析: {e}") from None
    if _local(root.tag) != "manifest":
        raise ManifestError(f"根元素为 <{_local(root.tag)}>,不是 <manifest>")
    standard, written, findings = _version(root, raw)

    root_base = posixpath.join(base, root.get(XML_BASE, ""))
    organisations_el = _child(root, "organizations")
    organisations: list[tuple[str, str | None]] = []
    items = []
    if organisations_el is not None:
        for org in _children(organisations_el, "organization"):
            organisations.append((org.get("identifier", ""), _title(org)))
            items += [i for i in org.iter() if _local(i.tag) == "item"]
    default = organisations_el.get("default") if organisations_el is not None else None

    resources_el = _child(root, "resources")
    resources = _children(resources_el, "resource") if resources_el is not None else []
    if not resources:
        raise ManifestError("没有 <resources>/<resource>")
    resources_base = posixpath.join(
        root_base, resources_el.get(XML_BASE, "") if resources_el is not None else ""
    )
    ids = {r.get("identifier") for r in resources}
    referenced: set[str] = set()
    outside = []
    sco_count = 0
    for res in resources:
        res_base = posixpath.join(resources_base, res.get(XML_BASE, ""))
        if (_attr(res, "scormtype") or "").lower() == "sco":
            sco_count += 1
        hrefs = [res.get("href")] + [f.get("href") for f in _children(res, "file")]
        hrefs += [_text(loc) for loc in res.iter() if _local(loc.tag) == "location"]
        for href in filter(None, hrefs):
            path = _join(res_base, href.strip())
            if path is None:
                continue
            if path == ".." or path.startswith("../"):
                outside.append(href)
            else:
                referenced.add(path)
        for dep in _children(res, "dependency"):
            if dep.get("identifierref") not in ids:
                findings.append(
                    ("dependency_missing", f"{res.get('identifier')} → {dep.get('identifierref')}")
                )
    # metadata files of the manifest itself (adlcp:location at the top)
    metadata = _child(root, "metadata")
    if metadata is not None:
        for loc in metadata.iter():
            if _local(loc.tag) == "location" and _text(loc):
                path = _join(root_base, _text(loc))
                if path:
                    referenced.add(path)
    launching = [i for i in items if i.get("identifierref")]
    for item in launching:
        if item.get("identifierref") not in ids:
            findings.append(
                ("item_resource_missing", f"{item.get('identifier')} → {item.get('identifierref')}")
            )
    findings += [("reference_outside_package", href) for href in outside]
    if not organisations:
        findings.append(("no_organisation", "没有 <organization>"))

    default_org = next((o for o in organisations if o[0] == default), None)
    first_org = default_org or (organisations[0] if organisations else None)
    title = (first_org[1] if first_org else None) or _metadata_title(root)
    return Manifest(
        standard=standard,
        standard_version=written,
        identifier=root.get("identifier"),
        title=title,
        organisations=organisations,
        default_organisation=default,
        items=len(launching),
        sco_count=sco_count,
        resources=len(resources),
        referenced=referenced,
        findings=findings,
    )


_SPACE = re.compile(r"\s+")


def _metadata_title(root: ET.Element) -> str | None:
    """The LOM general/title of the manifest's inline metadata, when no organisation has one."""
    for el in root.iter():
        if _local(el.tag) == "general":
            title = _child(el, "title")
            if title is not None and _text(title):
                return _SPACE.sub(" ", _text(title))
    return None
