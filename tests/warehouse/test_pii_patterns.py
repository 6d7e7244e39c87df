"""The is_masked test's patterns (dbt_project/macros/pii_patterns.sql), run in DuckDB as dbt
runs them: clear ID numbers and mobiles are caught, masked forms and identifiers are not."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

MACROS = Path(__file__).resolve().parents[2] / "dbt_project" / "macros" / "pii_patterns.sql"


def _pattern(name: str) -> str:
    text = MACROS.read_text("utf-8")
    body = re.search(r"macro " + name + r"\(\).*?'(.*?)'\s*\{%-? endmacro", text, re.S)
    assert body, f"{name} not found in {MACROS}"
    return body.group(1)


def _caught(value: str) -> bool:
    with duckdb.connect() as con:
        return con.execute(
            "select regexp_matches(?, ?) or regexp_matches(?, ?)",
            [value, _pattern("clear_id_number_pattern"), value, _pattern("clear_mobile_pattern")],
        ).fetchone()[0]


@pytest.mark.parametrize(
    "value",
    [
        '{"联系电话": "13812345678"}',
        "手机 15900001111，请回电",
        "tel:+86 13912345678",
        '{"身份证号": "31010419900307123X"}',
        "id 110101200001011234 end",
    ],
)
def test_clear_personal_data_is_caught(value):
    assert _caught(value)


@pytest.mark.parametrize(
    "value",
    [
        '{"联系电话": "138****5678"}',
        '{"身份证号": "310***********2431"}',
        # identifiers that hold such digit runs by chance (seen on the city-year)
        '{"照片编号": "P2342b13781988223", "设备编号": "FD3101150094"}',
        "cert_no 202631010661928601",
        "KQ31011590002502",
        "0213812345678",  # a longer digit run: a landline with area code, not a mobile
    ],
)
def test_masked_forms_and_identifiers_are_not(value):
    assert not _caught(value)
