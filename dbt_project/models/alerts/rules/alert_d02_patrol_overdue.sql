{#- D02 巡检逾期 patrol overdue (yellow): an installed (在用) camera with no completed patrol
    (巡检) within var('d02_patrol_days') days of the newest data day, whose patrol was due (a
    year after its last patrol, or after its installation). Dated the day it fell due, so
    the alert keeps its identity run after run. Judged only once work orders have been
    delivered at all: without them every camera would look overdue (alert_rule_status says
    no_data instead). -#}
{{ config(schema='alerts') }}
with

cameras as (
    select * from {{ ref('fct_camera_patrols') }}
),

as_of as (
    select * from {{ ref('int_alerts__as_of') }}
),

final as (
    select
        'D02' as rule_code,
        'yellow' as level,
        case when cameras.institution_id <> '' then 'institution' else 'district' end as scope,
        cameras.district_code,
        nullif(cameras.institution_id, '') as institution_id,
        cast(null as varchar) as class_id,
        cast(null as varchar) as session_id,
        cast(null as varchar) as enrolment_id,
        cameras.camera_id as subject_id,
        cameras.patrol_due_on as event_date,
        '摄像机 ' || cameras.camera_id || case when cameras.last_patrol_at is null
                then '（' || cameras.installed_on || ' 安装）从未完成巡检'
                else ' 最近一次巡检为 ' || cast(cameras.last_patrol_at as date) end
            || '，应于 ' || cameras.patrol_due_on || ' 前巡检（每 ' || {{ var('d02_patrol_days') }}
            || ' 天至少一次）' as evidence
    from cameras
    cross join as_of
    where cameras.is_installed
        and not cameras.patrolled_in_window
        and cameras.patrol_due_on <= as_of.as_of_date
        and exists (select 1 from {{ ref('fct_work_orders') }})
)

select * from final
