-- depends_on: {{ source('elearning', 'plays') }}

with

source as (
    {{ optional_source('elearning', 'plays') }}
),

renamed as (
    select
        play_id,
        course_id,
        viewer_id,
        started_at,
        watched_seconds,
        duration_seconds,
        device
    from source
)

select * from renamed
