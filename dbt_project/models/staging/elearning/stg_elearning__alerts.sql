{#- Optional source: before the e-learning asset exists there is no lake view, and this
    is an empty relation of the columns declared in the source's meta.empty_schema. -#}
{%- set src = source('elearning', 'alerts') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.elearning.alerts'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('elearning', 'alerts') }}

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
        alert_id,
        rule_code,
        level,
        scope,
        district_code,
        institution_id,
        class_id,
        period,
        period_start,
        first_seen_at,
        status,
        evidence,
        risk_score
    from source
)

select * from renamed
