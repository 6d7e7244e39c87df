{#- Optional source: before the e-learning export exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'courses') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.courses'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'courses') }}

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
        course_id,
        title as course_title,
        hours as course_hours,
        kind as course_kind,
        public as is_public
    from source
)

select * from renamed
