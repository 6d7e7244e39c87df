"""A small published file for the sandbox tests: two districts' rows, a table with no
district (invisible to districts), a reference table; built once per session."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest

OWN, OTHER = "310115", "310101"
# planted only in rows a district user of OWN must never see
OTHER_MARK = "OTHER-DISTRICT-ROW"
AUDIT_MARK = "AUDIT-ONLY-ROW"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def published(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("published") / "skillwatch.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(
            f"""
            create table alerts as
            select range as alert_id,
                   case when range % 2 = 0 then '{OWN}' else '{OTHER}' end as district_code,
                   case when range % 2 = 0 then '机构' || range else '{OTHER_MARK}' end
                       as institution_name,
                   'open' as status
            from range(100)
            """
        )
        con.execute(
            f"create table audit_log as select range as n, '{AUDIT_MARK}' as who from range(5)"
        )
        con.execute(
            "create table dim_occupation as select * from (values ('4-03-02-01', '中式烹调师')) "
            "t(occupation_code, occupation_name_zh)"
        )
        con.execute(
            f"create table dim_district as select * from (values ('{OWN}', '浦东新区'), "
            f"('{OTHER}', '黄浦区')) t(district_code, district_name_zh)"
        )
    return path
