with

source as (
    select * from {{ source('bronze', 'quarantine') }}
),

renamed as (
    -- original_encrypted is deliberately not selected: ciphertext never leaves the lake
    select
        sha256 || ':' || row_number as quarantine_key,
        district_code,
        feed,
        file as delivery_file,
        sha256 as delivery_sha256,
        row_number as delivery_row,
        array_to_string(reason_codes, ';') as reason_codes,
        reason_codes[1] as first_reason_code,
        reason_detail,
        original_values as original_values_masked,
        delivered_at,
        quarantined_at,
        run_id,
        -- blocking rows wait for a corrected delivery; pending rows for their parent, and
        -- are re-admitted by ingest when it arrives (status 'readmitted', who and when)
        severity,
        status,
        status = 'quarantined' as is_current,
        readmitted_at,
        readmitted_run_id,
        readmitted_by,
        person_pseudo
    from source
)

select * from renamed
