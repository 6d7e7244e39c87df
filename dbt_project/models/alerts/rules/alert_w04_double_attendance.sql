{#- W04 重复参训 double attendance (red): one person checked in to two sessions of different
    classes whose scheduled times overlap (fct_person_overlaps, var('overlap_min_minutes')).
    One finding per side: the class, session and enrolment of each of the two check-ins. -#}
{{ config(schema='alerts') }}
with

overlap_pairs as (
    select * from {{ ref('fct_person_overlaps') }}
),

person_sessions as (
    select * from {{ ref('fct_session_attendance') }}
),

classes as (
    select * from {{ ref('dim_class') }}
),

sides as (
    select person_pseudo, session_key_a as session_key, class_key_a as class_key,
        session_key_b as other_session_key, class_key_b as other_class_key,
        overlap_starts_at, overlap_minutes
    from overlap_pairs
    union all
    select person_pseudo, session_key_b, class_key_b, session_key_a, class_key_a,
        overlap_starts_at, overlap_minutes
    from overlap_pairs
),

final as (
    select
        'W04' as rule_code,
        'red' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        split_part(sides.session_key, ':', 2) as session_id,
        split_part(person_sessions.enrolment_key, ':', 2) as enrolment_id,
        sides.other_session_key as subject_id,
        cast(sides.overlap_starts_at as date) as event_date,
        '学员 ' || coalesce(person_sessions.id_number_masked, '（未知）') || ' 在课次 '
            || split_part(sides.session_key, ':', 2) || ' 签到，同时段（重叠 ' || sides.overlap_minutes
            || ' 分钟，自 ' || strftime(sides.overlap_starts_at, '%Y-%m-%d %H:%M') || '）又在班级 '
            || split_part(sides.other_class_key, ':', 2) || ' 的课次 '
            || split_part(sides.other_session_key, ':', 2) || ' 签到' as evidence
    from sides
    inner join classes on sides.class_key = classes.class_key
    left join person_sessions
        on person_sessions.person_session_key = sides.session_key || ':' || sides.person_pseudo
)

select * from final
