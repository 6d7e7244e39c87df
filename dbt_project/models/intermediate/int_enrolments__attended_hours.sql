-- attended hours per enrolment against the class's planned hours; completion per var.
-- A 线上/混合 class's online learning counts too (int_online__person_hours: credited online
-- hours), so that W08 and the completion see a trainee who learned online.
with

enrolments as (
    select * from {{ ref('stg_district_feeds__enrolments') }}
),

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

person_sessions as (
    select * from {{ ref('int_attendance__person_sessions') }}
),

online as (
    select * from {{ ref('int_online__person_hours') }}
),

attended as (
    select
        enrolment_key,
        count(*) filter (where attended_hours > 0) as sessions_attended,
        count(*) filter (where pair_status = 'check_in_only') as sessions_check_in_only,
        sum(attended_hours) as attended_hours,
        min(session_date) as first_attended_on,
        max(session_date) as last_attended_on
    from person_sessions
    where enrolment_key is not null
    group by enrolment_key
),

final as (
    select
        enrolments.enrolment_key,
        enrolments.class_key,
        classes.occupation_code,
        classes.planned_hours,
        classes.end_date as class_end_date,
        coalesce(attended.sessions_attended, 0) as sessions_attended,
        coalesce(attended.sessions_check_in_only, 0) as sessions_check_in_only,
        coalesce(attended.attended_hours, 0) + coalesce(online.online_hours, 0) as attended_hours,
        coalesce(online.online_hours, 0) as online_hours,
        least(attended.first_attended_on, online.first_learned_on) as first_attended_on,
        greatest(attended.last_attended_on, online.last_learned_on) as last_attended_on,
        round(
            (coalesce(attended.attended_hours, 0) + coalesce(online.online_hours, 0))
            / classes.planned_hours, 4
        ) as attendance_ratio,
        coalesce(attended.attended_hours, 0) + coalesce(online.online_hours, 0)
            >= {{ var('completion_min_attendance_ratio') }} * classes.planned_hours as is_completed
    from enrolments
    inner join classes on enrolments.class_key = classes.class_key
    left join attended on enrolments.enrolment_key = attended.enrolment_key
    left join online
        on enrolments.class_key = online.class_key
        and enrolments.person_pseudo = online.person_pseudo
)

select * from final
