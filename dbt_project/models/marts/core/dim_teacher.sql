with

teachers as (
    select * from {{ ref('stg_district_feeds__teachers') }}
),

final as (
    select
        teacher_key,
        district_code,
        teacher_id,
        institution_key,
        person_pseudo,
        id_number_masked,
        name_masked,
        occupation_code,
        cert_no,
        cert_level,
        cert_valid_until,
        delivered_at
    from teachers
)

select * from final
