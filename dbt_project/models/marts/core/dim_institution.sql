with

institutions as (
    select * from {{ ref('stg_district_feeds__institutions') }}
),

final as (
    select
        institution_key,
        district_code,
        institution_id,
        uscc,
        institution_name,
        registered_district_code,
        address,
        license_no,
        license_valid_until,
        institution_status,
        contact_phone_pseudo,
        contact_phone_masked,
        delivered_at
    from institutions
)

select * from final
