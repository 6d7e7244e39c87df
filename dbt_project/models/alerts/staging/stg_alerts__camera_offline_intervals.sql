{#- Optional input camera_offline_intervals: the camera source `cameras.offline_intervals` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}

-- depends_on: {{ source('cameras', 'offline_intervals') }}

with

source as (
    {{ optional_source('cameras', 'offline_intervals', columns=['camera_id', 'start', 'end', 'minutes', 'source', 'session_id']) }}
)

select * from source
