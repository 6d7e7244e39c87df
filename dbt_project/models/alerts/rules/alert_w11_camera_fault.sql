{#- W11 视频设备异常 camera fault:
    offline - a camera offline (heartbeats: online=false or missing) longer than
              var('w11_offline_hours') while a class listing it is running (between its
              start and end dates): yellow, orange when the outage spans one of its sessions;
    picture - at least var('w11_min_fault_frames') frames of one state (covered, dark,
              out_of_focus, moved, frozen) in a camera's session: orange (during a session);
              outside any session, per camera and day: yellow, at the camera's institution. -#}
{{ config(schema='alerts') }}
{%- set states = ['covered', 'dark', 'out_of_focus', 'moved', 'frozen'] -%}
{%- set states_zh = {'covered': '遮挡', 'dark': '黑屏', 'out_of_focus': '失焦', 'moved': '移位', 'frozen': '画面冻结'} -%}
with

intervals as (
    select * from {{ ref('stg_alerts__camera_offline_intervals') }}
    where source in ('heartbeat_offline', 'heartbeat_gap')
        and minutes > {{ var('w11_offline_hours') }} * 60
),

frames as (
    select * from {{ ref('stg_alerts__camera_frames') }}
    where status = 'ok'
),

classes as (
    select * from {{ ref('dim_class') }}
),

cameras as (
    select * from {{ ref('dim_camera') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

class_cameras as (
    select class_key, district_code, class_id, institution_key, start_date, end_date,
        trim(unnest(string_split(replace(camera_ids, '；', ';'), ';'))) as camera_id
    from classes
    where camera_ids is not null
),

camera_sessions as (
    select class_cameras.camera_id, sessions.session_key, sessions.session_id,
        sessions.class_key, sessions.starts_at, sessions.ends_at
    from class_cameras
    inner join sessions on class_cameras.class_key = sessions.class_key
),

offline as (
    select
        class_cameras.class_key,
        intervals.camera_id,
        intervals."start" as offline_from,
        intervals."end" as offline_to,
        intervals.minutes,
        (
            select count(*) from camera_sessions
            where camera_sessions.camera_id = intervals.camera_id
                and camera_sessions.class_key = class_cameras.class_key
                and camera_sessions.starts_at < intervals."end"
                and intervals."start" < camera_sessions.ends_at
        ) as sessions_hit
    from intervals
    inner join class_cameras
        on intervals.camera_id = class_cameras.camera_id
        and cast(intervals."start" as date) <= class_cameras.end_date
        and class_cameras.start_date <= cast(intervals."end" as date)
),

frame_states as (
    {%- for s in states %}
    select camera_id, captured_at, '{{ s }}' as state from frames where {{ s }}
    {{- ' union all' if not loop.last }}
    {%- endfor %}
),

placed as (
    select
        frame_states.*,
        camera_sessions.session_key,
        camera_sessions.session_id,
        camera_sessions.class_key
    from frame_states
    left join camera_sessions
        on frame_states.camera_id = camera_sessions.camera_id
        and frame_states.captured_at >= camera_sessions.starts_at
        and frame_states.captured_at < camera_sessions.ends_at
),

picture as (
    select
        camera_id,
        state,
        session_id,
        class_key,
        cast(min(captured_at) as date) as day,
        count(*) as frames,
        min(captured_at) as first_at,
        max(captured_at) as last_at
    from placed
    group by camera_id, state, session_id, class_key,
        case when session_id is null then cast(captured_at as date) end
    having count(*) >= {{ var('w11_min_fault_frames') }}
),

findings as (
    select
        case when sessions_hit > 0 then 'orange' else 'yellow' end as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        cast(null as varchar) as session_id,
        offline.camera_id || '|offline' as subject_id,
        cast(offline.offline_from as date) as event_date,
        '摄像机 ' || offline.camera_id || ' 自 ' || strftime(offline.offline_from, '%Y-%m-%d %H:%M')
            || ' 至 ' || strftime(offline.offline_to, '%Y-%m-%d %H:%M') || ' 离线 '
            || round(offline.minutes / 60, 1) || ' 小时，期间班级 ' || classes.class_id || ' 在培'
            || case when offline.sessions_hit > 0
                then '，覆盖 ' || offline.sessions_hit || ' 个课次' else '' end as evidence
    from offline
    inner join classes on offline.class_key = classes.class_key
    union all
    select
        case when picture.session_id is not null then 'orange' else 'yellow' end,
        case when picture.session_id is not null then 'class' else 'institution' end,
        coalesce(classes.district_code, cameras.district_code),
        split_part(coalesce(classes.institution_key, cameras.institution_key), ':', 2),
        classes.class_id,
        picture.session_id,
        picture.camera_id || '|' || picture.state,
        picture.day,
        '摄像机 ' || picture.camera_id || ' 画面' || case picture.state
            {%- for s in states %} when '{{ s }}' then '{{ states_zh[s] }}'{% endfor %} end
            || ' ' || picture.frames || ' 帧（' || strftime(picture.first_at, '%Y-%m-%d %H:%M')
            || '–' || strftime(picture.last_at, '%H:%M') || '）'
            || coalesce('，课次 ' || picture.session_id || ' 进行中', '，非上课时段')
    from picture
    left join classes on picture.class_key = classes.class_key
    left join cameras on picture.camera_id = cameras.camera_id
),

final as (
    select
        'W11' as rule_code,
        level,
        scope,
        district_code,
        institution_id,
        class_id,
        session_id,
        cast(null as varchar) as enrolment_id,
        subject_id,
        event_date,
        evidence
    from findings
    where district_code is not null
)

select * from final
