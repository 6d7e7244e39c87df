{#- W08 出勤不足仍申领 claim without attendance (red): a subsidy claim for an enrolment whose
    attended hours are under var('w08_min_attendance_share') of the class's planned hours.
    var('w08_hours_basis'): 'checked_in' counts a session's declared hours in full when the
    person checked in (the catalogue's plain reading); 'credited' uses the warehouse's
    evidenced hours (fct_claims.attended_hours: a check-in without check-out earns 0). -#}
{{ config(schema='alerts') }}
with

claims as (
    select * from {{ ref('fct_claims') }}
),

classes as (
    select * from {{ ref('dim_class') }}
),

hours_by_kind as (
    select
        person_sessions.class_key,
        person_sessions.person_pseudo,
        sum(sessions.declared_hours) as hours
    from {{ ref('fct_session_attendance') }} as person_sessions
    inner join {{ ref('fct_sessions') }} as sessions
        on person_sessions.session_key = sessions.session_key
    where person_sessions.first_check_in is not null
    group by person_sessions.class_key, person_sessions.person_pseudo
    union all
    -- a 线上/混合 class's online learning: its credited hours (fct_online_learning)
    select class_key, person_pseudo, sum(credited_hours)
    from {{ ref('fct_online_learning') }}
    where counts_towards_hours and person_pseudo is not null
    group by class_key, person_pseudo
),

checked_in_hours as (
    select class_key, person_pseudo, sum(hours) as hours
    from hours_by_kind
    group by class_key, person_pseudo
),

measured as (
    select
        claims.*,
        classes.class_id,
        classes.institution_key,
        classes.planned_hours,
        {% if var('w08_hours_basis') == 'credited' -%}
        coalesce(claims.attended_hours, 0)
        {%- else -%}
        coalesce(checked_in_hours.hours, 0)
        {%- endif %} as hours_attended
    from claims
    inner join classes on claims.class_key = classes.class_key
    left join checked_in_hours
        on claims.class_key = checked_in_hours.class_key
        and claims.person_pseudo = checked_in_hours.person_pseudo
),

final as (
    select
        'W08' as rule_code,
        'red' as level,
        'class' as scope,
        district_code,
        split_part(institution_key, ':', 2) as institution_id,
        class_id,
        cast(null as varchar) as session_id,
        split_part(enrolment_key, ':', 2) as enrolment_id,
        claim_id as subject_id,
        claimed_on as event_date,
        '申领 ' || claim_id || '（' || coalesce(id_number_masked, '?') || '，' || amount_yuan
            || ' 元）对应学员出勤 ' || round(hours_attended, 1) || ' 课时，计划 ' || planned_hours
            || ' 课时（' || round(100 * hours_attended / nullif(planned_hours, 0), 1)
            || '%，低于 ' || round(100 * {{ var('w08_min_attendance_share') }}, 0) || '%）'
            as evidence
    from measured
    where hours_attended < {{ var('w08_min_attendance_share') }} * planned_hours
)

select * from final
