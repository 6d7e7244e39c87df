{#- W07 人脸比对低分 weak face match: accepted face check-ins below var('w07_min_face_score');
    yellow, orange when they are more than var('w07_orange_share') of the session's face
    check-ins. One finding per session. -#}
{{ config(schema='alerts') }}
with

face as (
    select *
    from {{ ref('fct_attendance') }}
    where punch_kind = '签到' and punch_method = '人脸' and session_key is not null
),

classes as (
    select * from {{ ref('dim_class') }}
),

per_session as (
    select
        session_key,
        class_key,
        min(checked_on) as session_date,
        count(*) as face_checkins,
        count(*) filter (where face_score < {{ var('w07_min_face_score') }}) as weak,
        min(face_score) as lowest
    from face
    group by session_key, class_key
),

final as (
    select
        'W07' as rule_code,
        case
            when weak > {{ var('w07_orange_share') }} * face_checkins then 'orange' else 'yellow'
        end as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        split_part(per_session.session_key, ':', 2) as session_id,
        cast(null as varchar) as enrolment_id,
        cast(null as varchar) as subject_id,
        per_session.session_date as event_date,
        '课次 ' || split_part(per_session.session_key, ':', 2) || ' 人脸签到 ' || face_checkins
            || ' 次，其中 ' || weak || ' 次比对分低于 {{ var("w07_min_face_score") }}（最低 '
            || round(lowest, 3) || '）仍被接受' as evidence
    from per_session
    inner join classes on per_session.class_key = classes.class_key
    where per_session.weak > 0
)

select * from final
