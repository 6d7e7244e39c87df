"""Courseware packages as publishers deliver them, built in the test's tmp folder."""

from __future__ import annotations

import zipfile
from pathlib import Path

SCORM12_NS = (
    'xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)
SCORM2004_NS = (
    'xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
    'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3" '
    'xmlns:imsss="http://www.imsglobal.org/xsd/imsss" '
    'xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"'
)


def scorm12_manifest(identifier: str, title: str, scos: list[tuple[str, str, list[str]]]) -> str:
    """``scos``: (resource id, launch href, its files). One item per SCO."""
    items = "\n".join(
        f'      <item identifier="ITEM_{rid}" identifierref="{rid}"><title>第{n}讲</title></item>'
        for n, (rid, _, _) in enumerate(scos, 1)
    )
    resources = "\n".join(
        f'    <resource identifier="{rid}" type="webcontent" adlcp:scormtype="sco" href="{href}">\n'
        + "".join(f'      <file href="{f}"/>\n' for f in files)
        + '      <dependency identifierref="SHARED"/>\n'
        "    </resource>"
        for rid, href, files in scos
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1.0" {SCORM12_NS}>
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="ORG1">
    <organization identifier="ORG1">
      <title>{title}</title>
{items}
    </organization>
  </organizations>
  <resources>
{resources}
    <resource identifier="SHARED" type="webcontent" adlcp:scormtype="asset">
      <file href="shared/scorm_api.js"/>
      <file href="shared/style.css"/>
    </resource>
  </resources>
</manifest>
"""


def scorm2004_manifest(identifier: str, title: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier="{identifier}" version="1" {SCORM2004_NS}>
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="ORG-A">
    <organization identifier="ORG-A" adlseq:objectivesGlobalToSystem="false">
      <title>{title}</title>
      <item identifier="I1" identifierref="R1"><title>模块一</title></item>
      <item identifier="I2" identifierref="R2"><title>模块二</title></item>
      <item identifier="I3" identifierref="R3"><title>测验</title></item>
    </organization>
    <organization identifier="ORG-B">
      <title>{title}(复习版)</title>
      <item identifier="B1" identifierref="R3"><title>测验</title></item>
    </organization>
  </organizations>
  <resources xml:base="content/">
    <resource identifier="R1" type="webcontent" adlcp:scormType="sco" href="m1/index.html">
      <file href="m1/index.html"/><file href="m1/video%20clip.mp4"/>
    </resource>
    <resource identifier="R2" type="webcontent" adlcp:scormType="sco" href="m2/index.html?lang=zh">
      <file href="m2/index.html"/>
    </resource>
    <resource identifier="R3" type="webcontent" adlcp:scormType="sco" href="quiz/quiz.html">
      <file href="quiz/quiz.html"/>
    </resource>
  </resources>
</manifest>
"""


def scorm12_files(scos: list[tuple[str, str, list[str]]]) -> dict[str, bytes]:
    out = {"shared/scorm_api.js": b"var API = null;\n", "shared/style.css": b"body{}\n"}
    for rid, _, files in scos:
        for f in files:
            out[f] = f"<html><body>{rid} {f}</body></html>\n".encode()
    return out


ELECTRICIAN = [
    ("SCO_1", "lesson1/index.html", ["lesson1/index.html", "lesson1/img/panel.png"]),
    ("SCO_2", "lesson2/index.html", ["lesson2/index.html"]),
]


def write_zip(
    path: Path, entries: dict[str, bytes | str], compression: int = zipfile.ZIP_DEFLATED
) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in entries.items():
            zf.writestr(name, data.encode() if isinstance(data, str) else data)
    return path


def valid_scorm12(path: Path, identifier: str = "JX013", title: str = "电工实训安全规范") -> Path:
    entries = {
        "imsmanifest.xml": scorm12_manifest(identifier, title, ELECTRICIAN),
        "adlcp_rootv1p2.xsd": "<xsd/>",
        **scorm12_files(ELECTRICIAN),
    }
    return write_zip(path, entries)


def scorm2004(path: Path) -> Path:
    return write_zip(
        path,
        {
            "imsmanifest.xml": scorm2004_manifest("com.example.fire.2004", "消防安全知识"),
            "content/m1/index.html": "<html>m1</html>",
            "content/m1/video clip.mp4": b"\x00\x00\x00\x18ftypmp42" + bytes(64),
            "content/m2/index.html": "<html>m2</html>",
            "content/quiz/quiz.html": "<html>quiz</html>",
            "common/anyElement.xsd": "<xsd/>",
            "content/notes/draft.docx": b"PK-not-really",
        },
    )


def aicc_set(path: Path) -> Path:
    crs = (
        "[Course]\r\nCourse_Creator=上海职业培训课件中心\r\nCourse_ID=JX007\r\n"
        "Course_System=HTML\r\nCourse_Title=工匠精神与职业道德\r\nLevel=1\r\n"
        "Max_Fields_CST=2\r\nTotal_AUs=2\r\nTotal_Blocks=0\r\nVersion=4.0\r\n"
        "[Course_Behavior]\r\nMax_Normal=99\r\n[Course_Description]\r\n工匠精神专题课程。\r\n"
    )
    au = (
        '"System_ID","Type","Command_Line","File_Name","Core_Vendor","Web_Launch"\r\n'
        '"A1","Lesson","","au1/start.html","",""\r\n'
        '"A2","Lesson","","au2/start.html","",""\r\n'
    )
    des = (
        '"System_ID","Developer_ID","Title","Description"\r\n'
        '"A1","L1","第一讲 大国工匠","..."\r\n"A2","L2","第二讲 职业道德","..."\r\n'
    )
    cst = '"block","member"\r\n"root","A1"\r\n"root","A2"\r\n'
    return write_zip(
        path,
        {
            "course.crs": crs.encode("gb18030"),  # authoring tools on Chinese Windows
            "course.au": au,
            "course.des": des.encode("gb18030"),
            "course.cst": cst,
            "au1/start.html": "<html>1</html>",
            "au2/start.html": "<html>2</html>",
        },
    )


def zip_bomb(path: Path, megabytes: int = 20) -> Path:
    """One entry of zeros: a few KB on disk, ``megabytes`` declared and real when unpacked."""
    return write_zip(
        path, {"imsmanifest.xml": "<manifest/>", "payload.bin": bytes(megabytes << 20)}
    )


def traversal(path: Path) -> Path:
    entries = {
        "imsmanifest.xml": scorm12_manifest("JX099", "越界", ELECTRICIAN),
        **scorm12_files(ELECTRICIAN),
        "../../etc/cron.d/evil": "* * * * * root rm -rf /",
    }
    return write_zip(path, entries)


def encrypted(path: Path) -> Path:
    """An entry flagged as encrypted (traditional PKWARE), as a password-protected zip is:
    zipfile writes no encrypted entries, so the flag bit is set in both headers by hand."""
    write_zip(path, {"imsmanifest.xml": b"\x12\x34" * 40}, compression=zipfile.ZIP_STORED)
    data = bytearray(path.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.index(signature) + flag_offset
        data[at] |= 0x1
    path.write_bytes(bytes(data))
    return path
