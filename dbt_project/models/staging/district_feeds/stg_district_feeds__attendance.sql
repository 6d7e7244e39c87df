with

source as (
    select * from {{ source('bronze', 'attendance') }}
),

renamed as (
    select
        {{ district_key('record_id') }} as record_key,
        src_district_code as district_code,
        record_id,
        {{ district_key('class_id') }} as class_key,
        {{ district_key('session_id') }} as session_key,
        id_number_pseudo as person_pseudo,
        id_number_masked,
        kind as punch_kind,
        checked_at,
        method as punch_method,
        face_score,
        photo_id,
        device_id,
        {{ lineage_columns() }}
    from source
)

select * from renamed
