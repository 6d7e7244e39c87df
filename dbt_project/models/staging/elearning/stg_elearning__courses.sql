-- depends_on: {{ source('elearning', 'courses') }}

with

source as (
    {{ optional_source('elearning', 'courses') }}
),

renamed as (
    select
        course_id,
        title as course_title,
        hours as course_hours,
        kind as course_kind,
        public as is_public
    from source
)

select * from renamed
