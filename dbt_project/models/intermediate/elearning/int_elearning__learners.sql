{#- Every continuing-education learner with the district and institution of the district
    feeds' teacher of that id (null when the learner is not a known teacher). The link is
    made once, in Python (pipelines/elearning/teachers.py), and carried by compliance. -#}
with

compliance as (
    select * from {{ ref('stg_elearning__compliance') }}
),

final as (
    select
        learner_id,
        any_value(district_code) as district_code,
        any_value(institution_id) as institution_id,
        any_value(institution_id) is not null as is_known_teacher
    from compliance
    group by learner_id
)

select * from final
