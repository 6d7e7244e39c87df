-- depends_on: {{ source('elearning', 'progress') }}

with

source as (
    {{ optional_source('elearning', 'progress') }}
),

renamed as (
    select
        learner_id,
        course_id,
        course_hours,
        cast(scos_total as integer) as scos_total,
        cast(scos_started as integer) as scos_started,
        cast(scos_completed as integer) as scos_completed,
        cast(sessions as integer) as sessions,
        cast(launches as integer) as launches,
        learning_seconds / 3600.0 as learning_hours,
        seconds_to_complete / 3600.0 as hours_to_complete,
        first_activity_at,
        last_activity_at,
        completed as is_completed,
        completed_at,
        days_to_complete,
        score_raw,
        status as progress_status
    from source
)

select * from renamed
