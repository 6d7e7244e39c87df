with

source as (
    select * from {{ source('bronze', 'institutions') }}
),

renamed as (
    select
        {{ district_key('institution_id') }} as institution_key,
        src_district_code as district_code,
        institution_id,
        uscc,
        name as institution_name,
        -- the district the institution says it belongs to (所属区), may differ from the sender
        district_code as registered_district_code,
        address,
        license_no,
        license_valid_until,
        status as institution_status,
        contact_phone_pseudo,
        contact_phone_masked,
        {{ lineage_columns() }}
    from source
)

select * from renamed
