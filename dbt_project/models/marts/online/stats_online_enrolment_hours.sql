{#- 线上学时 per enrolment (class x person): online records, modules studied and completed,
    recorded and credited hours, next to the offline attended hours and the planned hours.
    A learner with online records but no enrolment in the class keeps a row (enrolment_key
    null): evidence, not an error to hide. -#}
with

records as (
    select * from {{ ref('int_online__records') }}
    where person_pseudo is not null
),

enrolments as (
    select * from {{ ref('stg_district_feeds__enrolments') }}
),

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

offline as (
    select enrolment_key, sum(attended_hours) as offline_hours
    from {{ ref('int_attendance__person_sessions') }}
    where enrolment_key is not null
    group by enrolment_key
),

per_person as (
    select
        district_code,
        class_key,
        person_pseudo,
        any_value(id_number_masked) as id_number_masked,
        count(*) as records,
        count(distinct module_id) as modules,
        count(distinct module_id) filter (where is_completed) as modules_completed,
        round(sum(greatest(recorded_minutes, 0)) / {{ var('online_minutes_per_hour') }}, 2)
            as recorded_hours,
        round(sum(credited_hours), 2) as online_hours,
        min(learning_date) as first_learned_on,
        max(learning_date) as last_learned_on
    from records
    group by district_code, class_key, person_pseudo
),

final as (
    select
        per_person.district_code,
        per_person.class_key,
        classes.class_id,
        classes.training_mode as class_mode,
        enrolments.enrolment_key,
        per_person.person_pseudo,
        per_person.id_number_masked,
        per_person.records,
        per_person.modules,
        per_person.modules_completed,
        per_person.recorded_hours,
        per_person.online_hours,
        coalesce(offline.offline_hours, 0) as offline_hours,
        classes.planned_hours,
        per_person.first_learned_on,
        per_person.last_learned_on
    from per_person
    left join classes on per_person.class_key = classes.class_key
    left join enrolments
        on per_person.class_key = enrolments.class_key
        and per_person.person_pseudo = enrolments.person_pseudo
    left join offline on enrolments.enrolment_key = offline.enrolment_key
)

select * from final
