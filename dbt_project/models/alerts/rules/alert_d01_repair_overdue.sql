{#- D01 维修超时 repair overdue (yellow; orange beyond var('d01_orange_days') days):
    repair  - a repair (维修) work order open longer than var('d01_repair_hours') hours: still
              open at the end of the newest data day, or closed after that long (the service
              level was missed either way); dated the day it became overdue;
    offline - a camera offline longer than var('d01_offline_hours') hours (heartbeats) with
              no work order open at the moment the outage passed that mark.
    At the camera's institution (district-wide when neither the register nor the order
    names one). -#}
{{ config(schema='alerts') }}
with

orders as (
    select * from {{ ref('fct_work_orders') }}
),

intervals as (
    select * from {{ ref('stg_alerts__camera_offline_intervals') }}
    where source in ('heartbeat_offline', 'heartbeat_gap')
        and minutes > {{ var('d01_offline_hours') }} * 60
),

cameras as (
    select camera_id, min(district_code) as district_code,
        min(split_part(institution_key, ':', 2)) as institution_id
    from {{ ref('dim_camera') }}
    group by camera_id
),

late_repairs as (
    select *
    from orders
    where order_kind = '维修' and hours_open > {{ var('d01_repair_hours') }}
        and (is_open or is_done)
),

unattended as (
    select
        intervals.camera_id,
        intervals."start" as offline_from,
        intervals."end" as offline_to,
        intervals.minutes
    from intervals
    where not exists (
        select 1 from orders
        where orders.camera_id = intervals.camera_id
            and orders.opened_at <= intervals."start"
                + interval {{ var('d01_offline_hours') }} hour
            and (orders.closed_at is null or orders.closed_at
                >= intervals."start" + interval {{ var('d01_offline_hours') }} hour)
    )
),

findings as (
    select
        case when hours_open > 24 * {{ var('d01_orange_days') }} then 'orange' else 'yellow' end
            as level,
        district_code,
        institution_id,
        'repair|' || order_id as subject_id,
        cast(opened_at + interval {{ var('d01_repair_hours') }} hour as date) as event_date,
        '维修工单 ' || order_id || '（摄像机 ' || camera_id || '）于 '
            || strftime(opened_at, '%Y-%m-%d %H:%M') || ' 报修，'
            || case when is_open then '至今未修复，已 ' else '历时 ' end
            || round(hours_open, 1) || ' 小时' || case when is_open then '' else '方修复' end
            || '（时限 ' || {{ var('d01_repair_hours') }} || ' 小时）' as evidence
    from late_repairs
    union all
    select
        case when unattended.minutes > 24 * 60 * {{ var('d01_orange_days') }} then 'orange'
            else 'yellow' end,
        coalesce(cameras.district_code, '310000'),
        cameras.institution_id,
        'offline|' || unattended.camera_id || '|' || strftime(unattended.offline_from, '%Y%m%d%H%M'),
        cast(unattended.offline_from + interval {{ var('d01_offline_hours') }} hour as date),
        '摄像机 ' || unattended.camera_id || ' 自 ' || strftime(unattended.offline_from, '%Y-%m-%d %H:%M')
            || ' 起离线 ' || round(unattended.minutes / 60, 1) || ' 小时，超过 '
            || {{ var('d01_offline_hours') }} || ' 小时仍无在办工单'
    from unattended
    left join cameras on unattended.camera_id = cameras.camera_id
),

final as (
    select
        'D01' as rule_code,
        level,
        case when institution_id is not null then 'institution' else 'district' end as scope,
        district_code,
        institution_id,
        cast(null as varchar) as class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        subject_id,
        event_date,
        evidence
    from findings
)

select * from final
