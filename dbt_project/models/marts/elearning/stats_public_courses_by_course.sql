{#- 公益课程播放统计 per public course: plays, unique viewers, total and median watch time,
    complete plays (watched >= 90%) and completion rate; ranked by plays, with the top and
    bottom public_courses_top_n flagged. A course nobody played is listed with zero plays
    (it belongs at the bottom, not outside the ranking). -#}
with

courses as (
    select * from {{ ref('stg_elearning__courses') }}
    where is_public
),

plays as (
    select * from {{ ref('int_public_courses__plays') }}
),

per_course as (
    select
        course_id,
        count(*) as plays,
        count(distinct viewer_id) as unique_viewers,
        sum(watched_seconds) / 3600.0 as total_watch_hours,
        median(watched_seconds) as median_watched_seconds,
        count(*) filter (where is_completed) as completed_plays
    from plays
    group by course_id
),

final as (
    select
        courses.course_id,
        courses.course_title,
        coalesce(per_course.plays, 0) as plays,
        coalesce(per_course.unique_viewers, 0) as unique_viewers,
        coalesce(per_course.total_watch_hours, 0) as total_watch_hours,
        per_course.median_watched_seconds,
        coalesce(per_course.completed_plays, 0) as completed_plays,
        per_course.completed_plays / nullif(per_course.plays, 0) as completion_rate,
        row_number() over (order by coalesce(per_course.plays, 0) desc, courses.course_id)
            as rank_by_plays,
        row_number() over (order by coalesce(per_course.plays, 0) asc, courses.course_id)
            as rank_from_bottom
    from courses
    left join per_course on courses.course_id = per_course.course_id
)

select
    *,
    rank_by_plays <= {{ var('public_courses_top_n', 5) }} as is_top,
    rank_from_bottom <= {{ var('public_courses_top_n', 5) }} as is_bottom
from final
