{#- W12 课时不足 hours short (orange): a class that has ended (end_date on or before the newest
    day with sessions or check-ins delivered: activity_as_of_date) whose delivered session
    hours are under var('w12_min_hours_share') of its planned hours (a 线上/混合 class's online
    modules count, once each at their length). A class that ended with no session at all is
    "no data" (its schedule never arrived), reported in alert_rule_status. -#}
{{ config(schema='alerts') }}
with

classes as (
    select * from {{ ref('dim_class') }}
),

offline as (
    select class_key, count(*) as sessions, sum(declared_hours) as hours
    from {{ ref('fct_sessions') }}
    group by class_key
),

online as (
    -- a 线上/混合 class delivers its online modules too: each module studied by anyone
    -- counts once, at its length
    select class_key, count(*) as modules,
        sum(module_minutes) / {{ var('online_minutes_per_hour') }} as hours
    from (
        select class_key, module_id, max(module_minutes) as module_minutes
        from {{ ref('fct_online_learning') }}
        where counts_towards_hours
        group by class_key, module_id
    )
    group by class_key
),

sessions as (
    select
        coalesce(offline.class_key, online.class_key) as class_key,
        coalesce(offline.sessions, 0) as sessions,
        coalesce(online.modules, 0) as modules,
        coalesce(offline.hours, 0) + coalesce(online.hours, 0) as hours
    from offline
    full outer join online on offline.class_key = online.class_key
),

as_of as (
    select * from {{ ref('int_alerts__as_of') }}
),

final as (
    select
        'W12' as rule_code,
        'orange' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        cast(null as varchar) as subject_id,
        classes.end_date as event_date,
        '班级 ' || classes.class_id || ' 已于 ' || classes.end_date || ' 结班，' || sessions.sessions
            || ' 个课次' || case when sessions.modules > 0
                then '及 ' || sessions.modules || ' 个线上模块' else '' end
            || '共 ' || round(sessions.hours, 1) || ' 课时，计划 ' || classes.planned_hours
            || ' 课时（' || round(100 * sessions.hours / nullif(classes.planned_hours, 0), 1)
            || '%，低于 ' || round(100 * {{ var('w12_min_hours_share') }}, 0) || '%）' as evidence
    from classes
    inner join sessions on classes.class_key = sessions.class_key
    cross join as_of
    where classes.end_date <= as_of.activity_as_of_date
        and sessions.hours < {{ var('w12_min_hours_share') }} * classes.planned_hours
)

select * from final
