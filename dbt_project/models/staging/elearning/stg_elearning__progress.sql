{#- Optional source: before the e-learning asset exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'progress') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.progress'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'progress') }}

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
        learner_id,
        course_id,
        course_hours,
        cast(scos_total as integer) as scos_total,
        cast(scos_started as integer) as scos_started,
        cast(scos_completed as integer) as scos_completed,
        cast(sessions as integer) as sessions,
        cast(launches as integer) as launches,
        learning_seconds / 3600.0 as learning_hours,
        seconds_to_complete / 3600.0 as hours_to_complete,
        first_activity_at,
        last_activity_at,
        completed as is_completed,
        completed_at,
        days_to_complete,
        score_raw,
        status as progress_status
    from source
)

select * from renamed
