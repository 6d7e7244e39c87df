-- depends_on: {{ source('cameras', 'offline_intervals') }}

with

source as (
    {{ optional_source('cameras', 'offline_intervals') }}
),

renamed as (
    select
        camera_id,
        "start" as offline_from,
        "end" as offline_to,
        minutes as offline_minutes,
        source as detected_from,
        session_id
    from source
)

select * from renamed
