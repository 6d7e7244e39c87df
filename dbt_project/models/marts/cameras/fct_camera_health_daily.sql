with

health as (
    select * from {{ ref('stg_cameras__health') }}
),

cameras as (
    select * from {{ ref('dim_camera') }}
),

final as (
    select
        health.camera_day_key,
        health.camera_id,
        health.day,
        cameras.camera_key,
        cameras.district_code,
        cameras.institution_key,
        cameras.room,
        -- a camera that sends frames but is not in any district's register
        cameras.camera_key is not null as is_registered,
        health.heartbeats,
        health.offline_minutes,
        health.uptime_share,
        health.frame_gap_minutes,
        health.frames,
        health.frames_rejected,
        health.first_frame_at,
        health.last_frame_at,
        health.median_brightness,
        health.median_sharpness,
        health.dark_frames,
        health.covered_frames,
        health.out_of_focus_frames,
        health.moved_frames,
        health.frozen_frames,
        health.dark_frames + health.covered_frames + health.out_of_focus_frames
            + health.moved_frames + health.frozen_frames as tampered_frames,
        health.counted_frames,
        health.median_people
    from health
    left join cameras
        on health.camera_id = cameras.camera_id
    -- camera ids are district-prefixed and unique in practice; keep one register row
    qualify row_number() over (
        partition by health.camera_day_key order by cameras.delivered_at desc nulls last
    ) = 1
)

select * from final
