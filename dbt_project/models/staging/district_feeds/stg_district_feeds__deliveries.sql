with

source as (
    select * from {{ source('bronze', 'deliveries') }}
),

renamed as (
    select
        sha256 || ':' || file as delivery_key,
        file as delivery_file,
        sha256 as delivery_sha256,
        district_code,
        feed,
        format as file_format,
        encoding,
        header_lang,
        size_bytes,
        rows_read,
        rows_accepted,
        rows_quarantined,
        status as delivery_status,
        reason as file_reason_code,
        detail,
        array_to_string(unknown_columns, ';') as unknown_columns,
        data_day_min,
        data_day_max,
        late_rows,
        delivered_at,
        ingested_at,
        run_id
    from source
)

select * from renamed
