{#- Optional input camera_health: the camera source `cameras.health` (declared with the camera
    marts in models/staging/cameras) projected to the columns the rules read; an empty relation
    of its declared schema until the lake table exists. -#}
{{ config(schema='alerts') }}
{%- set src = source('cameras', 'health') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set declared = graph.sources['source.skillwatch.cameras.health'].meta.empty_schema if execute else {} -%}
{%- set columns = ['camera_id', 'day', 'frames', 'heartbeats'] -%}

-- depends_on: {{ source('cameras', 'health') }}

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
