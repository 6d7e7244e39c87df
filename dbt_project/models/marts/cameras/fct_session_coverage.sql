with

coverage as (
    select * from {{ ref('stg_cameras__session_coverage') }}
),

final as (
    select
        session_key,
        class_key,
        institution_key,
        district_code,
        session_id,
        class_id,
        starts_at,
        ends_at,
        camera_ids,
        coverage_status,
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
        unregistered_cameras,
        camera_problems
    from coverage
)

select * from final
