{#- 线上并发 per district and day: records, learners, the peak number of records open at the
    same moment (a sweep over starts and ends), and the people who had two records open at
    once on different devices (O02's pattern). -#}
with

records as (
    select * from {{ ref('int_online__records') }}
    where started_at is not null and ended_at > started_at
),

edges as (
    select district_code, learning_date, started_at as edge_at, 1 as delta from records
    union all
    select district_code, learning_date, ended_at, -1 from records
),

running as (
    select
        district_code,
        learning_date,
        -- an end before a start at the same instant: back-to-back records are not concurrent
        sum(delta) over (
            partition by district_code, learning_date order by edge_at, delta
            rows between unbounded preceding and current row
        ) as open_records
    from edges
),

peaks as (
    select district_code, learning_date, max(open_records) as peak_concurrent_records
    from running
    group by district_code, learning_date
),

two_devices as (
    select
        a.district_code,
        a.learning_date,
        count(distinct a.person_pseudo) filter (where a.device_id is distinct from b.device_id)
            as people_on_two_devices
    from records as a
    inner join records as b
        on a.district_code = b.district_code
        and a.person_pseudo = b.person_pseudo
        and a.record_key < b.record_key
        and a.started_at < b.ended_at
        and b.started_at < a.ended_at
    group by a.district_code, a.learning_date
),

daily as (
    select
        district_code,
        learning_date,
        count(*) as records,
        count(distinct person_pseudo) as learners,
        count(distinct class_key) as classes,
        round(sum(credited_hours), 2) as credited_hours
    from records
    group by district_code, learning_date
),

final as (
    select
        daily.district_code,
        daily.learning_date,
        daily.records,
        daily.learners,
        daily.classes,
        daily.credited_hours,
        peaks.peak_concurrent_records,
        coalesce(two_devices.people_on_two_devices, 0) as people_on_two_devices
    from daily
    left join peaks
        on daily.district_code = peaks.district_code
        and daily.learning_date = peaks.learning_date
    left join two_devices
        on daily.district_code = two_devices.district_code
        and daily.learning_date = two_devices.learning_date
)

select * from final
