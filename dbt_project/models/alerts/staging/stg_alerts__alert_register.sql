{#- Optional input alert_register: the lake table when it exists, else an empty relation of the
    columns declared in _alerts__sources.yml (meta.empty_schema). -#}
{{ config(schema='alerts') }}
{%- set src = source('alert_inputs', 'alert_register') -%}
{%- set lake_table = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
{%- set columns = graph.sources['source.skillwatch.alert_inputs.alert_register'].meta.empty_schema if execute else {} -%}

-- depends_on: {{ source('alert_inputs', 'alert_register') }}

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
        {%- for column, type in columns.items() %}
        cast(null as {{ type }}) as "{{ column }}"{{ ',' if not loop.last }}
        {%- endfor %}
    where false
    {% endif %}
)

select * from source
