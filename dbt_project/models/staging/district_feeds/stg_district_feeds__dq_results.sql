{#- dq_results is written by the validation suites, which may not have run yet on a new
    warehouse: then lake.dq_results does not exist and this model is an empty relation of the
    same columns, so everything downstream builds and simply has no results. -#}
{%- set src = source('bronze', 'dq_results') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}

-- depends_on: {{ source('bronze', 'dq_results') }}

with

source as (
    {% if lake_table is not none %}
    select * from {{ src }}
    {% else %}
    select
        cast(null as varchar) as district_code,
        cast(null as varchar) as feed,
        cast(null as varchar) as file,
        cast(null as varchar) as sha256,
        cast(null as varchar) as "check",
        cast(null as boolean) as passed,
        cast(null as bigint) as rows_checked,
        cast(null as bigint) as rows_failed,
        cast(null as bigint[]) as failing_rows,
        cast(null as timestamp) as validated_at,
        cast(null as varchar) as run_id
    where false
    {% endif %}
),

renamed as (
    select
        sha256 || ':' || file || ':' || "check" as dq_result_key,
        district_code,
        feed,
        file as delivery_file,
        sha256 as delivery_sha256,
        "check" as check_name,
        passed,
        rows_checked,
        rows_failed,
        -- row numbers of failing rows (a list in the lake), as text for any client
        cast(failing_rows as varchar) as failing_rows,
        validated_at,
        run_id
    from source
)

select * from renamed
