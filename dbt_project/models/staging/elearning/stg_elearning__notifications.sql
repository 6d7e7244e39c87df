{#- Optional source: before the e-learning export exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'notifications') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.notifications'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'notifications') }}

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
        notification_id,
        learner_id,
        channel,
        kind as notification_kind,
        sent_at,
        cast(sent_at as date) as sent_day,
        status as delivery_status
    from source
)

select * from renamed
