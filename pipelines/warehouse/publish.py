"""Publish the auditor DuckDB file: the marts as tables, documented views, nothing personal.

Built as a new file beside the target, then ``os.replace``d into place. An auditor who has
the old file open keeps reading the old inode (POSIX rename semantics) and holds no lock on
the new one, so a session never breaks and never blocks the pipeline; the next connection
sees the new file. DuckDB allows one writer per file: the build DB stays dbt's, this file is
written by nobody once published.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

MARTS_SCHEMA = "marts"
# never published, whatever a model selects (ciphertext of personal data)
FORBIDDEN_COLUMNS = ("original_encrypted",)
FORBIDDEN_SUFFIXES = ("_enc",)

# Convenience views for auditors, over the published tables only (so they keep working in
# the published file). Name -> (comment, SQL).
VIEWS: dict[str, tuple[str, str]] = {
    "v_district_month": (
        "区 × 月 汇总（各职业合计）。District x month totals over all occupations, from "
        "stats_district_occupation_month.",
        """
        select district_code, district_name_zh, month,
            sum(classes_opened) as classes_opened,
            sum(enrolments) as enrolments,
            sum(attended_hours) as attended_hours,
            sum(enrolments_completed) as enrolments_completed,
            round(sum(enrolments_completed) / nullif(sum(enrolments_in_ended_classes), 0), 4)
                as completion_rate,
            sum(subsidy_claims) as subsidy_claims,
            sum(subsidy_amount_yuan) as subsidy_amount_yuan,
            sum(inspections) as inspections,
            sum(inspections_failed) as inspections_failed
        from stats_district_occupation_month
        group by all
        """,
    ),
    "v_delivery_quality": (
        "各区各类数据的报送质量。Per district and feed: files, rows read / accepted / "
        "quarantined and the quarantined share, from fct_deliveries.",
        """
        select district_code, feed,
            count(*) as files,
            count(*) filter (where delivery_status = 'unreadable') as files_unreadable,
            sum(rows_read) as rows_read,
            sum(rows_accepted) as rows_accepted,
            sum(rows_quarantined) as rows_quarantined,
            round(sum(rows_quarantined) / nullif(sum(rows_read), 0), 4) as quarantined_share,
            sum(late_rows) as late_rows,
            max(delivered_at) as last_delivered_at
        from fct_deliveries
        group by all
        """,
    ),
    "v_claims_to_review": (
        "需复核的补贴申领：结班前申领、未达结业课时或超上限。Claims made before the class ended, "
        "for a trainee who did not complete, or above the cap for the level.",
        """
        select *
        from fct_claims
        where claimed_before_class_end
            or not coalesce(enrolment_completed, false)
            or amount_yuan > cap_yuan
        """,
    ),
    # the interface standard's names ("What the warehouse publishes"), over the marts that
    # hold them: an acceptance check written from the standard queries these
    "dq_results": (
        "数据质量检查结果（接口标准命名）：每个报送文件每项检查一行。One row per delivery and "
        "check, under the interface standard's names (fct_dq_results has more columns).",
        """
        select district_code, feed, delivery_file as file, check_name as "check", passed,
            rows_checked, rows_failed, failure_ratio, is_severe, delivery_sha256, validated_at
        from fct_dq_results
        """,
    ),
    "quarantine": (
        "隔离区（接口标准命名）：每个当前未接收的行一行，原始值已脱敏。One row per row now held "
        "back (blocking, or pending a parent), under the standard's names; personal data masked.",
        """
        select district_code, feed, delivery_file as file, delivery_row as row_number,
            reason_codes, original_values_masked as original_values, severity, status,
            first_reason_zh, reason_detail, delivered_at, quarantined_at, delivery_sha256
        from fct_quarantine
        where is_current
        """,
    ),
}


@dataclass
class Publication:
    path: Path
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows
    views: list[str] = field(default_factory=list)
    published_at: str = ""
    publication_id: str = ""


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def model_docs(manifest_path: Path | None) -> dict[str, dict]:
    """Table name -> {description, columns: {name: description}} from the dbt manifest."""
    if not manifest_path or not manifest_path.exists():
        return {}
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    docs = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "model" and node.get("schema") == MARTS_SCHEMA:
            docs[node.get("alias") or node["name"]] = {
                "description": node.get("description", ""),
                "columns": {c: v.get("description", "") for c, v in node["columns"].items()},
            }
    return docs


def check_columns(table: str, columns: list[str]) -> None:
    bad = [c for c in columns if c in FORBIDDEN_COLUMNS or c.endswith(FORBIDDEN_SUFFIXES)]
    if bad:
        raise ValueError(f"refusing to publish {table}: ciphertext columns {bad}")


# A step adding tables from outside the dbt build to the file being built (the risk scores,
# pipelines/risk/published.py): called on the new file after the marts are copied, before
# the views; returns table -> rows. Its tables pass the same ciphertext check.
Extra = Callable[[duckdb.DuckDBPyConnection], dict[str, int]]


def publish(
    build_db: Path,
    target: Path,
    manifest_path: Path | None = None,
    extras: Sequence[Extra] = (),
) -> Publication:
    """Copy the marts of the dbt build DB into a fresh file, run the ``extras`` on it and
    move it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.building")
    docs = model_docs(manifest_path)
    result = Publication(target)
    try:
        with duckdb.connect(str(tmp)) as con:
            con.execute(f"attach {_quote(str(build_db))} as build (read_only)")
            tables = [
                r[0]
                for r in con.execute(
                    "select table_name from information_schema.tables where table_catalog = "
                    "'build' and table_schema = ? and table_type = 'BASE TABLE' order by 1",
                    [MARTS_SCHEMA],
                ).fetchall()
            ]
            if not tables:
                raise RuntimeError(f"no tables in schema {MARTS_SCHEMA} of {build_db}")
            for table in tables:
                columns = [
                    r[0]
                    for r in con.execute(
                        "select column_name from information_schema.columns where "
                        "table_catalog = 'build' and table_schema = ? and table_name = ? "
                        "order by ordinal_position",
                        [MARTS_SCHEMA, table],
                    ).fetchall()
                ]
                check_columns(table, columns)
                con.execute(
                    f'create table main."{table}" as select * from build.{MARTS_SCHEMA}."{table}"'
                )
                result.tables[table] = con.execute(f'select count(*) from "{table}"').fetchone()[0]
                _comment(con, table, docs.get(table))
            con.execute("detach build")
            for extra in extras:
                added = extra(con)
                for table in added:
                    check_columns(
                        table, [r[0] for r in con.execute(f'describe "{table}"').fetchall()]
                    )
                result.tables.update(added)
            for name, (comment, sql) in VIEWS.items():
                con.execute(f"create view {name} as {sql}")
                con.execute(f"comment on view {name} is {_quote(comment)}")
                result.views.append(name)
            result.published_at = dt.datetime.now().isoformat(timespec="seconds")
            result.publication_id = uuid.uuid4().hex
            con.execute(
                "create table publication as select ? as publication_id, ? as published_at, "
                "? as tables_json",
                [result.publication_id, result.published_at, json.dumps(result.tables)],
            )
            con.execute(
                "comment on table publication is "
                + _quote("发布记录 — when this file was published and the row count per table.")
            )
            con.execute("checkpoint")
        os.replace(tmp, target)
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
            leftover.unlink(missing_ok=True)
    return result


def _comment(con: duckdb.DuckDBPyConnection, table: str, doc: dict | None) -> None:
    if not doc:
        return
    if doc["description"]:
        con.execute(f'comment on table "{table}" is {_quote(doc["description"])}')
    existing = {r[0] for r in con.execute(f'describe "{table}"').fetchall()}
    for column, text in doc["columns"].items():
        if text and column in existing:
            con.execute(f'comment on column "{table}"."{column}" is {_quote(text)}')
