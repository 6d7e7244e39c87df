with

classes as (
    select * from {{ ref('stg_district_feeds__classes') }}
),

final as (
    select
        class_key,
        district_code,
        class_id,
        institution_key,
        occupation_code,
        occupation_name,
        training_level,
        training_mode,
        filed_on,
        start_date,
        end_date,
        cast(date_trunc('month', start_date) as date) as start_month,
        date_diff('day', start_date, end_date) + 1 as period_days,
        planned_hours,
        capacity,
        site_address,
        camera_ids,
        len(string_split(nullif(camera_ids, ''), ';')) as cameras_listed,
        delivered_at
    from classes
)

select * from final
