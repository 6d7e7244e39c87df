{#- W09 师资不合规 teacher not compliant (orange): a session's teacher has a certificate that
    expired before the session, a certificate for another occupation than the class's, or
    teaches two overlapping sessions. One finding per session, its reasons listed. -#}
{{ config(schema='alerts') }}
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

teachers as (
    select * from {{ ref('dim_teacher') }}
),

classes as (
    select * from {{ ref('dim_class') }}
),

double_booked as (
    select
        a.session_key,
        string_agg(split_part(b.session_key, ':', 2), '、' order by b.session_key) as others
    from sessions as a
    inner join sessions as b
        on a.teacher_key = b.teacher_key
        and a.session_key <> b.session_key
        and a.starts_at < b.ends_at
        and b.starts_at < a.ends_at
    group by a.session_key
),

checked as (
    select
        sessions.session_key,
        sessions.session_id,
        sessions.session_date,
        sessions.class_key,
        teachers.teacher_id,
        concat_ws('；',
            case when teachers.cert_valid_until < sessions.session_date
                then '证书 ' || teachers.cert_no || ' 已于 ' || teachers.cert_valid_until || ' 过期' end,
            case when teachers.occupation_code <> classes.occupation_code
                then '证书职业 ' || teachers.occupation_code || ' 与班级职业 '
                    || classes.occupation_code || ' 不符' end,
            case when double_booked.others is not null
                then '同时段另授课次 ' || double_booked.others end
        ) as reasons
    from sessions
    inner join teachers on sessions.teacher_key = teachers.teacher_key
    inner join classes on sessions.class_key = classes.class_key
    left join double_booked on sessions.session_key = double_booked.session_key
),

final as (
    select
        'W09' as rule_code,
        'orange' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        checked.session_id,
        cast(null as varchar) as enrolment_id,
        checked.teacher_id as subject_id,
        checked.session_date as event_date,
        '课次 ' || checked.session_id || ' 授课教师 ' || checked.teacher_id || '：' || checked.reasons
            as evidence
    from checked
    inner join classes on checked.class_key = classes.class_key
    where checked.reasons <> ''
)

select * from final
