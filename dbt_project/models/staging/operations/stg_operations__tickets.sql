{#- 客服工单: one row per service-desk ticket; the summary only in its masked form (names,
    phone numbers, ID numbers and e-mail addresses masked at ingest). -#}
with

source as (
    select * from {{ source('bronze_operations', 'tickets') }}
),

renamed as (
    select
        ticket_id,
        channel,
        category,
        district_code,
        opened_at,
        closed_at,
        status as ticket_status,
        satisfaction,
        summary_masked,
        {{ lineage_columns() }}
    from source
)

select * from renamed
