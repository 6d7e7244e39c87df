{#- One row per play of a public video course, with the day, hour and completion it is
    counted under. A play is complete when at least elearning_play_complete_ratio (0.9) of
    the video was watched; the var is the one place for that threshold. -#}
with

plays as (
    select * from {{ ref('stg_elearning__plays') }}
),

courses as (
    select * from {{ ref('stg_elearning__courses') }}
),

final as (
    select
        plays.play_id,
        plays.course_id,
        courses.course_title,
        plays.viewer_id,
        plays.started_at,
        cast(plays.started_at as date) as play_day,
        extract(hour from plays.started_at) as play_hour,
        coalesce(plays.device, 'unknown') as device,
        plays.watched_seconds,
        plays.duration_seconds,
        plays.watched_seconds
            >= {{ var('elearning_play_complete_ratio', 0.9) }} * plays.duration_seconds
            as is_completed
    from plays
    left join courses on plays.course_id = courses.course_id
)

select * from final
