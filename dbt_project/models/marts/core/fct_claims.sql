with

claims as (
    select * from {{ ref('stg_district_feeds__subsidy_claims') }}
),

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

caps as (
    select * from {{ ref('contract_subsidy_caps') }}
),

hours as (
    select * from {{ ref('int_enrolments__attended_hours') }}
),

final as (
    select
        claims.claim_key,
        claims.district_code,
        claims.claim_id,
        claims.enrolment_key,
        claims.class_key,
        classes.occupation_code,
        classes.training_level,
        claims.person_pseudo,
        claims.id_number_masked,
        claims.amount_yuan,
        caps.cap_yuan,
        claims.claimed_on,
        cast(date_trunc('month', claims.claimed_on) as date) as claimed_month,
        claims.cert_no,
        hours.attended_hours,
        hours.attendance_ratio,
        hours.is_completed as enrolment_completed,
        -- a claim before the class ended, or for a trainee who did not complete, deserves a look
        claims.claimed_on < classes.end_date as claimed_before_class_end,
        claims.delivered_at
    from claims
    left join classes on claims.class_key = classes.class_key
    left join caps on classes.training_level = caps.level
    left join hours on claims.enrolment_key = hours.enrolment_key
)

select * from final
