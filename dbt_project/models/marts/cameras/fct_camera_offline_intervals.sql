with

intervals as (
    select * from {{ ref('stg_cameras__offline_intervals') }}
),

cameras as (
    select camera_id, camera_key, district_code, institution_key
    from {{ ref('dim_camera') }}
    qualify row_number() over (partition by camera_id order by delivered_at desc) = 1
),

final as (
    select
        intervals.camera_id || ':' || cast(intervals.offline_from as varchar)
            || ':' || intervals.detected_from as offline_interval_key,
        intervals.camera_id,
        cameras.camera_key,
        cameras.district_code,
        cameras.institution_key,
        intervals.offline_from,
        intervals.offline_to,
        intervals.offline_minutes,
        intervals.detected_from,
        intervals.session_id
    from intervals
    left join cameras
        on intervals.camera_id = cameras.camera_id
)

select * from final
