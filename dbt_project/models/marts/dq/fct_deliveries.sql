with

deliveries as (
    select * from {{ ref('stg_district_feeds__deliveries') }}
),

reasons as (
    select * from {{ ref('contract_reasons') }}
),

final as (
    select
        deliveries.delivery_key,
        deliveries.delivery_file,
        deliveries.delivery_sha256,
        deliveries.district_code,
        deliveries.feed,
        deliveries.file_format,
        deliveries.encoding,
        deliveries.header_lang,
        deliveries.size_bytes,
        deliveries.rows_read,
        deliveries.rows_accepted,
        deliveries.rows_quarantined,
        deliveries.rows_read = deliveries.rows_accepted + deliveries.rows_quarantined
            as is_balanced,
        deliveries.delivery_status,
        deliveries.file_reason_code,
        reasons.reason_zh as file_reason_zh,
        deliveries.detail,
        deliveries.unknown_columns,
        deliveries.data_day_min,
        deliveries.data_day_max,
        deliveries.late_rows,
        deliveries.delivered_at,
        cast(deliveries.delivered_at as date) as delivered_on,
        deliveries.ingested_at,
        deliveries.run_id
    from deliveries
    left join reasons on deliveries.file_reason_code = reasons.reason_code
)

select * from final
