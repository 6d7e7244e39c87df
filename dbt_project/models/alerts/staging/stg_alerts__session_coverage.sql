{#- Optional input session_coverage: the camera source `cameras.session_coverage` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}
{%- set src = source('cameras', 'session_coverage') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set declared = graph.sources['source.skillwatch.cameras.session_coverage'].meta.empty_schema if execute else {} -%}
{%- set columns = ['session_id', 'class_id', 'district_code', 'institution_id', 'starts_at', 'ends_at', 'camera_ids', 'status', 'session_minutes', 'minutes_with_frames', 'coverage_share', 'frames', 'counted_frames', 'median_headcount', 'checked_in', 'tamper_states'] -%}

-- depends_on: {{ source('cameras', 'session_coverage') }}

with

source as (
    {% if lake_table is not none %}
    select
        {%- for column in columns %}
        "{{ column }}"{{ ',' if not loop.last }}
        {%- endfor %}
    from {{ src }}
    {% else %}
    select
        {%- for column in columns %}
        cast(null as {{ declared[column] }}) as "{{ column }}"{{ ',' if not loop.last }}
        {%- endfor %}
    where false
    {% endif %}
)

select * from source
