{#- 摄像机履历 The camera register's history joined with the work orders: one row per event
    of a camera's life - registered (the register's installed_on), and every completed
    安装 installation, 移机 relocation (closes the old site, opens the new) and 拆除
    removal order - in time order, with the site sequence number a relocation advances. -#}
with

cameras as (
    select * from {{ ref('dim_camera') }}
),

orders as (
    select * from {{ ref('int_operations__work_orders') }}
    where is_done and order_kind in ('安装', '移机', '拆除')
),

events as (
    select camera_id, district_code, split_part(institution_key, ':', 2) as institution_id,
        cast(installed_on as timestamp) as happened_at, 'registered' as event,
        cast(null as varchar) as order_id
    from cameras
    where installed_on is not null
    union all
    select camera_id, district_code, institution_id, closed_at,
        case order_kind when '安装' then 'installed' when '移机' then 'relocated'
            else 'removed' end,
        order_id
    from orders
),

final as (
    select
        camera_id,
        district_code,
        institution_id,
        happened_at,
        event,
        order_id,
        -- the site the camera stands at after this event: 1, then +1 per relocation
        1 + count(*) filter (where event = 'relocated') over (
            partition by camera_id order by happened_at, event
            rows between unbounded preceding and current row
        ) as site_number
    from events
)

select * from final
