{#- 教师 × 课程学习情况: learning hours, status, first/last activity, completion. -#}
with

progress as (
    select * from {{ ref('stg_elearning__progress') }}
),

courses as (
    select * from {{ ref('stg_elearning__courses') }}
),

learners as (
    select * from {{ ref('int_elearning__learners') }}
),

final as (
    select
        progress.learner_id,
        learners.district_code,
        learners.institution_id,
        coalesce(learners.is_known_teacher, false) as is_known_teacher,
        progress.course_id,
        courses.course_title,
        progress.course_hours,
        progress.scos_total,
        progress.scos_completed,
        progress.sessions,
        progress.launches,
        progress.learning_hours,
        progress.hours_to_complete,
        progress.first_activity_at,
        progress.last_activity_at,
        progress.is_completed,
        progress.completed_at,
        progress.days_to_complete,
        progress.score_raw,
        progress.progress_status
    from progress
    left join courses on progress.course_id = courses.course_id
    left join learners on progress.learner_id = learners.learner_id
)

select * from final
