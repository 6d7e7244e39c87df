{#- 设备工单: one row per camera work order (the operator's city-wide delivery). The
    technician only masked; the notes with names and phone numbers masked (at ingest). -#}
with

source as (
    select * from {{ source('bronze_operations', 'work_orders') }}
),

renamed as (
    select
        order_id,
        camera_id,
        nullif(trim(institution_id), '') as institution_id,
        kind as order_kind,
        opened_at,
        closed_at,
        result as order_result,
        technician_masked,
        notes_masked,
        {{ lineage_columns() }}
    from source
)

select * from renamed
