{#- 巡检覆盖 per installed-or-registered camera: installed (在用) or not, its last completed
    patrol (巡检) and whether that falls within var('d02_patrol_days') of the end of the
    newest data day (the service level: every installed camera patrolled once a year).
    The cameras are the district register's, plus those the operator's completed 安装 orders
    installed that the register does not list (yet): the operator's own record of an
    installation is enough to owe it a patrol (acceptance, 2026-12-04: work orders without a
    district register left every camera unjudged). -#}
with

registered as (
    select
        camera_key,
        district_code,
        camera_id,
        institution_key,
        camera_status,
        installed_on
    from {{ ref('dim_camera') }}
),

installed_by_orders as (
    -- the latest of a camera's completed 安装 / 拆除 orders decides: installed or removed
    select
        district_code || ':' || camera_id as camera_key,
        district_code,
        camera_id,
        district_code || ':' || arg_max(institution_id, closed_at) as institution_key,
        case when arg_max(order_kind, closed_at) = '安装' then '在用' else '停用' end
            as camera_status,
        cast(min(closed_at) filter (where order_kind = '安装') as date) as installed_on
    from {{ ref('int_operations__work_orders') }}
    where is_done and order_kind in ('安装', '拆除') and camera_id is not null
    group by district_code, camera_id
    having count(*) filter (where order_kind = '安装') > 0
),

cameras as (
    select * from registered
    union all
    select * from installed_by_orders
    where camera_id not in (select camera_id from registered)
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
