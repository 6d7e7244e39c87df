{#- Optional input camera_health: the camera source `cameras.health` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}

-- depends_on: {{ source('cameras', 'health') }}

with

source as (
    {{ optional_source('cameras', 'health', columns=['camera_id', 'day', 'frames', 'heartbeats']) }}
)

select * from source
