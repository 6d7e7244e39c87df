"""District scoping: each of the 16 district users against every district's data, at the
data-access layer the pages use, and through the pages and exports for two districts."""

from __future__ import annotations

import polars as pl
from app_helpers import all_text, login, open_page

from apps.streamlit import data
from pipelines.contract.districts import DISTRICT_CODES, DISTRICTS
from pipelines.serving import Scope, scoped_connection


def _codes(frame: pl.DataFrame) -> set:
    return set(frame["district_code"].to_list()) if "district_code" in frame.columns else set()


def test_sixteen_by_sixteen_matrix_in_the_read_layer(app_env):
    """Each of the 16 district users counts every published table's rows per district on its
    scoped connection: it sees exactly its own district's rows, none of the other 15's."""
    tables = {
        t: dict(app_env.sql(f'select district_code, count(*) from "{t}" group by 1').iter_rows())
        for (t,) in app_env.sql(
            "select distinct table_name from duckdb_columns() where column_name = "
            "'district_code' and schema_name = 'main'"
        ).iter_rows()
    }
    assert len(tables) > 20
    for user in DISTRICT_CODES:
        with scoped_connection(app_env.settings.duckdb_path, Scope("district", user)) as con:
            for table, per_district in tables.items():
                seen = dict(
                    con.execute(f'select district_code, count(*) from "{table}" group by 1')
                    .fetchall()
                )  # fmt: skip
                expected = {user: per_district[user]} if per_district.get(user) else {}
                assert seen == expected, (user, table)


def test_every_page_read_of_a_district_user_holds_only_its_district(app_env):
    db = data.db_path()
    empty = [d for d in DISTRICT_CODES if d not in app_env.districts][:1]
    for user in app_env.districts[:2] + empty:
        key = ("district", user)
        assert _codes(data.alerts(db, key)) <= {user}
        assert _codes(data.districts_in_scope(db, key)) <= {user}
        assert _codes(data.institutions_in_scope(db, key)) <= {user}
        assert data.district_comparison(db, key).is_empty()
        for frame in data.data_quality(db, key).values():
            assert _codes(frame) <= {user}
        names = set(data.statistics(db, key, ("district",), ("enrolments",))["区"].to_list())
        assert names <= {DISTRICTS[user]}
        for table in data.EXPORTABLE:
            rows = data.extract(db, key, table, tuple(DISTRICT_CODES))
            assert _codes(rows) <= {user}, (user, table)


def test_city_sees_every_district_and_a_district_its_own_total(app_env):
    db = data.db_path()
    city = data.extract(db, ("city", None), "fct_enrolments")
    assert city.height == app_env.sql("select count(*) from fct_enrolments").item()
    for code in app_env.districts:
        own = data.extract(db, ("district", code), "fct_enrolments")
        assert own.height == city.filter(pl.col("district_code") == code).height > 0


def test_district_pages_and_exports_name_no_other_district(app_env):
    for code in app_env.districts[:2]:
        others = [d for d in DISTRICT_CODES if d != code]
        forbidden = others + [DISTRICTS[d] for d in others]
        at = login(f"d{code}")
        for page in ("overview", "alerts", "statistics", "quality", "export"):
            text = all_text(open_page(at, page))
            leaked = [w for w in forbidden if w in text]
            assert not leaked, (code, page, leaked[:5])
        at.selectbox(key="export_table").set_value("fct_enrolments").run()
        assert "区" not in [m.label for m in at.multiselect]  # no district filter to pick
        shown = at.dataframe[0].value
        assert set(shown["district_code"]) == {code}
        # the drill-down of an alert too (a cross-district W04 names the other class)
        own_alerts = data.filter_alerts(
            data.alerts(data.db_path(), ("district", code)), {"status": ["new", "acknowledged"]}
        )
        picked = own_alerts.sort(pl.col("rule_code") != "W04")["alert_id"][0]
        open_page(at, "alerts").selectbox(key="alert_choice").set_value(picked).run()
        assert not at.exception
        assert "处理" in [h.value for h in at.subheader]  # the drill-down is shown
        leaked = [w for w in forbidden if w in all_text(at)]
        assert not leaked, (code, "alert drill-down", leaked[:5])


def test_reference_tables_are_published_and_hold_no_district(app_env):
    """What every role reads unfiltered must exist (a misspelt name would silently be
    invisible to district users) and must have no district's rows to leak."""
    from pipelines.serving.scope import REFERENCE_TABLES

    columns = app_env.sql(
        "select table_name, list(column_name) as cols from duckdb_columns() "
        "where schema_name = 'main' group by 1"
    )
    published = {t: set(c) for t, c in columns.iter_rows()}
    missing = sorted(REFERENCE_TABLES - set(published))
    assert not missing, missing
    assert not [t for t in REFERENCE_TABLES if "district_code" in published[t]]
    user = app_env.districts[0]
    with scoped_connection(app_env.settings.duckdb_path, Scope("district", user)) as con:
        for table in REFERENCE_TABLES:
            seen = con.execute(f'select count(*) from "{table}"').fetchone()[0]
            assert seen == app_env.sql(f'select count(*) from "{table}"').item(), table
