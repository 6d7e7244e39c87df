"""Legality rules for identifiers, wrapping maintained validators.

python-stdnum's ``cn.ric.validate`` also checks the birthplace code against county codes
with date ranges and rejects real numbers whose county code is newer than the birth year
(e.g. 闵行区 310112 with a 1970 birth date; measured, see shared/stack/NOTES.md). Many
Shanghai residents hold such numbers, so the legality rule here is format + birth date +
check digit, computed with stdnum's own ``calc_check_digit``.
"""

from __future__ import annotations

import datetime as dt
import re

import phonenumbers
from stdnum.cn import ric, uscc

_RIC_SHAPE = re.compile(r"^\d{17}[\dX]$")


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def is_valid_id_number(value: str | None, today: dt.date | None = None) -> bool:
    """GB 11643 resident identity number: 18 chars, real birth date, check digit."""
    if not value:
        return False
    number = normalise_id_number(value)
    if not _RIC_SHAPE.match(number):
        return False
    try:
        born = ric.get_birth_date(number)
    except Exception:  # stdnum raises ValidationError for impossible dates
        return False
    if born > (today or dt.date.today()) or born.year < 1900:
        return False
    return ric.calc_check_digit(number) == number[-1]


def is_valid_uscc(value: str | None) -> bool:
    """GB 32100 unified social credit code (18 chars, check digit)."""
    if not value:
        return False
    return uscc.is_valid(value.strip().upper())


def normalise_mobile(value: str) -> str:
    digits = re.sub(r"[\s\-()]", "", value.strip())
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    return digits


def is_valid_mobile(value: str | None) -> bool:
    """Mainland mobile number, judged by libphonenumber's maintained metadata."""
    if not value:
        return False
    digits = normalise_mobile(value)
    if len(digits) != 11 or not digits.isdigit() or digits[0] != "1":
        return False
    try:
        parsed = phonenumbers.parse(digits, "CN")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(parsed) in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    )


# a Chinese street address names at least one of these below the district: 路 街 道 (road),
# 弄 巷 胡同 (lane), 村 镇 乡 (village, town), 号 (number), or a building or park
_ADDRESS_LOCATOR = re.compile(r"[路街道弄巷村镇乡号]|胡同|大厦|大楼|园区|广场|中心")


def is_plausible_address(value: str | None) -> bool:
    """True when an address goes below the district (a warning otherwise: inspectors must be
    able to find the classroom). Judged on the text alone; no gazetteer is consulted."""
    if not value:
        return False
    text = value.strip()
    if text.startswith("线上"):  # an online class names its platform, not a classroom
        return True
    return len(text) >= 6 and bool(_ADDRESS_LOCATOR.search(text))
