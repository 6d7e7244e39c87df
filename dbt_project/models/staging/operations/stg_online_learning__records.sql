{#- 线上学习记录: one row per online learning record; recorded minutes from its start and end.
    The IP address only as its keyed pseudonym (for O03) and masked form (for evidence). -#}
with

source as (
    select * from {{ source('bronze_operations', 'online_learning') }}
),

renamed as (
    select
        {{ district_key('record_id') }} as record_key,
        src_district_code as district_code,
        record_id,
        {{ district_key('class_id') }} as class_key,
        class_id,
        id_number_pseudo as person_pseudo,
        id_number_masked,
        module_id,
        started_at,
        ended_at,
        cast(date_diff('second', started_at, ended_at) as double) / 60 as recorded_minutes,
        module_minutes,
        progress_pct,
        nullif(trim(device_id), '') as device_id,
        ip_pseudo,
        ip_masked,
        face_checks,
        face_failures,
        {{ lineage_columns() }}
    from source
)

select * from renamed
