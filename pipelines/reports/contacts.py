"""Who receives each district's report: a CSV of district_code, name, email.

Its location comes from ``SKILLWATCH_CONTACTS`` (default ``<warehouse>/contacts.csv``). A
district may list several rows; each address gets the same report.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

from pipelines.contract import DISTRICTS
from pipelines.settings import Settings

CONTACTS_ENV = "SKILLWATCH_CONTACTS"
COLUMNS = ("district_code", "name", "email")


@dataclass(frozen=True)
class Contact:
    district_code: str
    name: str
    email: str


def contacts_path(settings: Settings) -> Path:
    value = os.environ.get(CONTACTS_ENV)
    return Path(value).expanduser().resolve() if value else settings.warehouse / "contacts.csv"


def read_contacts(path: Path) -> dict[str, list[Contact]]:
    """Contacts by district code; rows without an address or a known district are skipped."""
    by_district: dict[str, list[Contact]] = {}
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            code = (row.get("district_code") or "").strip()
            email = (row.get("email") or "").strip()
            if code in DISTRICTS and "@" in email:
                contact = Contact(code, (row.get("name") or "").strip(), email)
                by_district.setdefault(code, []).append(contact)
    return by_district


def write_sample_contacts(path: Path) -> Path:
    """One contact per district at example.gov.cn (reserved for examples: never delivered)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(COLUMNS)
        for code, name in DISTRICTS.items():
            writer.writerow([code, f"{name}职业技能培训数据联络员", f"dq-{code}@example.gov.cn"])
    return path
