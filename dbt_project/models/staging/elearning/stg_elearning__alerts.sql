-- depends_on: {{ source('elearning', 'alerts') }}

with

source as (
    {{ optional_source('elearning', 'alerts') }}
),

renamed as (
    select
        alert_id,
        rule_code,
        level,
        scope,
        district_code,
        institution_id,
        class_id,
        period,
        period_start,
        first_seen_at,
        status,
        evidence,
        risk_score
    from source
)

select * from renamed
