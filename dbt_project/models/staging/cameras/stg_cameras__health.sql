-- depends_on: {{ source('cameras', 'health') }}

with

source as (
    {{ optional_source('cameras', 'health') }}
),

renamed as (
    select
        camera_id || ':' || cast(day as varchar) as camera_day_key,
        camera_id,
        day,
        registered as is_registered,
        heartbeats,
        offline_minutes,
        uptime_share,
        frame_gap_minutes,
        frames,
        frames_rejected,
        first_frame_at,
        last_frame_at,
        median_brightness,
        median_sharpness,
        dark_frames,
        covered_frames,
        out_of_focus_frames,
        moved_frames,
        frozen_frames,
        counted_frames,
        median_people
    from source
)

select * from renamed
