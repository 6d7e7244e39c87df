{#- Optional source: before the e-learning export exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'events') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.events'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'events') }}

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
        event_id,
        learner_id,
        course_id,
        sco_id,
        ts as event_at,
        cast(ts as date) as event_day,
        event as event_type,
        lesson_status,
        session_time as session_seconds,
        score_raw
    from source
)

select * from renamed
