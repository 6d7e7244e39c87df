-- depends_on: {{ source('elearning', 'events') }}

with

source as (
    {{ optional_source('elearning', 'events') }}
),

renamed as (
    select
        event_id,
        learner_id,
        course_id,
        sco_id,
        ts as event_at,
        cast(ts as date) as event_day,
        event as event_type,
        lesson_status,
        session_time as session_seconds,
        score_raw
    from source
)

select * from renamed
