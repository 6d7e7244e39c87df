-- 巡检覆盖率 per district: installed cameras patrolled within var('d02_patrol_days') days.
-- Without any work order delivered there is nothing to measure: no rows (mart_status says
-- no_data), rather than a coverage of 0 that only reflects the missing feed.
with

cameras as (
    select * from {{ ref('fct_camera_patrols') }}
    where is_installed
        and exists (select 1 from {{ ref('int_operations__work_orders') }})
),

final as (
    select
        district_code,
        count(*) as installed_cameras,
        count(*) filter (where patrolled_in_window) as patrolled_cameras,
        round(count(*) filter (where patrolled_in_window) / count(*), 4) as patrol_coverage
    from cameras
    group by district_code
)

select * from final
