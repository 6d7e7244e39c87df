{#- `dbt run-operation duckdb_limits`: the memory limit and spill directory the build's DuckDB
    runs with (profiles.yml takes them from SKILLWATCH_DUCKDB_MEMORY_LIMIT / _TEMP_DIR). -#}
{% macro duckdb_limits() %}
    {% set row = run_query(
        "select current_setting('memory_limit'), current_setting('temp_directory')"
    ).rows[0] %}
    {{ log("duckdb_limits memory_limit=" ~ row[0] ~ " temp_directory=" ~ row[1], info=True) }}
{% endmacro %}
