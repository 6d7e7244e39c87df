"""What personal data looks like in clear, for tests that scan output for leaks: an
18-character resident ID number and an 11-digit mainland mobile number, not inside a longer
token (a pseudonym or a hash may contain such digits)."""

import re

ID_SHAPE = re.compile(r"(?<![0-9A-Za-z])[1-9]\d{16}[\dXx](?![0-9A-Za-z])")
MOBILE_SHAPE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")
