with

source as (
    select * from {{ source('bronze', 'inspections') }}
),

renamed as (
    select
        {{ district_key('inspection_id') }} as inspection_key,
        src_district_code as district_code,
        inspection_id,
        target_kind,
        target_id,
        {{ district_key('target_id') }} as target_key,
        inspected_on,
        result as inspection_result,
        nullif(trim(findings), '') as findings,
        {{ lineage_columns() }}
    from source
)

select * from renamed
