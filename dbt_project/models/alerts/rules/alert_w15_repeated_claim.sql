{#- W15 重复申领 repeated claim (red): the same person (keyed pseudonym, across districts)
    claimed for the same occupation and level twice within var('w15_window_days') days. The
    finding is the later claim of each pair (ties broken by claim key). -#}
{{ config(schema='alerts') }}
with

claims as (
    select * from {{ ref('fct_claims') }}
    where person_pseudo is not null
),

classes as (
    select * from {{ ref('dim_class') }}
),

pairs as (
    select
        later.claim_key,
        later.claim_id,
        later.class_key,
        later.enrolment_key,
        later.id_number_masked,
        later.claimed_on,
        later.occupation_code,
        later.training_level,
        earlier.claim_id as earlier_claim_id,
        earlier.claimed_on as earlier_claimed_on,
        split_part(earlier.class_key, ':', 2) as earlier_class_id
    from claims as later
    inner join claims as earlier
        on later.person_pseudo = earlier.person_pseudo
        and later.occupation_code = earlier.occupation_code
        and later.training_level = earlier.training_level
        and later.claim_key <> earlier.claim_key
        and later.claimed_on >= earlier.claimed_on
        and date_diff('day', earlier.claimed_on, later.claimed_on) <= {{ var('w15_window_days') }}
        and (later.claimed_on > earlier.claimed_on or later.claim_key > earlier.claim_key)
),

final as (
    select
        'W15' as rule_code,
        'red' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        cast(null as varchar) as session_id,
        split_part(pairs.enrolment_key, ':', 2) as enrolment_id,
        pairs.claim_id || '|' || pairs.earlier_claim_id as subject_id,
        pairs.claimed_on as event_date,
        '学员 ' || coalesce(pairs.id_number_masked, '?') || ' 于 ' || pairs.claimed_on || ' 申领 '
            || pairs.claim_id || '（职业 ' || pairs.occupation_code || '，' || pairs.training_level
            || ' 级），' || pairs.earlier_claimed_on || ' 已在班级 ' || pairs.earlier_class_id
            || ' 申领 ' || pairs.earlier_claim_id || '（{{ var("w15_window_days") }} 天内重复）' as evidence
    from pairs
    inner join classes on pairs.class_key = classes.class_key
)

select * from final
