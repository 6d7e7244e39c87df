{#- W01 未备案开班 unfiled class (red): sessions or attendance exist for a class that was not
    filed (filed_on blank) or was filed after its start date. One finding per class, dated
    by its first session or check-in. -#}
{{ config(schema='alerts') }}
with

classes as (
    select * from {{ ref('dim_class') }}
),

sessions as (
    select class_key, min(session_date) as first_session_on, count(*) as sessions
    from {{ ref('fct_sessions') }}
    group by class_key
),

punches as (
    select class_key, min(checked_on) as first_punch_on, count(*) as punches
    from {{ ref('fct_attendance') }}
    group by class_key
),

flagged as (
    select
        classes.*,
        sessions.first_session_on,
        coalesce(sessions.sessions, 0) as sessions,
        punches.first_punch_on,
        coalesce(punches.punches, 0) as punches
    from classes
    left join sessions on classes.class_key = sessions.class_key
    left join punches on classes.class_key = punches.class_key
    where (classes.filed_on is null or classes.filed_on > classes.start_date)
        and (sessions.class_key is not null or punches.class_key is not null)
),

final as (
    select
        'W01' as rule_code,
        'red' as level,
        'class' as scope,
        district_code,
        split_part(institution_key, ':', 2) as institution_id,
        class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        cast(null as varchar) as subject_id,
        least(first_session_on, first_punch_on) as event_date,
        case
            when filed_on is null
                then '班级 ' || class_id || ' 未备案（备案日期为空），开班日期 ' || start_date
            else '班级 ' || class_id || ' 备案日期 ' || filed_on || ' 晚于开班日期 ' || start_date
        end || '，已有课次 ' || sessions || ' 个、考勤记录 ' || punches || ' 条' as evidence
    from flagged
)

select * from final
