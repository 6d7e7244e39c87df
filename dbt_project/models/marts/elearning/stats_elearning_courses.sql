{#- 课程统计: per continuing-education course, learners (an enrolment is known from its first
    activity: the export has no enrolment records), completions and rate, median learning
    hours and days to complete, and drop-off (started, idle past drop_off_after_days). -#}
with

courses as (
    select * from {{ ref('stg_elearning__courses') }}
    where not is_public
),

progress as (
    select * from {{ ref('stg_elearning__progress') }}
),

per_course as (
    select
        course_id,
        count(*) as learners,
        count(*) filter (where is_completed) as completed,
        count(*) filter (where progress_status = 'dropped_off') as dropped_off,
        count(*) filter (where progress_status = 'in_progress') as in_progress,
        median(hours_to_complete) filter (where is_completed) as median_hours_to_complete,
        median(days_to_complete) filter (where is_completed) as median_days_to_complete,
        sum(learning_hours) as learning_hours
    from progress
    group by course_id
),

final as (
    select
        courses.course_id,
        courses.course_title,
        courses.course_hours,
        coalesce(per_course.learners, 0) as learners,
        coalesce(per_course.completed, 0) as completed,
        coalesce(per_course.in_progress, 0) as in_progress,
        coalesce(per_course.dropped_off, 0) as dropped_off,
        per_course.completed / nullif(per_course.learners, 0) as completion_rate,
        per_course.dropped_off / nullif(per_course.learners, 0) as drop_off_rate,
        per_course.median_hours_to_complete,
        per_course.median_days_to_complete,
        coalesce(per_course.learning_hours, 0) as learning_hours
    from courses
    left join per_course on courses.course_id = per_course.course_id
)

select * from final
