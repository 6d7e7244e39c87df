{#- Sessions with camera coverage (silver/session_coverage) placed against the camera feed of
    their day and the warehouse's check-ins: the shared input of W02 and W03, and of their
    "no data" statuses.

    feed_alive: at least one of the session's cameras sent a frame that day. A session whose
    cameras sent nothing all day is a missing camera feed (the network is not connected, or
    the simulator only renders a sample of sessions: _truth/camera_summary.json), which is
    "no data", not "no video" - unless var('w02_zero_frame_day_fires'). -#}
{{ config(schema='alerts') }}
with

coverage as (
    select * from {{ ref('stg_alerts__session_coverage') }}
),

camera_days as (
    select camera_id, day, sum(frames) as frames
    from {{ ref('stg_alerts__camera_health') }}
    group by camera_id, day
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

session_cameras as (
    select
        coverage.district_code,
        coverage.session_id,
        unnest(coverage.camera_ids) as camera_id,
        cast(coverage.starts_at as date) as day
    from coverage
),

feed as (
    select
        session_cameras.district_code,
        session_cameras.session_id,
        bool_or(coalesce(camera_days.frames, 0) > 0) as feed_alive
    from session_cameras
    left join camera_days
        on session_cameras.camera_id = camera_days.camera_id
        and session_cameras.day = camera_days.day
    group by session_cameras.district_code, session_cameras.session_id
),

final as (
    select
        coverage.district_code,
        coverage.institution_id,
        coverage.class_id,
        coverage.session_id,
        cast(coverage.starts_at as date) as session_date,
        coverage.starts_at,
        array_to_string(coverage.camera_ids, ';') as camera_ids,
        coverage.status as coverage_status,
        coverage.session_minutes,
        coverage.minutes_with_frames,
        coverage.coverage_share,
        coverage.counted_frames,
        coverage.median_headcount,
        coalesce(sessions.persons_checked_in, coverage.checked_in, 0) as checked_in,
        coalesce(feed.feed_alive, false) as feed_alive
    from coverage
    left join feed
        on coverage.district_code = feed.district_code
        and coverage.session_id = feed.session_id
    left join sessions
        on sessions.session_key = coverage.district_code || ':' || coverage.session_id
)

select * from final
