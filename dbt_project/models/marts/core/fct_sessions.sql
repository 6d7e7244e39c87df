with

sessions as (
    select * from {{ ref('int_sessions__scheduled') }}
),

person_sessions as (
    select * from {{ ref('int_attendance__person_sessions') }}
),

attendance_per_session as (
    select
        session_key,
        count(*) filter (where first_check_in is not null) as persons_checked_in,
        count(*) filter (where pair_status = 'paired') as persons_paired,
        count(*) filter (where pair_status = 'check_in_only') as persons_check_in_only,
        sum(attended_hours) as attended_hours
    from person_sessions
    group by session_key
),

final as (
    select
        sessions.session_key,
        sessions.district_code,
        sessions.session_id,
        sessions.class_key,
        sessions.teacher_key,
        sessions.institution_key,
        sessions.occupation_code,
        sessions.starts_at,
        sessions.ends_at,
        sessions.session_date,
        sessions.session_month,
        sessions.scheduled_minutes,
        sessions.declared_hours,
        sessions.crosses_midnight,
        sessions.is_within_class_dates,
        sessions.room,
        coalesce(attendance_per_session.persons_checked_in, 0) as persons_checked_in,
        coalesce(attendance_per_session.persons_paired, 0) as persons_paired,
        coalesce(attendance_per_session.persons_check_in_only, 0) as persons_check_in_only,
        coalesce(attendance_per_session.attended_hours, 0) as attended_hours
    from sessions
    left join attendance_per_session on sessions.session_key = attendance_per_session.session_key
)

select * from final
