-- depends_on: {{ source('elearning', 'compliance') }}

with

source as (
    {{ optional_source('elearning', 'compliance') }}
),

renamed as (
    select
        learner_id,
        year,
        district_code,
        institution_id,
        cast(courses_started as integer) as courses_started,
        cast(courses_completed as integer) as courses_completed,
        credited_hours,
        learning_hours,
        required_hours,
        met as is_met,
        shortfall_hours
    from source
)

select * from renamed
