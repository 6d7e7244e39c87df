-- online hours per class and person, for the attended hours of 线上/混合 classes
with

records as (
    select * from {{ ref('int_online__records') }}
    where counts_towards_hours and person_pseudo is not null
),

final as (
    select
        class_key,
        person_pseudo,
        count(*) as online_records,
        sum(credited_hours) as online_hours,
        min(learning_date) as first_learned_on,
        max(learning_date) as last_learned_on
    from records
    group by class_key, person_pseudo
)

select * from final
