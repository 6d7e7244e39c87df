-- 未完成工单: the orders open at the end of the newest data day, oldest first, with their age
with

orders as (
    select * from {{ ref('int_operations__work_orders') }}
    where is_open
),

final as (
    select
        order_id,
        camera_id,
        district_code,
        institution_id,
        order_kind,
        opened_at,
        order_result,
        hours_open,
        order_kind = '维修' and hours_open > {{ var('d01_repair_hours') }} as repair_overdue,
        technician_masked,
        notes_masked
    from orders
)

select * from final
