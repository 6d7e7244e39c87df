{#- W16 超员 over capacity (orange): a class with more enrolments than its filed capacity
    (dated by its start date), or a session with more check-ins than the class has
    enrolments. -#}
{{ config(schema='alerts') }}
with

classes as (
    select * from {{ ref('dim_class') }}
),

enrolled as (
    select class_key, count(*) as enrolments
    from {{ ref('fct_enrolments') }}
    group by class_key
),

checkins as (
    select session_key, class_key, min(checked_on) as session_date, count(*) as checkins
    from {{ ref('fct_attendance') }}
    where punch_kind = '签到' and session_key is not null
    group by session_key, class_key
),

findings as (
    select
        classes.class_key,
        cast(null as varchar) as session_id,
        'capacity' as subject_id,
        classes.start_date as event_date,
        '班级 ' || classes.class_id || ' 报名 ' || enrolled.enrolments || ' 人，超过计划人数 '
            || classes.capacity || ' 人' as evidence
    from classes
    inner join enrolled on classes.class_key = enrolled.class_key
    where enrolled.enrolments > classes.capacity
    union all
    select
        checkins.class_key,
        split_part(checkins.session_key, ':', 2),
        'checkins',
        checkins.session_date,
        '课次 ' || split_part(checkins.session_key, ':', 2) || ' 签到 ' || checkins.checkins
            || ' 次，超过班级报名人数 ' || coalesce(enrolled.enrolments, 0) || ' 人'
    from checkins
    left join enrolled on checkins.class_key = enrolled.class_key
    where checkins.checkins > coalesce(enrolled.enrolments, 0)
),

final as (
    select
        'W16' as rule_code,
        'orange' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        findings.session_id,
        cast(null as varchar) as enrolment_id,
        findings.subject_id,
        findings.event_date,
        findings.evidence
    from findings
    inner join classes on findings.class_key = classes.class_key
)

select * from final
