{#- Optional input photo_reuse: the camera source `cameras.photo_reuse` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}

-- depends_on: {{ source('cameras', 'photo_reuse') }}

with

source as (
    {{ optional_source('cameras', 'photo_reuse', columns=['photo_a', 'photo_b', 'method', 'distance', 'reused', 'record_a', 'person_a', 'day_a', 'session_a', 'class_a', 'district_a', 'record_b', 'person_b', 'day_b', 'session_b', 'class_b', 'district_b', 'finding']) }}
)

select * from source
