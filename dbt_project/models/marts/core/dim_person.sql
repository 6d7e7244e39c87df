-- one row per person (keyed pseudonym of the ID number), masked forms only: the join key for
-- trainees and teachers across classes and districts
with

enrolments as (
    select * from {{ ref('stg_district_feeds__enrolments') }}
),

teachers as (
    select * from {{ ref('stg_district_feeds__teachers') }}
),

punches as (
    select * from {{ ref('stg_district_feeds__attendance') }}
),

claims as (
    select * from {{ ref('stg_district_feeds__subsidy_claims') }}
),

appearances as (
    select person_pseudo, id_number_masked, name_masked, phone_masked, district_code,
        'trainee' as role, enrolled_on as seen_on, delivered_at
    from enrolments
    union all
    select person_pseudo, id_number_masked, name_masked, null, district_code,
        'teacher', cast(null as date), delivered_at
    from teachers
    union all
    select person_pseudo, id_number_masked, null, null, district_code,
        'attendee', cast(checked_at as date), delivered_at
    from punches
    union all
    select person_pseudo, id_number_masked, null, null, district_code,
        'claimant', claimed_on, delivered_at
    from claims
),

final as (
    select
        person_pseudo,
        -- the latest delivered masked forms
        arg_max(id_number_masked, delivered_at) as id_number_masked,
        arg_max(name_masked, delivered_at) filter (where name_masked is not null) as name_masked,
        arg_max(phone_masked, delivered_at) filter (where phone_masked is not null)
            as phone_masked,
        bool_or(role = 'trainee') as is_trainee,
        bool_or(role = 'teacher') as is_teacher,
        count(distinct district_code) as districts_seen,
        min(seen_on) as first_seen_on,
        max(seen_on) as last_seen_on
    from appearances
    where person_pseudo is not null
    group by person_pseudo
)

select * from final
