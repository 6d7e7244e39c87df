{#- 预警 The published alerts, in the interface standard's shape: the rule alerts of this build
    (alert_candidates) with their identity, first-seen time and analyst status kept in Delta
    (lake/alert_register, lake/alert_actions: they survive any rebuild of this database),
    plus the e-learning alerts E01-E03 (fct_elearning_alerts).

    - first_seen_at: from the register; an alert new in this build gets the build's start
      time (Asia/Shanghai), which the register asset then records as is.
    - status: the latest action (analyst or system); 'new' when there is none.
    - an alert in the register whose cause is no longer in the data (a corrected delivery)
      stays, marked 'resolved' with the note in its evidence, never silently deleted; a
      system resolution is undone when the cause comes back.
    - risk_score: null here. The risk score reads this model (alert counts are features), so
      it is filled at publication, after the scoring: class alerts get the class's score,
      institution alerts the institution's (pipelines/risk/published.py). -#}
{{ config(schema='marts') }}
{%- set run_local = run_started_at.astimezone(modules.pytz.timezone('Asia/Shanghai')).strftime('%Y-%m-%d %H:%M:%S') -%}

with

candidates as (
    select * from {{ ref('alert_candidates') }}
),

register as (
    select * from {{ ref('stg_alerts__alert_register') }}
),

actions as (
    select * from {{ ref('stg_alerts__alert_actions') }}
),

elearning as (
    select * from {{ ref('fct_elearning_alerts') }}
),

latest_action as (
    select
        alert_id,
        arg_max(status, acted_at) as status,
        arg_max(source, acted_at) as source
    from actions
    group by alert_id
),

combined as (
    select alert_id, rule_code, level, scope, district_code, institution_id, class_id, period,
        period_start, evidence, true as cause_present
    from candidates
    union all
    select alert_id, rule_code, level, scope, district_code, institution_id, class_id, period,
        period_start, evidence, false
    from register
    where alert_id not in (select alert_id from candidates)
),

rule_alerts as (
    select
        combined.alert_id,
        combined.rule_code,
        combined.level,
        combined.scope,
        combined.district_code,
        combined.institution_id,
        combined.class_id,
        combined.period,
        combined.period_start,
        coalesce(register.first_seen_at, cast('{{ run_local }}' as timestamp)) as first_seen_at,
        case
            when latest_action.status is null
                then case when combined.cause_present then 'new' else 'resolved' end
            when combined.cause_present and latest_action.source = 'system'
                and latest_action.status = 'resolved' then 'new'
            when not combined.cause_present and latest_action.status in ('new', 'acknowledged')
                then 'resolved'
            else latest_action.status
        end as status,
        case
            when combined.cause_present then combined.evidence
            else '〔数据更正后原因已不存在 cause no longer present in data〕' || combined.evidence
        end as evidence,
        cast(null as double) as risk_score
    from combined
    left join register on combined.alert_id = register.alert_id
    left join latest_action on combined.alert_id = latest_action.alert_id
),

elearning_alerts as (
    select
        elearning.alert_id,
        elearning.rule_code,
        elearning.level,
        elearning.scope,
        elearning.district_code,
        elearning.institution_id,
        elearning.class_id,
        elearning.period,
        cast(elearning.period_start as date) as period_start,
        cast(elearning.first_seen_at as timestamp) as first_seen_at,
        coalesce(latest_action.status, elearning.status) as status,
        elearning.evidence,
        cast(elearning.risk_score as double) as risk_score
    from elearning
    left join latest_action on elearning.alert_id = latest_action.alert_id
),

final as (
    select * from rule_alerts
    union all
    select * from elearning_alerts
)

select * from final
