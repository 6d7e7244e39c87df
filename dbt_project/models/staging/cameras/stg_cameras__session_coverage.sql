-- depends_on: {{ source('cameras', 'session_coverage') }}

with

source as (
    {{ optional_source('cameras', 'session_coverage') }}
),

renamed as (
    select
        {{ district_key('session_id', 'district_code') }} as session_key,
        {{ district_key('class_id', 'district_code') }} as class_key,
        {{ district_key('institution_id', 'district_code') }} as institution_key,
        district_code,
        session_id,
        class_id,
        starts_at,
        ends_at,
        array_to_string(camera_ids, ';') as camera_ids,
        status as coverage_status,
        session_minutes,
        minutes_with_frames,
        coverage_share,
        frames,
        counted_frames,
        median_headcount,
        checked_in,
        headcount_ratio,
        tampered_frames,
        tamper_states,
        offline_minutes,
        array_to_string(unregistered_cameras, ';') as unregistered_cameras,
        camera_problems
    from source
)

select * from renamed
