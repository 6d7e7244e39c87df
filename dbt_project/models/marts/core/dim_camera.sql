with

cameras as (
    select * from {{ ref('stg_district_feeds__cameras') }}
),

final as (
    select
        camera_key,
        district_code,
        camera_id,
        institution_key,
        room,
        sim_iccid,
        installed_on,
        camera_status,
        delivered_at
    from cameras
)

select * from final
