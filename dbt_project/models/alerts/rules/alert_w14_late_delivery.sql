{#- W14 数据迟报 late or missing delivery (yellow, district scope):
    late    - a district feed's delivery whose oldest data day is more than var('w14_late_days') days before
              it arrived (fct_deliveries; same-bytes duplicates and empty files excluded);
    missing - a district day with scheduled sessions (up to the newest data day) but no
              attendance delivery for that day. A file that was delivered for the day but
              could not be read still counts as delivered (its day taken from the file name):
              that is a data-quality failure reported by the DQ suites, not a missing file. -#}
{{ config(schema='alerts') }}
with

deliveries as (
    select * from {{ ref('fct_deliveries') }}
),

sessions as (
    select * from {{ ref('fct_sessions') }}
),

as_of as (
    select * from {{ ref('int_alerts__as_of') }}
),

district_feeds as (
    -- the catalogue's W14 is about district feeds; the city-level exports (e-learning,
    -- operator work orders, service-desk tickets) carry history by nature and are no
    -- district's delivery (they were flagged as district 310000, 696 days "late")
    select feed from {{ ref('contract_feeds') }}
),

late as (
    select
        district_code,
        data_day_min as event_date,
        delivery_file,
        feed,
        delivered_at,
        date_diff('day', data_day_min, cast(delivered_at as date)) as days_late
    from deliveries
    where feed in (select feed from district_feeds)
        and delivery_status not in ('duplicate')
        and coalesce(file_reason_code, '') <> 'EMPTY_FILE'
        and data_day_min is not null
        and date_diff('day', data_day_min, cast(delivered_at as date)) > {{ var('w14_late_days') }}
),

attendance_days as (
    select district_code, cast(unnest(generate_series(data_day_min, data_day_max, interval 1 day)) as date) as day
    from deliveries
    where feed = 'attendance' and data_day_min is not null
    union
    select district_code,
        try_strptime(regexp_extract(delivery_file, '(20[0-9]{6})', 1), '%Y%m%d')::date
    from deliveries
    where feed = 'attendance' and data_day_min is null
),

session_days as (
    select district_code, session_date as day, count(*) as sessions
    from sessions
    cross join as_of
    where session_date <= as_of.as_of_date
    group by district_code, session_date
),

missing as (
    select session_days.*
    from session_days
    anti join attendance_days
        on session_days.district_code = attendance_days.district_code
        and session_days.day = attendance_days.day
),

final as (
    select
        'W14' as rule_code,
        'yellow' as level,
        'district' as scope,
        district_code,
        cast(null as varchar) as institution_id,
        cast(null as varchar) as class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        'late|' || delivery_file as subject_id,
        event_date,
        feed || ' 报送文件 ' || delivery_file || '（数据日 ' || event_date || '）于 '
            || strftime(delivered_at, '%Y-%m-%d %H:%M') || ' 送达，迟报 ' || days_late || ' 天'
            as evidence
    from late
    union all
    select
        'W14', 'yellow', 'district', district_code, null, null, null, null,
        'missing|attendance|' || day,
        day,
        day || ' 有 ' || sessions || ' 个课次，但未收到当日考勤（attendance）报送'
    from missing
)

select * from final
