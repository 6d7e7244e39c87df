{#- Optional input photo_reuse: the camera source `cameras.photo_reuse` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}
{%- set src = source('cameras', 'photo_reuse') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set declared = graph.sources['source.skillwatch.cameras.photo_reuse'].meta.empty_schema if execute else {} -%}
{%- set columns = ['photo_a', 'photo_b', 'method', 'distance', 'reused', 'record_a', 'person_a', 'day_a', 'session_a', 'class_a', 'district_a', 'record_b', 'person_b', 'day_b', 'session_b', 'class_b', 'district_b', 'finding'] -%}

-- depends_on: {{ source('cameras', 'photo_reuse') }}

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
