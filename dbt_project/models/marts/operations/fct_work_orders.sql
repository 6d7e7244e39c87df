-- 设备工单明细: every work order with its camera's district, open/done state and duration
with

orders as (
    select * from {{ ref('int_operations__work_orders') }}
),

final as (
    select
        order_id,
        camera_id,
        district_code,
        institution_id,
        camera_registered,
        order_kind,
        opened_at,
        closed_at,
        order_result,
        is_open,
        is_done,
        hours_open,
        order_kind = '维修' and is_done
            and hours_open <= {{ var('d01_repair_hours') }} as repaired_within_sla,
        opened_month,
        technician_masked,
        notes_masked,
        delivered_at
    from orders
)

select * from final
