with

source as (
    select * from {{ source('bronze', 'enrolments') }}
),

renamed as (
    select
        {{ district_key('enrolment_id') }} as enrolment_key,
        src_district_code as district_code,
        enrolment_id,
        {{ district_key('class_id') }} as class_key,
        id_number_pseudo as person_pseudo,
        id_number_masked,
        name_masked,
        phone_pseudo,
        phone_masked,
        enrolled_on,
        subsidy_eligible,
        {{ lineage_columns() }}
    from source
)

select * from renamed
