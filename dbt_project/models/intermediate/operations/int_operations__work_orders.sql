{#- Work orders placed in the city: the camera's district and institution from the register
    (the operator delivers city-wide; a camera id is looked up in every district's register),
    else the order's own institution; how long each has been or was open, up to the end of the
    newest data day. An order is open while closed_at is blank, and a repair closed as 未完成
    is still unrepaired. -#}
with

orders as (
    select * from {{ ref('stg_operations__work_orders') }}
),

cameras as (
    select
        camera_id,
        min(district_code) as district_code,
        min(split_part(institution_key, ':', 2)) as institution_id,
        min(installed_on) as installed_on,
        min(camera_status) as camera_status
    from {{ ref('dim_camera') }}
    group by camera_id
),

institutions as (
    select institution_id, min(district_code) as district_code
    from {{ ref('dim_institution') }}
    group by institution_id
),

as_of as (
    select cast(as_of_date + interval 1 day as timestamp) as as_of_end
    from {{ ref('int_alerts__as_of') }}
),

final as (
    select
        orders.order_id,
        orders.camera_id,
        coalesce(cameras.district_code, institutions.district_code, '310000') as district_code,
        coalesce(cameras.institution_id, orders.institution_id) as institution_id,
        cameras.camera_id is not null as camera_registered,
        orders.order_kind,
        orders.opened_at,
        orders.closed_at,
        orders.order_result,
        orders.closed_at is null
            or (orders.order_kind = '维修' and orders.order_result = '未完成') as is_open,
        orders.closed_at is not null and coalesce(orders.order_result, '完成') <> '未完成'
            as is_done,
        round(date_diff('minute', orders.opened_at,
            coalesce(orders.closed_at, as_of.as_of_end)) / 60.0, 2) as hours_open,
        cast(date_trunc('month', orders.opened_at) as date) as opened_month,
        orders.technician_masked,
        orders.notes_masked,
        orders.delivered_at
    from orders
    cross join as_of
    left join cameras on orders.camera_id = cameras.camera_id
    left join institutions on orders.institution_id = institutions.institution_id
)

select * from final
