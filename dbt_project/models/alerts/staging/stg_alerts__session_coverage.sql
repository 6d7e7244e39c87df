{#- Optional input session_coverage: the camera source `cameras.session_coverage` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}

-- depends_on: {{ source('cameras', 'session_coverage') }}

with

source as (
    {{ optional_source('cameras', 'session_coverage', columns=['session_id', 'class_id', 'district_code', 'institution_id', 'starts_at', 'ends_at', 'camera_ids', 'status', 'session_minutes', 'minutes_with_frames', 'coverage_share', 'frames', 'counted_frames', 'median_headcount', 'checked_in', 'tamper_states']) }}
)

select * from source
