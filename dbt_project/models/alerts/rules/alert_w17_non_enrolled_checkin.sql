{#- W17 非学员打卡 check-in by a non-enrolled person (orange; red when at least
    w17_red_min_people such people in one session): punches of a session by people with no
    enrolment in the class, once the class's enrolments have been delivered (before that,
    ingest keeps the check-ins pending, so they never reach this model unjudged).
    Ingest accepts such check-ins with the warning NOT_ENROLLED; this rule judges them on
    the current enrolments, so an enrolment delivered later clears the finding. A person
    whose own enrolment is waiting in quarantine is named as such in the evidence. -#}
{{ config(schema='alerts') }}
with

punches as (
    select * from {{ ref('fct_attendance') }}
    where session_key is not null and person_pseudo is not null
),

enrolments as (
    select * from {{ ref('fct_enrolments') }}
),

classes as (
    select * from {{ ref('dim_class') }}
),

classes_with_enrolments as (
    select distinct class_key from enrolments
),

held_enrolments as (
    -- enrolments of the person in this district still in quarantine (not yet accepted)
    select distinct district_code, person_pseudo
    from {{ ref('stg_district_feeds__quarantine') }}
    where feed = 'enrolments' and is_current and person_pseudo is not null
),

strangers as (
    select
        punches.class_key,
        punches.session_key,
        punches.district_code,
        punches.person_pseudo,
        -- the masked number for people; the pseudonym's head when none was kept
        coalesce(any_value(punches.id_number_masked), any_value(left(punches.person_pseudo, 8)))
            as id_number_masked,
        min(punches.checked_on) as event_date,
        count(*) as punches,
        bool_or(held_enrolments.person_pseudo is not null) as enrolment_held
    from punches
    inner join classes_with_enrolments
        on punches.class_key = classes_with_enrolments.class_key
    left join enrolments
        on punches.class_key = enrolments.class_key
        and punches.person_pseudo = enrolments.person_pseudo
    left join held_enrolments
        on punches.district_code = held_enrolments.district_code
        and punches.person_pseudo = held_enrolments.person_pseudo
    where enrolments.person_pseudo is null
    group by all
),

by_session as (
    select
        class_key,
        session_key,
        min(event_date) as event_date,
        count(*) as people,
        string_agg(
            id_number_masked || case when enrolment_held then '(报名记录在隔离区待处理)' else '' end,
            '、' order by id_number_masked
        ) as who
    from strangers
    group by class_key, session_key
),

final as (
    select
        'W17' as rule_code,
        case when by_session.people >= {{ var('w17_red_min_people') }} then 'red'
            else 'orange' end as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        split_part(by_session.session_key, ':', 2) as session_id,
        cast(null as varchar) as enrolment_id,
        'non_enrolled' as subject_id,
        by_session.event_date,
        '课次 ' || split_part(by_session.session_key, ':', 2) || ' 有 ' || by_session.people
            || ' 名未在本班报名的人员打卡：' || by_session.who as evidence
    from by_session
    inner join classes on by_session.class_key = classes.class_key
)

select * from final
