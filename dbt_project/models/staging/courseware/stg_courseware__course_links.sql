-- depends_on: {{ source('courseware', 'course_links') }}

with

source as (
    {{ optional_source('courseware', 'course_links', columns='declared') }}
)

select * from source
