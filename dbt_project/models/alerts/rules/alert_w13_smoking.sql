{#- W13 吸烟 smoking (yellow): smoking detected in a classroom frame, only where a detector is
    configured (camera_frames.smoking_status = 'OK'). Without one the rule does not run and
    alert_rule_status says "not configured"; no alert is invented. One finding per camera and
    day. -#}
{{ config(schema='alerts') }}
with

frames as (
    select * from {{ ref('stg_alerts__camera_frames') }}
    where status = 'ok' and smoking_status = 'OK' and smoking_count > 0
),

cameras as (
    select * from {{ ref('dim_camera') }}
),

per_day as (
    select camera_id, cast(captured_at as date) as day, count(*) as frames,
        min(captured_at) as first_at
    from frames
    group by camera_id, cast(captured_at as date)
),

final as (
    select
        'W13' as rule_code,
        'yellow' as level,
        'institution' as scope,
        cameras.district_code,
        split_part(cameras.institution_key, ':', 2) as institution_id,
        cast(null as varchar) as class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        per_day.camera_id as subject_id,
        per_day.day as event_date,
        '摄像机 ' || per_day.camera_id || '（教室 ' || coalesce(cameras.room, '?') || '）' || per_day.day
            || ' 有 ' || per_day.frames || ' 帧检测到吸烟（首次 ' || strftime(per_day.first_at, '%H:%M')
            || '）' as evidence
    from per_day
    inner join cameras on per_day.camera_id = cameras.camera_id
)

select * from final
