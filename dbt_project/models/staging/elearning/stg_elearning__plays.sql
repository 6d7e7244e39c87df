{#- Optional source: before the e-learning export exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'plays') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.plays'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'plays') }}

with

source as (
    {% if lake_table is not none %}
    select * from {{ src }}
    {% else %}
    select
        {%- for name, type in columns.items() %}
        cast(null as {{ type }}) as {{ name }}{{ ',' if not loop.last }}
        {%- endfor %}
    where false
    {% endif %}
),

renamed as (
    select
        play_id,
        course_id,
        viewer_id,
        started_at,
        watched_seconds,
        duration_seconds,
        device
    from source
)

select * from renamed
