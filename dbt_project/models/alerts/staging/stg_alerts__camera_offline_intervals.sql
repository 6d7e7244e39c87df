{#- Optional input camera_offline_intervals: the camera source `cameras.offline_intervals` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}
{%- set src = source('cameras', 'offline_intervals') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set declared = graph.sources['source.skillwatch.cameras.offline_intervals'].meta.empty_schema if execute else {} -%}
{%- set columns = ['camera_id', 'start', 'end', 'minutes', 'source', 'session_id'] -%}

-- depends_on: {{ source('cameras', 'offline_intervals') }}

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
