{#- 预警候选 The alerts this build's data raise, before analyst status: every finding rolled up
    by period (day / ISO week / month, period_start = its first day) and by level (class ->
    institution -> district -> city; escalations X01/X02 stay at their own level). One row per
    rule, scope, target and period: alert_id = md5(rule|scope|target|period|period_start), the
    same across runs and rebuilds. The level of a roll-up is the highest of what it holds.

    Exported to <warehouse>/build/alert_candidates.parquet after the build, for the register
    asset (pipelines/alerts/assets.py), which must not open the DuckDB file (one writer). -#}
{%- set max_items = var('alerts_evidence_max_items') -%}
{%- set run_local = run_started_at.astimezone(modules.pytz.timezone('Asia/Shanghai')).strftime('%Y-%m-%d %H:%M:%S') -%}
{{ config(
    schema='marts',
    post_hook="copy (select * from {{ this }}) to '" ~ env_var('SKILLWATCH_WAREHOUSE', '/tmp') ~ "/build/alert_candidates.parquet' (format parquet)"
) }}

with

findings as (
    select rule_code, level, scope, district_code, institution_id, class_id, event_date, evidence
    from {{ ref('alert_findings') }}
    union all
    select rule_code, level, scope, district_code, institution_id, class_id, event_date, evidence
    from {{ ref('int_alerts__escalations') }}
),

periods as (
    select *
    from (values ('day'), ('week'), ('month')) as p (period)
),

expanded as (
    select
        findings.*,
        periods.period,
        case periods.period
            when 'day' then findings.event_date
            when 'week' then cast(date_trunc('week', findings.event_date) as date)
            else cast(date_trunc('month', findings.event_date) as date)
        end as period_start,
        case findings.level when 'red' then 3 when 'orange' then 2 else 1 end as level_rank
    from findings
    cross join periods
    where findings.event_date is not null
),

scoped as (
    -- class alerts
    select 'class' as alert_scope, district_code, institution_id, class_id, *
        exclude (district_code, institution_id, class_id)
    from expanded
    where scope = 'class'
    union all
    -- institution: its own findings and the roll-up of its classes' (not X02)
    select 'institution', district_code, institution_id, null, *
        exclude (district_code, institution_id, class_id)
    from expanded
    where institution_id is not null and scope in ('class', 'institution')
    union all
    -- district: its own (W14, X02) and the roll-up of the rules W01-W17, O01-O04, D01-D02
    select 'district', district_code, null, null, *
        exclude (district_code, institution_id, class_id)
    from expanded
    where regexp_matches(rule_code, '^[WOD][0-9]') or scope = 'district'
    union all
    -- city: the roll-up of the rules W01-W17, O01-O04, D01-D02
    select 'city', '310000', null, null, *
        exclude (district_code, institution_id, class_id)
    from expanded
    where regexp_matches(rule_code, '^[WOD][0-9]')
),

grouped as (
    select
        rule_code,
        alert_scope as scope,
        district_code,
        institution_id,
        class_id,
        period,
        period_start,
        max(level_rank) as level_rank,
        count(*) as findings,
        count(distinct class_id) as classes,
        count(distinct institution_id) as institutions,
        count(*) filter (where level = 'red') as red,
        count(*) filter (where level = 'orange') as orange,
        count(*) filter (where level = 'yellow') as yellow,
        list(evidence order by event_date, evidence) as evidences
    from scoped
    group by all
),

final as (
    select
        md5(concat_ws('|', rule_code, scope,
            case scope
                when 'class' then district_code || ':' || class_id
                when 'institution' then district_code || ':' || institution_id
                else district_code
            end, period, period_start)) as alert_id,
        rule_code,
        case level_rank when 3 then 'red' when 2 then 'orange' else 'yellow' end as level,
        scope,
        district_code,
        institution_id,
        class_id,
        period,
        period_start,
        findings,
        case
            when scope in ('institution', 'district', 'city') and classes > 0
                then '涉及' || case when scope = 'city' then ' ' || institutions || ' 家机构、' else ' ' end
                    || classes || ' 个班级，'
            else ''
        end
        || case when findings > 1
            then '明细 ' || findings || ' 条（红 ' || red || '／橙 ' || orange || '／黄 ' || yellow || '）：'
            else '' end
        || array_to_string(list_slice(evidences, 1, {{ max_items }}), '；')
        || case when findings > {{ max_items }} then '；等 ' || findings || ' 条' else '' end
            as evidence,
        -- this build's start (Asia/Shanghai): first_seen_at of an alert not in the register yet
        cast('{{ run_local }}' as timestamp) as built_at
    from grouped
)

select * from final
