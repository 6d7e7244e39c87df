{#- W10 机构资质异常 institution not licensed (red): a class runs (has a session) on a day when
    its institution's licence has expired or its status is 暂停/注销.

    Status and licence are taken as of each session's day: the bronze table keeps only the
    latest row of an institution (latest delivery wins), so a suspension delivered mid-class
    would otherwise condemn the class's earlier sessions too. The versions come from
    silver/institution_status_history (every archived institutions delivery,
    pipelines/alerts/history.py) plus the current row; a version is in effect from
    effective_from (the data day of the nightly file: delivered_at - 12 h). A session before
    the first known version uses the earliest one. -#}
{{ config(schema='alerts') }}
with

sessions as (
    select * from {{ ref('fct_sessions') }}
),

classes as (
    select * from {{ ref('dim_class') }}
),

history as (
    select
        district_code || ':' || institution_id as institution_key,
        institution_status,
        license_valid_until,
        effective_from
    from {{ ref('stg_alerts__institution_status_history') }}
),

current_rows as (
    select
        institution_key,
        institution_status,
        license_valid_until,
        cast(delivered_at - interval 12 hour as date) as effective_from
    from {{ ref('dim_institution') }}
),

versions as (
    select * from history
    union
    select * from current_rows
),

as_of as (
    select
        sessions.session_key,
        sessions.session_id,
        sessions.class_key,
        sessions.session_date,
        versions.institution_status,
        versions.license_valid_until,
        versions.effective_from
    from sessions
    inner join versions on sessions.institution_key = versions.institution_key
    qualify row_number() over (
        partition by sessions.session_key
        order by
            (versions.effective_from <= sessions.session_date) desc,
            case when versions.effective_from <= sessions.session_date
                then versions.effective_from end desc nulls last,
            versions.effective_from,
            -- two versions on one day: the stricter one (a suspension beats a contact update)
            (versions.institution_status in ('暂停', '注销')) desc
    ) = 1
),

bad as (
    select
        class_key,
        count(*) as sessions,
        min(session_date) as first_day,
        max(session_date) as last_day,
        arg_min(institution_status, session_date) as institution_status,
        arg_min(license_valid_until, session_date) as license_valid_until
    from as_of
    where license_valid_until < session_date or institution_status in ('暂停', '注销')
    group by class_key
),

final as (
    select
        'W10' as rule_code,
        'red' as level,
        'class' as scope,
        classes.district_code,
        split_part(classes.institution_key, ':', 2) as institution_id,
        classes.class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        split_part(classes.institution_key, ':', 2) as subject_id,
        bad.first_day as event_date,
        '班级 ' || classes.class_id || ' 自 ' || bad.first_day || ' 起有 ' || bad.sessions
            || ' 个课次在机构 ' || split_part(classes.institution_key, ':', 2) || ' 资质异常期间开课（'
            || case
                when bad.institution_status in ('暂停', '注销')
                    then '机构状态：' || bad.institution_status
                else '办学许可证有效期至 ' || bad.license_valid_until
            end || '）' as evidence
    from bad
    inner join classes on bad.class_key = classes.class_key
)

select * from final
