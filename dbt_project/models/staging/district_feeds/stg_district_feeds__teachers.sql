with

source as (
    select * from {{ source('bronze', 'teachers') }}
),

renamed as (
    select
        {{ district_key('teacher_id') }} as teacher_key,
        src_district_code as district_code,
        teacher_id,
        {{ district_key('institution_id') }} as institution_key,
        id_number_pseudo as person_pseudo,
        id_number_masked,
        name_masked,
        occupation_code,
        cert_no,
        cert_level,
        cert_valid_until,
        {{ lineage_columns() }}
    from source
)

select * from renamed
