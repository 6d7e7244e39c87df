{#- A source that may not exist yet (a silver table before its asset first ran, dq_results
    before the first validation): its rows when the lake has it, otherwise an empty relation
    of the columns declared in the source's meta.empty_schema, so everything downstream
    builds and simply has no rows. The calling model keeps a `-- depends_on:` line. -#}
{% macro optional_source(source_name, table_name) -%}
    {%- set src = source(source_name, table_name) -%}
    {%- set relation = adapter.get_relation(src.database, src.schema, src.identifier) if execute else none -%}
    {%- if relation is not none -%}
    select * from {{ src }}
    {%- else -%}
    {%- set node = graph.sources['source.skillwatch.' ~ source_name ~ '.' ~ table_name] if execute else none -%}
    {%- set columns = node.meta.empty_schema if node is not none else {} -%}
    select
        {%- for name, type in columns.items() %}
        cast(null as {{ type }}) as {{ adapter.quote(name) if name == 'check' else name }}{{ ',' if not loop.last }}
        {%- endfor %}
        {%- if not columns %} null as no_columns{% endif %}
    where false
    {%- endif -%}
{%- endmacro %}
