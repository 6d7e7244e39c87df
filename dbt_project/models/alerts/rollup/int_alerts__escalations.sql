{#- 升级 Escalation. X01: an institution with at least var('escalate_institution_min_red') red
    class alerts (distinct rule x class x day) within var('escalate_window_days') days gets
    an institution-level red finding on each day a red class alert keeps it over the bar.
    X02: a district with at least var('escalate_district_min_institutions') institutions
    escalated within the same window gets a district-level red finding. -#}
{{ config(schema='alerts') }}
with

red as (
    select distinct rule_code, district_code, institution_id, class_id, event_date
    from {{ ref('alert_findings') }}
    where level = 'red' and scope = 'class' and institution_id is not null
),

institution_windows as (
    select
        anchor.district_code,
        anchor.institution_id,
        anchor.event_date,
        count(distinct (recent.rule_code, recent.class_id, recent.event_date)) as red_alerts,
        count(distinct recent.class_id) as classes,
        string_agg(distinct recent.rule_code, '、' order by recent.rule_code) as rules
    from (select distinct district_code, institution_id, event_date from red) as anchor
    inner join red as recent
        on anchor.district_code = recent.district_code
        and anchor.institution_id = recent.institution_id
        and recent.event_date between anchor.event_date - {{ var('escalate_window_days') - 1 }}
            and anchor.event_date
    group by anchor.district_code, anchor.institution_id, anchor.event_date
),

x01 as (
    select *
    from institution_windows
    where red_alerts >= {{ var('escalate_institution_min_red') }}
),

district_windows as (
    select
        anchor.district_code,
        anchor.event_date,
        count(distinct recent.institution_id) as institutions,
        string_agg(distinct recent.institution_id, '、' order by recent.institution_id)
            as institution_list
    from (select distinct district_code, event_date from x01) as anchor
    inner join x01 as recent
        on anchor.district_code = recent.district_code
        and recent.event_date between anchor.event_date - {{ var('escalate_window_days') - 1 }}
            and anchor.event_date
    group by anchor.district_code, anchor.event_date
),

final as (
    select
        'X01' as rule_code,
        'red' as level,
        'institution' as scope,
        district_code,
        institution_id,
        cast(null as varchar) as class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        cast(null as varchar) as subject_id,
        event_date,
        '机构 ' || institution_id || ' 近 {{ var("escalate_window_days") }} 天（截至 ' || event_date
            || '）有 ' || red_alerts || ' 条红色班级预警，涉及 ' || classes || ' 个班级（' || rules
            || '），升级为机构红色预警' as evidence
    from x01
    union all
    select
        'X02', 'red', 'district', district_code, null, null, null, null, null, event_date,
        '近 {{ var("escalate_window_days") }} 天（截至 ' || event_date || '）本区有 ' || institutions
            || ' 家机构升级为红色预警（' || institution_list || '），升级为区级红色预警'
    from district_windows
    where institutions >= {{ var('escalate_district_min_institutions') }}
)

select * from final
