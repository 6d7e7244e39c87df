with

source as (
    select * from {{ source('bronze', 'cameras') }}
),

renamed as (
    select
        {{ district_key('camera_id') }} as camera_key,
        src_district_code as district_code,
        camera_id,
        {{ district_key('institution_id') }} as institution_key,
        room,
        sim_iccid,
        installed_on,
        status as camera_status,
        {{ lineage_columns() }}
    from source
)

select * from renamed
