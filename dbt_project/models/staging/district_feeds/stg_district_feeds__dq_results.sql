{#- dq_results is written by the validation suites, which may not have run yet on a new
    warehouse: then lake.dq_results does not exist and this model is an empty relation of the
    columns declared in the source (macro optional_source). -#}

-- depends_on: {{ source('bronze', 'dq_results') }}

with

source as (
    {{ optional_source('bronze', 'dq_results') }}
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
