with

source as (
    select * from {{ source('bronze', 'subsidy_claims') }}
),

renamed as (
    select
        {{ district_key('claim_id') }} as claim_key,
        src_district_code as district_code,
        claim_id,
        {{ district_key('enrolment_id') }} as enrolment_key,
        {{ district_key('class_id') }} as class_key,
        id_number_pseudo as person_pseudo,
        id_number_masked,
        amount as amount_yuan,
        claimed_on,
        cert_no,
        {{ lineage_columns() }}
    from source
)

select * from renamed
