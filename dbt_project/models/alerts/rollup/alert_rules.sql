{#- 预警规则目录 The rules catalogue (spec/early-warning-rules.md), published for every role:
    the seed is generated from pipelines/contract/rules.py, the one place rule names live. -#}
{{ config(schema='marts') }}

with

rules as (
    select * from {{ ref('contract_alert_rules') }}
),

final as (
    select
        rule_code,
        rule_name_zh,
        rule_name_en,
        levels,
        kind
    from rules
)

select * from final
