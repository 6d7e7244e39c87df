-- sessions with their class, scheduled length and calendar placement
with

sessions as (
    select * from {{ ref('stg_district_feeds__sessions') }}
),

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

joined as (
    select
        sessions.session_key,
        sessions.district_code,
        sessions.session_id,
        sessions.class_key,
        sessions.teacher_key,
        classes.institution_key,
        classes.occupation_code,
        sessions.starts_at,
        sessions.ends_at,
        date_diff('minute', sessions.starts_at, sessions.ends_at) as scheduled_minutes,
        sessions.declared_hours,
        cast(sessions.starts_at as date) as session_date,
        cast(date_trunc('month', sessions.starts_at) as date) as session_month,
        cast(sessions.starts_at as date) <> cast(sessions.ends_at as date) as crosses_midnight,
        cast(sessions.starts_at as date) between classes.start_date and classes.end_date
            as is_within_class_dates,
        sessions.room
    from sessions
    left join classes on sessions.class_key = classes.class_key
)

select * from joined
