{#- 公益课程播放统计 by day, by hour of day (Asia/Shanghai), by device, and overall: plays,
    unique viewers, total and median watch time, complete plays (watched >= 90%) and the
    completion rate. One grouping-sets query, `slice` naming the breakdown of each row
    (day | hour | device | all); the columns of the other breakdowns are null. -#}
with

plays as (
    select * from {{ ref('int_public_courses__plays') }}
),

aggregated as (
    select
        case
            when grouping(play_day) = 0 then 'day'
            when grouping(play_hour) = 0 then 'hour'
            when grouping(device) = 0 then 'device'
            else 'all'
        end as slice,
        play_day,
        play_hour,
        device,
        count(*) as plays,
        count(distinct viewer_id) as unique_viewers,
        sum(watched_seconds) / 3600.0 as total_watch_hours,
        median(watched_seconds) as median_watched_seconds,
        count(*) filter (where is_completed) as completed_plays,
        count(*) filter (where is_completed) / nullif(count(*), 0) as completion_rate
    from plays
    group by grouping sets ((play_day), (play_hour), (device), ())
    -- the grand total of no plays at all is no row, not an all-null 'all' row
    having count(*) > 0
)

select * from aggregated
