-- one row per class and calendar day of its declared period, with the sessions scheduled
with

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

sessions as (
    select * from {{ ref('int_sessions__scheduled') }}
),

days as (
    select
        class_key,
        district_code,
        cast(unnest(generate_series(start_date, end_date, interval 1 day)) as date) as calendar_date
    from classes
),

sessions_per_day as (
    select
        class_key,
        session_date,
        count(*) as sessions_scheduled,
        sum(declared_hours) as hours_scheduled,
        min(starts_at) as first_session_starts_at,
        max(ends_at) as last_session_ends_at
    from sessions
    group by class_key, session_date
),

final as (
    select
        days.class_key || ':' || strftime(days.calendar_date, '%Y%m%d') as class_day_key,
        days.class_key,
        days.district_code,
        days.calendar_date,
        isodow(days.calendar_date) as iso_weekday,
        coalesce(sessions_per_day.sessions_scheduled, 0) as sessions_scheduled,
        coalesce(sessions_per_day.hours_scheduled, 0) as hours_scheduled,
        sessions_per_day.first_session_starts_at,
        sessions_per_day.last_session_ends_at
    from days
    left join sessions_per_day
        on days.class_key = sessions_per_day.class_key
        and days.calendar_date = sessions_per_day.session_date
)

select * from final
