{#- W02 开班无视频 class without video (orange): a scheduled offline/mixed session whose
    cameras sent frames for less than var('w02_min_coverage_share') of its minutes. Sessions
    whose cameras sent nothing that day are "no data" (alert_rule_status), see
    int_alerts__session_video. -#}
{{ config(schema='alerts') }}
with

sessions as (
    select * from {{ ref('int_alerts__session_video') }}
),

flagged as (
    select *
    from sessions
    where coverage_status <> 'no_camera_ids'
        and coalesce(coverage_share, 0) < {{ var('w02_min_coverage_share') }}
        and (feed_alive or {{ 'true' if var('w02_zero_frame_day_fires') else 'false' }})
),

final as (
    select
        'W02' as rule_code,
        'orange' as level,
        'class' as scope,
        district_code,
        institution_id,
        class_id,
        session_id,
        cast(null as varchar) as enrolment_id,
        camera_ids as subject_id,
        session_date as event_date,
        '课次 ' || session_id || '（' || strftime(starts_at, '%Y-%m-%d %H:%M') || '）应录 '
            || session_minutes || ' 分钟，摄像机 ' || camera_ids || ' 仅 ' || minutes_with_frames
            || ' 分钟有画面（覆盖率 ' || round(100 * coalesce(coverage_share, 0), 1)
            || '%，阈值 ' || round(100 * {{ var('w02_min_coverage_share') }}, 0) || '%）'
            as evidence
    from flagged
)

select * from final
