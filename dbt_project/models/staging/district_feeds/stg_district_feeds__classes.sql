with

source as (
    select * from {{ source('bronze', 'classes') }}
),

renamed as (
    select
        {{ district_key('class_id') }} as class_key,
        src_district_code as district_code,
        class_id,
        {{ district_key('institution_id') }} as institution_key,
        occupation_code,
        nullif(trim(occupation_name), '') as occupation_name,
        level as training_level,
        mode as training_mode,
        filed_on,
        start_date,
        end_date,
        planned_hours,
        capacity,
        site_address,
        camera_ids,
        {{ lineage_columns() }}
    from source
)

select * from renamed
