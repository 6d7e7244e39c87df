"""The warehouse: dbt over the bronze lake, the auditor DuckDB file, dbt docs, read-only SQL."""
