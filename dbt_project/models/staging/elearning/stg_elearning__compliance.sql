{#- Optional source: before the e-learning asset exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'compliance') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.compliance'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'compliance') }}

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
        year,
        district_code,
        institution_id,
        cast(courses_started as integer) as courses_started,
        cast(courses_completed as integer) as courses_completed,
        credited_hours,
        learning_hours,
        required_hours,
        met as is_met,
        shortfall_hours
    from source
)

select * from renamed
