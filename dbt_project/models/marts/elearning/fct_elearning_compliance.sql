{#- 年度学时达标: required-hours compliance per learner and year; every teacher of the
    district feeds has a row for every year, with or without activity (W09 reads this). -#}
with

compliance as (
    select * from {{ ref('stg_elearning__compliance') }}
),

final as (
    select
        learner_id,
        year,
        district_code,
        institution_id,
        institution_id is not null as is_known_teacher,
        courses_started,
        courses_completed,
        credited_hours,
        learning_hours,
        required_hours,
        is_met,
        shortfall_hours
    from compliance
)

select * from final
