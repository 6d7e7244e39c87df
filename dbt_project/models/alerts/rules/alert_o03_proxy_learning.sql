{#- O03 代学 proxy learning (red): one device, or one IP address (by its keyed pseudonym;
    shown masked), carrying learning records of var('o03_min_people') or more different
    people within var('o03_window_minutes') minutes (records starting in the window opened
    by any record's start). One finding per device or IP and day, at its fullest window;
    the class is that of the record opening the window. -#}
{{ config(schema='alerts') }}
with

records as (
    select * from {{ ref('fct_online_learning') }}
    where person_pseudo is not null and started_at is not null
),

carriers as (
    select record_key, record_id, district_code, institution_key, class_id, learning_date,
        started_at, person_pseudo, 'device' as carrier_kind, device_id as carrier,
        device_id as carrier_shown
    from records
    where device_id is not null
    union all
    select record_key, record_id, district_code, institution_key, class_id, learning_date,
        started_at, person_pseudo, 'ip', ip_pseudo, ip_masked
    from records
    where ip_pseudo is not null
),

windows as (
    select
        anchor.carrier_kind,
        anchor.carrier,
        anchor.record_key,
        count(distinct other.person_pseudo) as people,
        count(*) as window_records,
        count(distinct other.class_id) as classes
    from carriers as anchor
    inner join carriers as other
        on anchor.carrier_kind = other.carrier_kind
        and anchor.carrier = other.carrier
        and other.started_at >= anchor.started_at
        and other.started_at < anchor.started_at
            + interval {{ var('o03_window_minutes') }} minute
    group by anchor.carrier_kind, anchor.carrier, anchor.record_key
),

flagged as (
    select carriers.*, windows.people, windows.window_records, windows.classes
    from windows
    inner join carriers
        on windows.record_key = carriers.record_key
        and windows.carrier_kind = carriers.carrier_kind
    where windows.people >= {{ var('o03_min_people') }}
),

fullest as (
    select *
    from flagged
    qualify row_number() over (
        partition by carrier_kind, carrier, learning_date
        order by people desc, started_at, record_id
    ) = 1
),

final as (
    select
        'O03' as rule_code,
        'red' as level,
        'class' as scope,
        district_code,
        split_part(institution_key, ':', 2) as institution_id,
        class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        carrier_kind || '|' || carrier as subject_id,
        learning_date as event_date,
        case carrier_kind when 'device' then '设备 ' else 'IP ' end || carrier_shown || ' 于 '
            || strftime(started_at, '%Y-%m-%d %H:%M') || ' 起 '
            || {{ var('o03_window_minutes') }} || ' 分钟内承载 ' || people
            || ' 名不同学员的 ' || window_records || ' 条线上学习记录'
            || case when classes > 1 then '（涉及 ' || classes || ' 个班级）' else '' end
            as evidence
    from fullest
)

select * from final
