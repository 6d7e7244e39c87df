-- rejected rows with reasons and their original values, personal fields masked; the
-- encrypted original is never selected (see stg_district_feeds__quarantine)
with

quarantine as (
    select * from {{ ref('stg_district_feeds__quarantine') }}
),

reasons as (
    select * from {{ ref('contract_reasons') }}
),

final as (
    select
        quarantine.quarantine_key,
        quarantine.district_code,
        quarantine.feed,
        quarantine.delivery_file,
        quarantine.delivery_sha256,
        quarantine.delivery_row,
        quarantine.reason_codes,
        quarantine.first_reason_code,
        reasons.reason_zh as first_reason_zh,
        quarantine.reason_detail,
        quarantine.original_values_masked,
        quarantine.delivered_at,
        quarantine.quarantined_at,
        quarantine.run_id,
        quarantine.severity,
        quarantine.status,
        quarantine.is_current,
        quarantine.readmitted_at,
        quarantine.readmitted_run_id,
        quarantine.readmitted_by
    from quarantine
    left join reasons on quarantine.first_reason_code = reasons.reason_code
)

select * from final
