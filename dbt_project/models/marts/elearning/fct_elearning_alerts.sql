{#- 继续教育预警 E01-E03 in the common alerts shape, ready to be unioned into `alerts`. -#}
with

alerts as (
    select * from {{ ref('stg_elearning__alerts') }}
),

final as (
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
    from alerts
)

select * from final
