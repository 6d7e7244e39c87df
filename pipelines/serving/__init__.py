"""The one read layer for consumers of the published warehouse.

``skillwatch sql``, ``skillwatch alerts`` and the Streamlit app read the published DuckDB file
only through here: short-lived, read-only, locked-down connections (:mod:`.sandbox`) and a
role scope that every query passes through (:mod:`.scope`), so that a district user's
``district_code`` filter is applied by the layer, not remembered by each caller.
"""

from pipelines.serving.sandbox import (
    QueryRefused,
    QueryTimeout,
    check_read_only,
    execute_read,
    open_sandbox,
    run_select,
)
from pipelines.serving.scope import (
    Scope,
    check_scoped_sql,
    read_table,
    scoped_connection,
    scoped_query,
)

__all__ = [
    "QueryRefused",
    "QueryTimeout",
    "Scope",
    "check_read_only",
    "check_scoped_sql",
    "execute_read",
    "open_sandbox",
    "read_table",
    "run_select",
    "scoped_connection",
    "scoped_query",
]
