{#- 巡检覆盖 per registered camera: installed (在用) or not, its last completed patrol (巡检)
    and whether that falls within var('d02_patrol_days') of the end of the newest data day
    (the service level: every installed camera patrolled once a year). -#}
with

cameras as (
    select * from {{ ref('dim_camera') }}
),

patrols as (
    select camera_id, max(closed_at) as last_patrol_at, count(*) as patrols
    from {{ ref('int_operations__work_orders') }}
    where order_kind = '巡检' and is_done
    group by camera_id
),

as_of as (
    select * from {{ ref('int_alerts__as_of') }}
),

final as (
    select
        cameras.camera_key,
        cameras.district_code,
        cameras.camera_id,
        split_part(cameras.institution_key, ':', 2) as institution_id,
        cameras.camera_status,
        cameras.camera_status = '在用' as is_installed,
        cameras.installed_on,
        coalesce(patrols.patrols, 0) as patrols,
        patrols.last_patrol_at,
        coalesce(cast(patrols.last_patrol_at as date)
            > as_of.as_of_date - {{ var('d02_patrol_days') }}, false) as patrolled_in_window,
        -- when the next patrol is (was) due: a year after the last, or after installation
        cast(coalesce(cast(patrols.last_patrol_at as date), cameras.installed_on)
            + {{ var('d02_patrol_days') }} as date) as patrol_due_on
    from cameras
    cross join as_of
    left join patrols on cameras.camera_id = patrols.camera_id
)

select * from final
