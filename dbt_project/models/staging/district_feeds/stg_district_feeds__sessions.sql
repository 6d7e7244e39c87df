with

source as (
    select * from {{ source('bronze', 'sessions') }}
),

renamed as (
    select
        {{ district_key('session_id') }} as session_key,
        src_district_code as district_code,
        session_id,
        {{ district_key('class_id') }} as class_key,
        {{ district_key('teacher_id') }} as teacher_key,
        starts_at,
        ends_at,
        hours as declared_hours,
        room,
        {{ lineage_columns() }}
    from source
)

select * from renamed
